"""Mirror checks end to end: the app crawled on the GitHub stand-in, its openCode mirror on the
GitLab stand-in; in sync, behind (a tag missing or at another commit), unreachable, at most daily.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from crawlers.base import CrawlerSettings, RetryPolicy
from crawlers.github import GitHubCrawler
from crawlers.gitlab import GitLabCrawler
from registry.models import Component, Module
from registry.services.crawl import Forges, crawl_repository
from registry.services.mirror_checks import check_mirrors
from registry.services.mirrors import record_mirror
from tests.github_standin.model import Commit, fake_sha
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import APP
from tests.gitlab_standin.server import GitLabStandIn
from tests.gitlab_standin.sva import APP_MIRROR, APP_MIRROR_URL

NOW = datetime(2026, 9, 1, 3, 0, tzinfo=UTC)
HOSTS = {"github.com": "github", "gitlab.opencode.de": "gitlab"}


@pytest.fixture()
def forges(github_standin: GitHubStandIn, gitlab_standin: GitLabStandIn) -> Iterator[Forges]:
    retry = RetryPolicy(attempts=2, backoff=0.001, max_backoff=0.001)
    github = GitHubCrawler(CrawlerSettings(api_url=github_standin.url, retry=retry))
    gitlab = GitLabCrawler(CrawlerSettings(api_url=gitlab_standin.api_url, retry=retry))
    yield Forges(crawlers={"github.com": github, "gitlab.opencode.de": gitlab}, kinds=HOSTS)
    github.close()
    gitlab.close()


@pytest.fixture()
def chatbot(session: Session, forges: Forges) -> Module:
    """The in-app chatbot, its host (the app, crawled from GitHub) and the openCode mirror."""
    app = Component(name="app", repository=APP, tag_prefix="")
    module = Module(
        slug="chatbot",
        kind="in-app",
        host_component="app",
        host_path="src/screens/ChatbotScreen.tsx",
        repository=f"https://github.com/{APP}",
    )
    session.add_all([app, module])
    session.flush()
    assert crawl_repository(session, forges, app, now=NOW).status == "ok"
    record_mirror(session, module, APP_MIRROR_URL, source="admin-doku")
    return module


def test_the_opencode_mirror_of_the_app_is_in_sync(
    session: Session, forges: Forges, chatbot: Module, gitlab_standin: GitLabStandIn
) -> None:
    gitlab_standin.clear_log()
    (check,) = check_mirrors(session, forges, now=NOW)
    assert (check.module, check.url, check.status) == ("chatbot", APP_MIRROR_URL, "in-sync")
    (mirror,) = chatbot.mirrors
    assert mirror.status == "in-sync" and mirror.missing_tags == [] and mirror.checked_at == NOW
    assert mirror.forge == "gitlab"
    # Only the tag list (144 tags: two pages), by path; nothing else of the mirror is read.
    paths = [r.path for r in gitlab_standin.request_log]
    assert len(paths) == 2 and all("/repository/tags" in p for p in paths)


def test_a_tag_missing_on_the_mirror_shows_it_behind(
    session: Session,
    forges: Forges,
    chatbot: Module,
    github_standin: GitHubStandIn,
) -> None:
    check_mirrors(session, forges, now=NOW)
    head = github_standin.repo(APP).commits[github_standin.repo(APP).tags[0][1]]
    new = Commit(fake_sha("app", "v5.0.0"), "2026-09-02T10:00:00Z", dict(head.files))
    github_standin.add_tag(APP, "v5.0.0", new)
    later = NOW + timedelta(days=1)
    crawl_repository(session, forges, f"https://github.com/{APP}", now=later)
    (check,) = check_mirrors(session, forges, now=later)
    assert check.status == "behind" and check.missing_tags == ("v5.0.0",)
    (mirror,) = chatbot.mirrors
    assert mirror.behind_since == later and mirror.missing_tags == ["v5.0.0"]
    # Still behind a day later: "behind since" stays the first day it was seen behind.
    check_mirrors(session, forges, now=later + timedelta(days=1))
    assert mirror.behind_since == later


def test_a_tag_at_another_commit_counts_as_missing(
    session: Session, forges: Forges, chatbot: Module, gitlab_standin: GitLabStandIn
) -> None:
    repo = gitlab_standin.repo(APP_MIRROR)
    name, _sha = repo.tags[0]
    moved = Commit(fake_sha("moved", name), "2026-08-30T10:00:00Z", {})
    repo.commits[moved.sha] = moved
    repo.tags[0] = (name, moved.sha)
    (check,) = check_mirrors(session, forges, now=NOW)
    assert check.status == "behind" and check.missing_tags == (name,)


def test_back_in_sync_clears_behind(
    session: Session, forges: Forges, chatbot: Module, gitlab_standin: GitLabStandIn
) -> None:
    repo = gitlab_standin.repo(APP_MIRROR)
    removed = repo.tags.pop(0)
    check_mirrors(session, forges, now=NOW)
    assert chatbot.mirrors[0].status == "behind"
    repo.tags.insert(0, removed)
    check_mirrors(session, forges, now=NOW + timedelta(days=1))
    assert chatbot.mirrors[0].status == "in-sync" and chatbot.mirrors[0].behind_since is None


def test_an_unreachable_mirror_keeps_what_it_knew(
    session: Session, forges: Forges, chatbot: Module, gitlab_standin: GitLabStandIn
) -> None:
    gitlab_standin.remove(APP_MIRROR)
    (check,) = check_mirrors(session, forges, now=NOW)
    assert check.status == "unreachable"
    assert "repository-gone" in (chatbot.mirrors[0].last_error or "")


def test_mirrors_are_checked_at_most_daily(
    session: Session, forges: Forges, chatbot: Module, gitlab_standin: GitLabStandIn
) -> None:
    check_mirrors(session, forges, now=NOW)
    gitlab_standin.clear_log()
    assert check_mirrors(session, forges, now=NOW + timedelta(hours=23)) == []
    assert gitlab_standin.request_log == []
    assert len(check_mirrors(session, forges, now=NOW + timedelta(hours=24))) == 1


def test_one_listing_per_mirror_url_for_many_modules(
    session: Session, forges: Forges, chatbot: Module, gitlab_standin: GitLabStandIn
) -> None:
    other = Module(
        slug="sue",
        kind="in-app",
        host_component="app",
        host_path="src/screens/SUE",
        repository=f"https://github.com/{APP}",
    )
    session.add(other)
    session.flush()
    record_mirror(session, other, APP_MIRROR_URL, source="admin-doku")
    gitlab_standin.clear_log()
    checks = check_mirrors(session, forges, now=NOW)
    assert sorted(c.module for c in checks) == ["chatbot", "sue"]
    assert len(gitlab_standin.request_log) == 2  # the two tag pages, once


def test_a_primary_never_crawled_leaves_its_mirror_unchecked(
    session: Session, forges: Forges
) -> None:
    module = Module(slug="neu", kind="standalone", repository="https://github.com/o/neu")
    session.add(module)
    session.flush()
    record_mirror(session, module, "https://gitlab.opencode.de/o/neu", source="admin")
    assert check_mirrors(session, forges, now=NOW) == []
    assert module.mirrors[0].status == "unchecked"
