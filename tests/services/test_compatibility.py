"""Compatibility service: the engine wired to the database, real SVA cases, cache freshness."""

import json
import random

import pytest
from sqlalchemy import select

from registry.compat import Policy
from registry.errors import InvalidInput, NotFound
from registry.models import Component, ComponentCapability, ComponentVersion, Deployment, Module
from registry.models import Release as ReleaseRow
from registry.services import compatibility as compat
from registry.services.events import bump
from registry.services.transfer import upsert_module
from tests.conftest import FIXTURES

OPEN_POLICY = Policy(default_allowed_licenses=None)


@pytest.fixture()
def cache():
    return compat.CompatibilityCache(OPEN_POLICY)


def _public_mainserver_capabilities(demo):
    """The capabilities of the public mainserver repository (a demo deployment runs them)."""
    kiel = demo.scalars(select(Deployment).where(Deployment.name == "Kiel (Demo)")).one()
    capabilities = kiel.document["components"]["mainserver"]["capabilities"]
    assert "vouchers" not in capabilities and "redeemQuotaOfVoucher" not in capabilities
    return capabilities


def _state(**document):
    return compat.state_from_document({"schemaVersion": 1, "name": "Test", **document})


def _codes(verdict, version):
    return [(r.code, r.component, r.required) for r in verdict.reasons_for(version)]


def test_voucher_module_blocked_without_voucher_capabilities(demo, cache):
    capabilities = _public_mainserver_capabilities(demo)
    state = _state(
        components={
            "app": "4.3.0",
            "mainserver": {"commit": "5b4ba192", "capabilities": capabilities},
        }
    )
    verdict = cache.verdicts(demo, state, ["gutscheine"])["gutscheine"]
    assert verdict.newest == "4.3.0" and verdict.adoptable == ()
    assert sorted(_codes(verdict, "4.3.0")) == [
        ("capability-missing", "mainserver", "redeemQuotaOfVoucher"),
        ("capability-missing", "mainserver", "vouchers"),
    ]
    plan = verdict.upgrade_plan.to_dict()
    steps = [s for s in plan["steps"] if s.get("component") == "mainserver"]
    assert sorted(steps[0]["capabilities"]) == ["redeemQuotaOfVoucher", "vouchers"]


def test_voucher_module_adoptable_with_the_2026_introspection(demo, cache):
    introspection = json.loads((FIXTURES / "metadata" / "introspection-2026-08.json").read_text())
    capabilities = compat.introspection_capabilities(introspection)
    assert {"vouchers", "redeemQuotaOfVoucher"} <= set(capabilities)
    state = _state(
        components={
            "app": "4.3.0",
            "mainserver": {"commit": "04d9eb41", "capabilities": capabilities},
        }
    )
    verdict = cache.verdicts(demo, state, ["gutscheine"])["gutscheine"]
    assert verdict.adoptable == ("4.3.0",) and verdict.upgrade_plan is None


def test_chatbot_blocked_for_app_421_with_plan_app_430(demo, cache):
    verdict = cache.verdicts(demo, _state(components={"app": "4.2.1"}), ["chatbot"])["chatbot"]
    assert verdict.adoptable == ()
    reasons = verdict.reasons_for("4.3.0")
    assert [(r.code, r.component, r.actual) for r in reasons] == [
        ("version-mismatch", "app", "4.2.1")
    ]
    assert verdict.upgrade_plan.to_dict()["steps"] == [
        {"kind": "update", "component": "app", "from": "4.2.1", "to": "4.3.0", "endOfLife": False}
    ]
    assert verdict.upgrade_plan.possible


def test_component_known_only_by_commit_gives_version_unknown(demo, cache):
    upsert_module(
        demo,
        {
            "slug": "mainserver-tool",
            "name": {"de": "Werkzeug", "en": "Tool"},
            "kind": "standalone",
            "releases": [{"version": "1.0.0", "requires": {"mainserver": {"range": ">=2024.1"}}}],
        },
    )
    demo.flush()
    state = _state(components={"mainserver": {"commit": "04d9eb41"}})
    verdict = cache.verdicts(demo, state, ["mainserver-tool"])["mainserver-tool"]
    [reason] = verdict.reasons_for("1.0.0")
    assert (reason.code, reason.component, reason.actual) == (
        "version-unknown",
        "mainserver",
        "04d9eb41",
    )


