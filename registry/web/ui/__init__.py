"""Server-rendered pages (German by default, English on request).

One module per page family; the route table is here so that every URL is visible at a glance.
Forms POST with a CSRF token (checked for every POST of this blueprint).
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request
from sqlalchemy import text

from registry import shapes
from registry.errors import Unauthorized
from registry.web.auth import current_principal
from registry.web.common import get_session
from registry.web.contract import operation
from registry.web.csrf import csrf_token, validate_csrf
from registry.web.i18n import init_i18n
from registry.web.sessions import finish_response
from registry.web.ui import activity, auth, catalogue, components, deployment, knowledge, module
from registry.web.ui.health import health_reason
from registry.web.ui.labels import topic_label
from registry.web.ui.links import url_with
from registry.web.ui.reasons import (
    describe_event,
    explain_notice,
    explain_reason,
    explain_step,
    group_words,
)
from registry.web.ui.sources import source_title

ui = Blueprint("ui", __name__)


@operation("Liveness and database check", tag="meta", ok=shapes.Liveness)
def healthz() -> Response:
    get_session().execute(text("SELECT 1"))
    return jsonify({"status": "ok"})


ROUTES = (
    ("/", catalogue.index, ("GET",)),
    ("/healthz", healthz, ("GET",)),
    ("/modules/<slug>", module.module_page, ("GET",)),
    ("/modules/<slug>/reports/new", knowledge.new_report, ("GET", "POST")),
    ("/guides/<int:guide_id>", knowledge.guide_page, ("GET",)),
    ("/guides/<int:item_id>/moderate", knowledge.moderate_guide, ("POST",)),
    ("/reports/<int:report_id>", knowledge.report_page, ("GET",)),
    ("/reports/<int:item_id>/moderate", knowledge.moderate_report, ("POST",)),
    ("/components", components.components_page, ("GET",)),
    ("/activity", activity.activity_page, ("GET",)),
    ("/deployments", deployment.deployment_list, ("GET",)),
    ("/deployments/new", deployment.deployment_new, ("GET", "POST")),
    ("/deployments/<int:deployment_id>", deployment.deployment_page, ("GET",)),
    ("/deployments/<int:deployment_id>/edit", deployment.deployment_edit, ("GET", "POST")),
    ("/deployments/<int:deployment_id>/what-if", deployment.what_if, ("GET",)),
    ("/deployments/<int:deployment_id>/onboarding", knowledge.onboarding_page, ("GET",)),
    ("/deployments/<int:deployment_id>/onboarding/<slug>", knowledge.checklist_page, ("GET",)),
    (
        "/deployments/<int:deployment_id>/onboarding/<slug>/steps/<path:step>",
        knowledge.tick_step,
        ("POST",),
    ),
    ("/login", auth.login, ("GET", "POST")),
    ("/logout", auth.logout, ("POST",)),
)

for rule, view, methods in ROUTES:
    ui.add_url_rule(rule, view_func=view, methods=list(methods))


@ui.before_request
def _check_csrf() -> None:
    if request.method == "POST":
        validate_csrf()


@ui.app_context_processor
def _principal() -> dict[str, object]:
    if request.path.startswith("/api/"):
        return {"principal": None}
    try:
        return {"principal": current_principal()}
    except Unauthorized:
        return {"principal": None}


@ui.record_once
def _setup(state: object) -> None:
    app: Flask = state.app  # type: ignore[attr-defined]
    init_i18n(app)
    app.after_request(finish_response)
    app.jinja_env.globals.update(
        csrf_token=csrf_token,
        url_with=url_with,
        explain_reason=explain_reason,
        explain_step=explain_step,
        explain_notice=explain_notice,
        describe_event=describe_event,
        group_words=group_words,
        topic_label=topic_label,
        health_reason=health_reason,
        source_title=source_title,
    )
    app.jinja_env.filters.update(markdown=knowledge.markdown, excerpt=knowledge.excerpt)
