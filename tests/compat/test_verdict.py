"""Verdicts, upgrade plans, what-if reports and shared evaluation."""

from __future__ import annotations

import json
import random
from dataclasses import replace

from registry.compat import (
    Catalog,
    ComponentRequirement,
    DeploymentState,
    Evaluator,
    ModuleRequirement,
    Policy,
    Release,
    affected_modules,
    evaluate,
    evaluate_many,
    parse_range,
    plan_component_upgrade,
)
from tests.compat.sva import (
    INTROSPECTION_2026,
    PUBLIC_MAINSERVER,
    app,
    chatbot,
    mainserver,
    voucher,
)
from tests.compat.test_oracle import random_catalog, random_deployment, random_instance

OPEN = Policy()
APP_VERSIONS = ("3.2.6", "4.0.0", "4.1.0", "4.2.1", "4.3.0", "5.0.0rc1")


def sva_catalog(**extra: tuple[Release, ...]) -> Catalog:
    return Catalog(
        releases={"gutscheine": (voucher("4.0.0"), voucher("4.3.0")), **extra},
        component_versions={"app": APP_VERSIONS},
        component_capabilities={"mainserver": frozenset(INTROSPECTION_2026)},
    )


def musterhausen(
    *, modules: dict[str, str] | None = None, channel: str = "stable"
) -> DeploymentState:
    return DeploymentState.build(
        [app("4.2.1"), mainserver(PUBLIC_MAINSERVER)],
        modules or {},
        channel=channel,  # type: ignore[arg-type]
    )


def test_voucher_verdict_json_with_upgrade_plan() -> None:
    verdict = evaluate(musterhausen(), sva_catalog(), OPEN)["gutscheine"]
    data = verdict.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == ["module", "adoptable", "newest", "blocked", "upgradePlan"]
    assert data["module"] == "gutscheine"
    assert data["adoptable"] == []
    assert data["newest"] == "4.3.0"
    assert [b["version"] for b in data["blocked"]] == ["4.3.0", "4.0.0"]
    assert data["blocked"][0]["reasons"][0] == {
        "code": "version-mismatch",
        "component": "app",
        "required": "==4.3.0",
        "actual": "4.2.1",
    }
    assert data["upgradePlan"] == {
        "version": "4.3.0",
        "steps": [
            {
                "kind": "update",
                "component": "app",
                "from": "4.2.1",
                "to": "4.3.0",
                "endOfLife": False,
            },
            {
                "kind": "capabilities",
                "component": "mainserver",
                "capabilities": ["redeemQuotaOfVoucher", "vouchers"],
                "offeredBy": None,
            },
        ],
        "possible": True,
    }


def test_adoptable_is_newest_first_and_no_plan_when_newest_is_adoptable() -> None:
    releases = tuple(chatbot(v) for v in ("4.3.0", "4.10.0", "4.9.1"))
    dep = DeploymentState.build([app("4.3.0")])
    verdict = evaluate(dep, Catalog({"chatbot": releases}), OPEN)["chatbot"]
    assert verdict.adoptable == ("4.10.0", "4.9.1", "4.3.0")
    assert verdict.newest == "4.10.0"
    assert verdict.blocked == ()
    assert verdict.upgrade_plan is None


def test_newest_skips_yanked_and_prereleases_on_stable() -> None:
    releases = (
        chatbot("4.3.0"),
        replace(chatbot("4.4.0"), yanked=True),
        replace(chatbot("5.0.0rc1"), prerelease=True),
    )
    catalog = Catalog({"chatbot": releases})
    stable = evaluate(DeploymentState.build([app("4.3.0")]), catalog, OPEN)["chatbot"]
    assert stable.newest == "4.3.0"
    assert stable.adoptable == ("4.3.0",)
    assert [b.version for b in stable.blocked] == ["5.0.0rc1", "4.4.0"]
    assert stable.upgrade_plan is None
    pre = DeploymentState.build([app("4.3.0")], channel="prerelease")
    early = evaluate(pre, catalog, OPEN)["chatbot"]
    assert early.newest == "5.0.0rc1"
    assert early.adoptable == ("5.0.0rc1", "4.3.0")


def test_plan_takes_the_lowest_known_version_that_satisfies() -> None:
    catalog = Catalog(
        {"chatbot": (chatbot(),)}, component_versions={"app": ("4.4.0", "4.3.0", "5.0.0")}
    )
    plan = evaluate(musterhausen(), catalog, OPEN)["chatbot"].upgrade_plan
    assert plan is not None
    assert plan.to_dict()["steps"] == [
        {"kind": "update", "component": "app", "from": "4.2.1", "to": "4.3.0", "endOfLife": False}
    ]


