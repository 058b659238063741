"""Helpers shared by the blueprints: the request's session, settings, JSON answers."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy.orm import Session

from registry.config import Settings
from registry.db import begin_write

#: Methods whose requests write: their transaction takes SQLite's write lock when it begins.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def get_session() -> Session:
    """The database session of this request (closed at teardown, never committed here).

    A writing request's transaction begins as a writer (BEGIN IMMEDIATE on SQLite), so that
    concurrent writers queue for the lock instead of failing with "database is locked".
    """
    if "db_session" not in g:
        session = current_app.extensions["registry.sessions"]()
        if request.method in WRITE_METHODS:
            begin_write(session)
        g.db_session = session
    return g.db_session


def get_settings() -> Settings:
    return current_app.config["SETTINGS"]


def public_base_url() -> str:
    """Where absolute links point: ``[server] base_url``, else the host this request was sent to.

    Answers that contain it must be cached per value (``extra_key``).
    """
    return get_settings().server.base_url.rstrip("/") or request.host_url.rstrip("/")


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
