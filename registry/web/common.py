"""Helpers shared by the blueprints: the request's session, settings, JSON answers, query ints."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy.orm import Session

from registry.config import Settings
from registry.errors import InvalidInput


def get_session() -> Session:
    """The database session of this request (closed at teardown, never committed here)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["registry.sessions"]()
    return g.db_session


def get_settings() -> Settings:
    return current_app.config["SETTINGS"]


def json_response(data: Any, status: int = 200, last_modified: datetime | None = None) -> Response:
    """A JSON answer with ETag (hash of the body) and Last-Modified; 304 when it matches."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    response = Response(body, status=status, mimetype="application/json")
    if status != 200 or request.method != "GET":
        return response
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified.astimezone(UTC).replace(microsecond=0)
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within bounds, or InvalidInput naming it."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(
            f"query parameter {name!r} must be an integer",
            [{"field": name, "message": f"not an integer: {raw!r}"}],
        ) from None
    if not low <= value <= high:
        raise InvalidInput(
            f"query parameter {name!r} must be between {low} and {high}",
            [{"field": name, "message": f"out of range: {value}"}],
        )
    return value
