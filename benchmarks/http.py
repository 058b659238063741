"""HTTP benchmark: the cached feed, a compatibility route and a 304 under gunicorn, against the
same bytes served as a static file by the same server in the same run.

    .venv/bin/python benchmarks/http.py [--workers 2] [--clients 8] [--seconds 5]

Starts gunicorn on a free loopback port with the bundled demo data in a temporary SQLite file,
drives it with concurrent clients (processes x threads, a new connection per request as
gunicorn's sync workers close them) and prints requests/s and p50/p99 latency per route.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is called http.py: keep its folder off sys.path so "import http" finds the stdlib
# (werkzeug and urllib import it too).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time

from flask import Flask, send_from_directory

from registry import create_app
from registry.config import Settings, load_settings
from registry.db import make_engine, make_session_factory, session_scope
from registry.migrate import upgrade
from registry.server import run_gunicorn
from registry.services.demo import load_demo as load

STATIC_PREFIX = "/bench-static/"


def serve(database_url: str, static_dir: str, port: int, workers: int) -> None:
    """Server mode: the registry app plus one static route, under gunicorn."""
    settings = load_settings(
        None,
        {
            "SVA_REGISTRY_DATABASE_URL": database_url,
            "SVA_REGISTRY_SERVER_SECRET_KEY": "benchmark",
            "SVA_REGISTRY_INSTANCE_PATH": static_dir,
        },
    )

    def factory(settings: Settings) -> Flask:
        app = create_app(settings)

        @app.get(STATIC_PREFIX + "<path:name>")
        def bench_static(name: str):  # type: ignore[no-untyped-def]
            # Flask's own file serving (conditional, sendfile): the baseline.
            return send_from_directory(static_dir, name)

        return app

    run_gunicorn(settings, "127.0.0.1", port, workers, app_factory=factory, accesslog=None)


def load_demo(database_url: str) -> None:
    settings = load_settings(None, {"SVA_REGISTRY_DATABASE_URL": database_url})
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        load(session)
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(
    port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not come up")


def raw_get(port: int, request: bytes) -> int:
    """Send a prepared request on a new connection, read to the end, return the status.

    Cheaper than http.client, so the clients, which share the CPUs with the server, cost less.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head = b"".join(chunks[:1])
    return int(head[9:12]) if head.startswith(b"HTTP/1.") else 0


def _client(
    args: tuple[int, str, dict[str, str], float, float, int, int],
) -> tuple[list[float], int, float, float]:
    """One client process: ``threads`` threads requesting ``path`` between two wall-clock times
    (the same for every process, so they all load the server at once)."""
    port, path, headers, start_at, stop_at, threads, expected = args
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []
    errors = [0]
    window = [float("inf"), 0.0]
    lock = threading.Lock()

    def loop() -> None:
        mine: list[float] = []
        bad = 0
        time.sleep(max(0.0, start_at - time.time()))
        first = time.time()
        while time.time() < stop_at:
            started = time.perf_counter()
            try:
                status = raw_get(port, request)
            except OSError:
                status = 0
            mine.append(time.perf_counter() - started)
            bad += status != expected
        with lock:
            latencies.extend(mine)
            errors[0] += bad
            window[0] = min(window[0], first)
            window[1] = max(window[1], time.time())

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors[0], window[0], window[1]


