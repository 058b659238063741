"""The pages' door to the compatibility service (verdicts, what-if), in the API's JSON shapes.

Answers are the dicts of DESIGN §5 (``module``, ``adoptable``, ``newest``, ``blocked``,
``upgradePlan``), so the templates read the same shape the API documents. While the service is
not installed, ``available()`` is False and the pages say so instead of guessing.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from sqlalchemy.orm import Session

from registry.models import Deployment


def _service() -> ModuleType | None:
    try:
        return importlib.import_module("registry.services.compatibility")
    except ModuleNotFoundError:
        return None


def available() -> bool:
    """Whether verdicts can be computed here."""
    return _service() is not None


def for_deployment(session: Session, deployment: Deployment) -> list[dict[str, Any]] | None:
    """Every module's verdict for a stored deployment (None without the service)."""
    service = _service()
    if service is None:
        return None
    return _as_dicts(service.deployment_verdicts(session, deployment))


def for_document(session: Session, document: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Every module's verdict for a hypothetical deployment document (what-if)."""
    service = _service()
    if service is None:
        return None
    return _as_dicts(service.document_verdicts(session, document))


def newest_adoptable(session: Session, deployment: Deployment) -> dict[str, str] | None:
    """slug -> newest adoptable version for a deployment (modules with none are left out)."""
    answers = for_deployment(session, deployment)
    if answers is None:
        return None
    return {a["module"]: a["adoptable"][0] for a in answers if a.get("adoptable")}


def _as_dicts(verdicts: Any) -> list[dict[str, Any]]:
    items = verdicts.values() if isinstance(verdicts, dict) else verdicts
    answers = [v.to_dict() if hasattr(v, "to_dict") else dict(v) for v in items]
    return sorted(answers, key=lambda a: a["module"])