def test_plan_skips_prerelease_component_versions_on_stable() -> None:
    catalog = Catalog({"chatbot": (chatbot(),)}, component_versions={"app": ("4.3.1rc1", "4.3.2")})
    stable = evaluate(musterhausen(), catalog, OPEN)["chatbot"].upgrade_plan
    assert stable is not None and stable.steps[0].to == "4.3.2"
    early = evaluate(musterhausen(channel="prerelease"), catalog, OPEN)["chatbot"].upgrade_plan
    assert early is not None and early.steps[0].to == "4.3.1rc1"


def test_plan_is_impossible_when_no_known_version_satisfies() -> None:
    release = replace(chatbot(), requires=(ComponentRequirement("app", parse_range(">=9")),))
    plan = evaluate(musterhausen(), sva_catalog(chatbot=(release,)), OPEN)["chatbot"].upgrade_plan
    assert plan is not None
    assert plan.possible is False
    assert plan.to_dict()["steps"] == [
        {
            "kind": "impossible",
            "component": "app",
            "code": "no-known-version",
            "required": [">=9.0.0"],
        }
    ]


def test_plan_is_impossible_for_a_capability_no_mainserver_offers() -> None:
    release = replace(
        voucher("4.2.1"),
        requires=(ComponentRequirement("mainserver", None, frozenset({"teleport"})),),
    )
    plan = evaluate(musterhausen(), sva_catalog(gutscheine=(release,)), OPEN)[
        "gutscheine"
    ].upgrade_plan
    assert plan is not None
    assert plan.possible is False
    assert plan.to_dict()["steps"] == [
        {
            "kind": "impossible",
            "component": "mainserver",
            "code": "capability-unknown",
            "capabilities": ["teleport"],
        }
    ]


def test_plan_cannot_fix_a_license() -> None:
    release = replace(chatbot(), license="Proprietary-1.0")
    dep = DeploymentState.build([app("4.3.0")], allowed_licenses={"MIT"})
    plan = evaluate(dep, Catalog({"chatbot": (release,)}), OPEN)["chatbot"].upgrade_plan
    assert plan is not None
    assert plan.possible is False
    assert plan.to_dict()["steps"] == [{"kind": "impossible", "code": "license-not-allowed"}]


def karten(version: str, app_range: str = ">=4.0") -> Release:
    return Release(
        "karten", version, requires=(ComponentRequirement("app", parse_range(app_range)),)
    )


def test_plan_upgrades_a_dependency_to_its_lowest_adoptable_version() -> None:
    bot = chatbot(depends_on=(ModuleRequirement("karten", parse_range(">=1.2")),))
    catalog = sva_catalog(
        chatbot=(bot,), karten=(karten("1.0"), karten("1.2"), karten("1.5"), karten("2.0"))
    )
    dep = DeploymentState.build([app("4.3.0")], {"karten": "1.0"})
    verdict = evaluate(dep, catalog, OPEN)["chatbot"]
    assert verdict.adoptable == ()
    assert verdict.upgrade_plan is not None
    assert verdict.upgrade_plan.to_dict() == {
        "version": "4.3.0",
        "steps": [{"kind": "module", "module": "karten", "from": "1.0", "to": "1.2"}],
        "possible": True,
    }
    # with upgrades allowed the release is adoptable right away
    assert evaluate(dep, catalog, OPEN, allow_upgrades=True)["chatbot"].adoptable == ("4.3.0",)


def test_plan_combines_component_and_dependency_steps() -> None:
    bot = chatbot(depends_on=(ModuleRequirement("karten", parse_range(">=1.2")),))
    catalog = sva_catalog(chatbot=(bot,), karten=(karten("1.2", ">=4.3"),))
    verdict = evaluate(musterhausen(), catalog, OPEN)["chatbot"]
    assert verdict.upgrade_plan is not None
    assert verdict.upgrade_plan.to_dict()["steps"] == [
        {"kind": "update", "component": "app", "from": "4.2.1", "to": "4.3.0", "endOfLife": False},
        {"kind": "module", "module": "karten", "from": None, "to": "1.2"},
    ]
    assert verdict.upgrade_plan.possible


def test_plan_reports_an_unsatisfiable_dependency() -> None:
    bot = chatbot(depends_on=(ModuleRequirement("karten", parse_range(">=3")),))
    catalog = sva_catalog(chatbot=(bot,), karten=(karten("1.2"),))
    verdict = evaluate(DeploymentState.build([app("4.3.0")]), catalog, OPEN)["chatbot"]
    assert verdict.upgrade_plan is not None
    assert verdict.upgrade_plan.possible is False
    assert verdict.upgrade_plan.to_dict()["steps"] == [
        {
            "kind": "impossible",
            "module": "karten",
            "code": "dependency-unsatisfiable",
            "required": ">=3.0.0",
            "actual": None,
            "details": [],  # no release of karten is in the range at all
        }
    ]


