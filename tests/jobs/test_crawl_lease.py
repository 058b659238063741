"""Crawl leases on SQLite survive a killed crawl: a dead holder's lease is taken over at once;
a live holder's repository is skipped, said in the closing line, exit status 3."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.db import make_engine, make_session_factory, session_scope, utcnow
from registry.jobs import is_dead_holder, take_lease
from registry.migrate import upgrade
from registry.models import Lock, Module, Release
from tests.github_standin.fixtures import github_standin
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import HUMHUB

__all__ = ["github_standin"]


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'lease.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        session.add(Module(slug="humhub-ext", repository=f"https://github.com/{HUMHUB}"))
    engine.dispose()
    return url


def _count(url: str, what: type) -> int:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return int(session.scalar(select(func.count()).select_from(what)) or 0)
    finally:
        engine.dispose()


def _crawl(url: str, api: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "SVA_REGISTRY_DATABASE_URL": url, "SVA_REGISTRY_GITHUB_API_URL": api}
    return subprocess.Popen(
        [sys.executable, "-m", "registry", "crawl", "--all"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,  # type: ignore[call-overload]
    )


def test_a_killed_crawl_leaves_no_lease_behind(
    tmp_path: Path, github_standin: GitHubStandIn
) -> None:
    url = _database(tmp_path)
    # The crawl hangs on its first request, holding the lease, until it is killed.
    github_standin.slow(HUMHUB, 120, times=None)
    killed = _crawl(url, github_standin.url)
    try:
        deadline = time.monotonic() + 60
        while _count(url, Lock) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _count(url, Lock) == 1, "the crawl never took its lease"
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.communicate(timeout=30)
    assert killed.returncode == -signal.SIGKILL
    assert _count(url, Lock) == 1  # the dead process's lease is still in the table
    github_standin.clear_faults()
    again = _crawl(url, github_standin.url)
    output, _ = again.communicate(timeout=120)
    assert again.returncode == 0, output
    assert "1 repositories" in output and "skipped" not in output
    assert _count(url, Release) == 8


def test_a_repository_a_live_process_crawls_is_skipped_with_exit_3(
    tmp_path: Path, github_standin: GitHubStandIn
) -> None:
    url = _database(tmp_path)
    engine = make_engine(url)
    # This test process is alive: its lease must be respected.
    live = f"{socket.gethostname()}:{os.getpid()}:1:test"
    key = f"crawl:{HUMHUB.lower()}"
    assert take_lease(engine, key, live, timedelta(minutes=30))
    engine.dispose()
    crawl = _crawl(url, github_standin.url)
    output, _ = crawl.communicate(timeout=120)
    assert crawl.returncode == 3, output
    assert "1 skipped: another process is crawling" in output.splitlines()[-1]
    assert _count(url, Release) == 0


@pytest.mark.parametrize(
    ("holder", "dead"),
    [
        (f"{socket.gethostname()}:{os.getpid()}:1:x", False),  # this process
        ("another-host:1:1:x", False),  # unknown liveness: only expiry frees it
        (f"{socket.gethostname()}:not-a-pid", False),
    ],
)
def test_is_dead_holder(holder: str, dead: bool) -> None:
    assert is_dead_holder(holder) is dead


def test_is_dead_holder_of_an_ended_process() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert is_dead_holder(f"{socket.gethostname()}:{process.pid}:1:x")


def test_an_expired_lease_is_taken_over(tmp_path: Path) -> None:
    url = _database(tmp_path)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            Lock.__table__.insert().values(
                name="crawl:x", holder="another-host:1:1:x", expires_at=utcnow() - timedelta(1)
            )
        )
    assert take_lease(engine, "crawl:x", "me", timedelta(minutes=1))
    engine.dispose()
