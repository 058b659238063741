"""Mixed read/write load on loopback against gunicorn, on SQLite and optionally PostgreSQL.

Starts ``sva-registry``'s gunicorn server (the real ``run_gunicorn``) on a free port with the
bundled demo data, then runs ``--clients`` threads for ``--seconds``: each request is a write
with probability ``--writes`` (a new deployment, or a replaced document of one made before,
with the admin token) and a read otherwise (module list, a deployment, its compatibility, the
feed, with the token half of the time). Prints requests/s, p50/p99 latency and errors (any
answer but the expected status) for reads, writes and all.

Run: ``.venv/bin/python benchmarks/load.py [--postgres postgresql+psycopg://.../bench_db]``.
The PostgreSQL database is emptied first: give it one of its own.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The script folder holds benchmarks named like standard modules (http.py): drop it before the
# standard library's http is imported.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import http.client
import json
import random
import socket
import statistics
import subprocess
import tempfile
import threading
import time

from sqlalchemy import text

from registry.config import load_settings
from registry.db import make_engine, make_session_factory, session_scope
from registry.migrate import upgrade
from registry.server import run_gunicorn
from registry.services.demo import load_demo
from registry.services.tokens import create_token

READS = (
    "/api/v1/modules",
    "/api/v1/deployments/1",
    "/api/v1/deployments/1/compatibility",
    "/api/v1/feed.json",
    "/api/v1/deployments?limit=20",
)


def settings_for(database_url: str, instance: str):  # type: ignore[no-untyped-def]
    return load_settings(
        None, {"SVA_REGISTRY_DATABASE_URL": database_url, "SVA_REGISTRY_INSTANCE_PATH": instance}
    )


def prepare(database_url: str, instance: str) -> str:
    """A fresh database with the demo data; returns a new admin token."""
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        load_demo(session)
        _row, secret = create_token(session, "admin", note="load benchmark")
    engine.dispose()
    return secret


def request(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, data, response.getheader("Location")
    finally:
        connection.close()


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}")
        try:
            if request(port, "GET", "/healthz", {}, None)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not come up")


class Worker(threading.Thread):
    """One client: requests until the deadline, recording (kind, seconds, ok)."""

    def __init__(self, port: int, token: str, writes: float, stop_at: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.port, self.stop_at, self.writes = port, stop_at, writes
        self.auth = {"Authorization": f"Bearer {token}"}
        self.rng = random.Random(seed)
        self.seed = seed
        self.mine: list[str] = []
        self.samples: list[tuple[str, float, bool]] = []

    def run(self) -> None:
        number = 0
        while time.monotonic() < self.stop_at:
            number += 1
            if self.rng.random() < self.writes:
                self.samples.append(("write", *self._write(number)))
            else:
                self.samples.append(("read", *self._read()))

    def _write(self, number: int) -> tuple[float, bool]:
        document = {
            "schemaVersion": 1,
            "name": f"Lastgemeinde {self.seed}-{number}",
            "components": {"app": "4.2.1"},
            "modules": {"abfallkalender": "4.3.0"},
        }
        headers = {**self.auth, "Content-Type": "application/json"}
        body = json.dumps(document).encode()
        started = time.perf_counter()
        if self.mine and self.rng.random() < 0.5:
            path = self.rng.choice(self.mine)
            status, _data, _location = request(self.port, "PUT", path, headers, body)
            return time.perf_counter() - started, status == 200
        status, _data, location = request(self.port, "POST", "/api/v1/deployments", headers, body)
        if location:
            self.mine.append(location)
        return time.perf_counter() - started, status == 201

    def _read(self) -> tuple[float, bool]:
        path = self.rng.choice(READS)
        headers = self.auth if self.rng.random() < 0.5 else {}
        started = time.perf_counter()
        status, _data, _location = request(self.port, "GET", path, headers, None)
        return time.perf_counter() - started, status == 200


def figures(samples: list[tuple[str, float, bool]], window: float) -> str:
    if not samples:
        return "no requests"
    seconds = sorted(s for _kind, s, _ok in samples)
    errors = sum(1 for *_rest, ok in samples if not ok)
    p99 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))]
    return (
        f"{len(seconds) / window:8.1f} req/s  p50 {1000 * statistics.median(seconds):7.1f} ms  "
        f"p99 {1000 * p99:7.1f} ms  requests {len(seconds):6d}  errors {errors}"
    )


def run(label: str, database_url: str, options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as instance:
        token = prepare(database_url, instance)
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                __file__,
                *("--serve", database_url, instance, str(port)),
                *("--workers", str(options.workers)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_until_up(port, server)
            stop_at = time.monotonic() + options.seconds
            started = time.monotonic()
            workers = [
                Worker(port, token, options.writes, stop_at, seed)
                for seed in range(options.clients)
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            window = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    samples = [sample for worker in workers for sample in worker.samples]
    print(f"{label}: {options.clients} clients, {options.workers} workers, {window:.1f} s")
    for kind in ("read", "write"):
        print(f"  {kind:6} {figures([s for s in samples if s[0] == kind], window)}")
    print(f"  {'all':6} {figures(samples, window)}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each run")
    parser.add_argument("--writes", type=float, default=0.3, help="share of writes")
    parser.add_argument("--postgres", help="also run on this (emptied!) PostgreSQL database")
    parser.add_argument(
        "--serve", nargs=3, metavar=("DB", "INSTANCE", "PORT"), help=argparse.SUPPRESS
    )
    options = parser.parse_args()
    if options.serve:
        database_url, instance, port = options.serve
        settings = settings_for(database_url, instance)
        run_gunicorn(settings, "127.0.0.1", int(port), options.workers, accesslog=None)
        return
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{Path(folder) / 'load.sqlite3'}", options)
    if options.postgres:
        run("PostgreSQL", options.postgres, options)


if __name__ == "__main__":
    main()
