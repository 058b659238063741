"""Table tests: every rule of docs/compatibility.md and every reason code, on real SVA cases."""

from __future__ import annotations

from dataclasses import replace

import pytest

from registry.compat import (
    CODES,
    Blocked,
    Catalog,
    ComponentRequirement,
    ComponentState,
    DeploymentState,
    ModuleRequirement,
    Policy,
    Reason,
    Release,
    evaluate,
    parse_range,
    parse_tag,
    release_reasons,
)
from registry.compat.versions import TagVersion
from tests.compat.sva import (
    INTROSPECTION_2026,
    PRODUCTION_SHA,
    PUBLIC_MAINSERVER,
    accessibility,
    app,
    chatbot,
    mainserver,
    voucher,
)

OPEN = Policy()


def deployment(*components: ComponentState, **kwargs: object) -> DeploymentState:
    return DeploymentState.build(components, **kwargs)  # type: ignore[arg-type]


def reasons(release: Release, dep: DeploymentState, policy: Policy = OPEN) -> tuple[Reason, ...]:
    return release_reasons(release, dep, policy)


def test_voucher_is_blocked_by_the_public_mainserver_with_one_reason_per_capability() -> None:
    found = reasons(voucher("4.0.0"), deployment(app("4.0.0"), mainserver(PUBLIC_MAINSERVER)))
    assert found == (
        Reason("capability-missing", component="mainserver", required="redeemQuotaOfVoucher"),
        Reason("capability-missing", component="mainserver", required="vouchers"),
    )


def test_voucher_is_adoptable_with_the_2026_introspection_capabilities() -> None:
    assert reasons(voucher("4.0.0"), deployment(app("4.0.0"), mainserver(INTROSPECTION_2026))) == ()


def test_in_app_release_needs_the_host_at_exactly_its_version() -> None:
    found = reasons(voucher("4.0.0"), deployment(app("4.2.1"), mainserver(INTROSPECTION_2026)))
    assert found == (
        Reason("version-mismatch", component="app", required="==4.0.0", actual="4.2.1"),
    )


def test_chatbot_needs_app_4_3_0() -> None:
    assert reasons(chatbot(), deployment(app("4.2.1"))) == (
        Reason("version-mismatch", component="app", required=">=4.3.0", actual="4.2.1"),
    )
    assert reasons(chatbot(), deployment(app("4.3.0"))) == ()


def test_app_tag_with_dot_after_v_gives_a_usable_version() -> None:
    tag = parse_tag("v.3.2.6")
    assert isinstance(tag, TagVersion)
    assert reasons(accessibility(), deployment(app(tag.version))) == ()
    assert reasons(accessibility(), deployment(app("3.1.2")))[0].code == "version-mismatch"


def test_component_known_only_by_commit_satisfies_no_range() -> None:
    by_commit = ComponentState("app", None, "e3806910")
    assert reasons(chatbot(), deployment(by_commit)) == (
        Reason("version-unknown", component="app", required=">=4.3.0", actual="e3806910"),
    )


def test_mainserver_by_commit_passes_capability_only_requirements() -> None:
    dep = deployment(app("4.0.0"), mainserver(INTROSPECTION_2026, commit=PRODUCTION_SHA))
    assert reasons(voucher(), dep) == ()


def test_missing_component_is_one_reason() -> None:
    assert reasons(voucher(), deployment(app("4.0.0"))) == (
        Reason("component-missing", component="mainserver", required=None),
    )
    assert reasons(chatbot(), deployment(mainserver(INTROSPECTION_2026))) == (
        Reason("component-missing", component="app", required=">=4.3.0"),
    )


def test_component_version_that_is_no_version_satisfies_no_range() -> None:
    verdict = evaluate(deployment(app("main")), catalog(chatbot()), OPEN)["chatbot"]
    assert verdict.adoptable == ()
    assert verdict.upgrade_plan is not None  # planning copes with the odd version text too
    found = reasons(chatbot(), deployment(app("main")))
    assert found == (
        Reason("version-mismatch", component="app", required=">=4.3.0", actual="main"),
    )


RELEASE_STATE = [
    # (yanked, prerelease, problems, channel, expected codes)
    (True, False, (), "stable", ["yanked"]),
    (False, True, (), "stable", ["prerelease"]),
    (False, True, (), "prerelease", []),  # the prerelease channel takes prereleases
    (True, True, (), "prerelease", ["yanked"]),  # yanked beats every channel
    (False, False, ("requires.app: bad range",), "stable", ["metadata-invalid"]),
    (True, True, ("x",), "stable", ["metadata-invalid", "yanked", "prerelease"]),
    (False, False, (), "stable", []),
]


