"""The fast evaluator against the reference evaluator on generated instances (Hypothesis), and
the properties of upgrade plans: a possible plan, applied, makes its release adoptable; a
capability step names only what its release needs and lacks."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given

from registry.compat import (
    Catalog,
    ComponentState,
    DeploymentState,
    Evaluator,
    Policy,
    ReferenceEvaluator,
    UpgradePlan,
    Verdict,
)
from tests.compat.strategies import Instance, examples, instances


def as_dicts(verdicts: dict[str, Verdict]) -> dict[str, object]:
    return {slug: verdict.to_dict() for slug, verdict in verdicts.items()}


@examples(1.0)
@given(instances())
def test_fast_evaluator_gives_the_whole_answer_of_the_reference(instance: Instance) -> None:
    """One fast evaluator for all deployments of an instance (its caches are shared between
    them), each whole answer compared with the reference's: every verdict's adoptable, newest,
    blocked releases with every reason and field, the plan, and the notices."""
    fast = Evaluator(instance.catalog, instance.policy)
    reference = ReferenceEvaluator(instance.catalog, instance.policy)
    for deployment, allow_upgrades in instance.deployments:
        expected = as_dicts(reference.evaluate(deployment, allow_upgrades=allow_upgrades))
        assert as_dicts(fast.evaluate(deployment, allow_upgrades=allow_upgrades)) == expected
        assert fast.notices(deployment) == reference.notices(deployment)
        # a question about one module takes another path through the fast evaluator
        slug = min(instance.catalog.releases)
        one = fast.evaluate(deployment, [slug], allow_upgrades)
        assert as_dicts(one) == {slug: expected[slug]}


@examples(0.25)
@given(instances(count=4))
def test_evaluate_many_equals_the_reference(instance: Instance) -> None:
    deployments = [d for d, _ in instance.deployments]
    deployments.append(deployments[0])  # a duplicate
    matrix = Evaluator(instance.catalog, instance.policy).evaluate_many(deployments)
    reference = ReferenceEvaluator(instance.catalog, instance.policy)
    for deployment, verdicts in zip(deployments, matrix, strict=True):
        assert as_dicts(verdicts) == as_dicts(reference.evaluate(deployment))


def applied(plan: UpgradePlan, deployment: DeploymentState) -> DeploymentState:
    """The deployment with every step of ``plan`` done, as a what-if would state it."""
    states = {s.name: s for s in deployment.components}
    modules = dict(deployment.modules)
    for step in plan.steps:
        name = step.component or ""
        old = states.get(name) or ComponentState(name)
        if step.kind in ("update", "downgrade", "add"):
            states[name] = ComponentState(name, step.to, None, old.capabilities)
        elif step.kind == "capabilities":
            states[name] = replace(old, capabilities=old.capabilities | set(step.capabilities))
        elif step.kind == "module" and step.module and step.to:
            modules[step.module] = step.to
    return DeploymentState.build(
        states.values(), modules, deployment.channel, deployment.allowed_licenses
    )


def check_plans(catalog: Catalog, policy: Policy, deployment: DeploymentState) -> int:
    """Check every plan of ``deployment``; returns how many possible plans were applied."""
    reference = ReferenceEvaluator(catalog, policy)
    checked = 0
    for slug, verdict in Evaluator(catalog, policy).evaluate(deployment).items():
        plan = verdict.upgrade_plan
        if plan is None:
            continue
        release = next(r for r in catalog.releases[slug] if r.version == plan.version)
        state = {s.name: s for s in deployment.components}
        for step in plan.steps:
            if step.kind == "capabilities":
                wanted = set().union(
                    *(r.capabilities for r in release.requires if r.component == step.component)
                )
                offered = state[step.component].capabilities if step.component in state else set()
                assert set(step.capabilities) <= wanted - offered, (slug, step)
                if step.offered_by is not None:
                    assert step.offered_by.capabilities.issuperset(step.capabilities)
            assert (step.kind == "impossible") is (step.code is not None)
        assert plan.possible is all(step.kind != "impossible" for step in plan.steps)
        if plan.possible:
            what_if = applied(plan, deployment)
            after = reference.verdict(slug, what_if, allow_upgrades=False)
            assert plan.version in after.adoptable, (slug, plan, what_if, after.blocked)
            checked += 1
    return checked


@examples(1.0)
@given(instances(count=3))
def test_possible_plans_unblock_their_release_and_ask_only_for_what_it_lacks(
    instance: Instance,
) -> None:
    for deployment, _ in instance.deployments:
        check_plans(instance.catalog, instance.policy, deployment)
