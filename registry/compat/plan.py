"""Upgrade plans: what would unblock a release.

For each blocking component: the LOWEST known version (``Catalog.component_versions``; stable
versions only unless the deployment follows prereleases) that satisfies every range the release
puts on it, and the missing capabilities (impossible when the catalog knows the component's
capabilities and lacks one).  Then, in the deployment as it would be after those component
changes, the release's dependencies are resolved again with upgrades allowed, preferring the
installed version and otherwise the lowest adoptable one; each module that must change is a
step.  What no upgrade can fix (license, invalid metadata, no known version) is a step with a
``message`` and makes the plan impossible.

Known limit: a dependency that itself needs a newer component than the release does is reported
as impossible rather than planned in a second round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from packaging.version import InvalidVersion, Version

from registry.compat.model import (
    CAPABILITY_MISSING,
    COMPONENT_MISSING,
    LICENSE_NOT_ALLOWED,
    METADATA_INVALID,
    PRERELEASE,
    VERSION_MISMATCH,
    VERSION_UNKNOWN,
    YANKED,
    Catalog,
    ComponentState,
    DeploymentState,
    PlanStep,
    Reason,
    Release,
    UpgradePlan,
)
from registry.compat.ranges import Range, range_contains
from registry.compat.resolver import Resolution

__all__ = [
    "ComponentPlan",
    "component_step",
    "finish_plan",
    "lowest_known_version",
    "plan_components",
    "plan_reads",
    "plan_release",
]

_COMPONENT_CODES = frozenset({COMPONENT_MISSING, VERSION_UNKNOWN, VERSION_MISMATCH})
_UNFIXABLE = {
    YANKED: "this release was withdrawn",
    PRERELEASE: "this release is a prerelease and the deployment follows the stable channel",
    METADATA_INVALID: "the metadata of this release is invalid",
    LICENSE_NOT_ALLOWED: "the license of this release is not allowed by the license policy",
}

Resolve = Callable[[DeploymentState, Release], Resolution]


def plan_release(
    release: Release,
    reasons: tuple[Reason, ...],
    deployment: DeploymentState,
    catalog: Catalog,
    resolve: Resolve,
) -> UpgradePlan:
    """The upgrade plan that would unblock ``release`` (blocked by ``reasons``) in
    ``deployment``.  ``resolve(deployment, release)`` resolves the release's dependencies with
    upgrades allowed (installed first, then lowest)."""
    return finish_plan(plan_components(release, reasons, deployment, catalog), deployment, resolve)


@dataclass(frozen=True)
class ComponentPlan:
    """The first half of a plan: what no upgrade fixes and the component steps, with the
    component states after those steps."""

    release: Release
    steps: tuple[PlanStep, ...]
    possible: bool
    states: tuple[ComponentState, ...]


Step = Callable[[Release, str, DeploymentState, Catalog], tuple[PlanStep, ComponentState | None]]


def plan_components(
    release: Release,
    reasons: tuple[Reason, ...],
    deployment: DeploymentState,
    catalog: Catalog,
    step: Step | None = None,
) -> ComponentPlan:
    """Steps for what rules 1-3 block (reads no installed modules).  ``step`` may answer
    ``component_step`` from a cache."""
    step = step or component_step
    unfixable, names = plan_reads(reasons)
    steps = [PlanStep(message=_UNFIXABLE[code], changes_version=False) for code in unfixable]
    possible = not unfixable
    states = []
    for name in names:
        planned, state = step(release, name, deployment, catalog)
        steps.append(planned)
        possible = possible and planned.message is None
        if state is not None:
            states.append(state)
    return ComponentPlan(release, tuple(steps), possible, tuple(states))


def finish_plan(head: ComponentPlan, deployment: DeploymentState, resolve: Resolve) -> UpgradePlan:
    """Add the dependency steps, resolved in the deployment after the component steps."""
    release = head.release
    steps, possible = list(head.steps), head.possible
    if release.depends_on:
        planned = deployment
        for state in head.states:
            planned = planned.with_component(state)
        module_steps, resolvable = _module_steps(release, deployment, planned, resolve)
        steps.extend(module_steps)
        possible = possible and resolvable
    return UpgradePlan(version=release.version, steps=tuple(steps), possible=possible)


@lru_cache(maxsize=65_536)
def lowest_known_version(
    ranges: tuple[Range, ...], known: tuple[str, ...], allow_prereleases: bool
) -> str | None:
    """The lowest of ``known`` versions that satisfies every range, or None."""
    for version in sorted(_parsed(known)):
        if version.is_prerelease and not allow_prereleases:
            continue
        if all(r.contains(version) for r in ranges):
            return str(version)
    return None


def _parsed(known: tuple[str, ...]) -> list[Version]:
    versions = []
    for text in known:
        try:
            versions.append(Version(text))
        except InvalidVersion:
            continue  # a commit SHA or garbage is no known version to upgrade to
    return versions


def plan_reads(reasons: tuple[Reason, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the component half of a plan reads of the reasons that block a release: the codes
    no upgrade fixes, and the components to upgrade (in order).  Its steps read nothing else of
    the reasons, only the release's requirements and the deployment's states."""
    codes = {r.code for r in reasons}
    names = [
        r.component
        for r in reasons
        if r.component is not None and (r.code in _COMPONENT_CODES or r.code == CAPABILITY_MISSING)
    ]
    return tuple(c for c in _UNFIXABLE if c in codes), tuple(dict.fromkeys(names))


