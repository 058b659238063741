"""Hypothesis properties of the engine on random catalogs and deployments."""

from __future__ import annotations

import json
import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from registry.compat import (
    CODES,
    Catalog,
    ComponentState,
    DeploymentState,
    Policy,
    Verdict,
    evaluate,
    release_reasons,
)
from tests.compat.test_oracle import random_catalog, random_deployment

POLICIES = st.builds(
    Policy,
    st.sampled_from([None, frozenset({"MIT"}), frozenset({"MIT", "GPL-3.0-only"})]),
    st.booleans(),
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Catalog, DeploymentState, Policy]:
    rng: random.Random = draw(st.randoms(use_true_random=False))
    catalog = random_catalog(rng)
    return catalog, random_deployment(rng, catalog), draw(POLICIES)


def adoptable_pairs(verdicts: dict[str, Verdict]) -> set[tuple[str, str]]:
    return {(slug, v) for slug, verdict in verdicts.items() for v in verdict.adoptable}


@settings(max_examples=80, deadline=None)
@given(cases())
def test_adoptable_releases_pass_every_rule(case: tuple[Catalog, DeploymentState, Policy]) -> None:
    catalog, deployment, policy = case
    states = {s.name: s for s in deployment.components}
    for slug, verdict in evaluate(deployment, catalog, policy).items():
        for version in verdict.adoptable:
            release = next(r for r in catalog.releases[slug] if r.version == version)
            assert not release.yanked
            assert deployment.channel == "prerelease" or not release.prerelease
            assert release_reasons(release, deployment, policy) == ()
            for requirement in release.requires:
                state = states[requirement.component]
                assert requirement.capabilities <= state.capabilities
                if requirement.range is not None:
                    assert state.version is not None
                    assert requirement.range.contains(state.version)


@settings(max_examples=80, deadline=None)
@given(cases())
def test_verdict_partitions_releases_and_is_json(
    case: tuple[Catalog, DeploymentState, Policy],
) -> None:
    catalog, deployment, policy = case
    for slug, verdict in evaluate(deployment, catalog, policy).items():
        blocked = [b.version for b in verdict.blocked]
        every = [r.version for r in catalog.releases[slug]]
        assert sorted(verdict.adoptable + tuple(blocked)) == sorted(every)
        assert not set(verdict.adoptable) & set(blocked)
        assert list(verdict.adoptable) == sorted(verdict.adoptable, key=Version, reverse=True)
        assert all(b.reasons for b in verdict.blocked)
        assert {r.code for b in verdict.blocked for r in b.reasons} <= set(CODES)
        has_plan = verdict.newest is not None and verdict.newest not in verdict.adoptable
        assert (verdict.upgrade_plan is not None) is has_plan
        data = verdict.to_dict()
        assert json.loads(json.dumps(data)) == data


@settings(max_examples=60, deadline=None)
@given(cases(), st.sampled_from(["a", "b"]))
def test_adding_a_capability_never_removes_an_adoptable_release(
    case: tuple[Catalog, DeploymentState, Policy], capability: str
) -> None:
    catalog, deployment, policy = case
    server = deployment.component("server") or ComponentState("server", None, "5b4ba192")
    richer = deployment.with_component(
        replace(server, capabilities=server.capabilities | {capability})
    )
    before = adoptable_pairs(evaluate(deployment, catalog, policy))
    assert before <= adoptable_pairs(evaluate(richer, catalog, policy))


@settings(max_examples=60, deadline=None)
@given(cases())
def test_allowing_upgrades_never_removes_an_adoptable_release(
    case: tuple[Catalog, DeploymentState, Policy],
) -> None:
    catalog, deployment, policy = case
    kept = adoptable_pairs(evaluate(deployment, catalog, policy))
    assert kept <= adoptable_pairs(evaluate(deployment, catalog, policy, allow_upgrades=True))


@settings(max_examples=60, deadline=None)
@given(cases())
def test_yanked_and_channel(case: tuple[Catalog, DeploymentState, Policy]) -> None:
    catalog, deployment, policy = case
    stable = replace(deployment, channel="stable")
    early = replace(deployment, channel="prerelease")
    for verdicts in (evaluate(stable, catalog, policy), evaluate(early, catalog, policy)):
        for slug, verdict in verdicts.items():
            yanked = {r.version for r in catalog.releases[slug] if r.yanked}
            assert not yanked & set(verdict.adoptable)
    for slug, verdict in evaluate(stable, catalog, policy).items():
        prereleases = {r.version for r in catalog.releases[slug] if r.prerelease}
        assert not prereleases & set(verdict.adoptable)
        assert verdict.newest not in prereleases
    # the prerelease channel only adds releases
    assert adoptable_pairs(evaluate(stable, catalog, policy)) <= adoptable_pairs(
        evaluate(early, catalog, policy)
    )


@settings(max_examples=50, deadline=None)
@given(cases())
def test_lifting_the_license_restriction_never_removes_an_adoptable_release(
    case: tuple[Catalog, DeploymentState, Policy],
) -> None:
    catalog, deployment, policy = case
    open_policy = Policy(None, policy.require_known_license)
    unrestricted = replace(deployment, allowed_licenses=None)
    assert adoptable_pairs(evaluate(deployment, catalog, policy)) <= adoptable_pairs(
        evaluate(unrestricted, catalog, open_policy)
    )
