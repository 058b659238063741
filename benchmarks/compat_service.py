"""Benchmark of the compatibility service (database + caches) on top of the pure engine.

Builds a SQLite database with the bundled demo data, optionally grown to a national-scale
catalogue (``--modules`` x ``--releases``), and prints:

- catalog snapshot build from the database (cold) and after one new release (only the changed
  release is converted again),
- one deployment's verdicts: cold, repeated (cache hit) and after one new release (only the
  touched modules are evaluated again),
- ``--deployments`` deployment states (realistic duplication: few app versions and capability
  sets) answered through the cache, and how many evaluations that took,
- HTTP: a repeated ``GET /api/v1/deployments/<id>/compatibility`` answered from the response
  cache, requests per second through Flask's test client.

Run: ``.venv/bin/python benchmarks/compat_service.py [--quick]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

# The script folder holds benchmarks named like standard modules (http.py): drop it.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from registry import create_app
from registry.compat import Evaluator, Policy
from registry.config import load_settings
from registry.db import make_engine, make_session_factory
from registry.migrate import upgrade
from registry.models import Deployment, Module, Release
from registry.services import compatibility as compat
from registry.services.demo import load_demo
from registry.services.events import bump


def timed(action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def grow_catalogue(session, modules: int, releases: int, seed: int = 7) -> None:  # type: ignore[no-untyped-def]
    """Add synthetic standalone modules with app ranges, capabilities, licenses, dependencies."""
    rng = random.Random(seed)
    licenses = ["GPL-3.0-or-later", "MIT", "EUPL-1.2", "Apache-2.0", "MIT OR Apache-2.0"]
    capabilities = ["vouchers", "search", "newsItems", "eventRecords", "pointsOfInterest"]
    for index in range(modules):
        module = Module(slug=f"bench-{index:03d}", kind="standalone", name_en=f"Bench {index}")
        for number in range(releases):
            major, minor = divmod(number, 10)
            requires = {"app": {"range": f">=4.{rng.randint(0, 3)}.0", "capabilities": []}}
            if rng.random() < 0.3:
                requires["mainserver"] = {
                    "range": None,
                    "capabilities": rng.sample(capabilities, 1),
                }
            depends = {}
            if index > 0 and rng.random() < 0.1:
                depends[f"bench-{rng.randrange(index):03d}"] = {"range": ">=1.0"}
            module.releases.append(
                Release(
                    version=f"{major + 1}.{minor}.0",
                    prerelease=False,
                    yanked=rng.random() < 0.02,
                    license_declared=rng.choice(licenses),
                    requires=requires,
                    depends_on=depends,
                )
            )
        session.add(module)
    bump(session, "catalog")
    session.commit()


def deployment_states(session, count: int, seed: int = 11) -> list:  # type: ignore[no-untyped-def]
    """``count`` states derived from the demo deployments: few app versions, few capability sets."""
    rng = random.Random(seed)
    documents = [d.document for d in session.scalars(select(Deployment))]
    apps = ["4.0.3", "4.1.3", "4.1.4", "4.2.0", "4.3.0"]
    states = []
    for _ in range(count):
        document = dict(rng.choice(documents))
        components = dict(document["components"])
        components["app"] = rng.choice(apps)
        document["components"] = components
        states.append(compat.state_from_document(document))
    return states


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small case (seconds)")
    parser.add_argument("--modules", type=int, default=300)
    parser.add_argument("--releases", type=int, default=40)
    parser.add_argument("--deployments", type=int, default=11_000)
    args = parser.parse_args()
    if args.quick:
        args.modules, args.releases, args.deployments = 30, 10, 500

    folder = Path(tempfile.mkdtemp(prefix="sva-bench-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        load_demo(session)
        session.commit()
        grow_catalogue(session, args.modules, args.releases)
    policy = Policy(default_allowed_licenses=None)
    print(f"catalogue: demo data + {args.modules} modules x {args.releases} releases (SQLite)")

    with sessions() as session:
        cache = compat.CompatibilityCache(policy)
        snapshot, cold = timed(lambda: cache.snapshot(session))
        total = sum(len(r) for r in snapshot.catalog.releases.values())
        print(f"catalog snapshot from the database, cold: {cold * 1000:.0f} ms ({total} releases)")

        bad_belzig = session.scalars(select(Deployment).order_by(Deployment.id)).first()
        state = compat.state_from_document(bad_belzig.document)
        _, first = timed(lambda: cache.verdicts(session, state))
        hits = [timed(lambda: cache.verdicts(session, state))[1] for _ in range(20)]
        print(
            f"one deployment, all modules: cold {first * 1000:.1f} ms, "
            f"repeated (cache hit) {statistics.median(hits) * 1000:.2f} ms"
        )

        module = session.scalars(select(Module).where(Module.slug == "chatbot")).one()
        module.releases.append(Release(version="4.4.0", requires={"app": {"range": ">=4.3"}}))
        bump(session, "catalog")
        session.flush()
        converted = cache.stats.releases_converted
        _, rebuild = timed(lambda: cache.snapshot(session))
        print(
            f"catalog snapshot after one new release: {rebuild * 1000:.0f} ms "
            f"({cache.stats.releases_converted - converted} release converted again)"
        )
        _, index = timed(lambda: Evaluator(cache.snapshot(session).catalog, policy))
        print(f"  of which the engine's index (a new Evaluator): {index * 1000:.0f} ms")
        recomputed = cache.stats.modules_recomputed
        _, incremental = timed(lambda: cache.verdicts(session, state))
        print(
            f"one deployment after that release: {incremental * 1000:.2f} ms "
            f"({cache.stats.modules_recomputed - recomputed} module(s) evaluated again)"
        )

        unseen = compat.state_from_document(
            {"schemaVersion": 1, "name": "what-if", "components": {"app": "4.1.0"}}
        )
        _, one = timed(lambda: cache.verdicts(session, unseen, ["chatbot"]))
        print(f"what-if about one module for unseen inputs: {one * 1000:.2f} ms")

        states = deployment_states(session, args.deployments)
        full_before = cache.stats.full
        _, matrix = timed(lambda: [cache.verdicts(session, s) for s in states])
        distinct = len(set(states))
        print(
            f"{len(states)} deployments ({distinct} distinct inputs) through the cache: "
            f"{matrix:.2f} s, {cache.stats.full - full_before} full evaluations"
        )
        session.commit()

    settings = load_settings(
        None, {"SVA_REGISTRY_DATABASE_URL": url, "SVA_REGISTRY_INSTANCE_PATH": str(folder)}
    )
    app = create_app(settings)
    client = app.test_client()
    path = f"/api/v1/deployments/{bad_belzig.id}/compatibility"
    client.get(path)
    count = 200 if not args.quick else 50
    _, elapsed = timed(lambda: [client.get(path) for _ in range(count)])
    size = len(client.get(path).data)
    print(
        f"HTTP repeat GET {path} ({size} bytes): {count / elapsed:.0f} requests/s "
        "(Flask test client, response cache)"
    )


if __name__ == "__main__":
    main()
