"""The scheduler process: periodic crawls of due repositories and queued crawl requests.

Runs in its own process (``sva-registry scheduler``), never inside web workers. Each job is a
session scope plus one service call. Two database locks keep crawls single:
- per repository, so a crawl from the CLI and one from the scheduler never overlap;
- per cluster, so a second scheduler process waits instead of crawling twice (README, Architecture).
PostgreSQL uses advisory locks (the server frees them when the holder's connection dies);
other databases (SQLite) a lease row in ``locks`` naming host and process: a lease of a process
that is gone on this host is taken over at once, one of another host when it expires.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crawlers.base import CrawlerSettings, RepositoryCrawler, RetryPolicy
from crawlers.github import GitHubCrawler
from crawlers.gitlab import GitLabCrawler
from registry.config import Settings
from registry.db import session_scope, utcnow
from registry.models import CrawlRequest, Lock
from registry.services.crawl import (
    CrawlOutcome,
    Forges,
    WithdrawPolicy,
    crawl_repository,
    due_repositories,
    forge_kind,
    rate_limited_until,
)
from registry.services.crawl_queue import pending_requests, repository_key
from registry.services.mirror_checks import MirrorCheck, check_mirrors

logger = logging.getLogger(__name__)

SCHEDULER_LOCK = "scheduler"
CRAWL_LEASE = timedelta(minutes=30)
SCHEDULER_LEASE = timedelta(minutes=2)


def holder_id() -> str:
    """Who holds a lock: host, process and thread (for the ``locks`` table and logs)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:200]


def build_crawler(settings: Settings) -> Forges:
    """A crawler per configured forge: GitHub from ``[github]``, GitLab from ``[gitlab]``."""
    github, gitlab = settings.github, settings.gitlab
    github_crawler = GitHubCrawler(
        CrawlerSettings(
            api_url=github.api_url,
            token=github.token or None,
            # PyGithub takes whole seconds.
            timeout=max(1, math.ceil(github.timeout_seconds)),
            retry=RetryPolicy(attempts=github.retries + 1, backoff=github.backoff_seconds),
        )
    )
    crawlers: dict[str, RepositoryCrawler] = {}
    for host, kind in settings.forge_hosts.items():
        if kind == "github":
            crawlers[host] = github_crawler
    if gitlab.host:
        crawlers[gitlab.host.lower()] = GitLabCrawler(
            CrawlerSettings(
                api_url=gitlab.api_url,
                token=gitlab.token or None,
                timeout=max(1, math.ceil(gitlab.timeout_seconds)),
                retry=RetryPolicy(attempts=gitlab.retries + 1, backoff=gitlab.backoff_seconds),
            )
        )
    return Forges(crawlers=crawlers, kinds=settings.forge_hosts)


def _advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def database_lock(engine: Engine, name: str, *, lease: timedelta = CRAWL_LEASE) -> Iterator[bool]:
    """Try to take the named lock without waiting; yields whether it was taken."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, name) as taken:
            yield taken
        return
    # One holder per acquisition: the lock is not re-entrant, not even within a thread.
    holder = f"{holder_id()}:{uuid.uuid4().hex[:8]}"
    taken = take_lease(engine, name, holder, lease)
    try:
        yield taken
    finally:
        if taken:
            release_lease(engine, name, holder)


@contextmanager
def _advisory_lock(engine: Engine, name: str) -> Iterator[bool]:
    key = _advisory_key(name)
    with engine.connect() as connection:
        taken = bool(
            connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        )
        connection.commit()
        try:
            yield taken
        finally:
            if taken:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()


def is_dead_holder(holder: str) -> bool:
    """Whether a lease holder (``host:pid:...``) is a process of this host that is gone."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, run by another user
        return False
    return False


def take_lease(engine: Engine, name: str, holder: str, lease: timedelta) -> bool:
    """Take (or renew, for the same holder) the lease ``name``; False if someone else holds it.

    An expired lease, and the lease of a process of this host that no longer runs (killed,
    crashed), are taken over at once."""
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(delete(Lock).where(Lock.name == name, Lock.expires_at < now))
        current = connection.execute(select(Lock.holder).where(Lock.name == name)).scalar()
        if current is not None and current != holder and is_dead_holder(str(current)):
            logger.warning("lease %s: holder %s is gone; taking it over", name, current)
            connection.execute(delete(Lock).where(Lock.name == name, Lock.holder == current))
        renewed = connection.execute(
            update(Lock)
            .where(Lock.name == name, Lock.holder == holder)
            .values(expires_at=now + lease)
        )
        if renewed.rowcount:
            return True
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(Lock).values(name=name, holder=holder, expires_at=now + lease)
            )
    except IntegrityError:
        return False
    return True