class Load:
    """Client processes (spawned once) that run one scenario at a time."""

    def __init__(self, port: int, clients: int) -> None:
        self.port = port
        self.processes = max(1, min(clients, os.cpu_count() or 1))
        self.threads = max(1, clients // self.processes)
        self.pool = multiprocessing.get_context("spawn").Pool(self.processes)
        # Spawning imports this module in every process: do it before anything is measured.
        self.run("/healthz", None, 200, 0.5)

    def run(
        self, path: str, headers: dict[str, str] | None, expected: int, seconds: float
    ) -> tuple[list[float], int, float]:
        """Latencies, errors and the measured window in seconds."""
        start_at = time.time() + 0.3  # every process starts together
        job = (self.port, path, headers or {}, start_at, start_at + seconds, self.threads, expected)
        results = self.pool.map(_client, [job] * self.processes)
        latencies = [x for result in results for x in result[0]]
        window = max(r[3] for r in results) - min(r[2] for r in results)
        return latencies, sum(result[1] for result in results), window

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


def summary(latencies: list[float], errors: int, window: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "rps": len(ordered) / window,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=6.0, help="time per route in all")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per route")
    parser.add_argument(
        "--serve", nargs=3, metavar=("DB", "STATIC", "PORT"), help=argparse.SUPPRESS
    )
    options = parser.parse_args()
    if options.serve:
        database_url, static_dir, port = options.serve
        serve(database_url, static_dir, int(port), options.workers)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run_benchmark(Path(tmp), options)


def run_benchmark(tmp: Path, options: argparse.Namespace) -> None:
    database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    static_dir = tmp / "static"
    static_dir.mkdir()
    load_demo(database_url)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--workers",
            str(options.workers),
            "--serve",
            database_url,
            str(static_dir),
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_up(port, server)
        report(port, static_dir, options)
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(port: int, static_dir: Path, options: argparse.Namespace) -> None:
    status, feed, headers = get(port, "/api/v1/feed.json")
    assert status == 200, status
    (static_dir / "feed.json").write_bytes(feed)
    static = get(port, STATIC_PREFIX + "feed.json")[1]
    assert static == feed, "the static file must be the same bytes"
    etag = headers["ETag"]
    status, compat, compat_headers = get(port, "/api/v1/deployments/1/compatibility")
    scenarios = [
        ("static file (same bytes)", STATIC_PREFIX + "feed.json", None, 200),
        ("feed.json (cached)", "/api/v1/feed.json", None, 200),
        ("feed.json 304 (If-None-Match)", "/api/v1/feed.json", {"If-None-Match": etag}, 304),
        ("dashboard.json (cached)", "/api/v1/dashboard.json", None, 200),
    ]
    if status == 200:
        scenarios.append(
            ("deployments/1/compatibility", "/api/v1/deployments/1/compatibility", None, 200)
        )
        if "ETag" in compat_headers:
            scenarios.append(
                (
                    "compatibility 304",
                    "/api/v1/deployments/1/compatibility",
                    {"If-None-Match": compat_headers["ETag"]},
                    304,
                )
            )
    print(
        f"gunicorn sync workers: {options.workers}, clients: {options.clients}, "
        f"{options.seconds:.0f} s per route in {options.rounds} rounds, CPUs: {os.cpu_count()}"
    )
    print(f"feed body: {len(feed)} bytes; compatibility body: {len(compat)} bytes")
    print(f"{'route':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
    # Rounds interleave the routes so that changes of machine load hit all of them alike.
    collected: dict[str, tuple[list[float], int, float]] = {
        name: ([], 0, 0.0) for name, *_ in scenarios
    }
    load = Load(port, options.clients)
    try:
        for _round in range(options.rounds):
            for name, path, extra, expected in scenarios:
                get(port, path, extra)  # warm the cache path
                latencies, errors, window = load.run(
                    path, extra, expected, options.seconds / options.rounds
                )
                before = collected[name]
                collected[name] = (before[0] + latencies, before[1] + errors, before[2] + window)
    finally:
        load.close()
    results = {}
    for name, (latencies, errors, window) in collected.items():
        row = results[name] = summary(latencies, errors, window)
        figures = f"{row['rps']:8.0f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f}"
        print(f"{name:34} {figures} {row['requests']:9d} {row['errors']:7d}")
    ratio = results["feed.json (cached)"]["rps"] / results["static file (same bytes)"]["rps"]
    print(f"cached feed / static file: {ratio:.0%} (target >= 50%)")
    print(json.dumps({"feed_vs_static": round(ratio, 3)}))


if __name__ == "__main__":
    main()
