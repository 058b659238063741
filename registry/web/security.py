"""Response headers for every answer: security headers and gzip (registered from api.py)."""

from __future__ import annotations

from flask import Flask, Response, request

from registry.errors import InvalidInput, NotFound
from registry.web.caching import compress_response, init_cache

#: The largest id our ``Integer`` primary keys hold: PostgreSQL's ``integer`` is 32 bits.
MAX_ID = 2**31 - 1
#: The longest query parameter (name and value) any route takes.
MAX_QUERY_CHARS = 1000

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


def reject_unusable_input() -> None:
    """Refuse input no database can take before a view passes it on.

    PostgreSQL rejects NUL characters in text and integers beyond its 32-bit ``integer``
    columns; both would otherwise end as a 500 deep inside a query. Over-long parameters are
    refused too: no route takes one.
    """
    args = request.view_args or {}
    for name, value in args.items():
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            raise NotFound(f"no such {name}", [{"field": name, "value": str(value)}])
        if isinstance(value, str) and "\x00" in value and request.endpoint != "badges.badge":
            raise NotFound(f"no such {name}", [{"field": name, "message": "contains NUL"}])
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            raise InvalidInput(
                "query parameters must not contain NUL characters",
                [{"field": name.replace("\x00", ""), "message": "contains NUL"}],
            )
        if len(name) + len(value) > MAX_QUERY_CHARS:
            # Also keeps int() and version parsing away from numbers of thousands of digits.
            raise InvalidInput(
                f"query parameters must be at most {MAX_QUERY_CHARS} characters",
                [{"field": name[:100], "message": f"longer than {MAX_QUERY_CHARS} characters"}],
            )


def init_app(app: Flask) -> None:
    """Install the response cache, the input guard and the after-request hooks on the app."""
    init_cache(app)
    app.before_request(reject_unusable_input)
    app.after_request(compress_response)
    app.after_request(add_security_headers)
