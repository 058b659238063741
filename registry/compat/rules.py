"""Rules 1-3 (docs/compatibility.md) for one release and one deployment, as the specification.

Rule 4 (module dependencies) lives in ``resolver.py``; ``verdict.py`` combines the rules, shares
work between deployments, and builds verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable

from packaging.version import InvalidVersion, Version

from registry.compat.licenses import license_allowed
from registry.compat.model import (
    CAPABILITY_MISSING,
    COMPONENT_MISSING,
    LICENSE_NOT_ALLOWED,
    METADATA_INVALID,
    MODULE_PINNED,
    PRERELEASE,
    VERSION_MISMATCH,
    VERSION_UNKNOWN,
    YANKED,
    Channel,
    ComponentRequirement,
    ComponentState,
    DeploymentState,
    Policy,
    Reason,
    Release,
)
from registry.compat.ranges import range_contains

__all__ = [
    "candidate_reasons",
    "component_reasons",
    "effective_licenses",
    "is_offered",
    "license_reasons",
    "newest_first",
    "release_reasons",
    "state_reasons",
]


def newest_first(releases: Iterable[Release]) -> tuple[Release, ...]:
    """Releases in descending PEP 440 order; a version text that is no version sorts below
    every version (by text)."""
    return tuple(sorted(releases, key=lambda r: _order(r.version), reverse=True))


def _order(text: str) -> tuple[int, Version | str]:
    try:
        return (1, Version(text))
    except InvalidVersion:
        return (0, text)


def is_offered(release: Release, channel: Channel) -> bool:
    """Whether a deployment on ``channel`` could ever be offered ``release`` (``newest``):
    not yanked, and no prerelease unless the channel follows prereleases."""
    return not release.yanked and (channel == "prerelease" or not release.prerelease)


def candidate_reasons(
    module: str, version: str, base: tuple[Reason, ...], pinned: str | None
) -> tuple[Reason, ...]:
    """Why a release of a dependency ``module`` is no candidate for rule 4: its reasons of
    rules 1-3 (``base``), else ``module-pinned`` when the module is held at another version
    (``pinned``); empty when it is a candidate."""
    if base:
        return base
    if pinned is not None and version != pinned:
        return (Reason(MODULE_PINNED, module=module, required=pinned, actual=version),)
    return ()


def release_reasons(
    release: Release, deployment: DeploymentState, policy: Policy
) -> tuple[Reason, ...]:
    """Every reason of rules 1-3 (and invalid metadata) that blocks ``release``; empty when
    rules 1-3 allow it."""
    allowed = effective_licenses(deployment, policy)
    return (
        state_reasons(release, deployment.channel)
        + tuple(
            reason
            for requirement in release.requires
            for reason in component_reasons(
                requirement, deployment.component(requirement.component)
            )
        )
        + license_reasons(release.license, allowed, policy.require_known_license)
    )


def effective_licenses(deployment: DeploymentState, policy: Policy) -> frozenset[str] | None:
    """The deployment's own allowed licenses, else the registry default (None: no limit)."""
    if deployment.allowed_licenses is not None:
        return deployment.allowed_licenses
    return policy.default_allowed_licenses


def state_reasons(release: Release, channel: Channel) -> tuple[Reason, ...]:
    """Invalid metadata, yanked (rule 1) and prerelease on the stable channel (rule 1)."""
    reasons: list[Reason] = []
    if release.problems:
        reasons.append(Reason(METADATA_INVALID, actual="; ".join(release.problems)))
    if release.yanked:
        reasons.append(Reason(YANKED, actual=release.version))
    if release.prerelease and channel != "prerelease":
        reasons.append(Reason(PRERELEASE, required="stable", actual=release.version))
    return tuple(reasons)


def component_reasons(
    requirement: ComponentRequirement, state: ComponentState | None
) -> tuple[Reason, ...]:
    """Rule 2 for one requirement: the component is stated, its version satisfies the range
    (a commit SHA satisfies no range), and it offers every required capability."""
    name = requirement.component
    required = None if requirement.range is None else requirement.range.normalized
    if state is None:
        return (Reason(COMPONENT_MISSING, component=name, required=required),)
    reasons: list[Reason] = []
    if requirement.range is not None:
        if state.version is None:
            reasons.append(
                Reason(VERSION_UNKNOWN, component=name, required=required, actual=state.commit)
            )
        elif not range_contains(requirement.range, state.version):
            reasons.append(
                Reason(VERSION_MISMATCH, component=name, required=required, actual=state.version)
            )
    reasons.extend(
        Reason(CAPABILITY_MISSING, component=name, required=capability)
        for capability in sorted(requirement.capabilities - state.capabilities)
    )
    return tuple(reasons)


def license_reasons(
    expression: str | None, allowed: frozenset[str] | None, require_known: bool
) -> tuple[Reason, ...]:
    """Rule 3: the license expression must be satisfiable by the allowed licenses."""
    if license_allowed(expression, allowed, require_known):
        return ()
    required = "known license" if allowed is None else ", ".join(sorted(allowed))
    return (Reason(LICENSE_NOT_ALLOWED, required=required, actual=expression),)