def test_all_listed_modules_answered_hidden_ones_not(demo, cache):
    demo.scalars(select(Module).where(Module.slug == "wetter")).one().hidden = True
    bump(demo, "catalog")
    verdicts = cache.verdicts(demo, _state(components={"app": "4.3.0"}))
    slugs = demo.scalars(select(Module.slug).where(Module.hidden.is_(False))).all()
    assert sorted(verdicts) == sorted(slugs) and "wetter" not in verdicts


def test_new_release_changes_next_answer_and_recomputes_only_that_module(demo, cache):
    state = _state(components={"app": "4.2.0"})
    before = cache.verdicts(demo, state)["chatbot"]
    assert before.adoptable == ()
    chatbot = demo.scalars(select(Module).where(Module.slug == "chatbot")).one()
    chatbot.releases.append(
        ReleaseRow(version="4.2.0", requires={"app": {"range": "==4.2.0"}}, license_declared="MIT")
    )
    bump(demo, "catalog")
    after = cache.verdicts(demo, state)["chatbot"]
    assert after.adoptable == ("4.2.0",)
    assert cache.stats.partial == 1 and cache.stats.modules_recomputed == 1


def test_catalog_rebuild_converts_only_changed_releases(demo, cache):
    cache.snapshot(demo)
    first = cache.stats.releases_converted
    release = demo.scalars(
        select(ReleaseRow)
        .join(Module)
        .where(Module.slug == "chatbot", ReleaseRow.version == "4.3.0")
    ).one()
    release.yanked = True
    bump(demo, "catalog")
    snapshot = cache.snapshot(demo)
    assert cache.stats.catalog_builds == 2
    assert cache.stats.releases_converted == first + 1
    assert snapshot.catalog.releases["chatbot"][0].yanked


def test_yank_changes_answer(demo, cache):
    state = _state(components={"app": "4.3.0"})
    assert cache.verdicts(demo, state, ["chatbot"])["chatbot"].adoptable == ("4.3.0",)
    release = demo.scalars(select(ReleaseRow).join(Module).where(Module.slug == "chatbot")).one()
    release.withdrawn = True
    bump(demo, "catalog")
    verdict = cache.verdicts(demo, state, ["chatbot"])["chatbot"]
    assert verdict.adoptable == () and _codes(verdict, "4.3.0")[0][0] == "yanked"


def test_dependents_are_recomputed_with_their_dependency(demo, cache):
    state = _state(components={"app": "4.1.0", "humhub": "1.15.0"}, modules={"humhub-ext": "0.5"})
    cache.verdicts(demo, state)
    humhub_ext = demo.scalars(select(Module).where(Module.slug == "humhub-ext")).one()
    humhub_ext.releases.append(ReleaseRow(version="0.6", requires={"humhub": {"range": ">=1.8.3"}}))
    bump(demo, "catalog")
    verdicts = cache.verdicts(demo, state)
    assert "0.6" in verdicts["humhub-ext"].adoptable
    assert cache.stats.modules_recomputed == len(
        compat.affected_modules(cache.snapshot(demo).catalog, {"humhub-ext"})
    )
    assert cache.stats.modules_recomputed >= 2  # humhub-ext and gruppen-soziales-netzwerk


def test_identical_deployments_share_one_entry(demo, cache):
    document = {"components": {"app": "4.3.0"}, "modules": {"chatbot": "4.3.0"}}
    first = cache.verdicts(demo, _state(**document))
    second = cache.verdicts(demo, _state(**dict(document, name="Other")))
    assert first == second
    assert (cache.stats.full, cache.stats.hits) == (1, 1)


def test_edited_deployment_is_a_new_answer(demo, cache):
    assert (
        cache.verdicts(demo, _state(components={"app": "4.2.0"}), ["chatbot"])["chatbot"].adoptable
        == ()
    )
    edited = cache.verdicts(demo, _state(components={"app": "4.3.0"}), ["chatbot"])["chatbot"]
    assert edited.adoptable == ("4.3.0",)


