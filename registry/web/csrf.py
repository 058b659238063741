"""CSRF protection for the pages' forms: every POST form echoes a token bound to the browser.

The token is an HMAC of the browser's random session id (registry/web/sessions.py) with the
app's secret key, so every worker and node that shares the key checks it alike and nothing is
stored for it. Comparing with ``hmac.compare_digest`` keeps the check constant-time.
"""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import BadRequest

from registry.web.i18n import gettext as _
from registry.web.sessions import csrf_token, is_valid_csrf

FIELD = "csrf_token"
__all__ = ["FIELD", "CSRFError", "csrf_token", "validate_csrf"]


class CSRFError(BadRequest):
    """A form arrived without the browser's CSRF token (expired session or a forged request)."""

    # The error code of the error page and JSON answer ("csrf-token-missing").
    name = "CSRF token missing"


def validate_csrf() -> None:
    """Raise CSRFError (400) unless the form's token matches the browser's."""
    if not is_valid_csrf(request.form.get(FIELD, "")):
        raise CSRFError(_("The form has expired or was not sent from this site. Please try again."))
