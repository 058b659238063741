"""The scheduler's jobs, locks and the ``crawl`` command, on a real (SQLite file) database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from crawlers.base import CrawlerSettings, RetryPolicy
from crawlers.github import GitHubCrawler
from crawlers.gitlab import GitLabCrawler
from registry.cli import cli
from registry.config import load_settings
from registry.db import make_engine, make_session_factory, session_scope
from registry.jobs import (
    SchedulerRunner,
    build_crawler,
    database_lock,
    lease_holder,
    release_lease,
    run_crawl,
    run_due_crawls,
    run_queued_crawls,
    take_lease,
)
from registry.migrate import upgrade
from registry.models import CrawlRequest, Module, Release
from registry.services.crawl_queue import enqueue_crawl
from tests.github_standin.fixtures import github_standin
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import HUMHUB, STUDIO

__all__ = ["github_standin"]

HUMHUB_URL = f"https://github.com/{HUMHUB}"
STUDIO_URL = f"https://github.com/{STUDIO}"


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "jobs.sqlite3"


@pytest.fixture()
def engine(db_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture()
def sessions(engine: Engine) -> sessionmaker[Session]:
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        session.add(Module(slug="humhub-ext", repository=HUMHUB_URL))
        session.add(Module(slug="waste-web", repository=STUDIO_URL, tag_prefix="waste-web-v"))
    return factory


@pytest.fixture()
def crawler(github_standin: GitHubStandIn) -> Iterator[GitHubCrawler]:
    retry = RetryPolicy(attempts=2, backoff=0.001, max_backoff=0.001)
    crawler = GitHubCrawler(CrawlerSettings(api_url=github_standin.url, retry=retry))
    yield crawler
    crawler.close()


def _release_count(sessions: sessionmaker[Session], slug: str) -> int:
    with session_scope(sessions) as session:
        module = session.scalars(select(Module).where(Module.slug == slug)).one()
        return len(module.releases)


def test_queued_requests_run_and_are_marked_done(
    engine: Engine, sessions: sessionmaker[Session], crawler: GitHubCrawler
) -> None:
    with session_scope(sessions) as session:
        enqueue_crawl(session, HUMHUB_URL, "webhook push")
    outcomes = run_queued_crawls(engine, sessions, crawler)
    assert [o.status for o in outcomes] == ["ok"]
    with session_scope(sessions) as session:
        (request,) = session.scalars(select(CrawlRequest)).all()
        assert request.done_at is not None
        assert request.outcome is not None and request.outcome.startswith(HUMHUB_URL)
    assert _release_count(sessions, "humhub-ext") == 8


def test_locked_repository_is_not_crawled_twice(
    engine: Engine, sessions: sessionmaker[Session], crawler: GitHubCrawler
) -> None:
    with session_scope(sessions) as session:
        enqueue_crawl(session, HUMHUB_URL, "api")
    with database_lock(engine, f"crawl:{HUMHUB.lower()}") as taken:
        assert taken
        outcome = run_crawl(engine, sessions, crawler, HUMHUB_URL)
        assert outcome.status == "locked"
        queued = run_queued_crawls(engine, sessions, crawler)
        assert [o.status for o in queued] == ["locked"]
    with session_scope(sessions) as session:
        (request,) = session.scalars(select(CrawlRequest)).all()
        assert request.done_at is None  # stays queued for the next poll
    assert run_crawl(engine, sessions, crawler, HUMHUB_URL).status == "ok"


def test_leases_expire_and_belong_to_their_holder(engine: Engine) -> None:
    assert take_lease(engine, "crawl:x", "a", timedelta(minutes=5))
    assert not take_lease(engine, "crawl:x", "b", timedelta(minutes=5))
    assert take_lease(engine, "crawl:x", "a", timedelta(minutes=5))  # renewal
    assert lease_holder(engine, "crawl:x") == "a"
    release_lease(engine, "crawl:x", "b")  # not b's to release
    assert lease_holder(engine, "crawl:x") == "a"
    release_lease(engine, "crawl:x", "a")
    assert lease_holder(engine, "crawl:x") is None
    assert take_lease(engine, "crawl:y", "a", timedelta(seconds=-1))  # already expired
    assert take_lease(engine, "crawl:y", "b", timedelta(minutes=5))


def test_due_crawls_stop_at_a_rate_limit(
    engine: Engine,
    sessions: sessionmaker[Session],
    crawler: GitHubCrawler,
    github_standin: GitHubStandIn,
) -> None:
    reset = datetime.now(UTC) + timedelta(minutes=20)
    github_standin.fail(
        None,
        403,
        times=None,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(reset.timestamp()))},
    )
    outcomes = run_due_crawls(engine, sessions, crawler, interval=timedelta(hours=1))
    assert [o.status for o in outcomes] == ["rate-limited"]
    assert len(github_standin.request_log) == 1
    github_standin.clear_faults()
    github_standin.clear_log()
    # The limit counts per token: nothing is crawled before the reset, queued or due.
    with session_scope(sessions) as session:
        enqueue_crawl(session, STUDIO_URL, "webhook")
    assert run_due_crawls(engine, sessions, crawler, interval=timedelta(hours=1)) == []
    assert run_queued_crawls(engine, sessions, crawler) == []
    assert github_standin.request_log == []
    later = reset + timedelta(seconds=1)
    again = run_due_crawls(engine, sessions, crawler, interval=timedelta(hours=1), now=later)
    assert sorted((o.repository, o.status) for o in again) == [
        (HUMHUB_URL, "ok"),
        (STUDIO_URL, "ok"),
    ]


def test_due_crawls_crawl_everything_once(
    engine: Engine, sessions: sessionmaker[Session], crawler: GitHubCrawler
) -> None:
    first = run_due_crawls(engine, sessions, crawler, interval=timedelta(hours=1))
    assert sorted(o.repository for o in first) == sorted([HUMHUB_URL, STUDIO_URL])
    assert all(o.status == "ok" for o in first)
    assert run_due_crawls(engine, sessions, crawler, interval=timedelta(hours=1)) == []
    assert _release_count(sessions, "waste-web") == 12


def test_scheduler_has_both_jobs(engine: Engine, sessions: sessionmaker[Session]) -> None:
    settings = load_settings(None, {"SVA_REGISTRY_CRAWL_INTERVAL_MINUTES": "15"})
    runner = SchedulerRunner(settings, engine, sessions, build_crawler(settings))
    scheduler = runner.create_scheduler(BackgroundScheduler)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"due-crawls", "queued-crawls"}
    assert jobs["due-crawls"].trigger.interval == timedelta(minutes=15)
    assert jobs["queued-crawls"].trigger.interval == timedelta(seconds=30)
    assert jobs["due-crawls"].max_instances == 1


def test_second_scheduler_waits_for_the_first(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    settings = load_settings(None, {})
    first = SchedulerRunner(settings, engine, sessions, build_crawler(settings))
    second = SchedulerRunner(settings, engine, sessions, build_crawler(settings))
    second.holder = "other-process"
    waits: list[float] = []

    def give_up(seconds: float) -> bool:
        waits.append(seconds)
        return len(waits) >= 2

    with first.cluster_lock(lambda _: True) as taken:
        assert taken
        with second.cluster_lock(give_up, poll_seconds=0.01) as other:
            assert other is False
        assert waits == [0.01, 0.01]
    with second.cluster_lock(give_up) as other:
        assert other is True


def test_scheduler_run_stops_on_request(engine: Engine, sessions: sessionmaker[Session]) -> None:
    settings = load_settings(None, {"SVA_REGISTRY_GITHUB_API_URL": "http://127.0.0.1:9"})
    runner = SchedulerRunner(settings, engine, sessions, build_crawler(settings))
    runner.due_job = lambda: None  # type: ignore[method-assign]
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert lease_holder(engine, "scheduler") is None


def test_crawl_command(
    db_path: Path, sessions: sessionmaker[Session], github_standin: GitHubStandIn
) -> None:
    env = {
        "SVA_REGISTRY_DATABASE_URL": f"sqlite:///{db_path}",
        "SVA_REGISTRY_GITHUB_API_URL": github_standin.url,
        "SVA_REGISTRY_GITHUB_RETRIES": "0",
    }
    result = CliRunner().invoke(cli, ["crawl", "--module", "humhub-ext"], env=env)
    assert result.exit_code == 0, result.output
    assert f"{HUMHUB_URL}: ok; 8 new release(s)" in result.output
    assert _release_count(sessions, "humhub-ext") == 8
    result = CliRunner().invoke(cli, ["crawl", "--all"], env=env)
    assert result.exit_code == 0, result.output
    assert f"{HUMHUB_URL}: unchanged" in result.output
    assert "2 repositories, " in result.output and ", 0 errors" in result.output
    again = CliRunner().invoke(cli, ["crawl", "--all"], env=env)
    # A run over unchanged repositories costs only 304s: no rate-limit points.
    assert "2 repositories, 4 requests, 4 answered 304, 0 rate-limit points, 0 new releases" in (
        again.output
    )
    github_standin.remove(STUDIO)
    result = CliRunner().invoke(cli, ["crawl", "--all"], env=env)
    assert result.exit_code == 1
    assert f"{STUDIO_URL}: gone" in result.output


def test_crawl_command_needs_a_choice(db_path: Path) -> None:
    env = {"SVA_REGISTRY_DATABASE_URL": f"sqlite:///{db_path}"}
    result = CliRunner().invoke(cli, ["crawl"], env=env)
    assert result.exit_code == 2
    assert "--module SLUG or --all" in result.output


def test_release_rows_are_committed_only_after_a_whole_crawl(
    engine: Engine,
    sessions: sessionmaker[Session],
    crawler: GitHubCrawler,
    github_standin: GitHubStandIn,
) -> None:
    github_standin.fail(HUMHUB, 500, times=None, path="/commits/")
    outcome = run_crawl(engine, sessions, crawler, HUMHUB_URL)
    assert outcome.status == "failed"
    with session_scope(sessions) as session:
        assert session.scalars(select(Release)).all() == []


@pytest.mark.postgres_only
def test_advisory_locks_on_postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (SVA_REGISTRY_TEST_DATABASE_URL)")
    engine = make_engine(database_url)
    try:
        with database_lock(engine, "crawl:example/x") as first:
            with database_lock(engine, "crawl:example/x") as second:
                assert first and not second
            with database_lock(engine, "crawl:example/y") as other:
                assert other
        with database_lock(engine, "crawl:example/x") as again:
            assert again
        settings = load_settings(None, {})
        sessions = make_session_factory(engine)
        one = SchedulerRunner(settings, engine, sessions, build_crawler(settings))
        two = SchedulerRunner(settings, engine, sessions, build_crawler(settings))
        with (
            one.cluster_lock(lambda _: True) as taken,
            two.cluster_lock(lambda _: True, poll_seconds=0.01) as waiting,
        ):
            assert taken and not waiting
        with two.cluster_lock(lambda _: True) as taken_later:
            assert taken_later
    finally:
        engine.dispose()


def test_crawler_settings_come_from_github_settings() -> None:
    settings = load_settings(
        None,
        {
            "SVA_REGISTRY_GITHUB_API_URL": "http://127.0.0.1:9/api/v3",
            "SVA_REGISTRY_GITHUB_TOKEN": "t0ken",
            "SVA_REGISTRY_GITHUB_TIMEOUT_SECONDS": "2.5",
            "SVA_REGISTRY_GITHUB_RETRIES": "4",
            "SVA_REGISTRY_GITHUB_BACKOFF_SECONDS": "0.5",
        },
    )
    forges = build_crawler(settings)
    try:
        crawler = forges.crawlers["github.com"]
        assert crawler.settings.api_url == "http://127.0.0.1:9/api/v3"
        assert crawler.settings.token == "t0ken"
        assert crawler.settings.timeout == 3  # PyGithub takes whole seconds: rounded up
        assert crawler.settings.retry.attempts == 5  # the first try plus 4 retries
        assert crawler.settings.retry.backoff == 0.5
    finally:
        forges.close()


def test_crawler_settings_come_from_gitlab_settings() -> None:
    settings = load_settings(
        None,
        {
            "SVA_REGISTRY_GITLAB_HOST": "gitlab.example.org",
            "SVA_REGISTRY_GITLAB_API_URL": "http://127.0.0.1:9/api/v4",
            "SVA_REGISTRY_GITLAB_TOKEN": "gl-t0ken",
            "SVA_REGISTRY_GITLAB_RETRIES": "2",
        },
    )
    forges = build_crawler(settings)
    try:
        crawler = forges.crawler_for("https://gitlab.example.org/group/sub/name")
        assert isinstance(crawler, GitLabCrawler)
        assert crawler.settings.api_url == "http://127.0.0.1:9/api/v4"
        assert crawler.settings.token == "gl-t0ken"
        assert crawler.settings.retry.attempts == 3
        assert forges.kind_of("https://gitlab.example.org/group/name") == "gitlab"
        assert forges.kind_of("https://github.com/o/n") == "github"
        assert forges.crawler_for("https://gitlab.opencode.de/a/b") is None  # not configured
    finally:
        forges.close()


class ExplodingCrawler:
    """A crawler with a bug for one repository."""

    def __init__(self, inner: GitHubCrawler, broken: str) -> None:
        self.inner = inner
        self.broken = broken

    def crawl(self, full_name, known=None, *, paths_of_interest=(), tag_prefix=None):  # type: ignore[no-untyped-def]
        if full_name == self.broken:
            raise RuntimeError("bug")
        return self.inner.crawl(
            full_name, known, paths_of_interest=paths_of_interest, tag_prefix=tag_prefix
        )


def test_an_internal_error_does_not_stop_the_run(
    engine: Engine,
    sessions: sessionmaker[Session],
    crawler: GitHubCrawler,
    caplog: pytest.LogCaptureFixture,
) -> None:
    exploding = ExplodingCrawler(crawler, HUMHUB)
    outcomes = run_due_crawls(engine, sessions, exploding, interval=timedelta(hours=1))
    assert [(o.repository, o.status) for o in outcomes] == [
        (HUMHUB_URL, "failed"),
        (STUDIO_URL, "ok"),
    ]
    assert "crawl aborted" in caplog.text
    assert _release_count(sessions, "waste-web") == 12
    assert _release_count(sessions, "humhub-ext") == 0
