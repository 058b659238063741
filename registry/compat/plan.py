"""Upgrade plans: what would unblock a release, as steps of data (docs/compatibility.md).

For a release blocked by ``reasons`` in a deployment:

1. Each reason no upgrade fixes (yanked, prerelease, invalid metadata, license) is an
   ``impossible`` step with that reason's code.
2. Each component the reasons name, in the order they name it:
   - when the release puts ranges on it that the stated version does not satisfy (or the
     deployment states no version), the nearest known version that satisfies them all: the
     lowest above the stated version, else the highest below it (``downgrade``), the lowest
     when no version is stated (``add`` when the component is not stated at all).  Stable
     versions only unless the deployment follows prereleases; supported versions first, an
     end-of-life version only when no supported one satisfies (``endOfLife: true``); none:
     ``impossible`` with ``no-known-version``;
   - a component the deployment does not state and the release asks no range of: ``add``
     (any version);
   - the capabilities the release asks of it and the state lacks: ``capabilities``, with
     ``offeredBy`` the first known state of the component that offers all of them; when the
     registry knows capabilities of the component and none offers one of them:
     ``impossible`` with ``capability-unknown``.
3. Then, in the deployment as it would be after those steps, the release's dependencies are
   resolved again with upgrades allowed, preferring each module's installed version, then its
   lowest adoptable one: every module that must change is a ``module`` step; when none can be
   found, an ``impossible`` step per failing requirement with ``dependency-unsatisfiable`` and
   the releases in its range with their reasons (``details``).

A plan is possible when it has no impossible step; applying every step of a possible plan
makes the release adoptable.  Known limit: a dependency that itself needs another component
state than the release asks for is reported (its reasons are in the details), not planned in a
second round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from packaging.version import InvalidVersion, Version

from registry.compat.model import (
    ADD,
    CAPABILITIES,
    CAPABILITY_MISSING,
    CAPABILITY_UNKNOWN,
    COMPONENT_MISSING,
    DEPENDENCY_UNSATISFIABLE,
    DOWNGRADE,
    IMPOSSIBLE,
    LICENSE_NOT_ALLOWED,
    METADATA_INVALID,
    MODULE,
    NO_KNOWN_VERSION,
    PRERELEASE,
    UPDATE,
    VERSION_MISMATCH,
    VERSION_UNKNOWN,
    YANKED,
    Catalog,
    ComponentState,
    DeploymentState,
    KnownState,
    PlanStep,
    Reason,
    Release,
    UpgradePlan,
)
from registry.compat.ranges import Range, range_contains
from registry.compat.resolver import Resolution

__all__ = [
    "COMPONENT_CODES",
    "UNFIXABLE",
    "Resolve",
    "component_steps",
    "nearest_version",
    "offered_by",
    "plan_candidates",
    "plan_release",
    "target_version",
    "version_pool",
]

# Reason codes no change of the deployment fixes, in the order their steps are listed.
UNFIXABLE = (METADATA_INVALID, YANKED, PRERELEASE, LICENSE_NOT_ALLOWED)
# Reason codes a component step fixes.
COMPONENT_CODES = frozenset(
    {COMPONENT_MISSING, VERSION_UNKNOWN, VERSION_MISMATCH, CAPABILITY_MISSING}
)

# resolve(deployment, release): the release's dependencies resolved with upgrades allowed,
# candidates ordered by ``plan_candidates``.
Resolve = Callable[[DeploymentState, Release], Resolution]
# target(component, ranges, deployment, catalog): ``target_version`` (or a cache of it).
Target = Callable[[str, tuple[Range, ...], DeploymentState, Catalog], "tuple[str, bool] | None"]


def plan_release(
    release: Release,
    reasons: tuple[Reason, ...],
    deployment: DeploymentState,
    catalog: Catalog,
    resolve: Resolve,
    *,
    target: Target | None = None,
) -> UpgradePlan:
    """The upgrade plan that would unblock ``release`` (blocked by ``reasons``) in
    ``deployment``.  ``target`` may answer ``target_version`` from a cache."""
    codes = {r.code for r in reasons}
    steps = [PlanStep(IMPOSSIBLE, code=code) for code in UNFIXABLE if code in codes]
    planned = deployment
    names = [r.component for r in reasons if r.code in COMPONENT_CODES and r.component]
    for name in dict.fromkeys(names):
        more, state = component_steps(release, name, deployment, catalog, target=target)
        steps.extend(more)
        if state is not None:
            planned = planned.with_component(state)
    if release.depends_on:
        steps.extend(_module_steps(release, deployment, resolve(planned, release)))
    possible = all(step.kind != IMPOSSIBLE for step in steps)
    return UpgradePlan(version=release.version, steps=tuple(steps), possible=possible)


def component_steps(
    release: Release,
    name: str,
    deployment: DeploymentState,
    catalog: Catalog,
    *,
    target: Target | None = None,
) -> tuple[list[PlanStep], ComponentState | None]:
    """The steps for component ``name`` and its state after them (None when one is
    impossible).  Reads the release's requirements on ``name``, the deployment's state of it
    and its channel, and what the catalog knows of the component."""
    state = deployment.component(name)
    requirements = [r for r in release.requires if r.component == name]
    ranges = tuple(r.range for r in requirements if r.range is not None)
    wanted = frozenset().union(*(r.capabilities for r in requirements))
    version = None if state is None else state.version
    commit = None if state is None else state.commit
    offered = frozenset() if state is None else state.capabilities
    steps: list[PlanStep] = []
    ok = True
    moved_to = version
    satisfied = version is not None and all(range_contains(r, version) for r in ranges)
    if ranges and not satisfied:
        choice = (target or target_version)(name, ranges, deployment, catalog)
        if choice is None:
            normalized = tuple(r.normalized for r in ranges)
            steps.append(
                PlanStep(IMPOSSIBLE, component=name, code=NO_KNOWN_VERSION, required=normalized)
            )
            ok = False
        else:
            moved_to, end_of_life = choice
            kind = ADD if state is None else DOWNGRADE if _is_lower(moved_to, version) else UPDATE
            current = None if state is None else version or commit
            steps.append(
                PlanStep(
                    kind, component=name, from_version=current, to=moved_to, end_of_life=end_of_life
                )
            )
    elif state is None:
        steps.append(PlanStep(ADD, component=name))
    missing = tuple(sorted(wanted - offered))
    if missing:
        unknown = _unknown_capabilities(name, missing, catalog)
        if unknown:
            steps.append(
                PlanStep(IMPOSSIBLE, component=name, code=CAPABILITY_UNKNOWN, capabilities=unknown)
            )
            ok = False
        else:
            by = offered_by(catalog.component_states.get(name, ()), missing)
            steps.append(
                PlanStep(CAPABILITIES, component=name, capabilities=missing, offered_by=by)
            )
    if not ok:
        return steps, None
    return steps, ComponentState(name, moved_to, commit, offered | wanted)


def target_version(
    name: str, ranges: tuple[Range, ...], deployment: DeploymentState, catalog: Catalog
) -> tuple[str, bool] | None:
    """The version of component ``name`` to move to (``nearest_version``) for the
    deployment's state and channel, and whether it is end of life."""
    state = deployment.component(name)
    pool = version_pool(name, ranges, deployment.channel == "prerelease", catalog)
    return nearest_version(pool, None if state is None else state.version)