def test_deployment_license_policy_blocks(demo, cache):
    state = _state(components={"app": "4.3.0"}, licenses=["MIT"])
    verdict = cache.verdicts(demo, state, ["chatbot"])["chatbot"]
    assert [r.code for r in verdict.reasons_for("4.3.0")] == ["license-not-allowed"]


def test_component_upgrade_report(demo, cache):
    state = _state(
        components={"app": "4.2.0", "mainserver": {"capabilities": ["newsItems"]}},
        modules={"chatbot": "4.3.0", "nachrichten": "4.2.0", "humhub-ext": "0.5"},
    )
    report = cache.component_upgrade(demo, state, "app", "4.3.0").to_dict()
    assert report["component"] == "app" and report["from"] == "4.2.0" and report["to"] == "4.3.0"
    assert [m["module"] for m in report["ok"]] == ["chatbot"]
    assert [(m["module"], m["lowest"]) for m in report["update"]] == [("nachrichten", "4.3.0")]
    assert [(m["module"], m["reasons"][0]["code"]) for m in report["blocked"]] == [
        ("humhub-ext", "component-missing")  # no humhub in this deployment
    ]


def test_component_upgrade_errors(demo, cache):
    state = _state(components={"app": "4.2.0"})
    with pytest.raises(InvalidInput) as caught:
        cache.component_upgrade(demo, state, "app", "five")
    assert caught.value.details[0]["field"] == "to"
    with pytest.raises(NotFound):
        cache.component_upgrade(demo, state, "nothing", "1.0")


@pytest.mark.parametrize(
    ("query", "components", "modules"),
    [
        ([("app", "4.2.1")], {"app": {"version": "4.2.1"}}, None),
        (
            [("mainserver.capabilities", "vouchers, search"), ("mainserver.commit", "04d9eb41")],
            {"mainserver": {"capabilities": ["vouchers", "search"], "commit": "04d9eb41"}},
            None,
        ),
        (
            [("app", "4.3.0"), ("module", "chatbot,gutscheine"), ("module", "chatbot")],
            {"app": {"version": "4.3.0"}},
            ("chatbot", "gutscheine"),
        ),  # repeated slug kept once
    ],
)
def test_what_if_query(query, components, modules):
    what_if = compat.what_if_from_query(query)
    assert what_if.document["components"] == components
    assert what_if.modules == modules


def test_what_if_query_lists_every_problem():
    with pytest.raises(InvalidInput) as caught:
        compat.what_if_from_query(
            [("app", "four"), ("channel", "nightly"), ("app.colour", "red"), ("licenses", "Nope-1")]
        )
    fields = {d["field"] for d in caught.value.details}
    assert {"app", "channel", "app.colour", "licenses[0]"} <= fields


def test_what_if_modules_and_licenses():
    what_if = compat.what_if_from_query(
        [("modules.karten", "1.2"), ("licenses", "MIT,EUPL-1.2"), ("channel", "prerelease")]
    )
    state = compat.state_from_document(what_if.document)
    assert state.modules == (("karten", "1.2"),)
    assert state.allowed_licenses == frozenset({"MIT", "EUPL-1.2"})
    assert state.channel == "prerelease"


def test_invalid_stored_range_blocks_as_metadata_invalid(demo, cache):
    chatbot = demo.scalars(select(Module).where(Module.slug == "chatbot")).one()
    chatbot.releases.append(ReleaseRow(version="9.0.0", requires={"app": {"range": ">=banana"}}))
    bump(demo, "catalog")
    verdict = cache.verdicts(demo, _state(components={"app": "4.3.0"}), ["chatbot"])["chatbot"]
    assert [r.code for r in verdict.reasons_for("9.0.0")] == ["metadata-invalid"]


