"""A brute-force oracle for the rules of docs/compatibility.md, written independently of the
engine: it enumerates every combination of releases for rule 4 instead of resolving.

Only usable on small instances.  Licenses are limited to ``A``, ``A OR B`` and ``A AND B``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from registry.compat.model import Catalog, DeploymentState, Policy, Release


@dataclass(frozen=True)
class OracleVerdict:
    adoptable: frozenset[str]
    newest: str | None
    base_codes: dict[str, frozenset[str]]  # version -> codes of rules 1-3 (+ metadata)
    dependency_ok: dict[str, bool]  # version -> rule 4 holds


def license_ok(expression: str | None, allowed: frozenset[str] | None, require_known: bool) -> bool:
    if expression is None:
        return not require_known
    if allowed is None:
        return True
    if " OR " in expression:
        return any(part in allowed for part in expression.split(" OR "))
    return all(part in allowed for part in expression.split(" AND "))


def base_codes(release: Release, deployment: DeploymentState, policy: Policy) -> frozenset[str]:
    codes = set()
    if release.problems:
        codes.add("metadata-invalid")
    if release.yanked:
        codes.add("yanked")
    if release.prerelease and deployment.channel != "prerelease":
        codes.add("prerelease")
    states = {s.name: s for s in deployment.components}
    for requirement in release.requires:
        state = states.get(requirement.component)
        if state is None:
            codes.add("component-missing")
            continue
        if requirement.range is not None:
            if state.version is None:
                codes.add("version-unknown")
            elif not _contains(requirement.range.alternatives, state.version):
                codes.add("version-mismatch")
        if not requirement.capabilities <= state.capabilities:
            codes.add("capability-missing")
    allowed = deployment.allowed_licenses
    if allowed is None:
        allowed = policy.default_allowed_licenses
    if not license_ok(release.license, allowed, policy.require_known_license):
        codes.add("license-not-allowed")
    return frozenset(codes)


def _contains(alternatives: tuple[object, ...], version: str) -> bool:
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    return any(spec.contains(parsed, prereleases=True) for spec in alternatives)  # type: ignore[attr-defined]


def dependencies_ok(
    root: Release,
    catalog: Catalog,
    deployment: DeploymentState,
    policy: Policy,
    allow_upgrades: bool,
) -> bool:
    """Does SOME choice (absent or one release) per other module satisfy rule 4?"""
    installed = dict(deployment.modules)
    others = sorted(m for m in catalog.releases if m != root.module)
    options = []
    for slug in others:
        choices: list[Release | None] = [None]
        for release in catalog.releases[slug]:
            if base_codes(release, deployment, policy):
                continue
            if not allow_upgrades and slug in installed and release.version != installed[slug]:
                continue
            choices.append(release)
        options.append(choices)
    for combination in itertools.product(*options):
        chosen = {root.module: root}
        chosen.update({slug: r for slug, r in zip(others, combination, strict=True) if r})
        if all(
            req.module in chosen and _contains(req.range.alternatives, chosen[req.module].version)
            for release in chosen.values()
            for req in release.depends_on
        ):
            return True
    return False


def oracle_verdict(
    slug: str,
    catalog: Catalog,
    deployment: DeploymentState,
    policy: Policy,
    allow_upgrades: bool,
) -> OracleVerdict:
    releases = catalog.releases[slug]
    codes = {r.version: base_codes(r, deployment, policy) for r in releases}
    deps = {
        r.version: dependencies_ok(r, catalog, deployment, policy, allow_upgrades) for r in releases
    }
    offered = [
        Version(r.version)
        for r in releases
        if not r.yanked and (deployment.channel == "prerelease" or not r.prerelease)
    ]
    return OracleVerdict(
        adoptable=frozenset(v for v in codes if not codes[v] and deps[v]),
        newest=str(max(offered)) if offered else None,
        base_codes=codes,
        dependency_ok=deps,
    )
