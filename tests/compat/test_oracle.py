"""Compare the engine with the brute-force oracle on thousands of small random instances
(random dependencies produce chains, diamonds and cycles)."""

from __future__ import annotations

import random

from registry.compat import (
    Catalog,
    ComponentRequirement,
    ComponentState,
    DeploymentState,
    Evaluator,
    ModuleRequirement,
    Policy,
    Release,
    parse_range,
)
from tests.compat.oracle import oracle_verdict

VERSIONS = ["1.0", "1.1", "2.0", "2.1rc1", "3.0"]
APP_RANGES = [">=1", "^2.0.0", "~1.1", "1.x || 3.x", "==2.0.0", "<2", "*"]
DEP_RANGES = ["*", ">=1.1", "<2", "^1.0.0", "==2.0", "!=1.0", ">=2.0 || <1.1", "2.1rc1"]
LICENSES = ["MIT", "GPL-3.0-only", "MIT OR GPL-3.0-only", "MIT AND Apache-2.0", None]
APP_VERSIONS = ["1.0.0", "1.1.5", "2.0.0", "3.1.0"]
ALLOWED = [None, frozenset({"MIT"}), frozenset({"MIT", "GPL-3.0-only"})]
INSTANCES = 1500
DEPLOYMENTS_PER_INSTANCE = 4


def random_release(rng: random.Random, slug: str, version: str, slugs: list[str]) -> Release:
    requires = []
    if rng.random() < 0.5:
        requires.append(ComponentRequirement("app", parse_range(rng.choice(APP_RANGES))))
    if rng.random() < 0.3:
        caps = frozenset(rng.sample(["a", "b"], rng.randint(1, 2)))
        requires.append(ComponentRequirement("server", None, caps))
    if rng.random() < 0.1:  # a second range on the app: one column cell with two parts
        requires.append(ComponentRequirement("app", parse_range(rng.choice(APP_RANGES))))
    if rng.random() < 0.2:  # another order: some modules then have no column layout
        requires.reverse()
    depends = tuple(
        ModuleRequirement(other, parse_range(rng.choice(DEP_RANGES)))
        for other in rng.sample(slugs, rng.randint(0, min(2, len(slugs))))
        if other != slug or rng.random() < 0.2  # a few self-dependencies too
    )
    return Release(
        module=slug,
        version=version,
        prerelease="rc" in version,
        yanked=rng.random() < 0.1,
        license=rng.choice(LICENSES),
        requires=tuple(requires),
        depends_on=depends,
        problems=("bad field",) if rng.random() < 0.05 else (),
    )


def random_catalog(rng: random.Random) -> Catalog:
    slugs = [f"m{i}" for i in range(rng.randint(2, 4))]
    releases = {
        slug: tuple(
            random_release(rng, slug, v, slugs)
            for v in sorted(rng.sample(VERSIONS, rng.randint(1, 4)))
        )
        for slug in slugs
    }
    return Catalog(releases=releases, component_versions={"app": tuple(APP_VERSIONS)})


def random_instance(seed: int) -> tuple[random.Random, Catalog, Policy]:
    """A seeded random generator, a random catalog drawn from it and a policy (default list
    none or MIT only, unknown licenses blocked about a third of the time)."""
    rng = random.Random(seed)
    catalog = random_catalog(rng)
    return rng, catalog, Policy(rng.choice([None, frozenset({"MIT"})]), rng.random() < 0.3)


def random_deployment(rng: random.Random, catalog: Catalog) -> DeploymentState:
    components = []
    app = rng.random()
    if app < 0.8:
        components.append(ComponentState("app", rng.choice(APP_VERSIONS)))
    elif app < 0.9:
        components.append(ComponentState("app", None, "04d9eb41"))
    if rng.random() < 0.8:
        caps = frozenset(c for c in ("a", "b") if rng.random() < 0.6)
        components.append(ComponentState("server", None, "5b4ba192", caps))
    modules = {}
    for slug, releases in catalog.releases.items():
        if rng.random() < 0.4:
            modules[slug] = rng.choice([*(r.version for r in releases), "9.9"])
    return DeploymentState.build(
        components,
        modules,
        channel=rng.choice(["stable", "prerelease"]),
        allowed_licenses=rng.choice(ALLOWED),
    )


def test_engine_agrees_with_brute_force_oracle() -> None:
    compared = 0
    for seed in range(INSTANCES):
        rng = random.Random(seed)
        catalog = random_catalog(rng)
        policy = Policy(rng.choice(ALLOWED), require_known_license=rng.random() < 0.3)
        # One evaluator for all deployments of the instance: shared caches must not leak.
        evaluator = Evaluator(catalog, policy)
        for _ in range(DEPLOYMENTS_PER_INSTANCE):
            deployment = random_deployment(rng, catalog)
            allow_upgrades = rng.random() < 0.3
            verdicts = evaluator.evaluate(deployment, allow_upgrades=allow_upgrades)
            for slug, verdict in verdicts.items():
                expected = oracle_verdict(slug, catalog, deployment, policy, allow_upgrades)
                context = (seed, slug, deployment, allow_upgrades)
                assert frozenset(verdict.adoptable) == expected.adoptable, context
                assert verdict.newest == expected.newest, context
                for blocked in verdict.blocked:
                    codes = {r.code for r in blocked.reasons}
                    dependency = "dependency-unsatisfiable" in codes
                    codes.discard("dependency-unsatisfiable")
                    assert codes == expected.base_codes[blocked.version], context
                    # rule 4 is reported only when rules 1-3 pass
                    if not codes:
                        assert dependency is not expected.dependency_ok[blocked.version], context
                    else:
                        assert not dependency, context
                compared += len(verdict.adoptable) + len(verdict.blocked)
    assert compared > 10_000