def test_introspection_capabilities_rejects_other_json():
    with pytest.raises(InvalidInput):
        compat.introspection_capabilities({"data": {"nope": 1}})
    small = {
        "__schema": {
            "queryType": {"name": "Query"},
            "mutationType": {"name": "Mutation"},
            "types": [
                {"name": "Query", "fields": [{"name": "vouchers"}, {"name": "search"}]},
                {"name": "Mutation", "fields": [{"name": "redeemQuotaOfVoucher"}]},
                {"name": "Other", "fields": [{"name": "notRoot"}]},
            ],
        }
    }
    assert compat.introspection_capabilities(small) == [
        "redeemQuotaOfVoucher",
        "search",
        "vouchers",
    ]


def test_import_capabilities_marks_catalog_changed(demo, cache):
    before = cache.snapshot(demo).catalog.component_capabilities.get("mainserver", frozenset())
    added, known = compat.import_capabilities(
        demo, "mainserver", ["vouchers", "brandNewField"], "test"
    )
    assert (added, known) == (1, 1)
    after = cache.snapshot(demo).catalog.component_capabilities["mainserver"]
    assert after == before | {"brandNewField"}
    with pytest.raises(NotFound):
        compat.import_capabilities(demo, "nothing", ["x"])


def test_verdict_lines_explain_in_german_and_english(demo, cache):
    verdict = cache.verdicts(demo, _state(components={"app": "4.2.1"}), ["chatbot"])["chatbot"]
    german = "\n".join(compat.verdict_lines(verdict, "de"))
    english = "\n".join(compat.verdict_lines(verdict, "en"))
    assert "version-mismatch" in german and "4.2.1" in german and "Upgrade-Plan" in german
    assert "upgrade plan for 4.3.0" in english and "Update app from 4.2.1 to 4.3.0." in english


def test_rolled_back_catalog_change_is_not_kept(demo, cache):
    """A bump seen inside a transaction that is rolled back, then another change reaching the
    same counter value: the answer follows the committed data."""
    state = _state(components={"app": "4.2.0"})
    assert cache.verdicts(demo, state, ["chatbot"])["chatbot"].adoptable == ()
    savepoint = demo.begin_nested()
    chatbot = demo.scalars(select(Module).where(Module.slug == "chatbot")).one()
    chatbot.releases.append(ReleaseRow(version="4.2.0", requires={"app": {"range": "==4.2.0"}}))
    bump(demo, "catalog")
    assert cache.verdicts(demo, state, ["chatbot"])["chatbot"].adoptable == ("4.2.0",)
    savepoint.rollback()
    demo.expire_all()
    release = demo.scalars(select(ReleaseRow).join(Module).where(Module.slug == "wetter")).first()
    release.yanked = True
    bump(demo, "catalog")
    assert cache.verdicts(demo, state, ["chatbot"])["chatbot"].adoptable == ()


def test_verdicts_many_shares_identical_inputs(demo, cache):
    documents = [d.document for d in demo.scalars(select(Deployment).order_by(Deployment.id))]
    states = [compat.state_from_document(d) for d in documents + documents]
    answers = cache.verdicts_many(demo, states)
    assert len(answers) == len(states)
    assert cache.stats.full == len(set(states)) and cache.stats.hits == len(states) - len(
        set(states)
    )
    single = compat.CompatibilityCache(OPEN_POLICY).verdicts(demo, states[0])
    assert answers[0] == single


def _mutate(demo, rng, step):
    """One random catalog change of the kinds crawls and admins make."""
    modules = demo.scalars(select(Module).order_by(Module.slug)).all()
    kind = rng.choice(["release", "yank", "dependency", "component-version", "capability"])
    if kind == "release":
        module = rng.choice(modules)
        low = rng.choice(["4.0.0", "4.2.0", "4.3.0"])
        module.releases.append(
            ReleaseRow(version=f"9.{step}.0", requires={"app": {"range": f">={low}"}})
        )
    elif kind == "yank":
        # Mostly releases that other modules depend on: their dependents must follow.
        targets = ["humhub-ext", "karten", "nachrichten"] if rng.random() < 0.7 else None
        query = select(ReleaseRow).join(Module).order_by(ReleaseRow.id)
        if targets:
            query = query.where(Module.slug.in_(targets))
        release = rng.choice(demo.scalars(query).all())
        release.yanked = not release.yanked
    elif kind == "dependency":
        release = rng.choice(demo.scalars(select(ReleaseRow).order_by(ReleaseRow.id)).all())
        target = rng.choice(["karten", "humhub-ext", "nachrichten"])
        if release.module.slug != target:
            release.depends_on = {target: {"range": ">=0.1"}}
    elif kind == "component-version":
        app = demo.scalars(select(Component).where(Component.name == "app")).one()
        app.versions.append(ComponentVersion(version=f"4.{4 + step}.0"))
    else:
        mainserver = demo.scalars(select(Component).where(Component.name == "mainserver")).one()
        mainserver.capabilities.append(ComponentCapability(name=f"field{step}"))
    bump(demo, "catalog")
    demo.flush()
    return kind


