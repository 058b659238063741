"""Benchmark: one security advisory at national scale, through the database and the services.

A SQLite database with a national-scale catalogue (``--modules`` x ``--releases``, the
generator of ``benchmarks/compat_service.py``) and ``--deployments`` public deployments, a third
of which run module ``bench-000`` at a release the advisory covers. Prints the time from
publishing the advisory (validation, storage, events, commit) until

- every affected deployment's answer names it (the ``running-affected-version`` data of all
  deployments, as the deployment page and the dashboard read it),
- the dashboard's ``advisories`` counts reflect it,
- every affected deployment's feed has its item (each feed built anew, as the first request
  after the write does), and one feed alone.

Run: ``.venv/bin/python benchmarks/advisories.py [--quick]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import tempfile
import time
from pathlib import Path

# The script folder holds benchmarks named like standard modules (http.py): drop it.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from registry.db import make_engine, make_session_factory
from registry.migrate import upgrade
from registry.models import Deployment
from registry.services import advisories, dashboard, feeds
from registry.services.events import bump

RECORD = {
    "id": "SVA-2026-0100",
    "modified": "2026-09-01T08:00:00Z",
    "published": "2026-09-01T08:00:00Z",
    "summary": "bench-000: benchmark advisory",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [
        {
            "package": {"ecosystem": "SVA", "name": "bench-000"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.0"}]}],
        }
    ],
}


def grow_catalogue():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parent / "compat_service.py"
    spec = importlib.util.spec_from_file_location("compat_service_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))  # the script removes its folder from the path again
    spec.loader.exec_module(module)
    return module.grow_catalogue


def add_deployments(session, count: int, modules: int, seed: int = 3) -> int:  # type: ignore[no-untyped-def]
    """``count`` public deployments; every third runs bench-000 2.5.0 (covered). Returns how
    many are affected."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        running = {f"bench-{rng.randrange(1, modules):03d}": "1.0.0" for _ in range(3)}
        if index % 3 == 0:
            running["bench-000"] = "2.5.0"
        document = {
            "schemaVersion": 1,
            "name": f"Bench {index}",
            "visibility": "public",
            "components": {"app": f"4.{rng.randint(0, 3)}.0"},
            "modules": running,
        }
        rows.append({"name": document["name"], "visibility": "public", "channel": "stable",
                     "document": document, "demo": False})  # fmt: skip
    session.execute(insert(Deployment), rows)
    bump(session, "deployments")
    return len(range(0, count, 3))


def timed(action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=300)
    parser.add_argument("--releases", type=int, default=40)
    parser.add_argument("--deployments", type=int, default=11_000)
    parser.add_argument("--feeds", type=int, default=None, help="affected feeds to build (all)")
    parser.add_argument("--quick", action="store_true", help="30 modules, 1,100 deployments")
    args = parser.parse_args()
    if args.quick:
        args.modules, args.deployments = 30, 1_100
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.sqlite3")
        upgrade(engine)
        sessions = make_session_factory(engine)
        with sessions() as session:
            grow_catalogue()(session, args.modules, args.releases)
            affected = add_deployments(session, args.deployments, args.modules)
            session.commit()
        print(
            f"{args.modules} modules x {args.releases} releases, {args.deployments} deployments, "
            f"{affected} run a covered release of bench-000"
        )
        with sessions() as session:
            _, publish = timed(
                lambda: (advisories.publish_advisory(session, RECORD), session.commit())
            )
            deployments = list(session.query(Deployment).order_by(Deployment.id))
            installed = [dashboard.installed(d) for d in deployments]

            def notices():  # type: ignore[no-untyped-def]
                # One coverage pass, then each deployment's running releases looked up in it.
                covered = advisories.advisory_coverage(session)
                return [
                    [(s, v) for s, v in running.items() if covered.get(s, {}).get(v)]
                    for running in installed
                ]

            found, answer = timed(notices)
            assert sum(1 for hits in found if hits) == affected
            counts, dash = timed(
                lambda: dashboard.advisory_counts(
                    session,
                    [
                        (d.id, s, v)
                        for d, r in zip(deployments, installed, strict=True)
                        for s, v in r.items()
                    ],
                )
            )
            assert counts["deploymentsAffected"] == affected
            chosen = [d for d, hits in zip(deployments, found, strict=True) if hits][: args.feeds]

            def build_feeds() -> int:
                covered = advisories.coverage_by_advisory(session)
                items = 0
                for deployment in chosen:
                    feed = feeds.deployment_feed(
                        session, deployment, {}, installed=dashboard.installed(deployment),
                        base_url="http://bench", feed_path="/feed.json", covered=covered,
                    )  # fmt: skip
                    items += sum(1 for i in feed["items"] if i["tags"] == ["advisory-published"])
                return items

            items, all_feeds = timed(build_feeds)
            assert items == len(chosen)
        print(f"publish (validate, store, events, commit): {publish * 1000:.0f} ms")
        print(
            f"every affected deployment's notice ({affected} of {len(deployments)}): "
            f"{answer * 1000:.0f} ms"
        )
        print(f"dashboard advisories counts: {dash * 1000:.0f} ms")
        print(
            f"feeds of {len(chosen)} affected deployments built anew: {all_feeds:.2f} s "
            f"({all_feeds / max(1, len(chosen)) * 1000:.1f} ms each)"
        )
        total = publish + answer + dash + all_feeds
        print(f"publish until every affected answer, dashboard and feed reflect it: {total:.2f} s "
              f"(target <= 2 s)")  # fmt: skip


if __name__ == "__main__":
    main()
