"""Token login for the pages: the token is checked once and kept in the signed session."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from registry.errors import Unauthorized
from registry.services.tokens import authenticate
from registry.web.auth import SESSION_KEY
from registry.web.common import get_session
from registry.web.csrf import rotate_csrf_token
from registry.web.i18n import gettext as _
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
    get_session().commit()  # keeps the token's last-used time
    session.clear()
    session[SESSION_KEY] = secret
    rotate_csrf_token()
    return redirect(target)


def logout() -> Response:
    """POST: forget the token."""
    session.clear()
    return redirect(url_for("ui.index"))
