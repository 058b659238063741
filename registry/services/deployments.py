"""Deployments: register, edit, remove and read a municipality's installation.

A deployment is stored as its validated deployment document (schemas/README.md) plus key columns.
Validation reports every problem at once and nothing is stored when there is any. Private
deployments are visible only to admins and to the deployment's own token.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version
from sqlalchemy import false, func, or_, select, update
from sqlalchemy.orm import Session

from registry.compat.ranges import parse_version
from registry.db import utcnow
from registry.errors import Conflict, InvalidInput, NotFound
from registry.metadata.deployment import deployment_from_document
from registry.metadata.loader import Document
from registry.metadata.problems import Problem
from registry.models import ApiToken, Deployment, Module, Release
from registry.services.events import bump, record_event
from registry.services.tokens import Principal

log = logging.getLogger(__name__)

ADDED = "deployment-added"
OPTIONS_CHANGED = "deployment-options-changed"
REMOVED = "deployment-removed"


@dataclass(frozen=True)
class DeploymentPage:
    """One page of deployments the caller may see."""

    items: list[Deployment]
    total: int
    limit: int
    offset: int


def validated_document(data: Any, filename: str = "<request>") -> dict[str, Any]:
    """The deployment document ``data`` after validation; InvalidInput listing every problem."""
    document, problems = deployment_from_document(Document(filename, data))
    if problems or document is None:
        raise InvalidInput(
            f"the deployment document has {len(problems)} problem(s)",
            problems,
        )
    return document


def checked_document(
    session: Session,
    data: Any,
    filename: str = "<request>",
    *,
    deployment_id: int | None = None,
) -> dict[str, Any]:
    """The document after validation and the checks against the registry (the form, the API
    and the files share them): every module must be a known module (else "did you mean"),
    every installed version a known release of it unless marked as a local build
    (``4.2.1+local``: a PEP 440 local version label), and the AGS must not belong to another
    deployment. InvalidInput lists every problem of both kinds."""
    document, problems = deployment_from_document(Document(filename, data))
    if document is not None:
        problems.extend(registry_problems(session, document, filename, deployment_id))
    if problems or document is None:
        raise InvalidInput(f"the deployment document has {len(problems)} problem(s)", problems)
    return document


def registry_problems(
    session: Session,
    document: dict[str, Any],
    filename: str = "<request>",
    deployment_id: int | None = None,
) -> list[Problem]:
    """What the registry knows is not real in a (validated) document: unknown modules,
    versions that are no release, an AGS another deployment uses."""
    problems = _module_problems(session, document.get("modules"), filename)
    ags = document.get("ags")
    if isinstance(ags, str) and ags:
        other = session.execute(
            select(Deployment.id, Deployment.name, Deployment.visibility).where(
                Deployment.ags == ags,
                Deployment.id != (deployment_id if deployment_id is not None else -1),
            )
        ).first()
        if other is not None:
            # A private deployment is not named: its existence is all the caller learns.
            name = "" if other.visibility == "private" else other.name
            problems.append(
                Problem(
                    filename, None, None, "ags",
                    f"AGS {ags!r} is already used by another deployment",
                    "ags-taken", (("value", ags), ("other", name)),
                )
            )  # fmt: skip
    return problems


def _module_problems(session: Session, modules: Any, filename: str) -> list[Problem]:
    if not isinstance(modules, dict) or not modules:
        return []
    known = set(session.scalars(select(Module.slug)))
    if not known:
        # A registry without any module yet (a fresh install before its first import) has
        # nothing to compare with; the verdicts then say that no module is listed.
        return []
    releases: dict[str, set[Version]] = {}
    for slug, version in session.execute(
        select(Module.slug, Release.version)
        .join(Release, Release.module_id == Module.id)
        .where(Module.slug.in_(list(modules)))
    ):
        if (parsed := _parsed(version)) is not None:
            releases.setdefault(slug, set()).add(parsed)
    problems = []
    for slug, version in modules.items():
        field = f"modules.{slug}"
        if slug not in known:
            nearest = difflib.get_close_matches(slug, sorted(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(nearest)}?" if nearest else ""
            problems.append(
                Problem(
                    filename, None, None, field, f"no module {slug!r}{hint}",
                    "module-unknown", (("value", slug), ("suggestion", ", ".join(nearest))),
                )
            )  # fmt: skip
            continue
        parsed = _parsed(str(version))
        # A module without any release (a concept) has no versions to compare with.
        if parsed is None or parsed.local or parsed in releases.get(slug, {parsed}):
            continue
        newest = max(releases.get(slug, set()), default=None)
        problems.append(
            Problem(
                filename, None, None, field,
                f"{slug} has no release {version!r} (mark a local build as {version}+local)",
                "release-unknown",
                (("module", slug), ("value", str(version)), ("newest", str(newest or ""))),
            )
        )  # fmt: skip
    return problems


def _parsed(text: str) -> Version | None:
    try:
        return parse_version(text)
    except InvalidVersion:
        return None


def is_visible(deployment: Deployment, principal: Principal | None) -> bool:
    """Whether ``principal`` (None: anonymous) may see ``deployment``."""
    if deployment.visibility != "private":
        return True
    if principal is None:
        return False
    return principal.is_admin or principal.deployment_id == deployment.id


def get_deployment(
    session: Session,
    deployment_id: int,
    principal: Principal | None = None,
    *,
    for_update: bool = False,
) -> Deployment:
    """The deployment, or NotFound when it does not exist or the caller may not see it."""
    # for_update: the row stays locked until commit (PostgreSQL), e.g. to compare an If-Match.
    deployment = session.get(Deployment, deployment_id, with_for_update=for_update)
    # An invisible private deployment answers exactly like a missing one: no existence leak.
    if deployment is None or not is_visible(deployment, principal):
        raise NotFound(f"no deployment {deployment_id}", [{"field": "id", "value": deployment_id}])
    return deployment


def list_deployments(
    session: Session,
    principal: Principal | None = None,
    *,
    state: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> DeploymentPage:
    """The deployments ``principal`` may see, by id, one page of them."""
    query = select(Deployment)
    if principal is None or not principal.is_admin:
        own = (
            Deployment.id == principal.deployment_id
            if principal is not None and principal.deployment_id is not None
            else false()
        )
        query = query.where(or_(Deployment.visibility != "private", own))
    if state:
        query = query.where(Deployment.state == state)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(query.order_by(Deployment.id).limit(limit).offset(offset)).all()
    return DeploymentPage(list(items), total, limit, offset)


def create_deployment(
    session: Session,
    data: Any,
    principal: Principal | None = None,
    *,
    filename: str = "<request>",
) -> Deployment:
    """Validate and store a new deployment; record the event and mark deployments changed.

    A deployment token not yet bound to a deployment becomes the token of the one it creates,
    so the municipality that registered it can edit it afterwards.
    """
    document = checked_document(session, data, filename)
    deployment = Deployment(document=document)
    _assign_columns(deployment, document)
    session.add(deployment)
    session.flush()
    if principal is not None and principal.role == "deployment" and principal.deployment_id is None:
        _bind_token(session, principal.token_id, deployment.id)
    record_event(session, ADDED, deployment=deployment.id, data=_event_data(deployment, []))
    bump(session, "deployments")
    log.info("deployment %s registered", deployment.id)
    return deployment


def _bind_token(session: Session, token_id: int, deployment_id: int) -> None:
    """Bind an unbound deployment token to ``deployment_id``; Conflict if it is bound already.

    One conditional UPDATE: of concurrent creations with the same token, exactly one binds it
    (PostgreSQL re-checks the condition after the row lock, SQLite runs writers one at a time);
    the others fail and roll back their deployment instead of leaving an orphan.
    """
    bound = session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            ApiToken.deployment_id.is_(None),
            ApiToken.revoked_at.is_(None),
        )
        .values(deployment_id=deployment_id)
    )
    if not bound.rowcount:  # type: ignore[attr-defined]
        raise Conflict(
            "this deployment token registered a deployment already; use that one",
            details=[{"field": "Authorization", "message": "token is bound to a deployment"}],
        )


def update_deployment(
    session: Session, deployment_id: int, data: Any, *, filename: str = "<request>"
) -> Deployment:
    """Replace a deployment's document; records which options changed (if any)."""
    deployment = session.get(Deployment, deployment_id)
    if deployment is None:
        raise NotFound(f"no deployment {deployment_id}", [{"field": "id", "value": deployment_id}])
    document = checked_document(session, data, filename, deployment_id=deployment_id)
    changed = changed_keys(deployment.document or {}, document)
    if not changed:
        return deployment
    deployment.document = document
    _assign_columns(deployment, document)
    session.flush()
    record_event(
        session, OPTIONS_CHANGED, deployment=deployment.id, data=_event_data(deployment, changed)
    )
    bump(session, "deployments")
    return deployment


