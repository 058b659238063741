"""``sva-registry scheduler`` as its own process: crawls at start, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from registry.db import make_engine, make_session_factory, session_scope
from registry.migrate import upgrade
from registry.models import Module, Release
from tests.github_standin.fixtures import github_standin
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import HUMHUB

__all__ = ["github_standin"]


def _releases(url: str) -> int:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return int(session.scalar(select(func.count(Release.id))) or 0)
    finally:
        engine.dispose()


def test_scheduler_process_crawls_and_stops_on_sigint(
    tmp_path: Path, github_standin: GitHubStandIn
) -> None:
    url = f"sqlite:///{tmp_path / 'scheduler.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        session.add(Module(slug="humhub-ext", repository=f"https://github.com/{HUMHUB}"))
    engine.dispose()
    env = {
        **os.environ,
        "SVA_REGISTRY_DATABASE_URL": url,
        "SVA_REGISTRY_GITHUB_API_URL": github_standin.url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "registry", "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while _releases(url) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _releases(url) == 8
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "scheduler: crawls every 60 min" in output