def version_pool(
    name: str, ranges: Sequence[Range], allow_prereleases: bool, catalog: Catalog
) -> tuple[tuple[Version, ...], bool]:
    """The known versions of component ``name`` a plan may move to, and whether they are end
    of life: those that satisfy every range (stable ones unless ``allow_prereleases``), the
    supported ones when there are any, else the end-of-life ones."""
    end_of_life = catalog.end_of_life.get(name, frozenset())
    satisfying = []
    for text in catalog.component_versions.get(name, ()):
        parsed = _parsed(text)
        if parsed is None or (parsed.is_prerelease and not allow_prereleases):
            continue  # a commit SHA or garbage is no version to move to
        if all(r.contains(parsed) for r in ranges):
            satisfying.append((parsed, text in end_of_life))
    supported = tuple(v for v, eol in satisfying if not eol)
    if supported:
        return supported, False
    return tuple(v for v, _ in satisfying), True


def nearest_version(
    pool: tuple[tuple[Version, ...], bool], current: str | None
) -> tuple[str, bool] | None:
    """Of the ``pool`` (``version_pool``) the lowest version above ``current``, else the
    highest below it, the lowest when ``current`` is no version; with the pool's end-of-life
    flag.  None when the pool is empty."""
    versions, eol = pool
    if not versions:
        return None
    floor = None if current is None else _parsed(current)
    if floor is None:
        return str(min(versions)), eol
    above = [v for v in versions if v > floor]
    return str(min(above) if above else max(versions)), eol


def offered_by(states: Sequence[KnownState], capabilities: Sequence[str]) -> KnownState | None:
    """The first known state that offers every one of ``capabilities``, or None."""
    return next((s for s in states if s.capabilities.issuperset(capabilities)), None)


def plan_candidates(allowed: Sequence[Release], installed: str | None) -> tuple[Release, ...]:
    """The order in which a plan tries the releases of a dependency (``allowed``: adoptable by
    rules 1-3, newest first): the installed version first, then the lowest upward."""
    current = [r for r in allowed if r.version == installed]
    rest = [r for r in reversed(allowed) if r.version != installed]
    return (*current, *rest)


def _unknown_capabilities(name: str, missing: Sequence[str], catalog: Catalog) -> tuple[str, ...]:
    """The capabilities no known state of component ``name`` offers; empty when the registry
    knows no capabilities of the component at all (then it cannot tell)."""
    states = catalog.component_states.get(name, ())
    known = catalog.component_capabilities.get(name)
    if known is None and not states:
        return ()
    offered = frozenset(known or ()).union(*(s.capabilities for s in states))
    return tuple(c for c in missing if c not in offered)


def _module_steps(
    release: Release, deployment: DeploymentState, resolution: Resolution
) -> list[PlanStep]:
    if resolution.picks is None:
        return [
            PlanStep(
                IMPOSSIBLE,
                module=r.module,
                code=DEPENDENCY_UNSATISFIABLE,
                required=() if r.required is None else (r.required,),
                from_version=r.actual,
                details=r.details,
            )
            for r in resolution.reasons
        ]
    return [
        PlanStep(MODULE, module=slug, from_version=deployment.installed(slug), to=pick.version)
        for slug, pick in sorted(resolution.picks.items())
        if slug != release.module and pick.version != deployment.installed(slug)
    ]


def _parsed(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _is_lower(target: str, current: str | None) -> bool:
    """Whether ``target`` is a lower version than ``current`` (False when either is none)."""
    old, new = None if current is None else _parsed(current), _parsed(target)
    return old is not None and new is not None and new < old
