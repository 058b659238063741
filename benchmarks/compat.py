"""Benchmark of the compatibility engine at national scale (the README's speed targets).

Builds a synthetic but SVA-shaped case: 11,000 deployments, 300 modules x 40 releases (half
in-app modules whose release X needs the app at exactly X, half standalone modules with npm and
PEP 440 ranges, mainserver capabilities, licenses, prereleases, yanks and module dependencies).
Many deployments share an app version and a mainserver capability set, as in reality.

Prints: the full verdict matrix time, one deployment (cold, and warm as the mean over batches of
new deployments), the incremental update after one new release, and two baselines measured on
a random sample and extrapolated to the whole matrix (said so in the output): a naive pairwise
evaluation, and the reference evaluator (``registry/compat/reference.py``) memoized by
deployment inputs (each distinct deployment evaluated once, as a careful first version would),
with the speed-up over each.  Times are CPU seconds and include the cyclic garbage collection
each step causes (see ``timed``).

The engine leaves Python's garbage collector alone; this script tunes it for itself (see
``tune_collector``), as a service process may.

    .venv/bin/python benchmarks/compat.py [--quick] [--seed N]
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Sibling benchmark scripts (such as http.py) would shadow standard-library modules.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from registry.compat import (  # noqa: E402  (after the sys.path fix above)
    Catalog,
    ComponentRequirement,
    ComponentState,
    DeploymentState,
    Evaluator,
    ModuleRequirement,
    Policy,
    Reason,
    ReferenceEvaluator,
    Release,
    Verdict,
    affected_modules,
    parse_range,
)
from registry.compat.licenses import license_allowed  # noqa: E402
from registry.compat.resolver import resolve_dependencies  # noqa: E402
from registry.compat.rules import effective_licenses, state_reasons  # noqa: E402

CAPABILITIES = [
    "newsItems",
    "eventRecords",
    "pointsOfInterest",
    "tours",
    "surveys",
    "lunches",
    "wasteAddresses",
    "weatherMap",
    "genericItems",
    "publicJsonFile",
    "categories",
    "vouchers",
    "redeemQuotaOfVoucher",
    "search",
    "getConversations",
    "getMessages",
    "createMessage",
    "resourceFilters",
    "shouts",
    "widgets",
    "reports",
    "directus",
]
PUBLIC = frozenset(CAPABILITIES[:11])
INTROSPECTION = frozenset(CAPABILITIES)
MAINSERVER_VARIANTS = [
    PUBLIC,
    INTROSPECTION,
    PUBLIC | {"search"},
    PUBLIC | {"vouchers", "redeemQuotaOfVoucher"},
]
LICENSES = [
    "GPL-3.0-or-later",
    "EUPL-1.2",
    "MIT",
    "MIT OR Apache-2.0",
    "AGPL-3.0-only",
    "Apache-2.0 AND MIT",
    None,
]
DEFAULT_ALLOWED = frozenset({"GPL-3.0-or-later", "EUPL-1.2", "MIT", "Apache-2.0"})
CUSTOM_ALLOWED = [
    frozenset({"EUPL-1.2", "MIT"}),
    frozenset({"GPL-3.0-or-later", "AGPL-3.0-only", "MIT"}),
]
RANGE_FORMS = [
    "^{a}.{b}.0",
    ">={a}.{b},<{c}",
    "~{a}.{b}",
    "{a}.x",
    ">={a}.{b} <{c}",
    "{a}.{b} - {c}",
    "^{a}.{b}.0 || ^{c}.0.0",
    ">={a}.{b}.0",
]


@dataclass(frozen=True)
class Case:
    catalog: Catalog
    deployments: list[DeploymentState]
    policy: Policy


def app_versions(count: int) -> list[str]:
    versions = []
    major, minor, patch = 3, 0, 0
    while len(versions) < count:
        versions.append(f"{major}.{minor}.{patch}")
        patch += 1
        if patch == 3:
            patch, minor = 0, minor + 1
        if minor == 4:
            minor, major = 0, major + 1
    return versions


def build_case(modules: int, releases: int, deployments: int, seed: int) -> Case:
    rng = random.Random(seed)
    apps = app_versions(releases)
    in_app = [f"inapp-{i:03d}" for i in range(modules // 2)]
    standalone = [f"mod-{i:03d}" for i in range(modules - len(in_app))]
    bases = standalone[:20]  # the modules others depend on (maps, base services)
    catalog: dict[str, tuple[Release, ...]] = {}
    for slug in in_app:
        caps = frozenset(rng.sample(CAPABILITIES, rng.choice([0, 0, 1, 2])))
        catalog[slug] = tuple(
            Release(
                slug,
                v,
                license="GPL-3.0-or-later",
                requires=(
                    ComponentRequirement("app", parse_range(v)),
                    *([ComponentRequirement("mainserver", None, caps)] if caps else []),
                ),
            )
            for v in apps
        )
    for n, slug in enumerate(standalone):
        has_deps = n >= len(bases) and rng.random() < 0.2
        license_ = rng.choice(LICENSES)
        caps = frozenset(rng.sample(CAPABILITIES, rng.choice([0, 0, 1, 2, 3])))
        # A module depends on the same base modules in every release; the ranges move.
        targets = rng.sample(bases, rng.choice([1, 1, 2])) if has_deps else []
        items = []
        for r in range(releases):
            major, minor = 1 + r // 10, r % 10
            prerelease = rng.random() < 0.1
            version = f"{major}.{minor}.0" + ("rc1" if prerelease else "")
            a = 3 + min(2, r * 3 // releases)
            form = rng.choice(RANGE_FORMS)
            app_range = parse_range(form.format(a=a, b=rng.randint(0, 3), c=a + 1))
            deps = tuple(
                ModuleRequirement(
                    base, parse_range(rng.choice(["^1.0.0", ">=2", "*", ">=1.5,<4", "~2.3"]))
                )
                for base in targets
            )
            items.append(
                Release(
                    slug,
                    version,
                    prerelease=prerelease,
                    yanked=rng.random() < 0.02,
                    license=license_,
                    requires=(
                        ComponentRequirement("app", app_range),
                        *([ComponentRequirement("mainserver", None, caps)] if caps else []),
                    ),
                    depends_on=deps,
                )
            )
        catalog[slug] = tuple(items)
    cat = Catalog(
        releases=catalog,
        component_versions={"app": tuple(apps)},
        component_capabilities={"mainserver": INTROSPECTION},
    )
    popular_apps = apps[-15:]
    result = []
    for _ in range(deployments):
        app = rng.choices(popular_apps, weights=range(1, len(popular_apps) + 1))[0]
        server = rng.choices(MAINSERVER_VARIANTS, weights=[5, 3, 1, 1])[0]
        installed = dict.fromkeys(rng.sample(in_app, rng.randint(5, 25)), app)
        for base in rng.sample(bases, rng.randint(0, 4)):
            installed[base] = rng.choice(["1.5.0", "2.3.0", "3.0.0"])
        for other in rng.sample(standalone[20:], rng.randint(0, 6)):
            installed[other] = f"{rng.randint(1, 4)}.{rng.randint(0, 9)}.0"
        result.append(
            DeploymentState.build(
                [
                    ComponentState("app", app),
                    ComponentState("mainserver", None, "04d9eb41", server),
                ],
                installed,
                channel="prerelease" if rng.random() < 0.05 else "stable",
                allowed_licenses=rng.choice(CUSTOM_ALLOWED) if rng.random() < 0.15 else None,
            )
        )
    return Case(cat, result, Policy(DEFAULT_ALLOWED, require_known_license=True))


def naive_reasons(release: Release, deployment: DeploymentState, case: Case) -> tuple[Reason, ...]:
    """One (deployment, release) pair evaluated on its own: no memoization across pairs."""
    base = naive_base(release, deployment, case)
    if not release.depends_on:
        return base
    installed = dict(deployment.modules)

    def candidates(slug: str) -> list[Release]:
        return [
            r
            for r in case.catalog.releases.get(slug, ())
            if (slug not in installed or r.version == installed[slug])
            and not naive_base(r, deployment, case)
        ]

    return base + resolve_dependencies(release, candidates, installed.get).reasons


def naive_base(release: Release, deployment: DeploymentState, case: Case) -> tuple[Reason, ...]:
    """Rules 1-3 for one pair, straight from the rules, parsing versions every time."""
    reasons = state_reasons(release, deployment.channel)
    for requirement in release.requires:
        state = deployment.component(requirement.component)
        if state is None:
            reasons += (Reason("component-missing", component=requirement.component),)
            continue
        if requirement.range is not None and (
            state.version is None or not requirement.range.contains(state.version)
        ):
            reasons += (Reason("version-mismatch", component=requirement.component),)
        for capability in sorted(requirement.capabilities - state.capabilities):
            reasons += (
                Reason("capability-missing", component=requirement.component, required=capability),
            )
    allowed = effective_licenses(deployment, case.policy)
    if not license_allowed.__wrapped__(release.license, allowed, case.policy.require_known_license):
        reasons += (Reason("license-not-allowed", actual=release.license),)
    return reasons


def tune_collector() -> None:
    """Move what exists now (the case) out of the collector's sight and let it run less often.

    The evaluator's caches are large, acyclic and long-lived; with the default thresholds the
    cyclic collector traverses them again and again and finds nothing to free.  A process that
    keeps an evaluator (this benchmark, a web worker) may raise the first threshold; the
    collector still runs, and its time is counted in every figure.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(200_000, 20, 100)


