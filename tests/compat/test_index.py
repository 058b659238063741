"""The column layout (``index``) and the column-wise evaluation built on it: the evaluator's
reasons must equal those of the specification (``release_reasons``), in order, whatever the
layout and whatever order deployments are evaluated in."""

from __future__ import annotations

import random

from registry.compat import (
    Catalog,
    ComponentRequirement,
    Evaluator,
    Policy,
    Release,
    parse_range,
    release_reasons,
)
from registry.compat.index import layout_of
from tests.compat.test_oracle import ALLOWED, random_catalog, random_deployment


def requirements(*components: str) -> tuple[tuple[int, ComponentRequirement], ...]:
    return tuple((n, ComponentRequirement(name)) for n, name in enumerate(components))


def layout(*releases: tuple[str, ...]) -> tuple[str, ...] | None:
    found = layout_of(
        [f"{n}.0" for n in range(len(releases))],
        [requirements(*r) for r in releases],
        [None] * len(releases),
        [()] * len(releases),
        [()] * len(releases),
    )
    return None if found is None else found.components


def test_layout_orders_components_as_the_releases_state_them() -> None:
    assert layout(("app", "server"), ("app",), ("server",)) == ("app", "server")
    assert layout(("server", "app"), ("server", "server", "app")) == ("server", "app")
    assert layout((), ()) == ()


def test_layout_refuses_interleaved_or_contradicting_orders() -> None:
    assert layout(("app", "server", "app")) is None
    assert layout(("app", "server"), ("server", "app")) is None


def test_layout_columns_keep_each_release_requirements_on_a_component() -> None:
    found = layout_of(
        ["2.0", "1.0"],
        [requirements("app", "app", "server"), requirements("server")],
        ["MIT", None],
        [(), ()],
        [(), ()],
    )
    assert found is not None
    app, server = found.columns
    assert [len(cell) for cell in app] == [2, 0]
    assert [len(cell) for cell in server] == [1, 1]
    assert found.on_stable is None and found.licenses == ("MIT", None)


def test_interleaved_requirements_are_evaluated_as_specified() -> None:
    mixed = (
        ComponentRequirement("app", parse_range(">=2")),
        ComponentRequirement("server", None, frozenset({"a"})),
        ComponentRequirement("app", parse_range("<3")),
    )
    catalog = Catalog({"m": (Release("m", "1.0", requires=mixed, license="MIT"),)})
    policy = Policy(frozenset({"GPL-3.0-only"}))
    deployment = random_deployment(random.Random(3), catalog)
    verdict = Evaluator(catalog, policy).evaluate(deployment)["m"]
    expected = release_reasons(catalog.releases["m"][0], deployment, policy)
    assert verdict.reasons_for("1.0") == expected
    assert expected  # the license alone blocks it


def test_rules_1_to_3_reasons_equal_the_specification_in_order() -> None:
    compared = 0
    for seed in range(400):
        rng = random.Random(seed)
        catalog = random_catalog(rng)
        policy = Policy(rng.choice(ALLOWED), require_known_license=rng.random() < 0.3)
        evaluator = Evaluator(catalog, policy)
        deployments = [random_deployment(rng, catalog) for _ in range(6)]
        for deployment in deployments:
            verdicts = evaluator.evaluate(deployment)
            for slug, releases in catalog.releases.items():
                for release in releases:
                    expected = release_reasons(release, deployment, policy)
                    if expected:
                        assert verdicts[slug].reasons_for(release.version) == expected, seed
                        compared += 1
        # A fresh evaluator fed the deployments in reverse order gives equal verdicts: the
        # shared caches (keyed by identities) leak nothing between environments.
        again = Evaluator(catalog, policy)
        for deployment in reversed(deployments):
            fresh = again.evaluate(deployment)
            known = evaluator.evaluate(deployment)
            assert {s: v.to_dict() for s, v in fresh.items()} == {
                s: v.to_dict() for s, v in known.items()
            }, seed
    assert compared > 2_000