@pytest.mark.parametrize(("yanked", "prerelease", "problems", "channel", "codes"), RELEASE_STATE)
def test_release_state_rules(
    yanked: bool, prerelease: bool, problems: tuple[str, ...], channel: str, codes: list[str]
) -> None:
    release = replace(chatbot(), yanked=yanked, prerelease=prerelease, problems=problems)
    found = reasons(release, deployment(app("4.3.0"), channel=channel))
    assert [r.code for r in found] == codes


def test_metadata_problems_are_the_actual_text() -> None:
    release = replace(chatbot(), problems=("a", "b"))
    assert reasons(release, deployment(app("4.3.0")))[0] == Reason(
        "metadata-invalid", actual="a; b"
    )


LICENSES = [
    # (release license, deployment list, policy default, require known, allowed?)
    ("GPL-3.0-or-later", None, {"GPL-3.0-or-later", "MIT"}, False, True),
    ("Apache-2.0", None, {"GPL-3.0-or-later", "MIT"}, False, False),
    ("Apache-2.0 OR MIT", None, {"MIT"}, False, True),  # OR: one side suffices
    ("Apache-2.0 AND MIT", None, {"MIT"}, False, False),  # AND: both needed
    ("Apache-2.0 AND MIT", None, {"MIT", "Apache-2.0"}, False, True),
    ("(MIT OR EUPL-1.2) AND Apache-2.0", None, {"EUPL-1.2", "Apache-2.0"}, False, True),
    ("mit", None, {"MIT"}, False, True),  # SPDX ids compare case-insensitively
    ("GPL-2.0-only WITH Classpath-exception-2.0", None, {"GPL-2.0-only"}, False, True),
    ("Apache-2.0", {"Apache-2.0"}, {"MIT"}, False, True),  # the deployment's list wins
    ("MIT", {"Apache-2.0"}, {"MIT"}, False, False),
    (None, None, {"MIT"}, False, True),  # unknown passes unless required
    (None, None, {"MIT"}, True, False),
    ("NOASSERTION", None, {"MIT"}, True, False),
    ("MIT OR", None, {"MIT"}, True, False),  # unparsable is unknown
    (None, None, None, True, False),
    ("Anything-1.0", None, None, False, True),  # no allowed list: no restriction
]


@pytest.mark.parametrize(("license", "own", "default", "require_known", "allowed"), LICENSES)
def test_license_rule(
    license: str | None,
    own: set[str] | None,
    default: set[str] | None,
    require_known: bool,
    allowed: bool,
) -> None:
    policy = Policy(None if default is None else frozenset(default), require_known)
    dep = deployment(app("4.3.0"), allowed_licenses=own)
    found = reasons(replace(chatbot(), license=license), dep, policy)
    assert (found == ()) is allowed
    if not allowed:
        assert found[0].code == "license-not-allowed"
        assert found[0].actual == license


def test_license_reason_names_the_allowed_list() -> None:
    policy = Policy(frozenset({"MIT", "EUPL-1.2"}))
    found = reasons(replace(chatbot(), license="Apache-2.0"), deployment(app("4.3.0")), policy)
    assert found == (Reason("license-not-allowed", required="EUPL-1.2, MIT", actual="Apache-2.0"),)


def module(slug: str, version: str, *deps: tuple[str, str], **kwargs: object) -> Release:
    return Release(
        slug,
        version,
        depends_on=tuple(ModuleRequirement(m, parse_range(r)) for m, r in deps),
        **kwargs,  # type: ignore[arg-type]
    )


def catalog(*releases: Release) -> Catalog:
    grouped: dict[str, tuple[Release, ...]] = {}
    for release in releases:
        grouped[release.module] = (*grouped.get(release.module, ()), release)
    return Catalog(releases=grouped)


def adoptable(cat: Catalog, dep: DeploymentState, slug: str, upgrades: bool = False) -> list[str]:
    return list(evaluate(dep, cat, OPEN, allow_upgrades=upgrades)[slug].adoptable)


def test_transitive_dependency() -> None:
    cat = catalog(
        module("chatbot", "1.0", ("karten", ">=1.2")),
        module("karten", "1.2", ("basis", "^2")),
        module("basis", "1.0"),
        module("basis", "2.1"),
    )
    assert adoptable(cat, deployment(), "chatbot") == ["1.0"]
    # basis 2.1 yanked: karten 1.2 cannot be satisfied, so neither can chatbot
    cat = catalog(
        module("chatbot", "1.0", ("karten", ">=1.2")),
        module("karten", "1.2", ("basis", "^2")),
        module("basis", "2.1", yanked=True),
    )
    verdict = evaluate(deployment(), cat, OPEN)["chatbot"]
    assert verdict.adoptable == ()
    assert verdict.blocked[0].reasons[0].code == "dependency-unsatisfiable"