def timed(action: Callable[[], object]) -> float:
    """CPU seconds of ``action``, with the cyclic garbage collection it causes (collections
    during it, and a young-generation collection at its end).  Debts of earlier steps are
    collected before the clock starts."""
    gc.collect()
    started = time.process_time()
    action()
    gc.collect(0)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 10x smaller case")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    modules, releases, deployments = (300, 40, 11_000) if not args.quick else (60, 20, 1_100)
    started = time.process_time()
    spin = 0
    for i in range(10_000_000):
        spin += i
    print(
        f"machine: a 10,000,000-step Python loop takes {time.process_time() - started:.2f} s "
        f"CPU here (about 0.4 s on an idle modern core); all times below are CPU seconds"
    )
    started = time.process_time()
    case = build_case(modules, releases, deployments, args.seed)
    pairs = deployments * sum(len(r) for r in case.catalog.releases.values())
    print(
        f"case: {deployments} deployments x {modules} modules x {releases} releases "
        f"= {pairs:,} (deployment, release) pairs; built in {time.process_time() - started:.1f} s"
    )
    combinations = {(d.components, d.channel, d.allowed_licenses) for d in case.deployments}
    print(
        f"distinct deployments: {len(set(case.deployments)):,}; distinct (app, mainserver, "
        f"channel, licenses): {len(combinations):,}"
    )

    tune_collector()
    evaluator = Evaluator(case.catalog, case.policy)
    matrix: list[dict[str, Verdict]] = []
    full = timed(lambda: matrix.extend(evaluator.evaluate_many(case.deployments)))
    adoptable = sum(len(v.adoptable) for verdicts in matrix for v in verdicts.values())
    print(
        f"full verdict matrix: {full:.2f} s ({len(matrix) * modules:,} verdicts, "
        f"{adoptable:,} adoptable releases)"
    )

    probe = case.deployments[len(case.deployments) // 2]
    cold = timed(lambda: Evaluator(case.catalog, case.policy).evaluate(probe))
    batch = 60 if not args.quick else 20
    rng = random.Random(args.seed + 1)
    # New municipalities: a released app version, and a mainserver (a subset of the
    # capabilities) and a license list that no other deployment has.
    newcomers = [
        DeploymentState.build(
            [
                ComponentState("app", rng.choice(case.catalog.component_versions["app"][-15:])),
                ComponentState("mainserver", None, "5b4ba192", rng.sample(CAPABILITIES, 12)),
            ],
            rng.choice(case.deployments).modules,
            allowed_licenses={"MIT", "EUPL-1.2", "GPL-3.0-or-later", f"LicenseRef-Ort-{n}"},
        )
        for n in range(batch)
    ]
    # The same, on an app version that no deployment runs and the catalog does not know.
    strangers = [
        DeploymentState.build(
            [ComponentState("app", f"4.1.{n + 5}"), *newcomer.components[1:]],
            newcomer.modules,
            allowed_licenses={"MIT", "EUPL-1.2", "GPL-3.0-or-later", f"LicenseRef-App-{n}"},
        )
        for n, newcomer in enumerate(newcomers)
    ]
    # New deployments whose app, mainserver, channel and licenses another deployment has.
    known = [
        DeploymentState.build(
            d.components,
            {slug: v for slug, v in probe.modules if rng.random() < 0.7},
            d.channel,
            d.allowed_licenses,
        )
        for d in rng.sample(case.deployments, batch)
    ]

    def mean_time(deployments: list[DeploymentState]) -> float:
        """Mean CPU seconds per deployment, evaluated one after the other: periodic garbage
        collections of the growing caches are spread over them, as in a running service."""
        return timed(lambda: [evaluator.evaluate(d) for d in deployments]) / len(deployments)

    newcomer, stranger, seen = mean_time(newcomers), mean_time(strangers), mean_time(known)
    print(
        f"one deployment on the warm evaluator (mean of {batch} new deployments each): "
        f"{newcomer * 1000:.1f} ms for a new municipality (released app version, never-seen "
        f"mainserver and license list); {stranger * 1000:.1f} ms on an app version the catalog "
        f"does not know; {seen * 1000:.2f} ms when another deployment has the same components "
        f"and licenses; {cold * 1000:.0f} ms with a fresh evaluator (catalog index included)"
    )

    changed = "mod-005"  # a base module: its dependents must be re-evaluated too
    new = Release(
        changed,
        "9.0.0",
        license="MIT",
        requires=(ComponentRequirement("app", parse_range(">=4.0")),),
    )
    touched: set[str] = set()

    def update() -> None:
        catalog2 = case.catalog.with_release(new)
        touched.update(affected_modules(catalog2, {changed}))
        Evaluator(catalog2, case.policy).evaluate_many(case.deployments, modules=touched)

    incremental = timed(update)
    print(
        f"incremental after one new release of {changed}: {incremental:.2f} s "
        f"({len(touched)} affected modules re-evaluated for every deployment)"
    )

    rng = random.Random(args.seed)
    all_releases = [r for rs in case.catalog.releases.values() for r in rs]
    sample = 20_000 if not args.quick else 5_000
    started = time.process_time()
    for _ in range(sample):
        naive_reasons(rng.choice(all_releases), rng.choice(case.deployments), case)
    per_pair = (time.process_time() - started) / sample
    naive = per_pair * pairs
    print(
        f"naive pairwise: {per_pair * 1e6:.1f} us per pair measured on {sample:,} random pairs, "
        f"EXTRAPOLATED to {pairs:,} pairs: {naive:,.0f} s"
    )
    print(f"speed-up of the full matrix over naive pairwise: {naive / full:,.0f}x")

    # The reference evaluator memoized by deployment inputs: each distinct deployment is
    # evaluated once (its answer reused for equal deployments).  Measured on a sample of
    # distinct deployments and extrapolated to all of them.
    distinct = list(dict.fromkeys(case.deployments))
    reference = ReferenceEvaluator(case.catalog, case.policy)
    memo: dict[DeploymentState, dict[str, Verdict]] = {}
    sample_size = 6 if not args.quick else 10
    chosen = random.Random(args.seed + 2).sample(distinct, sample_size)

    def memoized() -> None:
        for deployment in chosen:
            if deployment not in memo:
                memo[deployment] = reference.evaluate(deployment)

    per_deployment = timed(memoized) / sample_size
    memoized_total = per_deployment * len(distinct)
    print(
        f"reference evaluator memoized by deployment inputs: {per_deployment:.2f} s per distinct "
        f"deployment measured on {sample_size}, EXTRAPOLATED to {len(distinct):,} distinct "
        f"deployments: {memoized_total:,.0f} s"
    )
    print(f"speed-up of the full matrix over the memoized reference: {memoized_total / full:,.0f}x")
    same = all(
        {k: v.to_dict() for k, v in memo[d].items()}
        == {k: v.to_dict() for k, v in evaluator.evaluate(d).items()}
        for d in chosen
    )
    print(f"fast and reference answers equal on the sample: {same}")


if __name__ == "__main__":
    main()