def delete_deployment(session: Session, deployment_id: int) -> None:
    """Remove a deployment and revoke the tokens bound to it."""
    deployment = session.get(Deployment, deployment_id)
    if deployment is None:
        raise NotFound(f"no deployment {deployment_id}", [{"field": "id", "value": deployment_id}])
    data = _event_data(deployment, [])
    session.delete(deployment)
    # SQLite may give a deleted row's id to the next deployment: its old tokens must not
    # become tokens of a stranger's deployment.
    session.execute(
        update(ApiToken)
        .where(ApiToken.deployment_id == deployment_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    session.flush()
    record_event(session, REMOVED, deployment=deployment_id, data=data)
    bump(session, "deployments")


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Top-level keys whose value differs between two documents, sorted."""
    return sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))


def _assign_columns(deployment: Deployment, document: dict[str, Any]) -> None:
    deployment.name = document["name"]
    deployment.ags = document.get("ags")
    deployment.state = document.get("state")
    deployment.visibility = document.get("visibility") or "public"
    deployment.channel = document.get("channel") or "stable"


def _event_data(deployment: Deployment, changed: list[str]) -> dict[str, Any]:
    # Feeds are public: a private deployment's event names neither it nor its options.
    if deployment.visibility == "private":
        return {"visibility": "private"}
    data: dict[str, Any] = {"name": deployment.name, "visibility": deployment.visibility}
    if changed:
        data["changed"] = changed
    return data


def set_component_capabilities(
    session: Session, deployment_id: int, component: str, names: list[str]
) -> Deployment:
    """Replace the capabilities a deployment states for ``component`` (e.g. from an
    introspection), keeping its version or commit; validated and recorded like any update."""
    deployment = session.get(Deployment, deployment_id)
    if deployment is None:
        raise NotFound(f"no deployment {deployment_id}", [{"field": "id", "value": deployment_id}])
    document = dict(deployment.document or {})
    components = dict(document.get("components") or {})
    current = components.get(component)
    entry = dict(current) if isinstance(current, dict) else {}
    if isinstance(current, str):
        entry["version"] = current
    entry["capabilities"] = sorted(set(names))
    components[component] = entry
    document["components"] = components
    return update_deployment(session, deployment_id, document)
