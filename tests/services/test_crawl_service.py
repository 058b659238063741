"""Applying crawl snapshots to the database, end to end through the GitHub stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.base import CrawlerSettings, RetryPolicy
from crawlers.github import GitHubCrawler
from registry.models import Component, Event, Module
from registry.services.crawl import (
    crawl_repository,
    due_repositories,
    get_crawl_state,
    repository_of_module,
)
from tests.github_standin.fixtures import github_standin
from tests.github_standin.model import Commit
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import (
    APP,
    HUMHUB,
    STUDIO,
    app_src_files,
    generated_repo,
    sva_repos,
)

__all__ = ["github_standin"]

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


@pytest.fixture()
def crawler(github_standin: GitHubStandIn) -> Iterator[GitHubCrawler]:
    retry = RetryPolicy(attempts=2, backoff=0.001, max_backoff=0.001)
    crawler = GitHubCrawler(CrawlerSettings(api_url=github_standin.url, retry=retry))
    yield crawler
    crawler.close()


def _events(session: Session, kind: str) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def _app(session: Session) -> Component:
    app = Component(name="app", repository=APP, tag_prefix="")
    session.add(app)
    for slug, path in [
        ("chatbot", "src/screens/ChatbotScreen.tsx"),
        ("sue", "src/screens/SUE"),
        ("abfallkalender", "src/screens/WasteCollectionScreen.js"),
    ]:
        session.add(
            Module(
                slug=slug,
                kind="in-app",
                host_component="app",
                host_path=path,
                repository=f"https://github.com/{APP}",
                license="GPL-3.0-or-later",
            )
        )
    session.flush()
    return app


def _versions(module: Module) -> set[str]:
    return {r.version for r in module.releases if not r.withdrawn}


def _module(session: Session, slug: str) -> Module:
    return session.scalars(select(Module).where(Module.slug == slug)).one()


def _app_tags() -> list[dict]:
    return next(r for r in sva_repos() if r["repo"] == APP)["tags"]


def _first_app_tag(path: str) -> int:
    data = app_src_files()
    prefix = path.rstrip("/") + "/"
    bits = [b for p, b in data["present"].items() if p == path or p.startswith(prefix)]
    return min(b.index("1") for b in bits)


def test_app_crawl_fills_component_versions_and_in_app_releases(
    session: Session, crawler: GitHubCrawler
) -> None:
    app = _app(session)
    outcome = crawl_repository(session, crawler, app, now=NOW)
    assert outcome.status == "ok"
    versions = {v.version: v for v in app.versions}
    # 144 tags, but "v.3.2.6" and "v3.2.6" name one version.
    assert len(versions) == 143
    assert versions["3.2.6"].tag == "v3.2.6"
    chatbot = _module(session, "chatbot")
    assert _versions(chatbot) == {"4.3.0"}
    (release,) = chatbot.releases
    assert release.requires["app"]["range"] == "==4.3.0"
    assert release.license_detected == "GPL-3.0"
    assert release.license_declared == "GPL-3.0-or-later"
    commit_date = next(t["commit_date"] for t in _app_tags() if t["name"] == "v4.3.0")
    assert release.date == datetime.fromisoformat(commit_date)
    sue = _module(session, "sue")
    expected = app_src_files()["tags"][_first_app_tag("src/screens/SUE") :]
    assert expected[0] == "v4.0.0"
    assert _versions(sue) == {tag.removeprefix("v") for tag in expected}
    waste = _module(session, "abfallkalender")
    assert "1.6.0" in _versions(waste) and "1.5.7" not in _versions(waste)
    published = _events(session, "release-published")
    assert (
        len(published) == len(outcome.published) == 1 + len(_versions(sue)) + len(_versions(waste))
    )
    state = get_crawl_state(session, APP)
    assert state is not None and state.last_success == NOW
    assert len(state.tags) == 143


def test_unchanged_recrawl_changes_nothing(session: Session, crawler: GitHubCrawler) -> None:
    app = _app(session)
    crawl_repository(session, crawler, app, now=NOW)
    events = len(session.scalars(select(Event)).all())
    again = crawl_repository(session, crawler, app, now=NOW + timedelta(hours=2))
    assert again.status == "unchanged"
    assert again.stats["requests"] == 2
    assert again.stats["not_modified"] == 2
    assert len(session.scalars(select(Event)).all()) == events


def _standalone(session: Session, slug: str, repository: str, prefix: str = "") -> Module:
    module = Module(slug=slug, repository=f"https://github.com/{repository}", tag_prefix=prefix)
    session.add(module)
    session.flush()
    return module


def test_standalone_releases_from_metadata_with_problems_kept(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    repo = github_standin.add_repo(generated_repo("example/umfragen", repo_id=9100, tags=8))
    newest = repo.commits[repo.tags[0][1]]
    bad = repo.add_blob(b"schemaVersion: 1\nid: umfragen\nrequires:\n  app: [not, a, range]\n")
    github_standin.add_tag(
        "example/umfragen",
        "v2.0.0-rc.1",
        Commit("e" * 40, "2026-03-01T10:00:00Z", {**newest.files, "sva-module.yml": bad}),
    )
    module = _standalone(session, "umfragen", "example/umfragen")
    outcome = crawl_repository(session, crawler, module, now=NOW)
    assert outcome.status == "ok"
    releases = {r.version: r for r in module.releases}
    assert set(releases) == {f"1.0.{n}" for n in range(8)} | {"2.0.0rc1"}
    good = releases["1.0.5"]
    assert good.requires["app"]["range"] == ">=4.1.0"
    assert good.requires["app"]["normalized"]
    assert good.license_detected == "MIT"
    assert good.problems == []
    assert good.metadata_source.startswith("sva-module.yml@")
    assert releases["1.0.6"].prerelease is True  # the GitHub release says so
    broken = releases["2.0.0rc1"]
    assert broken.prerelease is True
    assert broken.problems, "invalid metadata keeps the release with its problems"
    invalid = _events(session, "metadata-invalid")
    assert [e.version for e in invalid] == ["2.0.0rc1"]


def test_deleted_tag_withdraws_its_release(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    # Five tags: one of them gone is 20 %, the most one crawl withdraws without a confirmation.
    repo = github_standin.add_repo(generated_repo("example/karten", repo_id=9101, tags=5))
    module = _standalone(session, "karten", "example/karten")
    crawl_repository(session, crawler, module, now=NOW)
    repo.tags = [t for t in repo.tags if t[0] != "v1.0.1"]
    repo.touch()
    outcome = crawl_repository(session, crawler, module, now=NOW + timedelta(hours=1))
    assert outcome.withdrawn == ("karten 1.0.1",)
    assert _versions(module) == {"1.0.0", "1.0.2", "1.0.3", "1.0.4"}
    assert [e.version for e in _events(session, "release-withdrawn")] == ["1.0.1"]


def test_prefixed_tags_and_late_license(session: Session, crawler: GitHubCrawler) -> None:
    module = _standalone(session, "waste-web", STUDIO, prefix="waste-web-v")
    crawl_repository(session, crawler, module, now=NOW)
    releases = {r.version: r for r in module.releases}
    assert len(releases) == 12
    assert releases["0.1.9"].license_detected is None
    assert releases["0.1.10"].license_detected == "EUPL-1.2"


def test_two_part_tags(session: Session, crawler: GitHubCrawler) -> None:
    module = _standalone(session, "humhub-ext", HUMHUB)
    crawl_repository(session, crawler, module, now=NOW)
    assert _versions(module) == {"0.1", "0.2", "0.3", "0.4", "0.4.1", "0.4.2", "0.4.3", "0.5"}
    assert all(r.license_detected is None for r in module.releases)


def test_rename_is_followed_and_kept_as_alias(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    module = _standalone(session, "humhub-ext", HUMHUB)
    crawl_repository(session, crawler, module, now=NOW)
    github_standin.rename(HUMHUB, "smart-village-solutions/humhub-ext")
    outcome = crawl_repository(session, crawler, module, now=NOW + timedelta(hours=1))
    assert outcome.status == "ok"
    assert module.repository == "https://github.com/smart-village-solutions/humhub-ext"
    state = get_crawl_state(session, HUMHUB)
    assert state is not None
    assert state.repository == module.repository
    assert state.aliases == [f"https://github.com/{HUMHUB}"]
    assert len(_events(session, "repository-renamed")) == 1


def test_gone_repository_marks_module_and_keeps_data(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    module = _standalone(session, "humhub-ext", HUMHUB)
    crawl_repository(session, crawler, module, now=NOW)
    github_standin.remove(HUMHUB)
    outcome = crawl_repository(session, crawler, module, now=NOW + timedelta(hours=1))
    assert outcome.status == "gone"
    assert module.gone is True
    assert len(module.releases) == 8
    crawl_repository(session, crawler, module, now=NOW + timedelta(hours=2))
    assert len(_events(session, "repository-gone")) == 1  # not repeated


def test_rate_limit_defers_until_reset(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    module = _standalone(session, "humhub-ext", HUMHUB)
    reset = NOW + timedelta(minutes=30)
    github_standin.fail(
        HUMHUB,
        403,
        path="/tags",
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(reset.timestamp()))},
    )
    outcome = crawl_repository(session, crawler, module, now=NOW)
    assert outcome.status == "rate-limited"
    assert outcome.resume_after == reset
    github_standin.clear_log()
    deferred = crawl_repository(session, crawler, module, now=NOW + timedelta(minutes=10))
    assert deferred.status == "deferred"
    assert github_standin.request_log == []
    assert due_repositories(session, now=NOW + timedelta(minutes=10)) == []
    later = crawl_repository(session, crawler, module, now=reset + timedelta(seconds=1))
    assert later.status == "ok"


def test_failure_is_recorded(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    module = _standalone(session, "humhub-ext", HUMHUB)
    github_standin.fail(HUMHUB, 503, times=None)
    outcome = crawl_repository(session, crawler, module, now=NOW)
    assert outcome.status == "failed"
    state = get_crawl_state(session, HUMHUB)
    assert state is not None and state.last_error and "transient" in state.last_error
    assert state.last_attempt == NOW and state.last_success is None
    (event,) = _events(session, "crawl-failed")
    assert event.module_slug == "humhub-ext"
    assert event.data["status"] == 503


def test_due_repositories_and_module_repository(session: Session, crawler: GitHubCrawler) -> None:
    _app(session)
    module = _standalone(session, "humhub-ext", HUMHUB)
    assert due_repositories(session, now=NOW) == [
        f"https://github.com/{APP}",
        f"https://github.com/{HUMHUB}",
    ]
    crawl_repository(session, crawler, module, now=NOW)
    assert due_repositories(session, now=NOW + timedelta(minutes=5)) == [
        f"https://github.com/{APP}"
    ]
    assert f"https://github.com/{HUMHUB}" in due_repositories(session, now=NOW + timedelta(hours=2))
    assert repository_of_module(session, "chatbot") == f"https://github.com/{APP}"


def test_repository_nobody_uses_is_not_crawled(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    outcome = crawl_repository(session, crawler, f"https://github.com/{HUMHUB}", now=NOW)
    assert outcome.status == "nothing-to-crawl"
    assert get_crawl_state(session, HUMHUB) is None
    assert github_standin.request_log == []


def test_default_branch_metadata_updates_module_texts(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    github_standin.add_repo(generated_repo("example/ehrenamt", repo_id=9102, tags=7))
    module = _standalone(session, "ehrenamt", "example/ehrenamt")
    crawl_repository(session, crawler, module, now=NOW)
    # The head carries the newest tag's file: generation 6 // 5 = 1.
    assert module.summary_de == "Modul ehrenamt Stand 1"
    assert module.summary_en == "Module ehrenamt state 1"
    assert module.name_en == "ehrenamt"
    assert module.license == "MIT"


def test_root_metadata_of_another_id_leaves_texts_alone(
    session: Session, crawler: GitHubCrawler
) -> None:
    # sva-studio's publiccode.yml describes SVA Studio, not the waste-web module in it.
    module = _standalone(session, "waste-web", STUDIO, prefix="waste-web-v")
    module.summary_de = "Abfallkalender im Web"
    crawl_repository(session, crawler, module, now=NOW)
    assert module.summary_de == "Abfallkalender im Web"
    assert module.license is None


def test_demo_data_and_crawl_agree(demo: Session, crawler: GitHubCrawler) -> None:
    """The demo is built from the same real facts the stand-in serves: a crawl of every
    demo repository publishes and withdraws nothing, and fills in detected licenses."""
    outcomes = [crawl_repository(demo, crawler, url, now=NOW) for url in due_repositories(demo)]
    assert len(outcomes) == 7
    assert all(o.status == "ok" for o in outcomes)
    assert [o for o in outcomes if o.published or o.withdrawn] == []
    waste = {r.version: r for r in _module(demo, "abfallkalender").releases}
    assert waste["1.6.0"].license_detected is None  # no license file before v2.6.0
    assert waste["4.3.0"].license_detected == "GPL-3.0"