def component_step(
    release: Release, name: str, deployment: DeploymentState, catalog: Catalog
) -> tuple[PlanStep, ComponentState | None]:
    """One step for component ``name`` and its state after the step (None if impossible).
    It reads only the release's requirements on ``name``, the state of ``name`` and the
    deployment's channel."""
    state = deployment.component(name) or ComponentState(name)
    requirements = [r for r in release.requires if r.component == name]
    ranges = tuple(r.range for r in requirements if r.range is not None)
    wanted = frozenset().union(*(r.capabilities for r in requirements))
    missing = tuple(sorted(wanted - state.capabilities))
    current = state.version or state.commit
    messages: list[str] = []
    target = state.version
    version_ok = state.version is not None and all(range_contains(r, state.version) for r in ranges)
    if ranges and not version_ok:
        target = lowest_known_version(
            ranges,
            catalog.component_versions.get(name, ()),
            allow_prereleases=deployment.channel == "prerelease",
        )
        if target is None:
            wanted_text = " and ".join(r.normalized for r in ranges)
            messages.append(f"no known version of {name} satisfies {wanted_text}")
    known_caps = catalog.component_capabilities.get(name)
    if known_caps is not None:
        unknown = [c for c in missing if c not in known_caps]
        if unknown:
            messages.append(f"no known version of {name} offers {', '.join(unknown)}")
    step = PlanStep(
        component=name,
        from_version=current,
        to=target,
        capabilities=missing,
        message="; ".join(messages) or None,
        changes_version=bool(ranges) and not version_ok,
    )
    if messages:
        return step, None
    return step, ComponentState(name, target, state.commit, state.capabilities | wanted)


def _module_steps(
    release: Release,
    deployment: DeploymentState,
    planned: DeploymentState,
    resolve: Resolve,
) -> tuple[list[PlanStep], bool]:
    resolution = resolve(planned, release)
    if resolution.picks is None:
        steps = [
            PlanStep(
                module=r.module,
                # Within the plan the release's own module is at the release's version (a
                # self-dependency must not read the installed version: verdicts do not).
                from_version=release.version
                if r.module == release.module
                else deployment.installed(r.module or ""),
                to=None,
                message=f"no known release of {r.module} satisfies {r.required}",
            )
            for r in resolution.reasons
        ]
        return steps, False
    steps = [
        PlanStep(module=slug, from_version=deployment.installed(slug), to=pick.version)
        for slug, pick in sorted(resolution.picks.items())
        if slug != release.module and pick.version != deployment.installed(slug)
    ]
    return steps, True
