"""The pages' door to the compatibility service: verdicts in the API's JSON shapes.

Answers are the dicts of the HTTP contract (``module``, ``adoptable``, ``newest``, ``blocked``,
``upgradePlan``), so the templates read exactly what the API documents. The process-wide
verdict cache is the one the deployments API uses (same ``app.extensions`` key), so pages and
API share work and are never stale.
"""

from __future__ import annotations

from typing import Any, cast

from flask import current_app
from sqlalchemy.orm import Session

from registry.models import Deployment
from registry.services import compatibility as compat
from registry.web.common import get_settings
from registry.web.deployments import CACHE_KEY


def _cache() -> compat.CompatibilityCache:
    cache = current_app.extensions.get(CACHE_KEY)
    if cache is None:
        policy = compat.policy_from_settings(get_settings())
        cache = current_app.extensions.setdefault(CACHE_KEY, compat.CompatibilityCache(policy))
    return cast(compat.CompatibilityCache, cache)


def for_document(session: Session, document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every listed module's verdict for a (validated) deployment document, by slug."""
    state = compat.state_from_document(document)
    verdicts = _cache().verdicts(session, state)
    return [verdicts[slug].to_dict() for slug in sorted(verdicts)]


def notices_for(session: Session, document: dict[str, Any]) -> list[dict[str, Any]]:
    """The notices about a (validated) deployment document, in the API's JSON shape."""
    state = compat.state_from_document(document)
    return compat.notices_json(_cache().notices(session, state))


def for_deployment(session: Session, deployment: Deployment) -> list[dict[str, Any]]:
    """Every listed module's verdict for a stored deployment, by slug."""
    return for_document(session, deployment.document or {})


def component_upgrade(
    session: Session, deployment: Deployment, component: str, to: str
) -> dict[str, Any]:
    """What a new version of one component means for the modules the deployment runs:
    ``{"component", "from", "to", "ok": [...], "update": [...], "blocked": [...]}``."""
    state = compat.state_from_document(deployment.document or {})
    return _cache().component_upgrade(session, state, component, to).to_dict()


def newest_adoptable(session: Session, deployment: Deployment) -> dict[str, str]:
    """slug -> newest adoptable version for a deployment (modules with none are left out)."""
    answers = for_deployment(session, deployment)
    return {a["module"]: a["adoptable"][0] for a in answers if a["adoptable"]}
