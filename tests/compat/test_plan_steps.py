"""Plan step kinds, notices and dependency details on the real SVA cases (SVA-FACTS §4-5), each
checked on the fast and the reference evaluator."""

from __future__ import annotations

from typing import Any

import pytest

from registry.compat import (
    Catalog,
    ComponentRequirement,
    ComponentState,
    DeploymentState,
    Evaluator,
    KnownState,
    ModuleRequirement,
    Policy,
    ReferenceEvaluator,
    Release,
    parse_range,
)
from tests.compat.sva import INTROSPECTION_2026, PUBLIC_MAINSERVER, app, mainserver, voucher

OPEN = Policy()
APP_VERSIONS = ("4.0.0", "4.1.0", "4.2.0", "4.2.1", "4.3.0")
HUMHUB_VERSIONS = ("1.8.3", "1.15.0", "1.16.0", "1.17.0")
STATE_2026 = KnownState("introspection", INTROSPECTION_2026, source="introspection-2026-08")
EVALUATORS = [Evaluator, ReferenceEvaluator]


def in_app(slug: str, version: str, *capabilities: str) -> Release:
    """An in-app module at app version X: the app at exactly X plus mainserver fields."""
    requires = [ComponentRequirement("app", parse_range(version))]
    if capabilities:
        requires.append(ComponentRequirement("mainserver", None, frozenset(capabilities)))
    return Release(slug, version, license="GPL-3.0-or-later", requires=tuple(requires))


def humhub_ext(version: str) -> Release:
    return Release(
        "humhub-ext", version, requires=(ComponentRequirement("humhub", parse_range(">=1.8.3")),)
    )


def catalog(**extra: tuple[Release, ...]) -> Catalog:
    return Catalog(
        releases={
            "wetter": (
                in_app("wetter", "4.2.0", "weatherMap"),
                in_app("wetter", "4.3.0", "weatherMap"),
            ),
            "abfallkalender": (
                in_app("abfallkalender", "4.3.0", "wasteAddresses", "wasteTourDates"),
            ),
            "gutscheine": (voucher("4.2.0"), voucher("4.3.0")),
            "humhub-ext": (humhub_ext("0.4.3"), humhub_ext("0.5")),
            **extra,
        },
        component_versions={"app": APP_VERSIONS, "humhub": HUMHUB_VERSIONS},
        component_capabilities={"mainserver": INTROSPECTION_2026},
        end_of_life={
            "app": frozenset({"4.0.0", "4.1.0"}),
            "humhub": frozenset({"1.8.3", "1.15.0"}),
        },
        component_states={"mainserver": (STATE_2026,)},
    )


