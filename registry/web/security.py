"""Response headers for every answer: security headers and gzip (registered from api.py)."""

from __future__ import annotations

from flask import Flask, Response

from registry.web.caching import compress_response, init_cache

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    # Only our own origin: no inline script, no third-party assets, never framed.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Install the response cache and the after-request hooks on the whole app."""
    init_cache(app)
    app.after_request(compress_response)
    app.after_request(add_security_headers)