def test_a_module_that_depends_on_itself_shares_no_verdict_with_a_plain_twin() -> None:
    """Modules whose releases read the same share verdicts; a dependency on itself (rule 4)
    is no part of what rules 1-3 read, and must keep the twins apart in either order."""
    selfish = Release("a", "1.0.0", depends_on=(ModuleRequirement("a", parse_range("^2.0.0")),))
    plain = Release("b", "1.0.0")
    for order in (("a", "b"), ("b", "a")):
        releases = {"a": (selfish,), "b": (plain,)}
        catalog = Catalog({slug: releases[slug] for slug in order})
        verdicts = evaluate(DeploymentState.build(), catalog, OPEN)
        assert verdicts["b"].adoptable == ("1.0.0",), order
        assert verdicts["a"].adoptable == (), order
        assert [r.code for r in verdicts["a"].reasons_for("1.0.0")] == [
            "dependency-unsatisfiable"
        ], order


def test_modules_with_equal_reasons_share_plans_only_when_their_requirements_agree() -> None:
    """Plans are shared between modules by version, reasons and requirements on the blocking
    components.  ``twin`` differs from ``chatbot`` only in a satisfied requirement on another
    component: same plan.  ``picky`` also excludes app 4.3.0 by a requirement the deployment
    satisfies, so its reasons are equal but its plan must go further."""
    needs = (ComponentRequirement("app", parse_range(">=4.3")),)
    chatbot_ = Release("chatbot", "4.3.0", requires=needs)
    twin = Release(
        "twin", "4.3.0", requires=(*needs, ComponentRequirement("mainserver", None, frozenset()))
    )
    picky = Release(
        "picky", "4.3.0", requires=(ComponentRequirement("app", parse_range("!=4.3.0")), *needs)
    )
    catalog = Catalog(
        {"chatbot": (chatbot_,), "twin": (twin,), "picky": (picky,)},
        component_versions={"app": ("4.2.1", "4.3.0", "4.4.0")},
    )
    deployment = DeploymentState.build([app("4.2.1"), mainserver(PUBLIC_MAINSERVER)])
    verdicts = evaluate(deployment, catalog, OPEN)
    assert verdicts["chatbot"].reasons_for("4.3.0") == verdicts["picky"].reasons_for("4.3.0")
    targets = {slug: v.upgrade_plan.steps[0].to for slug, v in verdicts.items() if v.upgrade_plan}
    assert targets == {"chatbot": "4.3.0", "twin": "4.3.0", "picky": "4.4.0"}
    assert verdicts["twin"].module == "twin"
    assert verdicts["twin"].to_dict() == {**verdicts["chatbot"].to_dict(), "module": "twin"}


def test_modules_missing_other_capabilities_get_their_own_plans() -> None:
    """Plans are shared by the capabilities a release misses (its reasons list them), not by
    those it asks for: equal misses share, other misses must not."""

    def needing(slug: str, *capabilities: str) -> Release:
        wants = ComponentRequirement("mainserver", None, frozenset(capabilities))
        return Release(slug, "1.0.0", requires=(wants,))

    catalog = sva_catalog(
        gutscheine=(needing("gutscheine", "vouchers"),),
        einloesen=(needing("einloesen", "vouchers", "newsItems"),),
        suche=(needing("suche", "search"),),
    )
    deployment = DeploymentState.build([app("4.2.1"), mainserver(frozenset({"newsItems"}))])
    verdicts = evaluate(deployment, catalog, OPEN)
    missing = {
        slug: verdicts[slug].upgrade_plan.to_dict()["steps"][0]["capabilities"]  # type: ignore[union-attr]
        for slug in ("gutscheine", "einloesen", "suche")
    }
    assert missing == {"gutscheine": ["vouchers"], "einloesen": ["vouchers"], "suche": ["search"]}


def test_component_upgrade_report() -> None:
    catalog = sva_catalog(
        chatbot=(chatbot("4.3.0"),),
        karten=(karten("1.0", "<4.3"), karten("1.1", "<5"), karten("2.0", ">=4.3")),
        wetter=(
            Release("wetter", "1.0", requires=(ComponentRequirement("app", parse_range("<4.3")),)),
        ),
    )
    dep = DeploymentState.build(
        [app("4.2.1"), mainserver(INTROSPECTION_2026)],
        {"gutscheine": "4.0.0", "karten": "1.0", "wetter": "1.0", "chatbot": "4.3.0"},
    )
    report = plan_component_upgrade(dep, catalog, OPEN, "app", "v4.3.0")
    data = report.to_dict()
    assert data["component"] == "app"
    assert data["from"] == "4.2.1"
    assert data["to"] == "4.3.0"
    assert data["ok"] == [{"module": "chatbot", "installed": "4.3.0", "status": "ok"}]
    assert data["update"] == [
        {
            "module": "gutscheine",
            "installed": "4.0.0",
            "status": "update",
            "lowest": "4.3.0",
            "newest": "4.3.0",
        },
        {
            "module": "karten",
            "installed": "1.0",
            "status": "update",
            "lowest": "1.1",
            "newest": "2.0",
        },
    ]
    assert data["blocked"] == [
        {
            "module": "wetter",
            "installed": "1.0",
            "status": "blocked",
            "reasons": [
                {
                    "code": "version-mismatch",
                    "component": "app",
                    "required": "<4.3.0",
                    "actual": "4.3.0",
                }
            ],
        }
    ]