def steps(evaluator: type, deployment: DeploymentState, slug: str, **extra: Any) -> list[Any]:
    verdict = evaluator(catalog(**extra), OPEN).evaluate(deployment)[slug]
    assert verdict.upgrade_plan is not None
    return [step.to_dict() for step in verdict.upgrade_plan.steps]


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_each_module_is_asked_for_the_capabilities_it_lacks_only(evaluator: type) -> None:
    """A what-if without the voucher and waste fields: Wetter lacks nothing of the mainserver,
    Abfallkalender its waste fields, Gutscheine its voucher fields, offered by the 2026
    introspection."""
    without = PUBLIC_MAINSERVER - {"wasteAddresses", "wasteTourDates"}
    deployment = DeploymentState.build([app("4.2.1"), mainserver(without)])
    update = {
        "kind": "update",
        "component": "app",
        "from": "4.2.1",
        "to": "4.3.0",
        "endOfLife": False,
    }
    assert steps(evaluator, deployment, "wetter") == [update]
    offered = {
        "kind": "introspection",
        "version": None,
        "commit": None,
        "source": "introspection-2026-08",
    }
    assert steps(evaluator, deployment, "abfallkalender") == [
        update,
        {
            "kind": "capabilities",
            "component": "mainserver",
            "capabilities": ["wasteAddresses", "wasteTourDates"],
            "offeredBy": offered,
        },
    ]
    assert steps(evaluator, deployment, "gutscheine") == [
        update,
        {
            "kind": "capabilities",
            "component": "mainserver",
            "capabilities": ["redeemQuotaOfVoucher", "vouchers"],
            "offeredBy": offered,
        },
    ]


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_wetter_without_weather_map_is_asked_for_weather_map(evaluator: type) -> None:
    deployment = DeploymentState.build(
        [app("4.3.0"), mainserver(PUBLIC_MAINSERVER - {"weatherMap"})]
    )
    assert [s["capabilities"] for s in steps(evaluator, deployment, "wetter")] == [["weatherMap"]]


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_an_unknown_app_version_gives_a_downgrade_and_a_notice(evaluator: type) -> None:
    deployment = DeploymentState.build([app("9.9.9"), mainserver(INTROSPECTION_2026)])
    engine = evaluator(catalog(), OPEN)
    plan = engine.evaluate(deployment)["gutscheine"].upgrade_plan
    assert [s.to_dict() for s in plan.steps] == [
        {
            "kind": "downgrade",
            "component": "app",
            "from": "9.9.9",
            "to": "4.3.0",
            "endOfLife": False,
        }
    ]
    assert [n.to_dict() for n in engine.notices(deployment)] == [
        {"code": "version-not-known", "component": "app", "actual": "9.9.9"}
    ]


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        ("4.30", [{"code": "version-not-known", "component": "app", "actual": "4.30"}]),
        ("4.1.0", [{"code": "end-of-life", "component": "app", "actual": "4.1.0"}]),
        ("4.3.0", []),
    ],
)
def test_notices_about_the_stated_app(stated: str, expected: list[dict[str, str]]) -> None:
    deployment = DeploymentState.build([app(stated), mainserver(PUBLIC_MAINSERVER)])
    for evaluator in EVALUATORS:
        assert [n.to_dict() for n in evaluator(catalog(), OPEN).notices(deployment)] == expected


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_a_missing_humhub_is_added_at_a_supported_version(evaluator: type) -> None:
    """humhub-ext needs HumHub >= 1.8.3, but 1.8.3 and 1.15.0 are end of life: add 1.16.0."""
    deployment = DeploymentState.build([app("4.3.0")])
    assert steps(evaluator, deployment, "humhub-ext") == [
        {"kind": "add", "component": "humhub", "to": "1.16.0", "endOfLife": False}
    ]


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_an_end_of_life_version_only_when_no_supported_one_unblocks(evaluator: type) -> None:
    old = Release("legacy", "1.0", requires=(ComponentRequirement("humhub", parse_range("<1.16")),))
    deployment = DeploymentState.build([ComponentState("humhub", "1.17.0")])
    assert steps(evaluator, deployment, "legacy", legacy=(old,)) == [
        {
            "kind": "downgrade",
            "component": "humhub",
            "from": "1.17.0",
            "to": "1.15.0",
            "endOfLife": True,
        }
    ]


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_a_dependency_blocked_by_the_license_policy_says_so(evaluator: type) -> None:
    """Ratsinformationen needs sva-apollo-server >= 1.0.0; 1.0.0 exists but is GPL-3.0-only,
    which the deployment does not allow: the reason names it with its own reason."""
    ris = Release(
        "ratsinformationen",
        "1.7.0",
        license="MIT",
        depends_on=(ModuleRequirement("sva-apollo-server", parse_range(">=1.0.0")),),
    )
    apollo = Release("sva-apollo-server", "1.0.0", license="GPL-3.0-only")
    extra = {"ratsinformationen": (ris,), "sva-apollo-server": (apollo,)}
    deployment = DeploymentState.build([app("4.3.0")], allowed_licenses={"MIT", "EUPL-1.2"})
    verdict = evaluator(catalog(**extra), OPEN).evaluate(deployment)["ratsinformationen"]
    license_reason = {
        "code": "license-not-allowed",
        "required": "EUPL-1.2, MIT",
        "actual": "GPL-3.0-only",
    }
    details = [{"version": "1.0.0", "reasons": [license_reason]}]
    assert verdict.to_dict()["blocked"] == [
        {
            "version": "1.7.0",
            "reasons": [
                {
                    "code": "dependency-unsatisfiable",
                    "module": "sva-apollo-server",
                    "required": ">=1.0.0",
                    "actual": None,
                    "details": details,
                }
            ],
        }
    ]
    assert verdict.to_dict()["upgradePlan"]["steps"] == [
        {
            "kind": "impossible",
            "module": "sva-apollo-server",
            "code": "dependency-unsatisfiable",
            "required": ">=1.0.0",
            "actual": None,
            "details": details,
        }
    ]


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_a_component_the_deployment_lacks_is_added_with_its_capabilities(evaluator: type) -> None:
    deployment = DeploymentState.build([app("4.3.0")])
    assert steps(evaluator, deployment, "gutscheine") == [
        {"kind": "add", "component": "mainserver", "to": None, "endOfLife": False},
        {
            "kind": "capabilities",
            "component": "mainserver",
            "capabilities": ["redeemQuotaOfVoucher", "vouchers"],
            "offeredBy": STATE_2026.to_dict(),
        },
    ]
