"""The reference evaluator: docs/compatibility.md in code, line by line, without
caches.  It is the specification the fast ``Evaluator`` (``verdict.py``) is tested against:
both must give equal ``to_dict()`` for every verdict and equal notices.

For each module, each release newest first:
1. rules 1-3 (``rules.release_reasons``): yanked, prerelease on the stable channel, invalid
   metadata, component requirements, license;
2. when those pass and the release has dependencies, rule 4 (``resolver``): a set of releases of
   its dependencies, each adoptable by rules 1-3, pinned to the installed version of a module the
   deployment runs unless upgrades are allowed;
3. the release is adoptable when neither gives a reason.
``newest`` is the highest release the deployment could be offered (not yanked, no prerelease on
the stable channel); when it is blocked, its upgrade plan (``plan``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from registry.compat.model import (
    Blocked,
    Catalog,
    DeploymentState,
    Notice,
    Policy,
    Reason,
    Release,
    UpgradePlan,
    Verdict,
)
from registry.compat.notices import deployment_notices
from registry.compat.plan import plan_candidates, plan_release
from registry.compat.ranges import Range, range_contains
from registry.compat.resolver import Resolution, resolve_dependencies
from registry.compat.rules import candidate_reasons, is_offered, newest_first, release_reasons

__all__ = ["ReferenceEvaluator", "reference_evaluate"]


def reference_evaluate(
    deployment: DeploymentState,
    catalog: Catalog,
    policy: Policy,
    modules: Iterable[str] | None = None,
    allow_upgrades: bool = False,
) -> dict[str, Verdict]:
    """Verdicts of ``deployment`` for ``modules`` (default: every module of the catalog)."""
    return ReferenceEvaluator(catalog, policy).evaluate(deployment, modules, allow_upgrades)


class ReferenceEvaluator:
    """The rules applied to one deployment at a time; the same interface as ``Evaluator``."""

    def __init__(self, catalog: Catalog, policy: Policy) -> None:
        self.catalog = catalog
        self.policy = policy

    @property
    def modules(self) -> tuple[str, ...]:
        """Every module slug of the catalog."""
        return tuple(self.catalog.releases)

    def evaluate(
        self,
        deployment: DeploymentState,
        modules: Iterable[str] | None = None,
        allow_upgrades: bool = False,
    ) -> dict[str, Verdict]:
        """Verdicts of ``deployment`` for ``modules`` (default: all); unknown slugs are
        skipped."""
        slugs = self.modules if modules is None else modules
        return {
            slug: self.verdict(slug, deployment, allow_upgrades)
            for slug in slugs
            if slug in self.catalog.releases
        }

    def notices(self, deployment: DeploymentState) -> tuple[Notice, ...]:
        """The notices about ``deployment`` (``notices.deployment_notices``)."""
        return deployment_notices(deployment, self.catalog)

    def verdict(self, slug: str, deployment: DeploymentState, allow_upgrades: bool) -> Verdict:
        """The verdict of one module."""
        adoptable: list[str] = []
        blocked: list[Blocked] = []
        for release in self.releases(slug):
            reasons = self.reasons(release, deployment, allow_upgrades)
            if reasons:
                blocked.append(Blocked(release.version, reasons))
            else:
                adoptable.append(release.version)
        offered = [r for r in self.releases(slug) if is_offered(r, deployment.channel)]
        newest = offered[0] if offered else None
        plan = None
        if newest is not None and newest.version not in adoptable:
            reasons = next(b.reasons for b in blocked if b.version == newest.version)
            plan = self.plan(newest, reasons, deployment)
        return Verdict.of(
            slug, adoptable, None if newest is None else newest.version, blocked, plan
        )

    def releases(self, slug: str) -> tuple[Release, ...]:
        """The releases of a module, newest first."""
        return newest_first(self.catalog.releases.get(slug, ()))

    def reasons(
        self, release: Release, deployment: DeploymentState, allow_upgrades: bool
    ) -> tuple[Reason, ...]:
        """The reasons of rules 1-3, else (when it has dependencies) those of rule 4."""
        reasons = release_reasons(release, deployment, self.policy)
        if reasons or not release.depends_on:
            return reasons
        return self.resolve(release, deployment, allow_upgrades).reasons

    def resolve(
        self,
        release: Release,
        deployment: DeploymentState,
        allow_upgrades: bool,
        for_plan: bool = False,
    ) -> Resolution:
        """Rule 4 for ``release``: candidates are the releases adoptable by rules 1-3 (newest
        first), only the installed one of an installed module unless ``allow_upgrades``.  For
        a plan (upgrades allowed) the installed version comes first, then the lowest."""
        installed = dict(deployment.modules)

        def pinned(slug: str) -> str | None:
            return None if allow_upgrades else installed.get(slug)

        def allowed(slug: str) -> list[Release]:
            return [
                r
                for r in self.releases(slug)
                if not release_reasons(r, deployment, self.policy)
                and pinned(slug) in (None, r.version)
            ]

        def candidates(slug: str) -> Sequence[Release]:
            found = allowed(slug)
            return plan_candidates(found, installed.get(slug)) if for_plan else found

        def explain(slug: str, range_: Range) -> tuple[Blocked, ...]:
            return tuple(
                Blocked(
                    r.version,
                    candidate_reasons(
                        slug, r.version, release_reasons(r, deployment, self.policy), pinned(slug)
                    ),
                )
                for r in self.releases(slug)
                if range_contains(range_, r.version)
            )

        return resolve_dependencies(release, candidates, installed.get, explain=explain)

    def plan(
        self, release: Release, reasons: tuple[Reason, ...], deployment: DeploymentState
    ) -> UpgradePlan:
        """The upgrade plan of a blocked release."""

        def resolve(planned: DeploymentState, root: Release) -> Resolution:
            return self.resolve(root, planned, allow_upgrades=True, for_plan=True)

        return plan_release(release, reasons, deployment, self.catalog, resolve)
