"""What-if for a component upgrade: what happens to the modules a deployment runs when one
component moves to another version."""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

from registry.compat.model import (
    Catalog,
    ComponentState,
    ComponentUpgradeReport,
    DeploymentState,
    ModuleUpdate,
    Policy,
    normalize_version,
)
from registry.compat.verdict import Evaluator

__all__ = ["moved_deployment", "plan_component_upgrade"]


def moved_deployment(deployment: DeploymentState, component: str, to: str) -> DeploymentState:
    """``deployment`` with ``component`` at version ``to`` (its capabilities kept)."""
    current = deployment.component(component)
    state = ComponentState(
        component,
        normalize_version(to),
        None,
        frozenset() if current is None else current.capabilities,
    )
    return deployment.with_component(state)


def plan_component_upgrade(
    deployment: DeploymentState,
    catalog: Catalog,
    policy: Policy,
    component: str,
    to: str,
    *,
    evaluator: Evaluator | None = None,
) -> ComponentUpgradeReport:
    """For each installed module after setting ``component`` to version ``to``: ``ok`` when the
    installed version stays adoptable, ``update`` with the lowest version above the installed
    one (else the lowest) and the newest adoptable one, ``blocked`` when no release is
    adoptable (with the reasons of the installed version).  Other installed modules stay at
    their versions (rule 4)."""
    evaluator = evaluator or Evaluator(catalog, policy)
    current = deployment.component(component)
    changed = moved_deployment(deployment, component, to)
    verdicts = evaluator.evaluate(changed, [slug for slug, _ in changed.modules])
    updates = []
    for slug, installed in changed.modules:
        verdict = verdicts.get(slug)
        if verdict is not None and installed in verdict.adoptable:
            updates.append(ModuleUpdate(slug, installed, "ok"))
        elif verdict is not None and verdict.adoptable:
            updates.append(
                ModuleUpdate(
                    slug,
                    installed,
                    "update",
                    lowest=_lowest_above(verdict.adoptable, installed),
                    newest=verdict.adoptable[0],
                )
            )
        else:
            reasons = () if verdict is None else verdict.reasons_for(installed)
            updates.append(ModuleUpdate(slug, installed, "blocked", reasons=reasons))
    return ComponentUpgradeReport(
        component=component,
        from_version=None if current is None else current.version or current.commit,
        to=normalize_version(to),
        modules=tuple(updates),
    )


def _lowest_above(adoptable: tuple[str, ...], installed: str) -> str:
    """The lowest adoptable version above ``installed``, else the lowest adoptable one."""
    ordered = list(reversed(adoptable))  # adoptable is newest first
    try:
        floor = Version(installed)
    except InvalidVersion:
        return ordered[0]
    return next((v for v in ordered if _above(v, floor)), ordered[0])


def _above(version: str, floor: Version) -> bool:
    try:
        return Version(version) > floor
    except InvalidVersion:
        return False
