"""A module on openCode, as a publisher registers it: register by URL, crawl, rename, gone.

End to end through the GitLab stand-in; the crawl service picks the crawler by the host.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.base import CrawlerSettings, RetryPolicy
from crawlers.github import GitHubCrawler
from crawlers.gitlab import GitLabCrawler
from registry.config import load_settings
from registry.errors import InvalidInput
from registry.models import Event, Module
from registry.services.crawl import Forges, crawl_repository, due_repositories, get_crawl_state
from registry.services.crawl_queue import known_repositories, repository_key
from registry.services.modules import canonical_repository, register_module
from tests.gitlab_standin.server import GitLabStandIn
from tests.gitlab_standin.sva import MODULE

URL = f"https://gitlab.opencode.de/{MODULE}"
HOSTS = {"github.com": "github", "gitlab.opencode.de": "gitlab"}
NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


@pytest.fixture()
def forges(gitlab_standin: GitLabStandIn) -> Iterator[Forges]:
    retry = RetryPolicy(attempts=2, backoff=0.001, max_backoff=0.001)
    gitlab = GitLabCrawler(CrawlerSettings(api_url=gitlab_standin.api_url, timeout=2, retry=retry))
    # GitHub is never asked here: its crawler points at a closed port.
    github = GitHubCrawler(CrawlerSettings(api_url="http://127.0.0.1:9", timeout=1, retry=retry))
    yield Forges(crawlers={"gitlab.opencode.de": gitlab, "github.com": github}, kinds=HOSTS)
    gitlab.close()
    github.close()


def _module(session: Session, slug: str) -> Module:
    return session.scalars(select(Module).where(Module.slug == slug)).one()


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (f"{URL}.git", URL),
        (f"{URL}/", URL),
        ("https://GitLab.OpenCode.de/bad-belzig/app", "https://gitlab.opencode.de/bad-belzig/app"),
        ("https://gitlab.opencode.de/a/b/c/d/e", "https://gitlab.opencode.de/a/b/c/d/e"),
    ],
)
def test_gitlab_urls_with_nested_groups(url: str, canonical: str) -> None:
    assert canonical_repository(url, HOSTS) == canonical


@pytest.mark.parametrize(
    "url",
    [
        f"{URL}/-/tree/main",  # a page of the project, not the project
        "https://gitlab.opencode.de/only-a-group",
        "https://gitlab.com/bad-belzig/app",  # another GitLab than the configured one
        "https://gitlab.opencode.de/a/../b",
        "https://github.com/a/b/c",  # GitHub has exactly owner/name
    ],
)
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        canonical_repository(url, HOSTS)
    assert raised.value.problems[0]["field"] == "repository"


def test_repository_keys_keep_forges_apart() -> None:
    assert repository_key(URL) == f"gitlab.opencode.de/{MODULE}"
    assert (
        repository_key("https://github.com/bad-belzig/abfall-export") == "bad-belzig/abfall-export"
    )
    assert repository_key("bad-belzig/abfall-export") == "bad-belzig/abfall-export"


def test_register_and_crawl_a_module_on_opencode(session: Session, forges: Forges) -> None:
    registration = register_module(session, {"repository": URL + ".git"}, forges=HOSTS)
    assert registration.module.slug == "abfall-export"  # the last path segment
    assert registration.module.repository == URL
    assert registration.crawl.repository == URL
    outcome = crawl_repository(session, forges, URL, now=NOW)
    assert outcome.status == "ok", outcome.message
    module = _module(session, "abfall-export")
    assert len(module.releases) == 12
    newest = max(module.releases, key=lambda r: r.date)
    assert newest.license_detected == "MIT"
    assert newest.metadata_source.startswith("sva-module.yml@")
    assert newest.requires["app"]["range"] == ">=4.2.0"
    state = get_crawl_state(session, URL)
    assert state is not None and state.forge == "gitlab"
    again = crawl_repository(session, forges, URL, now=NOW + timedelta(hours=2))
    assert again.status == "unchanged"
    assert again.stats["requests"] == 2


def test_tag_prefix_selects_releases(session: Session, forges: Forges) -> None:
    register_module(
        session, {"repository": URL, "slug": "abfall-v10", "tagPrefix": "v1.0."}, forges=HOSTS
    )
    crawl_repository(session, forges, URL, now=NOW)
    assert len(_module(session, "abfall-v10").releases) == 10


def test_renamed_project_becomes_the_repository_and_the_old_path_an_alias(
    session: Session, forges: Forges, gitlab_standin: GitLabStandIn
) -> None:
    register_module(session, {"repository": URL}, forges=HOSTS)
    crawl_repository(session, forges, URL, now=NOW)
    gitlab_standin.rename(MODULE, "landkreis-x/abfall/abfall-export")
    outcome = crawl_repository(session, forges, URL, now=NOW + timedelta(hours=2))
    assert outcome.status == "ok", outcome.message
    new = "https://gitlab.opencode.de/landkreis-x/abfall/abfall-export"
    assert _module(session, "abfall-export").repository == new
    state = get_crawl_state(session, URL)
    assert state is not None and state.repository == new and state.aliases == [URL]
    events = session.scalars(select(Event).where(Event.kind == "repository-renamed")).all()
    assert [e.data for e in events] == [{"from": URL, "to": new}]
    # A webhook or a request naming the old path finds the project.
    assert known_repositories(session, [URL]) == [new]
    assert due_repositories(session, now=NOW + timedelta(hours=5)) == [new]


def test_gone_project_keeps_its_releases(
    session: Session, forges: Forges, gitlab_standin: GitLabStandIn
) -> None:
    register_module(session, {"repository": URL}, forges=HOSTS)
    crawl_repository(session, forges, URL, now=NOW)
    gitlab_standin.remove(MODULE)
    outcome = crawl_repository(session, forges, URL, now=NOW + timedelta(hours=2))
    assert outcome.status == "gone"
    module = _module(session, "abfall-export")
    assert module.gone and len(module.releases) == 12


def test_rate_limit_defers_only_gitlab(
    session: Session, forges: Forges, gitlab_standin: GitLabStandIn
) -> None:
    register_module(session, {"repository": URL}, forges=HOSTS)
    gitlab_standin.fail(MODULE, 429, headers={"Retry-After": "600"}, body="Retry later")
    outcome = crawl_repository(session, forges, URL, now=NOW)
    assert outcome.status == "rate-limited"
    state = get_crawl_state(session, URL)
    assert state is not None and state.resume_after is not None
    deferred = crawl_repository(session, forges, URL, now=NOW + timedelta(minutes=1))
    assert deferred.status == "deferred"


def test_no_crawler_for_an_unconfigured_host(session: Session, forges: Forges) -> None:
    other = Forges(crawlers={"github.com": forges.crawlers["github.com"]}, kinds=HOSTS)
    register_module(session, {"repository": URL}, forges=HOSTS)
    outcome = crawl_repository(session, other, URL, now=NOW)
    assert outcome.status == "failed" and "gitlab.opencode.de" in outcome.message


def test_gitlab_settings_from_the_environment() -> None:
    settings = load_settings(
        None,
        {
            "SVA_REGISTRY_GITLAB_HOST": "git.kommune.example",
            "SVA_REGISTRY_GITLAB_API_URL": "https://git.kommune.example/api/v4",
            "SVA_REGISTRY_GITLAB_TOKEN": "glpat-x",
            "SVA_REGISTRY_GITLAB_WEBHOOK_SECRET": "hook",
        },
    )
    assert settings.gitlab.token == "glpat-x" and settings.gitlab.webhook_secret == "hook"
    assert settings.forge_hosts == {"github.com": "github", "git.kommune.example": "gitlab"}
    assert load_settings(None, {}).forge_hosts == HOSTS


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({"SVA_REGISTRY_GITLAB_API_URL": "https://gitlab.opencode.de/api"}, "/api/v4"),
        ({"SVA_REGISTRY_GITLAB_API_URL": "ftp://x/api/v4"}, "not an http(s) URL"),
        ({"SVA_REGISTRY_GITLAB_HOST": "https://gitlab.opencode.de"}, "a host name only"),
        ({"SVA_REGISTRY_CRAWL_FORGES": "github.com,codeberg.org"}, "no crawler for 'codeberg.org'"),
    ],
)
def test_bad_gitlab_settings(environ: dict[str, str], problem: str) -> None:
    with pytest.raises(Exception, match="invalid settings") as raised:
        load_settings(None, environ)
    assert problem in str(raised.value)
