"""Onboarding checklists: what one deployment has to do to adopt one module, in order.

Built fresh on every request from what the registry knows: the upgrade plan's steps (the first
change first), the Studio plugins to activate, the license check against the deployment's
policy, one ``read`` step per guide, whom to ask, and finally adopting the module. Step ids
are stable (they name what the step is about, e.g. ``update:app:4.3.0``), so the deployment's
ticks (``OnboardingMark``) stay with their step across requests; a step that is no longer
needed (the plan changed because the deployment updated) simply disappears, its tick kept.
The ``adopt`` step is also done when the deployment states that it runs the module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.compat.versions import version_key
from registry.config import CommunitySettings
from registry.db import utcnow
from registry.errors import NotFound
from registry.models import Deployment, Module, OnboardingMark, Release
from registry.services import contacts, guides
from registry.services.events import bump
from registry.services.knowledge import SCOPE, Body

LICENSE_NOT_ALLOWED = "license-not-allowed"
STUDIO = "studio"


@dataclass(frozen=True)
class Step:
    """One step: a stable ``id``, a ``kind`` and the data a page needs to say it in words."""

    id: str
    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)
    done: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "done": self.done, **self.data}


@dataclass(frozen=True)
class Checklist:
    deployment: Deployment
    module: Module
    target: str | None
    adoptable: bool
    steps: tuple[Step, ...]

    @property
    def done(self) -> int:
        return sum(1 for step in self.steps if step.done)

    def to_dict(self) -> dict[str, Any]:
        return {
            "deployment": self.deployment.id,
            "module": self.module.slug,
            "version": self.target,
            "adoptable": self.adoptable,
            "progress": {"done": self.done, "total": len(self.steps)},
            "steps": [step.to_dict() for step in self.steps],
        }


def plan_step_kind(step: Mapping[str, Any]) -> str:
    """The kind of an upgrade-plan step (the engine's own ``kind`` when it gives one)."""
    if step.get("kind"):
        return str(step["kind"])
    if step.get("module"):
        return "module"
    if step.get("code") or step.get("message"):
        return "impossible"
    if step.get("from") is None and step.get("to") is not None:
        return "add"
    if step.get("to") is None and step.get("capabilities"):
        return "capabilities"
    try:
        lower = version_key(str(step.get("to"))) < version_key(str(step.get("from")))
    except ValueError:
        lower = False
    return "downgrade" if lower else "update"


def _plan_steps(plan: Mapping[str, Any] | None) -> list[Step]:
    steps = []
    for raw in (plan or {}).get("steps") or []:
        kind = plan_step_kind(raw)
        subject = raw.get("component") or raw.get("module") or raw.get("code") or ""
        target = raw.get("to") or ",".join(sorted(raw.get("capabilities") or []))
        steps.append(Step(f"{kind}:{subject}:{target}".rstrip(":"), kind, dict(raw)))
    return steps


def _release(module: Module, version: str | None) -> Release | None:
    return next((r for r in module.releases if r.version == version), None)


def _is_studio_plugin(module: Module) -> bool:
    return any(STUDIO in (r.requires or {}) for r in module.releases)


def _plugin_steps(
    session: Session, module: Module, release: Release | None, installed: Mapping[str, Any]
) -> list[Step]:
    """The module itself and its dependencies, where they are Studio plugins not running yet."""
    slugs = [module.slug, *sorted((release.depends_on or {}) if release else {})]
    found = {m.slug: m for m in session.scalars(select(Module).where(Module.slug.in_(slugs)))}
    steps = []
    for slug in slugs:
        plugin = found.get(slug)
        if plugin is None or slug in installed or not _is_studio_plugin(plugin):
            continue
        steps.append(Step(f"plugin:{slug}", "plugin", {"module": slug}))
    return steps


def _license_step(release: Release | None, verdict: Mapping[str, Any], policy: Any) -> Step:
    license_text = (release.license_declared or release.license_detected) if release else None
    reasons = next(
        (b["reasons"] for b in verdict.get("blocked") or [] if b["version"] == verdict["target"]),
        [],
    )
    allowed = not any(r.get("code") == LICENSE_NOT_ALLOWED for r in reasons)
    return Step(
        f"license:{license_text or 'unknown'}",
        "license",
        {"license": license_text, "allowed": allowed, "policy": sorted(policy)},
    )


def build_checklist(
    session: Session,
    deployment: Deployment,
    module: Module,
    verdict: Mapping[str, Any],
    *,
    community: CommunitySettings,
    policy: frozenset[str],
) -> Checklist:
    """The ordered checklist for ``deployment`` and ``module`` from its verdict entry
    (``module_answer``) and what the registry knows of guides and contacts."""
    installed = (deployment.document or {}).get("modules") or {}
    adoptable = list(verdict.get("adoptable") or [])
    plan = verdict.get("upgradePlan")
    target = adoptable[0] if adoptable else (plan or {}).get("version") or verdict.get("newest")
    release = _release(module, target)
    steps = [] if adoptable else _plan_steps(plan)
    steps += _plugin_steps(session, module, release, installed)
    steps.append(_license_step(release, {**verdict, "target": target}, policy))
    for guide in guides.list_guides(session, module, None):
        steps.append(
            Step(
                f"read:guide-{guide.id}",
                "read",
                {"guide": guide.id, "title": guide.title, "language": guide.language},
            )
        )
    offers = contacts.module_contacts(session, module, deployment.state)
    asked = [contacts.offer_dict(o) for o in offers if o.deployment.id != deployment.id]
    steps.append(
        Step("ask", "ask", {"contacts": asked, "community": contacts.community_dict(community)})
    )
    steps.append(Step(f"adopt:{module.slug}", "adopt", {"module": module.slug, "to": target}))
    marks = _marks(session, deployment, module)
    running = module.slug in installed
    return Checklist(
        deployment,
        module,
        target,
        bool(adoptable),
        tuple(
            Step(s.id, s.kind, s.data, marks.get(s.id, False) or (s.kind == "adopt" and running))
            for s in steps
        ),
    )


def _marks(session: Session, deployment: Deployment, module: Module) -> dict[str, bool]:
    rows = session.scalars(
        select(OnboardingMark).where(
            OnboardingMark.deployment_id == deployment.id, OnboardingMark.module_id == module.id
        )
    )
    return {row.step: row.done for row in rows}


def mark_step(
    session: Session,
    checklist: Checklist,
    step_id: str,
    data: Any,
    token_id: int | None,
) -> Step:
    """Tick (or untick) a step of the checklist from ``{"done": true|false}``."""
    step = next((s for s in checklist.steps if s.id == step_id), None)
    if step is None:
        raise NotFound(
            f"the checklist of {checklist.module.slug!r} has no step {step_id!r}",
            [{"field": "step", "value": step_id, "known": [s.id for s in checklist.steps]}],
        )
    body = Body(data, ("done",))
    done = body.flag("done")
    if done is None and not body.problems:
        body.problem("done", "required: true or false")
    body.check("cannot mark the step")
    done = bool(done)
    mark = session.scalar(
        select(OnboardingMark).where(
            OnboardingMark.deployment_id == checklist.deployment.id,
            OnboardingMark.module_id == checklist.module.id,
            OnboardingMark.step == step_id,
        )
    )
    if mark is None:
        mark = OnboardingMark(
            deployment_id=checklist.deployment.id, module_id=checklist.module.id, step=step_id
        )
        session.add(mark)
    mark.done, mark.token_id, mark.changed_at = done, token_id, utcnow()
    session.flush()
    bump(session, SCOPE)
    return Step(step.id, step.kind, step.data, done or (step.kind == "adopt" and step.done))


def adopting(session: Session, deployment: Deployment) -> list[Module]:
    """The modules the deployment is onboarding: those with a ticked or unticked step."""
    rows = session.execute(
        select(Module, func.count(OnboardingMark.id))
        .join(OnboardingMark, OnboardingMark.module_id == Module.id)
        .where(OnboardingMark.deployment_id == deployment.id)
        .group_by(Module.id)
        .order_by(Module.slug)
    ).all()
    return [module for module, _count in rows]
