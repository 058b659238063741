"""Knowledge API (``/api/v1``): guides, experience reports, contacts and onboarding checklists."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from registry.markdown import render_markdown
from registry.models import Deployment, Guide
from registry.services import catalog, contacts, guides, onboarding, reports
from registry.services import compatibility as compat
from registry.services import deployments as deployment_service
from registry.services.knowledge import moderate
from registry.services.tokens import Principal
from registry.web.api import json_body
from registry.web.auth import current_principal, require, require_principal
from registry.web.caching import cached_json
from registry.web.common import get_session, get_settings, json_response
from registry.web.deployments import _compat_cache

knowledge = Blueprint("knowledge", __name__, url_prefix="/api/v1")
# Guides and reports change in "knowledge"; module lookups and deployments in the others.
SCOPES = ("catalog", "deployments", "knowledge")


def _viewer_key(principal: Principal | None) -> int | None:
    # Admins also see hidden guides and reports: their answers are cached apart.
    return principal.token_id if principal is not None and principal.is_admin else None


def _created(body: dict[str, Any], location: str) -> Response:
    response = json_response(body, status=201)
    response.headers["Location"] = location
    return response


# ---- guides -------------------------------------------------------------------------------


@knowledge.get("/modules/<slug>/guides")
def module_guides(slug: str) -> Response:
    principal = current_principal()

    def build() -> dict[str, Any]:
        module = catalog.get_module(get_session(), slug)
        items = guides.list_guides(get_session(), module, principal)
        return {"module": slug, "items": [guides.guide_dict(g, with_body=False) for g in items]}

    return cached_json(SCOPES, build, principal_key=_viewer_key(principal))


@knowledge.post("/modules/<slug>/guides")
def create_guide(slug: str) -> Response:
    principal = require_principal()
    session = get_session()
    module = catalog.get_module(session, slug)
    require(principal.may_write_module(slug), f"this token may not write guides of {slug!r}")
    guide = guides.create_guide(session, module, json_body(), principal)
    session.commit()
    return _created(_guide_answer(guide), f"/api/v1/guides/{guide.id}")


def _guide_answer(guide: Guide) -> dict[str, Any]:
    return {**guides.guide_dict(guide), "html": render_markdown(guide.body)}


@knowledge.get("/guides/<int:guide_id>")
def get_guide(guide_id: int) -> Response:
    principal = current_principal()

    def build() -> dict[str, Any]:
        return _guide_answer(guides.get_guide(get_session(), guide_id, principal))

    return cached_json(SCOPES, build, principal_key=_viewer_key(principal))


@knowledge.get("/guides/<int:guide_id>/revisions")
def guide_revisions(guide_id: int) -> Response:
    principal = current_principal()

    def build() -> dict[str, Any]:
        guide = guides.get_guide(get_session(), guide_id, principal)
        items = [{**guides.revision_dict(r), "body": r.body} for r in guide.revisions]
        return {"guide": guide.id, "items": items}

    return cached_json(SCOPES, build, principal_key=_viewer_key(principal))


def _writable_guide(guide_id: int) -> tuple[Guide, Principal]:
    principal = require_principal()
    guide = guides.get_guide(get_session(), guide_id, principal)
    slug = guide.module.slug
    require(principal.may_write_module(slug), f"this token may not change guides of {slug!r}")
    return guide, principal


@knowledge.put("/guides/<int:guide_id>")
def update_guide(guide_id: int) -> Response:
    guide, principal = _writable_guide(guide_id)
    guides.update_guide(get_session(), guide, json_body(), principal)
    get_session().commit()
    return json_response(_guide_answer(guide))


@knowledge.delete("/guides/<int:guide_id>")
def delete_guide(guide_id: int) -> Response:
    guide, _ = _writable_guide(guide_id)
    guides.delete_guide(get_session(), guide)
    get_session().commit()
    return Response(status=204)


@knowledge.put("/guides/<int:guide_id>/moderation")
def moderate_guide(guide_id: int) -> Response:
    principal = require_principal()
    require(principal.is_admin, "only admins review or hide guides")
    guide = guides.get_guide(get_session(), guide_id, principal)
    moderate(get_session(), guide, json_body(), principal)
    get_session().commit()
    return json_response(_guide_answer(guide))


# ---- reports ------------------------------------------------------------------------------


@knowledge.get("/modules/<slug>/reports")
def module_reports(slug: str) -> Response:
    principal = current_principal()

    def build() -> dict[str, Any]:
        session = get_session()
        items = reports.list_reports(session, catalog.get_module(session, slug), principal)
        authors = reports.deployments_of(session, items)
        return {
            "module": slug,
            "items": [reports.report_dict(r, authors.get(r.deployment_id)) for r in items],
        }

    return cached_json(SCOPES, build, principal_key=_viewer_key(principal))


@knowledge.post("/modules/<slug>/reports")
def create_report(slug: str) -> Response:
    principal = require_principal()
    session = get_session()
    module = catalog.get_module(session, slug)
    deployment = reports.reporting_deployment(session, principal, slug)
    report = reports.create_report(session, module, deployment, json_body(), principal)
    session.commit()
    return _created(reports.report_dict(report, deployment), f"/api/v1/reports/{report.id}")


@knowledge.get("/reports/<int:report_id>")
def get_report(report_id: int) -> Response:
    principal = current_principal()

    def build() -> dict[str, Any]:
        session = get_session()
        report = reports.get_report(session, report_id, principal)
        return reports.report_dict(report, session.get(Deployment, report.deployment_id))

    return cached_json(SCOPES, build, principal_key=_viewer_key(principal))


@knowledge.put("/reports/<int:report_id>/moderation")
def moderate_report(report_id: int) -> Response:
    principal = require_principal()
    require(principal.is_admin, "only admins review or hide reports")
    session = get_session()
    report = reports.get_report(session, report_id, principal)
    moderate(session, report, json_body(), principal)
    session.commit()
    return json_response(reports.report_dict(report, session.get(Deployment, report.deployment_id)))


# ---- contacts -----------------------------------------------------------------------------


@knowledge.get("/modules/<slug>/contacts")
def module_contacts(slug: str) -> Response:
    """Contacts nearest first to ``?state=XX`` or to the state of ``?deployment=<id>``."""
    principal = current_principal()
    near = _near_state(principal)

    def build() -> dict[str, Any]:
        module = catalog.get_module(get_session(), slug)
        offers = contacts.module_contacts(get_session(), module, near)
        return {
            "module": slug,
            "near": near,
            "items": [contacts.offer_dict(o) for o in offers],
            "community": contacts.community_dict(get_settings().community),
        }

    return cached_json(SCOPES, build)


def _near_state(principal: Principal | None) -> str | None:
    state = (request.args.get("state") or "").strip().upper() or None
    raw = request.args.get("deployment", "")
    if raw.isdigit():
        found = deployment_service.get_deployment(get_session(), int(raw), principal)
        state = found.state
    return state


def _own_deployment(deployment_id: int) -> tuple[Deployment, Principal]:
    principal = require_principal()
    found = deployment_service.get_deployment(get_session(), deployment_id, principal)
    require(
        principal.may_write_deployment(deployment_id),
        f"this token may not act for deployment {deployment_id}",
    )
    return found, principal


@knowledge.put("/deployments/<int:deployment_id>/contacts/<slug>")
def offer_contact(deployment_id: int, slug: str) -> Response:
    deployment, _ = _own_deployment(deployment_id)
    session = get_session()
    module = catalog.get_module(session, slug)
    contact, created = contacts.offer_contact(session, deployment, module, json_body())
    session.commit()
    offer = contacts.Offer(contact, deployment, 0)
    return json_response(contacts.offer_dict(offer), status=201 if created else 200)


@knowledge.delete("/deployments/<int:deployment_id>/contacts/<slug>")
def withdraw_contact(deployment_id: int, slug: str) -> Response:
    deployment, _ = _own_deployment(deployment_id)
    session = get_session()
    contacts.withdraw_contact(session, deployment, catalog.get_module(session, slug))
    session.commit()
    return Response(status=204)


# ---- onboarding ---------------------------------------------------------------------------


def checklist_for(deployment: Deployment, slug: str) -> onboarding.Checklist:
    """The onboarding checklist of ``deployment`` for module ``slug`` (NotFound if unknown)."""
    session = get_session()
    module = catalog.get_module(session, slug)
    state = compat.state_from_document(deployment.document)
    verdict = compat.module_answer(_compat_cache(), session, state, slug)
    settings = get_settings()
    licenses = (deployment.document or {}).get("licenses")
    policy = frozenset(licenses if licenses is not None else settings.policy.allowed_licenses)
    return onboarding.build_checklist(
        session, deployment, module, verdict, community=settings.community, policy=policy
    )


@knowledge.get("/deployments/<int:deployment_id>/onboarding/<slug>")
def onboarding_checklist(deployment_id: int, slug: str) -> Response:
    principal = current_principal()
    found = deployment_service.get_deployment(get_session(), deployment_id, principal)
    private = principal.token_id if found.visibility == "private" and principal else None
    return cached_json(SCOPES, lambda: checklist_for(found, slug).to_dict(), principal_key=private)


@knowledge.put("/deployments/<int:deployment_id>/onboarding/<slug>/steps/<path:step>")
def mark_onboarding_step(deployment_id: int, slug: str, step: str) -> Response:
    deployment, principal = _own_deployment(deployment_id)
    checklist = checklist_for(deployment, slug)
    marked = onboarding.mark_step(get_session(), checklist, step, json_body(), principal.token_id)
    get_session().commit()
    return json_response(marked.to_dict())
