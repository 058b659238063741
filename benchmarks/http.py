"""HTTP benchmark: the cached feed, a compatibility route and a 304 under gunicorn, against the
same bytes served as a static file by the same server in the same run (DESIGN §7).

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
            # Flask's own file serving (conditional, sendfile): the baseline of DESIGN §7.
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


def _client(args: tuple[int, str, dict[str, str], float, int, int]) -> tuple[list[float], int]:
    """One client process: ``threads`` threads requesting ``path`` until ``seconds`` pass."""
    port, path, headers, seconds, threads, expected = args
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop() -> None:
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                status, _body, _headers = get(port, path, headers)
            except OSError:
                status = 0
            mine.append(time.perf_counter() - started)
            bad += status != expected
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors[0]


def measure(
    port: int,
    path: str,
    *,
    headers: dict[str, str] | None,
    expected: int,
    clients: int,
    seconds: float,
) -> dict[str, float]:
    processes = max(1, min(clients, os.cpu_count() or 1))
    threads = max(1, clients // processes)
    job = (port, path, headers or {}, seconds, threads, expected)
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.map(_client, [job] * processes)
    elapsed = time.perf_counter() - started
    latencies = sorted(x for result in results for x in result[0])
    errors = sum(result[1] for result in results)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / min(elapsed, seconds + 0.5),
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each scenario")
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
        f"{options.seconds:.0f} s per route, CPUs: {os.cpu_count()}"
    )
    print(f"feed body: {len(feed)} bytes; compatibility body: {len(compat)} bytes")
    print(f"{'route':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
    results = {}
    for name, path, extra, expected in scenarios:
        get(port, path, extra)  # warm every worker's cache path once
        row = measure(
            port,
            path,
            headers=extra,
            expected=expected,
            clients=options.clients,
            seconds=options.seconds,
        )
        results[name] = row
        figures = f"{row['rps']:8.0f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f}"
        print(f"{name:34} {figures} {row['requests']:9d} {row['errors']:7d}")
    ratio = results["feed.json (cached)"]["rps"] / results["static file (same bytes)"]["rps"]
    print(f"cached feed / static file: {ratio:.0%} (target >= 50%)")
    print(json.dumps({"feed_vs_static": round(ratio, 3)}))


if __name__ == "__main__":
    main()