def release_lease(engine: Engine, name: str, holder: str) -> None:
    """Give the lease back (only the holder can)."""
    with engine.begin() as connection:
        connection.execute(delete(Lock).where(Lock.name == name, Lock.holder == holder))


def lease_holder(engine: Engine, name: str) -> str | None:
    """Who holds the lease ``name`` right now (``None``: nobody)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(Lock.holder).where(Lock.name == name, Lock.expires_at >= utcnow())
        ).first()
    return None if row is None else str(row[0])


def run_crawl(
    engine: Engine,
    sessions: sessionmaker[Session],
    crawler: RepositoryCrawler | Forges,
    repository: str,
    *,
    now: datetime | None = None,
    withdraw: WithdrawPolicy | None = None,
) -> CrawlOutcome:
    """Crawl one repository under its lock, in one transaction (all or nothing).

    An unexpected error (a bug, a database failure) rolls the crawl back and becomes a
    ``failed`` outcome, so one repository cannot stop the scheduler's run.
    """
    with database_lock(engine, f"crawl:{repository_key(repository)}") as taken:
        if not taken:
            return CrawlOutcome(repository, "locked", "another process is crawling it")
        try:
            with session_scope(sessions) as session:
                outcome = crawl_repository(session, crawler, repository, now=now, withdraw=withdraw)
        except Exception as error:  # the run goes on; the traceback is logged
            logger.exception("%s: crawl aborted", repository)
            return CrawlOutcome(repository, "failed", f"internal error: {type(error).__name__}")
    logger.info("%s", outcome.summary())
    return outcome


def run_due_crawls(
    engine: Engine,
    sessions: sessionmaker[Session],
    crawler: RepositoryCrawler | Forges,
    *,
    interval: timedelta,
    now: datetime | None = None,
    progress: Callable[[CrawlOutcome], None] | None = None,
    withdraw: WithdrawPolicy | None = None,
) -> list[CrawlOutcome]:
    """Crawl every repository not attempted within ``interval``; a rate limit ends the run
    and no run starts before its reset."""
    with session_scope(sessions) as session:
        paused = _paused_forges(session, crawler, now)
        due = due_repositories(session, now=now, interval=interval)
    outcomes = []
    for repository in due:
        if forge_kind(crawler, repository) in paused:
            continue
        outcome = run_crawl(engine, sessions, crawler, repository, now=now, withdraw=withdraw)
        outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
        if outcome.status == "rate-limited":
            # The limit is per token and forge: every further request there would be refused.
            logger.warning("rate limited; resuming after %s", outcome.resume_after)
            paused.add(forge_kind(crawler, repository))
    return outcomes


def run_queued_crawls(
    engine: Engine,
    sessions: sessionmaker[Session],
    crawler: RepositoryCrawler | Forges,
    *,
    now: datetime | None = None,
    withdraw: WithdrawPolicy | None = None,
) -> list[CrawlOutcome]:
    """Run waiting crawl requests, oldest first; deferred or locked ones stay queued."""
    with session_scope(sessions) as session:
        paused = _paused_forges(session, crawler, now)
        waiting = [(r.id, r.repository) for r in pending_requests(session)]
    outcomes = []
    for request_id, repository in waiting:
        if forge_kind(crawler, repository) in paused:
            continue
        outcome = run_crawl(engine, sessions, crawler, repository, now=now, withdraw=withdraw)
        outcomes.append(outcome)
        if outcome.status in {"deferred", "locked", "rate-limited"}:
            if outcome.status == "rate-limited":
                paused.add(forge_kind(crawler, repository))
            continue
        with session_scope(sessions) as session:
            request = session.get(CrawlRequest, request_id)
            if request is not None:
                request.done_at = utcnow()
                request.outcome = outcome.summary()[:2000]
    return outcomes


def run_mirror_checks(
    sessions: sessionmaker[Session], forges: Forges, *, now: datetime | None = None
) -> list[MirrorCheck]:
    """Check every mirror due (at most daily) against its module's primary, in one transaction."""
    with session_scope(sessions) as session:
        checks = check_mirrors(session, forges, now=now)
    for check in checks:
        logger.info("mirror %s of %s: %s", check.url, check.module, check.status)
    return checks


