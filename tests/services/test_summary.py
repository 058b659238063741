"""The deployment summary without Flask: counts, groups of modules by the plan that unblocks
them, the most helpful upgrade, and the what-if comparison."""

from __future__ import annotations

import pytest

from registry.services.summary import (
    best_upgrade,
    changed_versions,
    compare,
    step_kind,
    summarize,
)

APP = {"component": "app", "from": "4.1.3", "to": "4.3.0"}
VOUCHERS = {"component": "mainserver", "capabilities": ["vouchers"]}


def _answer(module: str, adoptable: list[str], plan: dict | None = None) -> dict:
    return {
        "module": module,
        "adoptable": adoptable,
        "newest": "2",
        "blocked": [],
        "upgradePlan": plan,
    }


def _plan(*steps: dict, possible: bool = True) -> dict:
    return {"possible": possible, "steps": list(steps)}


@pytest.mark.parametrize(
    ("step", "kind"),
    [
        (APP, "update"),
        ({"component": "humhub", "from": None, "to": "1.8.3"}, "add"),
        (VOUCHERS, "capabilities"),
        ({"module": "karten", "from": None, "to": "1.0"}, "module"),
        ({"component": "app", "from": "4.1.3", "to": None}, "impossible"),
        ({"message": "the license is not allowed"}, "impossible"),
        ({"kind": "downgrade", "component": "app", "from": "4", "to": "3"}, "downgrade"),  # given
    ],
)
def test_step_kinds_are_read_or_inferred(step: dict, kind: str) -> None:
    assert step_kind(step) == kind


def test_summary_counts_and_groups_by_the_plan_that_unblocks() -> None:
    answers = [
        _answer("nachrichten", ["1"], _plan(APP)),  # runs 1, newest 2 needs the app
        _answer("chatbot", [], _plan(APP)),
        _answer("karten", [], _plan(APP)),
        _answer("gutscheine", [], _plan(APP, VOUCHERS)),
        _answer("oparl", [], _plan({"message": "no release"}, possible=False)),
        _answer("wetter", ["2"]),  # adoptable in its newest version: in no group
        _answer("umfragen", ["2"]),
    ]
    summary = summarize(answers, {"nachrichten": "1", "umfragen": "2"})
    assert (summary["runs"], summary["adoptableNow"], summary["blocked"]) == (2, 1, 4)
    groups = [
        (g["possible"], [s["kind"] for s in g["steps"]], g["modules"]) for g in summary["groups"]
    ]
    assert groups == [
        (True, ["update"], ["chatbot", "karten", "nachrichten"]),
        (True, ["update", "capabilities"], ["gutscheine"]),
        (False, ["impossible"], ["oparl"]),  # impossible plans come last
    ]
    assert summary["best"]["modules"] == ["chatbot", "karten", "nachrichten"]
    assert summary["best"]["steps"] == [{**APP, "kind": "update"}]


def test_best_upgrade_needs_a_one_step_version_change() -> None:
    only_capabilities = summarize([_answer("gutscheine", [], _plan(VOUCHERS))], {})
    assert only_capabilities["groups"] and only_capabilities["best"] is None
    assert best_upgrade([]) is None


def test_summary_of_the_magdeburg_demo(demo) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from registry.config import load_settings
    from registry.models import Deployment
    from registry.services import compatibility as compat

    magdeburg = demo.scalar(select(Deployment).where(Deployment.name == "Magdeburg (Demo)"))
    cache = compat.CompatibilityCache(compat.policy_from_settings(load_settings(None, {})))
    state = compat.state_from_document(magdeburg.document)
    answers = [v.to_dict() for v in cache.verdicts(demo, state).values()]
    summary = summarize(answers, magdeburg.document["modules"])
    assert summary["runs"] == 5
    best = summary["best"]
    assert best["steps"][0]["component"] == "app" and best["steps"][0]["to"] == "4.3.0"
    # The app update is the group that unlocks the most, and every module is in one group.
    assert len(best["modules"]) == max(len(g["modules"]) for g in summary["groups"])
    slugs = [s for g in summary["groups"] for s in g["modules"]]
    assert len(slugs) == len(set(slugs))


def test_compare_sorts_modules_into_gained_lost_newer_same() -> None:
    before = [_answer("a", []), _answer("b", ["1"]), _answer("c", ["1"]), _answer("d", ["1"])]
    after = [_answer("a", ["1"]), _answer("b", []), _answer("c", ["2", "1"]), _answer("d", ["1"])]
    result = compare(before, after)
    assert [a["module"] for a in result["gained"]] == ["a"]
    assert [a["module"] for a in result["lost"]] == ["b"]
    assert [(b["module"], a["adoptable"][0]) for b, a in result["newer"]] == [("c", "2")]
    assert [a["module"] for a in result["same"]] == ["d"]


def test_changed_versions_names_only_components_whose_version_moves() -> None:
    old = {
        "components": {
            "app": "4.1.3",
            "studio": {"version": "0.0.1"},
            "mainserver": {"commit": "abc1234"},
        }
    }
    new = {
        "components": {
            "app": "4.3.0",
            "studio": {"version": "0.0.1", "capabilities": ["x"]},  # same version
            "mainserver": {"commit": "abc1234", "capabilities": ["vouchers"]},  # no version
            "humhub": "1.17.0",  # new component
        }
    }
    assert changed_versions(old, new) == [("app", "4.3.0"), ("humhub", "1.17.0")]
