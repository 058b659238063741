"""Pages of the community knowledge: a guide, a report, and the knowledge on the module page."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from registry.errors import Forbidden, InvalidInput, RegistryError
from registry.markdown import plain_text, render_markdown
from registry.metadata.profile import PROFILE_FIELDS
from registry.models import Deployment, Module
from registry.serialize import sorted_releases
from registry.services import catalog, contacts, guides, onboarding, reports
from registry.services import deployments as deployment_service
from registry.services.knowledge import moderate
from registry.web.auth import current_principal
from registry.web.common import get_session, get_settings


def markdown(text: str) -> Markup:
    """Jinja filter: Markdown as sanitized HTML (safe to insert)."""
    return Markup(render_markdown(text))  # noqa: S704  (nh3 sanitized it)


def excerpt(text: str) -> str:
    """Jinja filter: the first words a Markdown text shows."""
    return plain_text(text, 200)


def module_knowledge(session: Session, module: Module, near: Deployment | None) -> dict[str, Any]:
    """What the module page shows of the community's knowledge about ``module``."""
    principal = current_principal()
    listed = reports.list_reports(session, module, principal)
    own = None
    if principal is not None and principal.deployment_id is not None:
        own = session.get(Deployment, principal.deployment_id)
    return {
        "profile_fields": [f for f in PROFILE_FIELDS if (module.profile or {}).get(f.key)],
        "guides": guides.list_guides(session, module, principal),
        "reports": listed,
        "report_authors": reports.deployments_of(session, listed),
        "offers": contacts.module_contacts(session, module, near.state if near else None),
        "community": contacts.community_dict(get_settings().community),
        "may_report": own is not None and reports.runs_module(own, module.slug),
    }


def guide_page(guide_id: int) -> str:
    """GET /guides/<id>: one guide, rendered, with where it came from and its revisions."""
    session = get_session()
    guide = guides.get_guide(session, guide_id, current_principal())
    return render_template("ui/guide.html", guide=guide, module=guide.module)


def report_page(report_id: int) -> str:
    """GET /reports/<id>: one experience report."""
    session = get_session()
    report = reports.get_report(session, report_id, current_principal())
    author = session.get(Deployment, report.deployment_id)
    return render_template(
        "ui/report.html",
        report=report,
        module=report.module,
        author=reports.author_name(report, author),
    )


def moderate_guide(item_id: int) -> Response:
    """POST /guides/<id>/moderate: an admin's review or hide button."""
    return _moderate("guide", item_id)


def moderate_report(item_id: int) -> Response:
    """POST /reports/<id>/moderate: an admin's review or hide button."""
    return _moderate("report", item_id)


def _moderate(kind: str, item_id: int) -> Response:
    principal = current_principal()
    if principal is None or not principal.is_admin:
        raise Forbidden("only admins review or hide")
    session = get_session()
    if kind == "guide":
        item: Any = guides.get_guide(session, item_id, principal)
    else:
        item = reports.get_report(session, item_id, principal)
    action = request.form.get("action", "")
    changes = {
        "review": {"reviewed": True},
        "unreview": {"reviewed": False},
        "hide": {"hidden": True},
        "show": {"hidden": False},
    }
    if action not in changes:
        abort(400)
    moderate(session, item, changes[action], principal)
    session.commit()
    return redirect(url_for(f"ui.{kind}_page", **{f"{kind}_id": item_id}))


def new_report(slug: str) -> Response | tuple[str, int]:
    """GET|POST /modules/<slug>/reports/new: a deployment writes an experience report."""
    session = get_session()
    module = catalog.get_module(session, slug)
    principal = current_principal()
    if principal is None:
        return redirect(url_for("ui.login", next=request.full_path.rstrip("?")))
    deployment = reports.reporting_deployment(session, principal, slug)
    form: dict[str, Any] = {"fields": dict(request.form), "errors": {}}
    if request.method == "POST":
        try:
            report = reports.create_report(
                session, module, deployment, _report_body(request.form), principal
            )
        except InvalidInput as error:
            session.rollback()
            form["errors"] = _errors_by_field(error)
        else:
            session.commit()
            return redirect(url_for("ui.report_page", report_id=report.id))
    releases = [r.version for r in sorted_releases(module.releases)]
    installed = ((deployment.document or {}).get("modules") or {}).get(slug)
    html = render_template(
        "ui/report_form.html",
        module=module,
        deployment=deployment,
        form=form,
        releases=releases,
        installed=installed,
    )
    return html, 400 if form["errors"] else 200


def _report_body(form: Any) -> dict[str, Any]:
    """The API body of a report from the form's fields (the service checks them)."""
    body: dict[str, Any] = {key: form.get(key, "") for key in ("title", "body", "version")}
    raw_days = form.get("personDays", "").replace(",", ".").strip()
    try:
        body["personDays"] = float(raw_days) if raw_days else None
    except ValueError:
        body["personDays"] = raw_days
    if form.get("contact_name", "").strip():
        body["contact"] = {
            "name": form.get("contact_name", ""),
            "role": form.get("contact_role", ""),
            "email": form.get("contact_email", ""),
        }
    return body


def _errors_by_field(error: RegistryError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for detail in error.details:
        if isinstance(detail, dict):
            field = str(detail.get("field") or "form").replace("contact.", "contact_")
            found.setdefault(field, []).append(str(detail.get("message", "")))
    return found


def onboarding_page(deployment_id: int) -> Response | str:
    """GET /deployments/<id>/onboarding: the progress of every module the deployment adopts."""
    from registry.web.knowledge import checklist_for  # noqa: PLC0415  (the API builds it)

    session = get_session()
    deployment = deployment_service.get_deployment(session, deployment_id, current_principal())
    chosen = request.args.get("module", "").strip()
    if chosen:
        return redirect(url_for("ui.checklist_page", deployment_id=deployment_id, slug=chosen))
    lists = [checklist_for(deployment, m.slug) for m in onboarding.adopting(session, deployment)]
    modules = catalog.list_modules(session, limit=2000).items
    return render_template(
        "ui/onboarding.html", deployment=deployment, checklists=lists, modules=modules
    )


def checklist_page(deployment_id: int, slug: str) -> str:
    """GET /deployments/<id>/onboarding/<slug>: the checklist, with tick boxes for its token."""
    from registry.web.knowledge import checklist_for  # noqa: PLC0415  (the API builds it)

    session = get_session()
    principal = current_principal()
    deployment = deployment_service.get_deployment(session, deployment_id, principal)
    checklist = checklist_for(deployment, slug)
    return render_template(
        "ui/checklist.html",
        deployment=deployment,
        module=checklist.module,
        checklist=checklist,
        may_tick=principal is not None and principal.may_write_deployment(deployment_id),
    )


def tick_step(deployment_id: int, slug: str, step: str) -> Response:
    """POST /deployments/<id>/onboarding/<slug>/steps/<step>: tick or untick one step."""
    from registry.web.knowledge import checklist_for  # noqa: PLC0415  (the API builds it)

    session = get_session()
    principal = current_principal()
    if principal is None:
        return redirect(url_for("ui.login", next=request.path))
    deployment = deployment_service.get_deployment(session, deployment_id, principal)
    if not principal.may_write_deployment(deployment_id):
        raise Forbidden(f"this token may not act for deployment {deployment_id}")
    checklist = checklist_for(deployment, slug)
    done = request.form.get("done") == "true"
    onboarding.mark_step(session, checklist, step, {"done": done}, principal.token_id)
    session.commit()
    target = url_for("ui.checklist_page", deployment_id=deployment_id, slug=slug)
    return redirect(f"{target}#step-{step.replace(':', '-')}")