def _paused_forges(
    session: Session, crawler: RepositoryCrawler | Forges, now: datetime | None
) -> set[str]:
    """Forge kinds waiting for a rate-limit reset (no crawl there before it)."""
    kinds = set(crawler.kinds.values()) if isinstance(crawler, Forges) else {"github"}
    paused = set()
    for kind in sorted(kinds):
        until = rate_limited_until(session, now=now, forge=kind)
        if until is not None:
            logger.info("%s rate limited: no crawls there before %s", kind, until.isoformat())
            paused.add(kind)
    return paused


class SchedulerRunner:
    """The scheduler process: hold the cluster lock, then run the two periodic jobs."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        sessions: sessionmaker[Session],
        crawler: RepositoryCrawler | Forges,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.sessions = sessions
        self.crawler = crawler
        self.holder = holder_id()
        self.withdraw = WithdrawPolicy(settings.crawl.max_withdraw_share)

    def due_job(self) -> None:
        """Periodic crawl of every repository due."""
        interval = timedelta(minutes=self.settings.crawl.interval_minutes)
        run_due_crawls(
            self.engine, self.sessions, self.crawler, interval=interval, withdraw=self.withdraw
        )
        if isinstance(self.crawler, Forges):
            run_mirror_checks(self.sessions, self.crawler)

    def queue_job(self) -> None:
        """Queued crawl requests (API, webhooks)."""
        run_queued_crawls(self.engine, self.sessions, self.crawler, withdraw=self.withdraw)

    def create_scheduler(self, scheduler_class: Any = None) -> Any:
        """An APScheduler scheduler with both jobs (not started)."""
        scheduler = (scheduler_class or BlockingScheduler)(timezone="UTC")
        # max_instances=1 and coalesce: a slow crawl run is never overtaken by the next one.
        scheduler.add_job(
            self.due_job,
            "interval",
            minutes=self.settings.crawl.interval_minutes,
            id="due-crawls",
            max_instances=1,
            coalesce=True,
            next_run_time=utcnow(),
        )
        scheduler.add_job(
            self.queue_job,
            "interval",
            seconds=self.settings.crawl.queue_poll_seconds,
            id="queued-crawls",
            max_instances=1,
            coalesce=True,
        )
        return scheduler

    @contextmanager
    def cluster_lock(
        self, wait: Callable[[float], bool], poll_seconds: float = 10.0
    ) -> Iterator[bool]:
        """Wait (calling ``wait(seconds)``; it returns True to give up) until this process is
        the one scheduler of the cluster; yields False if it gave up."""
        if self.engine.dialect.name == "postgresql":
            with self._advisory_cluster_lock(wait, poll_seconds) as taken:
                yield taken
            return
        while not take_lease(self.engine, SCHEDULER_LOCK, self.holder, SCHEDULER_LEASE):
            logger.info(
                "another scheduler holds the lock (%s); waiting",
                lease_holder(self.engine, SCHEDULER_LOCK),
            )
            if wait(poll_seconds):
                yield False
                return
        try:
            yield True
        finally:
            release_lease(self.engine, SCHEDULER_LOCK, self.holder)

    @contextmanager
    def _advisory_cluster_lock(self, wait: Callable[[float], bool], poll: float) -> Iterator[bool]:
        key = _advisory_key(SCHEDULER_LOCK)
        with self.engine.connect() as connection:
            while not _try_advisory(connection, key):
                logger.info("another scheduler holds the advisory lock; waiting")
                if wait(poll):
                    yield False
                    return
            try:
                yield True
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()

    def renew_job(self) -> None:
        """Keep the SQLite lease alive while the scheduler runs."""
        if self.engine.dialect.name != "postgresql":
            take_lease(self.engine, SCHEDULER_LOCK, self.holder, SCHEDULER_LEASE)

    def run(self, stop: threading.Event | None = None) -> None:
        """Block: take the cluster lock, then run the jobs until interrupted or ``stop`` is set."""
        stop = stop or threading.Event()
        with self.cluster_lock(stop.wait) as taken:
            if not taken:
                return
            scheduler = self.create_scheduler(BackgroundScheduler)
            scheduler.add_job(self.renew_job, "interval", seconds=30, id="renew-lock")
            scheduler.start()
            logger.info("scheduler running (holder %s)", self.holder)
            try:
                stop.wait()
            except KeyboardInterrupt:
                logger.info("scheduler interrupted")
            finally:
                scheduler.shutdown(wait=True)


def _try_advisory(connection: Connection, key: int) -> bool:
    taken = bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
    connection.commit()
    return taken
