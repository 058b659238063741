"""Rule 4: can a release's module dependencies be satisfied *together*?

The caller says which releases of each module are candidates (already adoptable by rules 1-3,
and pinned to the installed version where the deployment runs that module and no upgrades are
allowed).  The release being judged is the only candidate of its own module, so cycles back to
it must accept it.  Transitive dependencies, diamonds and cycles are resolved with ``resolvelib``
(backtracking); a fast path answers without it when no candidate brings further dependencies.

When no set of releases exists, each failing requirement (one per module and range) becomes a
``dependency-unsatisfiable`` reason whose ``details`` list every release of that module in the
range with the reasons it is no candidate (``explain``), so an answer never says "no release
satisfies" when releases exist but are blocked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from resolvelib import AbstractProvider, BaseReporter, ResolutionImpossible, Resolver
from resolvelib.resolvers import ResolutionTooDeep
from resolvelib.structs import RequirementInformation

from registry.compat.model import (
    DEPENDENCY_UNSATISFIABLE,
    MODULE_PINNED,
    Blocked,
    ModuleRequirement,
    Reason,
    Release,
)
from registry.compat.ranges import Range, range_contains

__all__ = ["Resolution", "failure_reasons", "matching_candidates", "resolve_dependencies"]

Candidates = Callable[[str], Sequence[Release]]
Matching = Callable[[str, tuple[ModuleRequirement, ...]], Sequence[Release]]
# explain(slug, range): each release of the module in the range (newest first) with why it is no
# candidate (no reasons: it is one).
Explain = Callable[[str, Range], tuple[Blocked, ...]]
_MAX_ROUNDS = 10_000


@dataclass(frozen=True)
class Resolution:
    """Either ``picks`` (module -> chosen release) or the ``reasons`` why none exists, one per
    ``failed`` requirement (distinct by module and range)."""

    picks: Mapping[str, Release] | None
    reasons: tuple[Reason, ...] = ()
    failed: tuple[ModuleRequirement, ...] = ()

    @property
    def ok(self) -> bool:
        return self.picks is not None


def resolve_dependencies(
    root: Release,
    candidates: Candidates,
    installed: Callable[[str], str | None] = lambda _: None,
    matching: Matching | None = None,
    explain: Explain = lambda _slug, _range: (),
) -> Resolution:
    """Find releases for every (transitive) dependency of ``root``.

    ``candidates(slug)`` lists the allowed releases of a module in order of preference (the
    first is tried first).  ``installed(slug)`` only feeds the ``actual`` of failure reasons,
    ``explain(slug, range)`` their ``details`` (see ``failure_reasons``).
    ``matching(slug, requirements)`` may answer ``matching_candidates`` from a cache.
    """
    if not root.depends_on:
        return Resolution(picks={})

    def allowed(slug: str) -> Sequence[Release]:
        return (root,) if slug == root.module else candidates(slug)

    def failure(requirements: Iterable[ModuleRequirement]) -> Resolution:
        failed = _distinct(requirements)
        return Resolution(None, failure_reasons(root, failed, installed, explain), failed)

    def match(slug: str, requirements: tuple[ModuleRequirement, ...]) -> Sequence[Release]:
        if slug == root.module or matching is None:
            return matching_candidates(allowed(slug), requirements)
        return matching(slug, requirements)

    fast = _fast_path(root, match)
    if isinstance(fast, list):
        return failure(fast)
    if fast is not None:
        return fast
    provider = _Provider(allowed)
    resolver: Resolver[ModuleRequirement, Release, str] = Resolver(provider, BaseReporter())
    try:
        result = resolver.resolve(root.depends_on, max_rounds=_MAX_ROUNDS)
    except ResolutionImpossible as exc:
        causes: Iterable[RequirementInformation[ModuleRequirement, Release]] = exc.causes
        return failure(c.requirement for c in causes)
    except ResolutionTooDeep:
        return failure(root.depends_on)
    return Resolution(picks=dict(result.mapping))


def matching_candidates(
    allowed: Sequence[Release], requirements: tuple[ModuleRequirement, ...]
) -> tuple[Release, ...]:
    """The allowed releases that satisfy every requirement, in the given order."""
    return tuple(
        c for c in allowed if all(range_contains(r.range, c.version) for r in requirements)
    )


def failure_reasons(
    root: Release,
    failed: Iterable[ModuleRequirement],
    installed: Callable[[str], str | None],
    explain: Explain,
) -> tuple[Reason, ...]:
    """One ``dependency-unsatisfiable`` reason per failing requirement of ``root``'s
    resolution: the module, the range, its installed version (``actual``; the release's own
    module is at the release) and the releases in the range with their reasons (``details``,
    from ``explain``; of the release's own module only the release itself is a candidate)."""
    reasons = []
    for r in failed:
        details = explain(r.module, r.range)
        actual = installed(r.module)
        if r.module == root.module:
            actual = root.version
            details = tuple(Blocked(b.version, _pinned_to(root, b.version)) for b in details)
        reasons.append(
            Reason(
                DEPENDENCY_UNSATISFIABLE,
                module=r.module,
                required=r.range.normalized,
                actual=actual,
                details=details,
            )
        )
    return tuple(reasons)


def _pinned_to(root: Release, version: str) -> tuple[Reason, ...]:
    if version == root.version:
        return ()
    return (Reason(MODULE_PINNED, module=root.module, required=root.version, actual=version),)


def _fast_path(root: Release, match: Matching) -> Resolution | list[ModuleRequirement] | None:
    """Answer without backtracking when possible.

    A direct dependency without any candidate makes the release unsatisfiable (the failing
    requirements are returned).  When every direct dependency has a candidate that brings no
    dependencies of its own, those picks are a solution.  Otherwise return None and let
    resolvelib search.
    """
    by_module: dict[str, list[ModuleRequirement]] = {}
    for requirement in root.depends_on:
        by_module.setdefault(requirement.module, []).append(requirement)
    picks: dict[str, Release] = {}
    failed: list[ModuleRequirement] = []
    needs_search = False
    for slug, requirements in by_module.items():
        matching = match(slug, tuple(requirements))
        if not matching:
            failed.extend(requirements)
            continue
        leaf = next((c for c in matching if c is root or not c.depends_on), None)
        if leaf is None:
            needs_search = True
        else:
            picks[slug] = leaf
    if failed:
        return failed
    return None if needs_search else Resolution(picks=picks)


def _distinct(requirements: Iterable[ModuleRequirement]) -> tuple[ModuleRequirement, ...]:
    """The requirements, one per (module, range), in order."""
    seen: dict[tuple[str, str], ModuleRequirement] = {}
    for r in requirements:
        seen.setdefault((r.module, r.range.normalized), r)
    return tuple(seen.values())


class _Provider(AbstractProvider[ModuleRequirement, Release, str]):
    def __init__(self, allowed: Candidates) -> None:
        self._allowed = allowed

    def identify(self, requirement_or_candidate: ModuleRequirement | Release) -> str:
        return requirement_or_candidate.module

    def get_preference(
        self,
        identifier: str,
        resolutions: Mapping[str, Release],
        candidates: Mapping[str, Iterator[Release]],
        information: Mapping[str, Iterator[RequirementInformation[ModuleRequirement, Release]]],
        backtrack_causes: Sequence[RequirementInformation[ModuleRequirement, Release]],
    ) -> tuple[int, str]:
        # Fewest remaining candidates first: conflicts surface early.
        return (sum(1 for _ in candidates[identifier]), identifier)

    def find_matches(
        self,
        identifier: str,
        requirements: Mapping[str, Iterator[ModuleRequirement]],
        incompatibilities: Mapping[str, Iterator[Release]],
    ) -> list[Release]:
        excluded = {c.version for c in incompatibilities[identifier]}
        wanted = list(requirements[identifier])
        return [
            c
            for c in self._allowed(identifier)
            if c.version not in excluded and all(range_contains(r.range, c.version) for r in wanted)
        ]

    def is_satisfied_by(self, requirement: ModuleRequirement, candidate: Release) -> bool:
        return range_contains(requirement.range, candidate.version)

    def get_dependencies(self, candidate: Release) -> tuple[ModuleRequirement, ...]:
        return candidate.depends_on
