"""Experience reports: what a municipality did to adopt a module, the effort, what to watch.

Only a deployment token writes one, and only about a module its deployment states that it
runs. A report of a private deployment is shown without the deployment's name (its contact
is shown only when the deployment chose to give one). Admins review and hide reports.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import Forbidden, NotFound
from registry.models import Deployment, Module, Report
from registry.services.events import bump, record_event
from registry.services.knowledge import BODY_MAX, SCOPE, Body, review_dict
from registry.services.tokens import Principal

PUBLISHED = "report-published"
FIELDS = ("title", "body", "version", "personDays", "contact")
CONTACT_FIELDS = ("name", "role", "email")
MAX_PERSON_DAYS = 10_000


def runs_module(deployment: Deployment, slug: str) -> bool:
    """Whether the deployment's document states that it runs module ``slug``."""
    return slug in ((deployment.document or {}).get("modules") or {})


def reporting_deployment(session: Session, principal: Principal, slug: str) -> Deployment:
    """The caller's deployment, if it may report on module ``slug``; Forbidden otherwise."""
    if principal.role != "deployment" or principal.deployment_id is None:
        raise Forbidden("experience reports are written with a deployment's own token")
    deployment = session.get(Deployment, principal.deployment_id)
    if deployment is None or not runs_module(deployment, slug):
        raise Forbidden(
            f"deployment {principal.deployment_id} does not run module {slug!r}: "
            "a deployment reports only on modules it runs (add it to its modules first)"
        )
    return deployment


def list_reports(session: Session, module: Module, principal: Principal | None) -> list[Report]:
    """The module's reports the caller may see, newest first."""
    query = select(Report).where(Report.module_id == module.id)
    if principal is None or not principal.is_admin:
        query = query.where(Report.hidden.is_(False))
    return list(session.scalars(query.order_by(Report.created_at.desc(), Report.id.desc())))


def get_report(session: Session, report_id: int, principal: Principal | None) -> Report:
    """The report; NotFound when there is none or it is hidden from the caller."""
    report = session.get(Report, report_id)
    if report is None or (report.hidden and not (principal and principal.is_admin)):
        raise NotFound(f"no report {report_id}", [{"field": "id", "value": report_id}])
    return report


def create_report(
    session: Session, module: Module, deployment: Deployment, data: Any, principal: Principal
) -> Report:
    """Store a report from ``{"title", "body", "version", "personDays", "contact"?}``."""
    body = Body(data, FIELDS)
    title = body.text("title")
    text = body.text("body", max_length=BODY_MAX)
    version = body.text("version", max_length=64)
    person_days = body.number("personDays", low=0, high=MAX_PERSON_DAYS)
    contact = _contact(body)
    known = {r.version for r in module.releases}
    if version and known and version not in known:
        body.problem("version", f"module {module.slug!r} has no release {version!r}")
    body.check("the report is not valid")
    report = Report(
        module=module,
        deployment_id=deployment.id,
        title=title,
        body=text,
        version=version,
        person_days=person_days,
        contact=contact,
        author_token_id=principal.token_id,
    )
    session.add(report)
    session.flush()
    record_event(
        session,
        PUBLISHED,
        module=module.slug,
        version=version,
        # A private deployment's report is a public event without the deployment.
        deployment=None if deployment.visibility == "private" else deployment.id,
        data={"report": report.id, "title": title, "author": author_name(report, deployment)},
    )
    bump(session, SCOPE)
    return report


def _contact(body: Body) -> dict[str, str] | None:
    raw = body.data.get("contact")
    if raw is None:
        return None
    contact = Body(raw, CONTACT_FIELDS)
    values = {
        "name": contact.text("name"),
        "role": contact.text("role", required=False),
        "email": contact.email("email", required=False),
    }
    for problem in contact.problems:
        where = f"contact.{problem['field']}" if problem["field"] else "contact"
        body.problem(where, problem["message"])
    return values


def author_name(report: Report, deployment: Deployment | None) -> str | None:
    """The reporting deployment's name, or None when it is private (or gone)."""
    if deployment is None or deployment.visibility == "private":
        return None
    return deployment.name


def report_dict(report: Report, deployment: Deployment | None) -> dict[str, Any]:
    """A report as the API shows it; a private deployment is neither named nor linked."""
    name = author_name(report, deployment)
    return {
        "id": report.id,
        "module": report.module.slug,
        "title": report.title,
        "body": report.body,
        "version": report.version,
        "personDays": report.person_days,
        "contact": report.contact,
        "deployment": (
            {"id": deployment.id, "name": name, "state": deployment.state}
            if deployment is not None and name is not None
            else None
        ),
        "reviewed": review_dict(report),
        "hidden": report.hidden,
        "createdAt": report.created_at.isoformat(),
    }


def deployments_of(session: Session, reports: list[Report]) -> dict[int, Deployment]:
    """The deployments that wrote ``reports``, by id (one query)."""
    ids = {r.deployment_id for r in reports}
    if not ids:
        return {}
    rows = session.scalars(select(Deployment).where(Deployment.id.in_(ids)))
    return {d.id: d for d in rows}
