"""Links that keep the current query (filters, language) while changing one part of it."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request


def url_with(**changes: str | None) -> str:
    """The current URL with some query parameters set (None or "" removes one)."""
    args = dict(request.args.items())
    for key, value in changes.items():
        if value in (None, ""):
            args.pop(key, None)
        else:
            args[key] = str(value)
    query = urlencode(sorted(args.items()))
    return request.path + (f"?{query}" if query else "")


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default``: no open redirects."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default
