"""Cells of many modules at once, for environments that run a version nobody ran (``batch``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from registry.compat import (
    Catalog,
    ComponentRequirement,
    ComponentState,
    DeploymentState,
    Evaluator,
    Release,
    parse_range,
)
from registry.compat.batch import groups_of
from registry.compat.columns import ColumnStore
from registry.compat.prepared import build_index
from tests.compat.test_oracle import random_deployment, random_instance

APP = ComponentRequirement("app", parse_range(">=4.3"))
SERVER = ComponentRequirement("mainserver", None, frozenset({"vouchers"}))


def test_modules_are_grouped_by_the_order_of_their_columns() -> None:
    catalog = Catalog(
        {
            "chatbot": (Release("chatbot", "1.0", requires=(APP, SERVER)),),
            "gutscheine": (Release("gutscheine", "2.0", requires=(APP, SERVER)),),
            "umfragen": (Release("umfragen", "1.0", requires=(SERVER, APP)),),
            # Two ranges on the app in one release: no single token per column.
            "karte": (
                Release("karte", "1.0", requires=(APP, replace(APP, range=parse_range("<5")))),
            ),
        }
    )
    groups = groups_of(build_index(catalog, {}, ColumnStore()))
    assert {g.components: g.slugs for g in groups} == {
        ("app", "mainserver"): ("chatbot", "gutscheine"),
        ("mainserver", "app"): ("umfragen",),
    }
    first = next(g for g in groups if g.components == ("app", "mainserver"))
    assert first.spans == ((0, 1), (1, 2))


def test_an_unseen_version_is_evaluated_in_groups_and_agrees_with_the_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same deployment on two evaluators: on one its app version is new (cells built in
    groups), on the other another deployment ran it before (cells combined from columns)."""
    batches: list[Evaluator] = []
    batch = Evaluator._batch

    def counted(self: Evaluator, env: object) -> None:
        batches.append(self)
        batch(self, env)  # type: ignore[arg-type]

    monkeypatch.setattr(Evaluator, "_batch", counted)
    compared = 0
    for seed in range(200):
        rng, catalog, policy = random_instance(seed)
        deployment = random_deployment(rng, catalog)
        version = f"{rng.randint(1, 3)}.{rng.randint(0, 2)}.{rng.randint(0, 9)}"
        deployment = DeploymentState.build(
            [ComponentState("app", version), *deployment.components[1:]],
            deployment.modules,
            deployment.channel,
            deployment.allowed_licenses,
        )
        fresh = Evaluator(catalog, policy)
        in_groups = fresh.evaluate(deployment)
        assert batches[-1:] == [fresh]
        warm = Evaluator(catalog, policy)
        other = "prerelease" if deployment.channel == "stable" else "stable"
        warm.evaluate(replace(deployment, channel=other))  # runs the version first
        batches.clear()
        by_columns = warm.evaluate(deployment)
        assert batches == []
        assert {k: v.to_dict() for k, v in in_groups.items()} == {
            k: v.to_dict() for k, v in by_columns.items()
        }, seed
        compared += len(in_groups)
    assert compared > 400
