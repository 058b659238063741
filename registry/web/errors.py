"""One mapping from error class to HTTP status, and one JSON error shape.

Errors are ``{"error": {"code", "message", "details": [...]}}`` for the API; pages get an HTML
error page with the same message.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from registry.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RegistryError,
    Unauthorized,
)

log = logging.getLogger(__name__)


class UnsupportedMediaType(InvalidInput):
    """A body sent with another content type than the route takes (415)."""

    code = "unsupported-media-type"


class PreconditionFailed(RegistryError):
    """``If-Match`` named another version of the resource than the stored one (412)."""

    code = "precondition-failed"


STATUS = {
    UnsupportedMediaType: 415,
    PreconditionFailed: 412,
    NotFound: 404,
    Conflict: 409,
    InvalidInput: 400,
    Unauthorized: 401,
    Forbidden: 403,
}


def status_of(error: RegistryError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def error_response(status: int, code: str, message: str, details: list | None = None) -> Response:
    if _wants_html():
        html = render_template(
            "error.html", status=status, code=code, message=message, details=details or []
        )
        return Response(html, status=status, mimetype="text/html")
    response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="sva-registry"'
    return response


def _wants_html() -> bool:
    if request.path.startswith(("/api/", "/badges/", "/healthz")):
        return False
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "text/html"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(RegistryError)
    def registry_error(error: RegistryError) -> Response:
        return error_response(status_of(error), error.code, error.message, error.details)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        code = (error.name or "error").lower().replace(" ", "-")
        response = error_response(error.code or 500, code, error.description or "", [])
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal-error", "internal server error", [])