def test_evaluate_only_some_modules_and_skip_unknown_slugs() -> None:
    result = evaluate(musterhausen(), sva_catalog(chatbot=(chatbot(),)), OPEN, ["chatbot", "nope"])
    assert list(result) == ["chatbot"]


def test_affected_modules_follow_dependents_transitively() -> None:
    def dep(slug: str, *on: str) -> Release:
        return Release(
            slug, "1.0", depends_on=tuple(ModuleRequirement(m, parse_range("*")) for m in on)
        )

    catalog = Catalog(
        {
            "base": (dep("base"),),
            "karten": (dep("karten", "base"),),
            "chatbot": (dep("chatbot", "karten"),),
            "wetter": (dep("wetter"),),
            "a": (dep("a", "b"),),
            "b": (dep("b", "a"),),
        }
    )
    assert affected_modules(catalog, {"base"}) == {"base", "karten", "chatbot"}
    assert affected_modules(catalog, {"wetter"}) == {"wetter"}
    assert affected_modules(catalog, {"a"}) == {"a", "b"}


def test_shared_evaluation_equals_fresh_evaluation() -> None:
    """Caches shared between deployments (and plans) must never leak between them."""
    for seed in range(150):
        rng, catalog, policy = random_instance(seed)
        deployments = [random_deployment(rng, catalog) for _ in range(6)]
        deployments.append(deployments[0])  # a duplicate
        shared = evaluate_many(deployments, catalog, policy)
        for deployment, verdicts in zip(deployments, shared, strict=True):
            fresh = Evaluator(catalog, policy).evaluate(deployment)
            assert {k: v.to_dict() for k, v in verdicts.items()} == {
                k: v.to_dict() for k, v in fresh.items()
            }, seed


def test_incremental_update_after_a_new_release() -> None:
    for seed in range(60):
        rng = random.Random(seed)
        catalog = random_catalog(rng)
        deployments = [random_deployment(rng, catalog) for _ in range(4)]
        before = evaluate_many(deployments, catalog, OPEN)
        slug = sorted(catalog.releases)[0]
        new = Release(slug, "7.0", depends_on=())
        updated = catalog.with_release(new)
        touched = affected_modules(updated, {slug})
        partial = evaluate_many(deployments, updated, OPEN, modules=touched)
        full = evaluate_many(deployments, updated, OPEN)
        for old, part, whole in zip(before, partial, full, strict=True):
            merged = {**old, **part}
            assert {k: v.to_dict() for k, v in merged.items()} == {
                k: v.to_dict() for k, v in whole.items()
            }, seed
            assert "7.0" in whole[slug].adoptable


def test_one_evaluator_for_many_deployments_equals_a_fresh_one_for_each() -> None:
    """The evaluator shares work between environments by what their modules read (projections,
    columns of equal reasons, plans keyed by versions and commits): many varied deployments on
    one evaluator, in random order and with repeats, must get exactly what a fresh evaluator
    gives each of them."""
    compared = 0
    for seed in range(100):
        rng, catalog, policy = random_instance(seed)
        shared = Evaluator(catalog, policy)
        deployments = []
        for _ in range(25):
            deployment = random_deployment(rng, catalog)
            # Another commit of the server (equal capabilities), or the same commit with other
            # capabilities: states that agree on part of what plans and columns read.
            states = [
                replace(s, commit=rng.choice(["5b4ba192", "04d9eb41"])) if s.name == "server" else s
                for s in deployment.components
            ]
            deployments.append(replace(deployment, components=tuple(states)))
        deployments += rng.sample(deployments, 5)
        for deployment in deployments:
            allow_upgrades = rng.random() < 0.2
            got = shared.evaluate(deployment, allow_upgrades=allow_upgrades)
            fresh = Evaluator(catalog, policy).evaluate(deployment, allow_upgrades=allow_upgrades)
            assert {k: v.to_dict() for k, v in got.items()} == {
                k: v.to_dict() for k, v in fresh.items()
            }, (seed, deployment)
            compared += len(got)
    assert compared > 5_000
