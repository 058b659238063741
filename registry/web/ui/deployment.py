"""Deployment pages: list, verdicts per module with reasons and upgrade plan, what-if, and the
create/edit form (token login, CSRF, problems shown beside the fields, nothing stored on error).
"""

from __future__ import annotations

import copy
from typing import Any

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from registry.errors import InvalidInput
from registry.models import Deployment
from registry.services import advisories
from registry.services import deployments as service
from registry.services.summary import changed_versions, compare, summarize
from registry.services.tokens import Principal
from registry.web.auth import current_principal
from registry.web.common import get_session
from registry.web.ui import queries, verdicts
from registry.web.ui.deployment_form import (
    DeploymentForm,
    apply_problems,
    document_from_form,
    empty_form,
    form_from_document,
    form_from_request,
)


def deployment_list() -> str:
    """GET /deployments: the deployments the caller may see."""
    principal = current_principal()
    return render_template(
        "ui/deployments.html",
        deployments=queries.visible_deployments(get_session(), principal),
        may_create=principal is not None and principal.may_create_deployment(),
    )


def deployment_page(deployment_id: int) -> str:
    """GET /deployments/<id>: what the deployment can adopt, why not, what to do first."""
    session = get_session()
    principal = current_principal()
    deployment = service.get_deployment(session, deployment_id, principal)
    answers = verdicts.for_deployment(session, deployment)
    installed = queries.installed_modules(deployment)
    return render_template(
        "ui/deployment.html",
        deployment=deployment,
        document=deployment.document or {},
        installed=installed,
        groups=_grouped(answers, installed),
        affected=advisories.running_affected(session, installed),
        summary=summarize(answers, installed),
        notices=verdicts.notices_for(session, deployment.document or {}),
        modules=queries.modules_by_slug(session),
        names=queries.display_names(session),
        may_edit=_may_edit(principal, deployment),
    )


def what_if(deployment_id: int) -> ResponseReturnValue:
    """GET /deployments/<id>/what-if?app=4.3.0&mainserver.capabilities=a,b: what would change."""
    session = get_session()
    deployment = service.get_deployment(session, deployment_id, current_principal())
    document = hypothetical(deployment.document or {}, request.args)
    page = {
        "deployment": deployment,
        "document": document,
        "modules": queries.modules_by_slug(session),
        "names": queries.display_names(session),
    }
    try:
        document = service.validated_document(document, "<what-if>")
    except InvalidInput as error:
        return render_template("ui/what_if.html", problems=error.details, **page), 400
    notices = verdicts.notices_for(session, document)
    return render_template(
        "ui/what_if.html", problems=[], notices=notices, **page, **_changes(deployment, document)
    )


def _changes(deployment: Deployment, document: dict[str, Any]) -> dict[str, Any]:
    """What the hypothetical ``document`` changes against the stored deployment: the verdict
    differences and, per component whose version moves, the upgrade report."""
    session = get_session()
    upgrades = [
        verdicts.component_upgrade(session, deployment, name, version)
        for name, version in changed_versions(deployment.document or {}, document)
    ]
    changes = compare(
        verdicts.for_deployment(session, deployment), verdicts.for_document(session, document)
    )
    # Modules the deployment runs are described by the upgrade report; listing them again
    # under "another version" would say the same thing twice.
    if upgrades:
        installed = queries.installed_modules(deployment)
        changes["newer"] = [pair for pair in changes["newer"] if pair[1]["module"] not in installed]
    return {"changes": changes, "upgrades": upgrades}


def deployment_new() -> ResponseReturnValue:
    """GET/POST /deployments/new (needs a login with a deployment or admin token)."""
    principal = current_principal()
    if principal is None or not principal.may_create_deployment():
        return _login_first(principal)
    if request.method == "GET":
        return render_template("ui/deployment_form.html", form=empty_form(), deployment=None)
    form = form_from_request(request.form)
    document = _checked(form, None)
    if document is None:
        return render_template("ui/deployment_form.html", form=form, deployment=None), 400
    deployment = service.create_deployment(get_session(), document, principal)
    get_session().commit()
    return redirect(url_for("ui.deployment_page", deployment_id=deployment.id, saved=1))


def deployment_edit(deployment_id: int) -> ResponseReturnValue:
    """GET/POST /deployments/<id>/edit (the deployment's own token or an admin)."""
    session = get_session()
    principal = current_principal()
    deployment = service.get_deployment(session, deployment_id, principal)
    if not _may_edit(principal, deployment):
        return _login_first(principal)
    if request.method == "GET":
        form = form_from_document(deployment.document or {})
        return render_template("ui/deployment_form.html", form=form, deployment=deployment)
    form = form_from_request(request.form)
    document = _checked(form, deployment_id)
    if document is None:
        return render_template("ui/deployment_form.html", form=form, deployment=deployment), 400
    service.update_deployment(session, deployment_id, document)
    session.commit()
    return redirect(url_for("ui.deployment_page", deployment_id=deployment_id, saved=1))


def hypothetical(document: dict[str, Any], args: Any) -> dict[str, Any]:
    """A copy of ``document`` with the component versions and capabilities of the query
    (``app=4.3.0``, ``mainserver.capabilities=a,b`` adds capabilities)."""
    changed = copy.deepcopy(document)
    components = changed.setdefault("components", {})
    for key, raw in args.items():
        value = raw.strip()
        if not value or key in ("lang",):
            continue
        name, _, part = key.partition(".")
        current = components.get(name)
        if part == "capabilities":
            entry = (
                current if isinstance(current, dict) else ({"version": current} if current else {})
            )
            words = [w for w in value.replace(",", " ").split() if w]
            entry["capabilities"] = sorted({*(entry.get("capabilities") or []), *words})
            components[name] = entry
        elif not part:
            if isinstance(current, dict):
                current.pop("commit", None)
                current["version"] = value
            else:
                components[name] = value
    return changed


def _checked(form: DeploymentForm, deployment_id: int | None) -> dict[str, Any] | None:
    """The document when the form and the service find no problem; else None (form has them)."""
    document = document_from_form(form)
    try:
        document = service.checked_document(get_session(), document, deployment_id=deployment_id)
    except InvalidInput as error:
        apply_problems(form, error.details)
    return None if form.has_errors else document


def _grouped(
    answers: list[dict[str, Any]], installed: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {"installed": [], "adoptable": [], "blocked": []}
    for answer in answers:
        if answer["module"] in installed:
            groups["installed"].append(answer)
        elif answer.get("adoptable"):
            groups["adoptable"].append(answer)
        elif answer.get("newest"):
            groups["blocked"].append(answer)
    return groups


def _may_edit(principal: Principal | None, deployment: Deployment) -> bool:
    return principal is not None and principal.may_write_deployment(deployment.id)


def _login_first(principal: Principal | None) -> ResponseReturnValue:
    if principal is None:
        return redirect(url_for("ui.login", next=request.full_path.rstrip("?")))
    # The page explains a 403 in the reader's language; no further detail to add.
    return render_template("error.html", status=403, code="forbidden", message=""), 403
