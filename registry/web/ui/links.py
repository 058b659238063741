"""Links that keep the current query (filters, language) while changing one part of it."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

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
    """``target`` when it is a path on this site, else ``default``: no open redirects.

    Browsers drop tabs and newlines from URLs and read ``\\`` as ``/``, so ``/\t/evil.example/``
    would lead to ``//evil.example/``: any control character, space or backslash disqualifies
    a target, and what is left must parse as a path without scheme or host.
    """
    if not target or not target.startswith("/") or _UNSAFE.search(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return default
    return target


_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")