def test_incremental_answers_equal_fresh_answers_after_random_changes(demo, cache):
    """Never stale: after each random change the cached answers equal a fresh computation."""
    rng = random.Random(20261127)
    documents = [d.document for d in demo.scalars(select(Deployment).order_by(Deployment.id))]
    states = [compat.state_from_document(d) for d in documents]
    # A second cache only ever asked about a few modules keeps partial entries.
    partial = compat.CompatibilityCache(OPEN_POLICY)
    few = ["gruppen-soziales-netzwerk", "humhub-ext", "karten", "chatbot"]
    for state in states:
        cache.verdicts(demo, state)
        partial.verdicts(demo, state, few)
    kinds = set()
    for step in range(20):
        kinds.add(_mutate(demo, rng, step))
        fresh = compat.CompatibilityCache(OPEN_POLICY)
        for state in states:
            expected = fresh.verdicts(demo, state)
            assert cache.verdicts(demo, state) == expected, step
            assert partial.verdicts(demo, state, few) == {s: expected[s] for s in few}, step
    assert cache.stats.partial > 0  # the incremental path was taken
    assert len(kinds) >= 4


def test_yanked_dependency_changes_the_dependent_answer(demo, cache):
    """Eberswalde runs humhub-ext 0.5; the social network module needs humhub-ext >=0.1."""
    eberswalde = demo.scalars(
        select(Deployment).where(Deployment.name == "Eberswalde (Demo)")
    ).one()
    state = compat.state_from_document(eberswalde.document)
    assert state.installed("humhub-ext") == "0.5"
    before = cache.verdicts(demo, state)["gruppen-soziales-netzwerk"]
    assert "4.1.0" in before.adoptable
    release = demo.scalars(
        select(ReleaseRow)
        .join(Module)
        .where(Module.slug == "humhub-ext", ReleaseRow.version == "0.5")
    ).one()
    release.yanked = True
    bump(demo, "catalog")
    after = cache.verdicts(demo, state)["gruppen-soziales-netzwerk"]
    assert "4.1.0" not in after.adoptable
    codes = {(r.code, r.module) for r in after.reasons_for("4.1.0")}
    assert ("dependency-unsatisfiable", "humhub-ext") in codes
    assert cache.stats.partial == 1


def test_question_about_one_module_evaluates_only_that_module(demo, cache):
    state = _state(components={"app": "4.2.0"})
    assert cache.verdicts(demo, state, ["chatbot"])["chatbot"].adoptable == ()
    assert cache.stats.modules_evaluated == 1
    everything = cache.verdicts(demo, state)
    total = len(cache.snapshot(demo).catalog.releases)
    assert cache.stats.modules_evaluated == total  # the rest, chatbot not twice
    assert everything == compat.CompatibilityCache(OPEN_POLICY).verdicts(demo, state)


def test_partial_entry_follows_a_catalog_change(demo, cache):
    state = _state(components={"app": "4.2.0"})
    cache.verdicts(demo, state, ["chatbot", "wetter"])
    chatbot = demo.scalars(select(Module).where(Module.slug == "chatbot")).one()
    chatbot.releases.append(ReleaseRow(version="4.2.0", requires={"app": {"range": "==4.2.0"}}))
    bump(demo, "catalog")
    evaluated = cache.stats.modules_evaluated
    answer = cache.verdicts(demo, state, ["chatbot", "wetter"])
    assert answer["chatbot"].adoptable == ("4.2.0",)
    assert cache.stats.modules_evaluated == evaluated + 1  # wetter was kept
