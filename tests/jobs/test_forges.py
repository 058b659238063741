"""The scheduler with two forges: a GitLab rate limit pauses GitLab only; mirrors are checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from crawlers.base import CrawlerSettings, RetryPolicy
from crawlers.github import GitHubCrawler
from crawlers.gitlab import GitLabCrawler
from registry.db import make_engine, make_session_factory, session_scope
from registry.jobs import run_due_crawls, run_mirror_checks, run_queued_crawls
from registry.migrate import upgrade
from registry.models import CrawlRequest, Module, ModuleMirror
from registry.services.crawl import Forges
from registry.services.crawl_queue import enqueue_crawl
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import HUMHUB
from tests.gitlab_standin.server import GitLabStandIn
from tests.gitlab_standin.sva import MODULE

GITLAB_URL = f"https://gitlab.opencode.de/{MODULE}"
GITHUB_URL = f"https://github.com/{HUMHUB}"
NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


@pytest.fixture()
def sessions(tmp_path: Path) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'forges.sqlite3'}")
    upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        session.add(Module(slug="abfall-export", repository=GITLAB_URL))
        session.add(Module(slug="humhub-ext", repository=GITHUB_URL))
    yield engine, factory
    engine.dispose()


@pytest.fixture()
def forges(github_standin: GitHubStandIn, gitlab_standin: GitLabStandIn) -> Iterator[Forges]:
    retry = RetryPolicy(attempts=2, backoff=0.001, max_backoff=0.001)
    github = GitHubCrawler(CrawlerSettings(api_url=github_standin.url, retry=retry))
    # The registry's clock in these tests is NOW; the crawler's reset times must agree.
    gitlab = GitLabCrawler(
        CrawlerSettings(api_url=gitlab_standin.api_url, retry=retry), clock=lambda: NOW
    )
    kinds = {"github.com": "github", "gitlab.opencode.de": "gitlab"}
    yield Forges(crawlers={"github.com": github, "gitlab.opencode.de": gitlab}, kinds=kinds)
    github.close()
    gitlab.close()


def test_a_gitlab_rate_limit_pauses_gitlab_only(
    sessions: tuple[Engine, sessionmaker[Session]],
    forges: Forges,
    gitlab_standin: GitLabStandIn,
) -> None:
    engine, factory = sessions
    gitlab_standin.fail(MODULE, 429, headers={"Retry-After": "3600"}, body="Retry later")
    first = run_due_crawls(engine, factory, forges, interval=timedelta(hours=1), now=NOW)
    assert {o.repository: o.status for o in first} == {
        GITLAB_URL: "rate-limited",
        GITHUB_URL: "ok",
    }
    with session_scope(factory) as session:
        enqueue_crawl(session, GITLAB_URL, "webhook")
        enqueue_crawl(session, GITHUB_URL, "webhook")
    queued = run_queued_crawls(engine, factory, forges, now=NOW + timedelta(minutes=5))
    # GitLab waits for its reset; GitHub's queued crawl runs.
    assert [(o.repository, o.status) for o in queued] == [(GITHUB_URL, "unchanged")]
    with session_scope(factory) as session:
        waiting = session.scalars(
            select(CrawlRequest.repository).where(CrawlRequest.done_at.is_(None))
        )
        assert list(waiting) == [GITLAB_URL]
    later = run_due_crawls(
        engine, factory, forges, interval=timedelta(hours=1), now=NOW + timedelta(hours=2)
    )
    assert {o.repository: o.status for o in later}[GITLAB_URL] == "ok"


def test_mirror_checks_run_in_one_transaction(
    sessions: tuple[Engine, sessionmaker[Session]], forges: Forges, gitlab_standin: GitLabStandIn
) -> None:
    engine, factory = sessions
    run_due_crawls(engine, factory, forges, interval=timedelta(hours=1), now=NOW)
    mirror = gitlab_standin.repo(MODULE)
    with session_scope(factory) as session:
        module = session.scalars(select(Module).where(Module.slug == "abfall-export")).one()
        # The same project under a second path: a mirror with the same tags at the same commits.
        gitlab_standin.rename(MODULE, "landkreis-x/abfall-export", redirect=True)
        module.mirrors.append(
            ModuleMirror(url="https://gitlab.opencode.de/landkreis-x/abfall-export", forge="gitlab")
        )
    assert mirror.full_name == "landkreis-x/abfall-export"
    (check,) = run_mirror_checks(factory, forges, now=NOW)
    assert check.status == "in-sync"
    with session_scope(factory) as session:
        stored = session.scalars(select(ModuleMirror)).one()
        assert stored.status == "in-sync" and stored.checked_at == NOW
