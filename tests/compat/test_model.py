"""Inputs: normalization, hashing, catalog updates; Evaluator entry points; verdicts."""

from __future__ import annotations

from registry.compat import (
    Blocked,
    Catalog,
    ComponentRequirement,
    ComponentState,
    DeploymentState,
    Evaluator,
    ModuleRequirement,
    Policy,
    Reason,
    Release,
    Verdict,
    evaluate_many,
    normalize_version,
    parse_range,
)


def test_build_normalizes_and_sorts() -> None:
    built = DeploymentState.build(
        {
            "mainserver": ComponentState("mainserver", None, "04d9eb41", frozenset({"vouchers"})),
            "app": ComponentState("app", "v4.2.1"),
        },
        {"karten": "v1.2.0", "chatbot": "4.3.0"},
        allowed_licenses=["MIT"],
    )
    assert [s.name for s in built.components] == ["app", "mainserver"]
    assert built.component("app") == ComponentState("app", "4.2.1")
    assert built.component("cms") is None
    assert built.modules == (("chatbot", "4.3.0"), ("karten", "1.2.0"))
    assert built.installed("karten") == "1.2.0"
    assert built.installed("wetter") is None
    assert built.allowed_licenses == frozenset({"MIT"})


def test_equal_inputs_give_equal_hashable_deployments() -> None:
    one = DeploymentState.build([ComponentState("app", "4.2.1")], {"a": "1.0"})
    two = DeploymentState.build([ComponentState("app", "v4.2.1")], [("a", "1.0")])
    assert one == two
    assert len({one, two}) == 1


def test_normalize_version_keeps_text_that_is_no_version() -> None:
    assert normalize_version(" v1.0.0-rc.1 ") == "1.0.0rc1"
    assert normalize_version("main") == "main"


def test_with_component_replaces_by_name() -> None:
    dep = DeploymentState.build([ComponentState("app", "4.2.1"), ComponentState("cms", "2.0")])
    changed = dep.with_component(ComponentState("app", "4.3.0"))
    assert [s.version for s in changed.components] == ["4.3.0", "2.0"]
    assert dep.component("app") == ComponentState("app", "4.2.1")  # the original is unchanged


def test_catalog_with_release_adds_or_replaces() -> None:
    catalog = Catalog({"karten": (Release("karten", "1.0"),)})
    added = catalog.with_release(Release("karten", "1.1"))
    assert [r.version for r in added.releases["karten"]] == ["1.0", "1.1"]
    yanked = added.with_release(Release("karten", "1.0", yanked=True))
    assert [(r.version, r.yanked) for r in yanked.releases["karten"]] == [
        ("1.1", False),
        ("1.0", True),
    ]
    assert [r.version for r in catalog.releases["karten"]] == ["1.0"]  # unchanged


def test_release_reasons_on_the_evaluator_include_rule_4_when_rules_1_to_3_pass() -> None:
    chatbot = Release(
        "chatbot",
        "1.0",
        requires=(ComponentRequirement("app", parse_range(">=4.3")),),
        depends_on=(ModuleRequirement("karten", parse_range(">=2")),),
    )
    catalog = Catalog({"chatbot": (chatbot,), "karten": (Release("karten", "1.0"),)})
    evaluator = Evaluator(catalog, Policy())
    old_app = DeploymentState.build([ComponentState("app", "4.2.1")])
    new_app = DeploymentState.build([ComponentState("app", "4.3.0")])
    assert [r.code for r in evaluator.release_reasons(chatbot, old_app)] == ["version-mismatch"]
    assert evaluator.release_reasons(chatbot, new_app) == (
        Reason("dependency-unsatisfiable", module="karten", required=">=2.0.0", actual=None),
    )
    # a release that is not in the catalog is judged too (what-if for unpublished metadata)
    draft = Release("draft", "0.1", requires=(ComponentRequirement("cms", None),))
    assert [r.code for r in evaluator.release_reasons(draft, new_app)] == ["component-missing"]


def test_evaluate_many_with_a_module_subset_keeps_order_and_copies() -> None:
    catalog = Catalog({"a": (Release("a", "1.0"),), "b": (Release("b", "1.0"),)})
    dep = DeploymentState.build([])
    results = evaluate_many([dep, dep], catalog, Policy(), modules=["b"])
    assert [list(r) for r in results] == [["b"], ["b"]]
    assert results[0] is not results[1]
    assert results[0]["b"].adoptable == ("1.0",)


def test_a_verdict_keeps_blocked_releases_as_columns_and_pairs_them_on_request() -> None:
    mismatch = (Reason("version-mismatch", component="app", required="==4.3.0", actual="4.2.1"),)
    yanked = (Reason("yanked", actual="4.1.0"),)
    entries = (Blocked("4.3.0", mismatch), Blocked("4.1.0", yanked))
    verdict = Verdict.of("chatbot", ["4.2.0"], "4.3.0", entries, None)
    assert verdict.blocked_versions == ("4.3.0", "4.1.0")
    assert verdict.blocked_reasons == (mismatch, yanked)
    assert verdict.blocked == entries
    assert verdict.reasons_for("4.1.0") == yanked
    assert verdict.reasons_for("4.2.0") == ()
    assert verdict.to_dict()["blocked"] == [b.to_dict() for b in entries]
    assert verdict.to_dict()["blocked"][0] == {
        "version": "4.3.0",
        "reasons": [
            {
                "code": "version-mismatch",
                "component": "app",
                "required": "==4.3.0",
                "actual": "4.2.1",
            }
        ],
    }
