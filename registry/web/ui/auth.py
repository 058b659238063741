"""Token login for the pages: the token is checked once; a server-side session remembers it."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from registry.errors import Unauthorized
from registry.services.tokens import authenticate, hash_token
from registry.web.common import get_session
from registry.web.i18n import gettext as _
from registry.web.sessions import end_login, start_login
from registry.web.ui.links import safe_next


def login() -> str | Response:
    """GET shows the form; POST checks the token and remembers it in the session."""
    target = safe_next(request.values.get("next"), url_for("ui.deployment_list"))
    if request.method == "GET":
        return render_template("ui/login.html", next=target, error=None)
    secret = request.form.get("token", "").strip()
    error = None
    if not secret:
        error = _("Enter your token.")
    else:
        try:
            authenticate(get_session(), secret)
        except Unauthorized:
            error = _("This token is not valid or was revoked.")
    if error:
        return render_template("ui/login.html", next=target, error=error), 400  # type: ignore[return-value]
    # A new session id (and with it a new CSRF token): an id seen before login is worthless.
    start_login(get_session(), hash_token(secret))
    get_session().commit()
    return redirect(target)


def logout() -> Response:
    """POST: end the login (its row is deleted, the browser gets a new anonymous id)."""
    end_login(get_session())
    get_session().commit()
    return redirect(url_for("ui.index"))