def test_diamond_needs_one_common_version() -> None:
    cat = catalog(
        module("top", "1.0", ("left", "*"), ("right", "*")),
        module("left", "1.0", ("base", "<2")),
        module("right", "1.0", ("base", ">=2")),
        module("right", "0.9", ("base", ">=1.5")),
        module("base", "1.0"),
        module("base", "1.5"),
        module("base", "2.0"),
    )
    # right 1.0 would need base>=2 which left forbids: the resolver must backtrack to right 0.9
    assert adoptable(cat, deployment(), "top") == ["1.0"]
    cat = catalog(
        module("top", "1.0", ("left", "*"), ("right", "*")),
        module("left", "1.0", ("base", "<2")),
        module("right", "1.0", ("base", ">=2")),
        module("base", "1.0"),
        module("base", "2.0"),
    )
    assert adoptable(cat, deployment(), "top") == []


def test_cycle_must_accept_the_release_itself() -> None:
    cat = catalog(
        module("a", "1.0", ("b", "*")),
        module("a", "2.0", ("b", "*")),
        module("b", "1.0", ("a", "<2")),
    )
    assert adoptable(cat, deployment(), "a") == ["1.0"]
    verdict = evaluate(deployment(), cat, OPEN)["a"]
    # b needs a<2 while a is at 2.0: the reason names the cycle's edge back to a
    # (a 1.0 satisfies <2 but a is held at the release being judged)
    pinned = Reason("module-pinned", module="a", required="2.0", actual="1.0")
    assert verdict.reasons_for("2.0") == (
        Reason(
            "dependency-unsatisfiable",
            module="a",
            required="<2.0.0",
            actual="2.0",
            details=(Blocked("1.0", (pinned,)),),
        ),
    )


def test_installed_modules_are_kept_unless_upgrades_are_allowed() -> None:
    cat = catalog(
        module("chatbot", "1.0", ("karten", ">=1.2")),
        module("karten", "1.0"),
        module("karten", "1.2"),
    )
    dep = deployment(modules={"karten": "1.0"})
    assert adoptable(cat, dep, "chatbot") == []
    assert adoptable(cat, dep, "chatbot", upgrades=True) == ["1.0"]
    reason = evaluate(dep, cat, OPEN)["chatbot"].blocked[0].reasons[0]
    # karten 1.2 satisfies the range, but the deployment runs 1.0 and asks for no upgrade
    pinned = Reason("module-pinned", module="karten", required="1.0", actual="1.2")
    assert reason == Reason(
        "dependency-unsatisfiable",
        module="karten",
        required=">=1.2.0",
        actual="1.0",
        details=(Blocked("1.2", (pinned,)),),
    )
    # installed at a version that satisfies: fine without upgrades
    assert adoptable(cat, deployment(modules={"karten": "1.2"}), "chatbot") == ["1.0"]


def test_dependency_releases_must_pass_rules_1_to_3() -> None:
    cat = catalog(
        module("chatbot", "1.0", ("karten", "*")),
        Release("karten", "1.0", requires=(ComponentRequirement("app", parse_range(">=5")),)),
    )
    assert adoptable(cat, deployment(app("4.3.0")), "chatbot") == []
    assert adoptable(cat, deployment(app("5.0.0")), "chatbot") == ["1.0"]


def test_unknown_dependency_module_is_unsatisfiable() -> None:
    cat = catalog(module("chatbot", "1.0", ("nirgends", "*")))
    reason = evaluate(deployment(), cat, OPEN)["chatbot"].blocked[0].reasons[0]
    assert reason.code == "dependency-unsatisfiable"
    assert reason.module == "nirgends"


def test_every_reason_code_is_produced_somewhere() -> None:
    produced = set()
    cat = catalog(
        replace(voucher("4.0.0"), yanked=True, problems=("x",), prerelease=True, license="X"),
        replace(chatbot(), requires=(*chatbot().requires, ComponentRequirement("cms", None))),
        module("needs", "1.0", ("nirgends", "*")),
    )
    dep = deployment(app("4.2.1"), ComponentState("mainserver", None, "abc"))
    by_commit = deployment(ComponentState("app", None, "abc"))
    for dep_ in (dep, by_commit):
        for verdict in evaluate(dep_, cat, Policy(frozenset({"MIT"}))).values():
            produced |= {r.code for b in verdict.blocked for r in b.reasons}
    assert produced == set(CODES)


def test_a_release_version_that_is_no_version_does_not_break_the_verdict() -> None:
    cat = catalog(module("karten", "1.0"), module("karten", "nightly"), module("karten", "2.0"))
    verdict = evaluate(deployment(), cat, OPEN)["karten"]
    assert verdict.adoptable == ("2.0", "1.0", "nightly")  # no version sorts last
