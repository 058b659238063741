"""The GitHub crawler end to end (real HTTP on loopback) against the real SVA repositories."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import pytest

from crawlers.base import CrawlerSettings, KnownState, RepositorySnapshot
from crawlers.github import GitHubCrawler
from tests.crawlers.conftest import FAST_RETRY
from tests.github_standin.server import GitHubStandIn, LoggedRequest
from tests.github_standin.sva import (
    APP,
    BUS,
    FIXTURES,
    HUMHUB,
    STUDIO,
    app_src_files,
    build_sva_repos,
    sva_repos,
)

CHATBOT = "src/screens/ChatbotScreen.tsx"
SUE = "src/screens/SUE"
WASTE = "src/screens/WasteCollectionScreen.js"
APP_PATHS = (CHATBOT, SUE, WASTE, "src/AccessibilityProvider.tsx")


def _data(full_name: str) -> dict:
    return next(r for r in sva_repos() if r["repo"] == full_name)


def _first_tag_with(snapshot: RepositorySnapshot, path: str) -> str | None:
    """The first tag in version order (the fixture's order) whose commit has ``path``."""
    by_name = {tag.name: tag for tag in snapshot.tags}
    for name in app_src_files()["tags"]:
        facts = snapshot.facts_for(by_name[name])
        if facts is not None and facts.has_path(path):
            return name
    return None


@pytest.fixture(scope="module")
def sva_standin() -> Iterator[GitHubStandIn]:
    """One stand-in for the read-only tests of this module (crawling the app takes a second)."""
    with GitHubStandIn(build_sva_repos()) as standin:
        yield standin


@pytest.fixture(scope="module")
def app_crawler(sva_standin: GitHubStandIn) -> Iterator[GitHubCrawler]:
    crawler = GitHubCrawler(CrawlerSettings(api_url=sva_standin.url, retry=FAST_RETRY))
    yield crawler
    crawler.close()


@pytest.fixture(scope="module")
def app_first_crawl(
    sva_standin: GitHubStandIn, app_crawler: GitHubCrawler
) -> tuple[RepositorySnapshot, list[LoggedRequest]]:
    sva_standin.clear_log()
    snapshot = app_crawler.crawl(APP, paths_of_interest=APP_PATHS)
    return snapshot, sva_standin.requests_for(APP)


@pytest.fixture()
def app_snapshot(
    app_first_crawl: tuple[RepositorySnapshot, list[LoggedRequest]],
) -> RepositorySnapshot:
    return app_first_crawl[0]


def test_app_reports_every_tag_with_its_commit(app_snapshot: RepositorySnapshot) -> None:
    expected = {(t["name"], t["sha"]) for t in _data(APP)["tags"]}
    assert len(app_snapshot.tags) == 144
    assert {(t.name, t.sha) for t in app_snapshot.tags} == expected


def test_app_two_tags_on_one_commit_are_both_reported(app_snapshot: RepositorySnapshot) -> None:
    shas = {t.name: t.sha for t in app_snapshot.tags}
    assert shas["v.3.2.6"] == shas["v3.2.6"]
    # One commit, one set of facts: fetched once for both tags.
    assert app_snapshot.facts_for(next(t for t in app_snapshot.tags if t.name == "v.3.2.6"))
    assert len(app_snapshot.tag_facts) == 143


def test_app_license_per_tag_follows_the_license_file(app_snapshot: RepositorySnapshot) -> None:
    expected = {t["name"]: t["license_file_at_tag"] for t in _data(APP)["tags"]}
    actual = {t.name: app_snapshot.facts_for(t).license_spdx for t in app_snapshot.tags}
    assert actual == expected
    assert actual["v2.5.4"] is None
    assert actual["v2.6.0"] == "GPL-3.0"
    assert sum(1 for spdx in actual.values() if spdx is None) == 105


def test_app_commit_dates_come_from_the_commits(app_snapshot: RepositorySnapshot) -> None:
    for tag in _data(APP)["tags"]:
        facts = app_snapshot.tag_facts[tag["sha"]]
        assert facts.commit_date == datetime.fromisoformat(tag["commit_date"])


@pytest.mark.parametrize(
    ("path", "first_tag"),
    [
        (CHATBOT, "v4.3.0"),
        (SUE, "v4.0.0"),  # a directory: present when any file lies below it
        (WASTE, "v1.6.0"),
        ("src/AccessibilityProvider.tsx", "v3.1.3"),
    ],
)
def test_app_first_tag_of_in_app_modules(
    app_snapshot: RepositorySnapshot, path: str, first_tag: str
) -> None:
    assert _first_tag_with(app_snapshot, path) == first_tag


def test_app_repository_info_and_head_metadata(app_snapshot: RepositorySnapshot) -> None:
    repository = app_snapshot.repository
    assert repository.full_name == APP
    assert repository.default_branch == "master"
    assert repository.license_spdx == "GPL-3.0"
    assert repository.archived is False
    assert app_snapshot.renamed_from is None
    head = app_snapshot.head
    assert head is not None and head.metadata is not None
    assert head.metadata.kind == "publiccode"
    expected = (FIXTURES / "publiccode" / "smart-village-app-app.publiccode.yml").read_text()
    assert head.metadata.text == expected
    # The app has no metadata file at its tags: in-app modules are described by the registry.
    assert all(facts.metadata is None for facts in app_snapshot.tag_facts.values())


def test_app_first_crawl_cost(
    app_first_crawl: tuple[RepositorySnapshot, list[LoggedRequest]],
) -> None:
    app_snapshot, log = app_first_crawl
    stats = app_snapshot.stats
    commits = len(app_snapshot.tag_facts)
    # repository + 2 tag pages (144 > 100) + releases + head tree; tree and commit per new
    # tagged commit; the LICENSE.md blob (same at 39 tags) once; publiccode.yml at head once.
    assert stats.requests == 1 + 2 + 1 + 1 + 2 * commits + 1 + 1
    assert stats.not_modified == 0
    assert stats.rate_limit_points == stats.requests
    assert len(log) == stats.requests
    assert [r.path for r in log if "/license" in r.path] == [
        f"/repos/{APP}/license?ref=v4.3.0"  # GitHub lists the newest tag first
    ]


def test_unchanged_recrawl_costs_two_304s(
    sva_standin: GitHubStandIn, app_crawler: GitHubCrawler, app_snapshot: RepositorySnapshot
) -> None:
    sva_standin.clear_log()
    again = app_crawler.crawl(APP, app_snapshot.known_state(), paths_of_interest=APP_PATHS)
    assert again.stats.requests == 2
    assert again.stats.not_modified == 2
    assert again.stats.rate_limit_points == 0
    log = sva_standin.requests_for(APP)
    assert [r.status for r in log] == [304, 304]
    assert all(r.if_none_match for r in log)
    assert again.unchanged
    assert again.tags == app_snapshot.tags
    assert dict(again.tag_facts) == dict(app_snapshot.tag_facts)
    assert again.head == app_snapshot.head


def test_known_state_survives_json(
    app_crawler: GitHubCrawler, app_snapshot: RepositorySnapshot
) -> None:
    stored = json.dumps(app_snapshot.known_state().to_dict())
    known = KnownState.from_dict(json.loads(stored))
    assert known == app_snapshot.known_state()
    again = app_crawler.crawl(APP, known, paths_of_interest=APP_PATHS)
    assert (again.stats.requests, again.stats.not_modified) == (2, 2)


def test_new_path_of_interest_refetches_only_trees(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    first = crawler.crawl(HUMHUB)
    github_standin.clear_log()
    # The repository is unchanged, so the tag list comes from the known state.
    again = crawler.crawl(HUMHUB, first.known_state(), paths_of_interest=["module.json"])
    paths = [r.path for r in github_standin.requests_for(HUMHUB)]
    trees = [p for p in paths if "/git/trees/" in p]
    assert len(trees) == len(again.tag_facts) == 8
    assert not [p for p in paths if "/commits/" in p or "/license" in p or "/blobs/" in p]
    assert all(facts.has_path("module.json") for facts in again.tag_facts.values())
    assert again.new_tag_facts == frozenset(again.tag_facts)


def test_humhub_two_part_tags_and_no_license(crawler: GitHubCrawler) -> None:
    snapshot = crawler.crawl(HUMHUB)
    assert [t.name for t in snapshot.tags] == [t["name"] for t in reversed(_data(HUMHUB)["tags"])]
    assert "v0.4" in {t.name for t in snapshot.tags}
    assert snapshot.repository.license_spdx is None
    assert all(f.license is None and f.license_spdx is None for f in snapshot.tag_facts.values())


def test_studio_prefixed_tags_and_late_license(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    snapshot = crawler.crawl(STUDIO, tag_prefix="waste-web-v")
    names = [t.name for t in snapshot.tags]
    assert sorted(names) == sorted(t["name"] for t in _data(STUDIO)["tags"])
    licenses = {t.name: snapshot.facts_for(t).license_spdx for t in snapshot.tags}
    assert licenses == {t["name"]: t["license_file_at_tag"] for t in _data(STUDIO)["tags"]}
    assert licenses["waste-web-v0.1.9"] is None
    assert licenses["waste-web-v0.1.10"] == "EUPL-1.2"
    assert snapshot.repository.license_spdx == "EUPL-1.2"
    assert snapshot.head is not None and snapshot.head.metadata is not None
    assert snapshot.head.metadata.kind == "publiccode"
    license_requests = [r for r in github_standin.requests_for(STUDIO) if "/license" in r.path]
    assert len(license_requests) == 1


def test_tag_prefix_skips_facts_of_other_tags(crawler: GitHubCrawler) -> None:
    snapshot = crawler.crawl(STUDIO, tag_prefix="no-such-prefix-")
    assert len(snapshot.tags) == 12
    assert snapshot.tag_facts == {}


def test_repository_without_tags(crawler: GitHubCrawler) -> None:
    snapshot = crawler.crawl(BUS)
    assert snapshot.tags == ()
    assert snapshot.tag_facts == {}
    assert snapshot.releases == ()
    assert snapshot.repository.license_spdx == "EUPL-1.2"
    # repository, tags, releases, head tree: the whole first crawl.
    assert snapshot.stats.requests == 4


def test_studio_plugin_manifest_is_returned_raw(crawler: GitHubCrawler) -> None:
    snapshot = crawler.crawl("standin-plugins/plugin-waste-management")
    (facts,) = snapshot.tag_facts.values()
    assert facts.metadata is not None
    assert facts.metadata.kind == "studio-manifest"
    assert facts.metadata.path == "plugin.manifest.json"
    expected = (FIXTURES / "studio-plugins" / "plugin-waste-management.json").read_text()
    assert facts.metadata.text == expected
    assert facts.license_spdx == "EUPL-1.2"
