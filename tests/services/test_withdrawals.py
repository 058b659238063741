"""Crawls never mass-withdraw: only tags gone from the release's own repository count, and
more than the allowed share at once waits for a confirmation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.base import CrawlerSettings, RetryPolicy
from crawlers.github import GitHubCrawler
from registry.models import Event, Module
from registry.services.crawl import WithdrawPolicy, crawl_repository, run_summary
from registry.services.modules import edit_module
from tests.github_standin.fixtures import github_standin
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import generated_repo

__all__ = ["github_standin"]

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
FORGES = ("github.com",)


@pytest.fixture()
def crawler(github_standin: GitHubStandIn) -> Iterator[GitHubCrawler]:
    retry = RetryPolicy(attempts=2, backoff=0.001, max_backoff=0.001)
    crawler = GitHubCrawler(CrawlerSettings(api_url=github_standin.url, retry=retry))
    yield crawler
    crawler.close()


def _module(session: Session, slug: str, repository: str) -> Module:
    module = Module(slug=slug, repository=f"https://github.com/{repository}")
    session.add(module)
    session.flush()
    return module


def _live(module: Module) -> set[str]:
    return {r.version for r in module.releases if not r.withdrawn}


@pytest.mark.parametrize(
    ("withdrawing", "releases", "share", "confirmed", "allowed"),
    [
        (0, 0, 0.2, False, True),
        (2, 10, 0.2, False, True),  # exactly the share
        (3, 10, 0.2, False, False),
        (1, 1, 0.2, False, False),  # the only release of a repository
        (1, 1, 0.2, True, True),
        (10, 10, 1.0, False, True),
        (1, 10, 0.0, False, False),
    ],
)
def test_withdraw_policy(
    withdrawing: int, releases: int, share: float, confirmed: bool, allowed: bool
) -> None:
    assert WithdrawPolicy(share, confirmed).allows(withdrawing, releases) is allowed


def test_many_vanished_tags_are_held_until_confirmed(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    repo = github_standin.add_repo(generated_repo("example/umfragen", repo_id=9201, tags=10))
    module = _module(session, "umfragen", "example/umfragen")
    crawl_repository(session, crawler, module, now=NOW)
    assert len(_live(module)) == 10
    repo.tags = repo.tags[:5]
    repo.touch()
    held = crawl_repository(session, crawler, module, now=NOW + timedelta(hours=1))
    assert held.status == "withdrawals-held" and held.failed
    assert held.withdrawn == () and len(held.held) == 5
    assert len(_live(module)) == 10
    assert "0 withdrawn, 1 errors, 5 withdrawals held" in run_summary([held])
    event = session.scalars(select(Event).where(Event.kind == "withdrawals-held")).one()
    assert event.data["repository"] == "https://github.com/example/umfragen"
    confirmed = crawl_repository(
        session,
        crawler,
        module,
        now=NOW + timedelta(hours=2),
        withdraw=WithdrawPolicy(confirmed=True),
    )
    assert confirmed.status == "ok" and len(confirmed.withdrawn) == 5
    assert len(_live(module)) == 5


def test_a_crawl_after_a_repository_change_withdraws_nothing(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    github_standin.add_repo(generated_repo("example/alt", repo_id=9202, tags=6))
    github_standin.add_repo(generated_repo("example/neu", repo_id=9203, tags=3, releases=False))
    module = _module(session, "termine", "example/alt")
    crawl_repository(session, crawler, module, now=NOW)
    old = _live(module)
    assert len(old) == 6
    edit = edit_module(
        session, module, {"repository": "https://github.com/example/neu"}, forges=FORGES
    )
    assert edit.repository_from == "https://github.com/example/alt"
    outcome = crawl_repository(session, crawler, module, now=NOW + timedelta(hours=1))
    assert outcome.withdrawn == () and outcome.held == ()
    assert _live(module) == old  # the new repository's 1.0.0-1.0.2 replaced the old ones
    by_source = {r.version: r.source_repository for r in module.releases}
    assert by_source["1.0.5"] == "https://github.com/example/alt"
    assert by_source["1.0.0"] == "https://github.com/example/neu"
    changed = session.scalars(select(Event).where(Event.kind == "repository-changed")).one()
    assert changed.data["to"] == "https://github.com/example/neu"
    assert module.provenance["repository"]["source"] == "admin"
