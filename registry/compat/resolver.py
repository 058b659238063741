"""Rule 4: can a release's module dependencies be satisfied *together*?

The caller says which releases of each module are candidates (already adoptable by rules 1-3,
and pinned to the installed version where the deployment runs that module and no upgrades are
allowed).  The release being judged is the only candidate of its own module, so cycles back to
it must accept it.  Transitive dependencies, diamonds and cycles are resolved with ``resolvelib``
(backtracking); a fast path answers without it when no candidate brings further dependencies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from resolvelib import AbstractProvider, BaseReporter, ResolutionImpossible, Resolver
from resolvelib.resolvers import ResolutionTooDeep
from resolvelib.structs import RequirementInformation

from registry.compat.model import DEPENDENCY_UNSATISFIABLE, ModuleRequirement, Reason, Release
from registry.compat.ranges import range_contains

__all__ = ["Resolution", "matching_candidates", "resolve_dependencies"]

Candidates = Callable[[str], Sequence[Release]]
Matching = Callable[[str, tuple[ModuleRequirement, ...]], Sequence[Release]]
_MAX_ROUNDS = 10_000


@dataclass(frozen=True)
class Resolution:
    """Either ``picks`` (module -> chosen release) or the ``reasons`` why none exists."""

    picks: Mapping[str, Release] | None
    reasons: tuple[Reason, ...] = ()

    @property
    def ok(self) -> bool:
        return self.picks is not None


def resolve_dependencies(
    root: Release,
    candidates: Candidates,
    installed: Callable[[str], str | None] = lambda _: None,
    matching: Matching | None = None,
) -> Resolution:
    """Find releases for every (transitive) dependency of ``root``.

    ``candidates(slug)`` lists the allowed releases of a module in order of preference (the
    first is tried first).  ``installed(slug)`` only feeds the ``actual`` of failure reasons.
    ``matching(slug, requirements)`` may answer ``matching_candidates`` from a cache.
    """
    if not root.depends_on:
        return Resolution(picks={})

    def allowed(slug: str) -> Sequence[Release]:
        return (root,) if slug == root.module else candidates(slug)

    def actual(slug: str) -> str | None:
        # Within the resolution the release's own module is at the release's version.
        return root.version if slug == root.module else installed(slug)

    def match(slug: str, requirements: tuple[ModuleRequirement, ...]) -> Sequence[Release]:
        if slug == root.module or matching is None:
            return matching_candidates(allowed(slug), requirements)
        return matching(slug, requirements)

    fast = _fast_path(root, match, actual)
    if fast is not None:
        return fast
    provider = _Provider(allowed)
    resolver: Resolver[ModuleRequirement, Release, str] = Resolver(provider, BaseReporter())
    try:
        result = resolver.resolve(root.depends_on, max_rounds=_MAX_ROUNDS)
    except ResolutionImpossible as exc:
        causes: Iterable[RequirementInformation[ModuleRequirement, Release]] = exc.causes
        return Resolution(None, _reasons((c.requirement for c in causes), actual))
    except ResolutionTooDeep:
        return Resolution(None, _reasons(root.depends_on, actual))
    return Resolution(picks=dict(result.mapping))


def matching_candidates(
    allowed: Sequence[Release], requirements: tuple[ModuleRequirement, ...]
) -> tuple[Release, ...]:
    """The allowed releases that satisfy every requirement, in the given order."""
    return tuple(
        c for c in allowed if all(range_contains(r.range, c.version) for r in requirements)
    )


def _fast_path(
    root: Release, match: Matching, installed: Callable[[str], str | None]
) -> Resolution | None:
    """Answer without backtracking when possible.

    A direct dependency without any candidate makes the release unsatisfiable.  When every
    direct dependency has a candidate that brings no dependencies of its own, those picks are
    a solution.  Otherwise return None and let resolvelib search.
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
        return Resolution(None, _reasons(failed, installed))
    return None if needs_search else Resolution(picks=picks)


def _reasons(
    requirements: Iterable[ModuleRequirement], installed: Callable[[str], str | None]
) -> tuple[Reason, ...]:
    """One reason per distinct (module, range) among the failing requirements."""
    seen: dict[tuple[str, str], Reason] = {}
    for r in requirements:
        key = (r.module, r.range.normalized)
        if key not in seen:
            seen[key] = Reason(
                DEPENDENCY_UNSATISFIABLE,
                module=r.module,
                required=r.range.normalized,
                actual=installed(r.module),
            )
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
