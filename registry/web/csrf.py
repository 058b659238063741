"""CSRF protection for the pages' forms: a per-session secret echoed in every POST form.

The token lives in the signed Flask session; a POST must send it back in the ``csrf_token``
field. Comparing with ``hmac.compare_digest`` keeps the check constant-time.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session
from werkzeug.exceptions import BadRequest

from registry.web.i18n import gettext as _

SESSION_KEY = "csrf"
FIELD = "csrf_token"


class CSRFError(BadRequest):
    """A form arrived without the session's CSRF token (expired session or a forged request)."""

    # The error code of the error page and JSON answer ("csrf-token-missing").
    name = "CSRF token missing"


def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def rotate_csrf_token() -> str:
    """A new token, e.g. after login, so a token seen before login is worthless afterwards."""
    token = secrets.token_urlsafe(32)
    session[SESSION_KEY] = token
    return token


def validate_csrf() -> None:
    """Raise CSRFError (400) unless the form's token matches the session's."""
    expected = session.get(SESSION_KEY)
    sent = request.form.get(FIELD, "")
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise CSRFError(_("The form has expired or was not sent from this site. Please try again."))
