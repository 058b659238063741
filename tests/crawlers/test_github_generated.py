"""Crawling generated module repositories: releases, pagination, blob cache, new tags."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from crawlers.github import GitHubCrawler
from tests.github_standin.model import Commit, Release
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import generated_repo


def test_releases_skip_drafts_and_keep_title_notes_prerelease(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    github_standin.add_repo(generated_repo("example/chatbot", repo_id=9001, tags=10))
    snapshot = crawler.crawl("example/chatbot")
    assert len(snapshot.releases) == 10
    assert "v9.9.9" not in {r.tag for r in snapshot.releases}  # the draft
    release = snapshot.release_for("v1.0.6")
    assert release is not None
    assert release.title == "chatbot v1.0.6"
    assert release.notes == "Changes in v1.0.6"
    assert release.prerelease is True  # every seventh generated release
    assert snapshot.release_for("v1.0.5").prerelease is False


def test_more_than_100_tags_are_paginated(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    github_standin.add_repo(generated_repo("example/big", repo_id=9002, tags=250))
    snapshot = crawler.crawl("example/big")
    assert len(snapshot.tags) == 250
    assert len({t.name for t in snapshot.tags}) == 250
    assert len(snapshot.releases) == 250
    tag_pages = [
        parse_qs(urlsplit(r.path).query)
        for r in github_standin.requests_for("example/big")
        if "/tags" in r.path
    ]
    assert tag_pages == [
        {"per_page": ["100"]},
        {"per_page": ["100"], "page": ["2"]},
        {"per_page": ["100"], "page": ["3"]},
    ]


def test_a_blob_seen_before_is_never_fetched_again(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    # sva-module.yml changes every 5 tags: 40 tags carry 8 distinct files; one LICENSE blob.
    github_standin.add_repo(
        generated_repo("example/waste", repo_id=9003, tags=40, metadata_every=5)
    )
    snapshot = crawler.crawl("example/waste")
    paths = [r.path for r in github_standin.requests_for("example/waste")]
    blob_shas = {f.metadata.blob_sha for f in snapshot.tag_facts.values() if f.metadata}
    assert len(blob_shas) == 8
    # the head tree shares the newest tag's file, so no extra fetch for the head either
    assert len([p for p in paths if "/git/blobs/" in p]) == 8
    assert len([p for p in paths if "/license" in p]) == 1
    # repository, tags, releases, head tree + 2 per tag + 8 metadata files + 1 license file
    assert snapshot.stats.requests == 4 + 2 * 40 + 8 + 1
    facts = snapshot.facts_for(next(t for t in snapshot.tags if t.name == "v1.1.7"))
    assert facts is not None and facts.metadata is not None
    assert facts.metadata.kind == "sva-module"
    assert 'app: ">=4.3.0"' in (facts.metadata.text or "")
    assert facts.license_spdx == "MIT"


def test_new_tag_costs_its_tree_commit_and_changed_files(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    repo = github_standin.add_repo(generated_repo("example/survey", repo_id=9004, tags=12))
    first = crawler.crawl("example/survey")
    newest = repo.commits[repo.tags[0][1]]
    invalid = repo.add_blob(b"schemaVersion: 1\nid: [unclosed\n")
    files = {**newest.files, "sva-module.yml": invalid}
    github_standin.add_tag(
        "example/survey", "v2.0.0", Commit("f" * 40, "2026-02-02T10:00:00Z", files)
    )
    github_standin.clear_log()

    second = crawler.crawl("example/survey", first.known_state())

    assert second.tags_changed and second.repository_changed
    assert second.new_tag_facts == frozenset({"f" * 40})
    assert [t.name for t in second.tags][:2] == ["v2.0.0", "v1.1.1"]
    facts = second.tag_facts["f" * 40]
    # Invalid metadata comes back raw: validating it is the registry's job.
    assert facts.metadata is not None
    assert facts.metadata.text == "schemaVersion: 1\nid: [unclosed\n"
    paths = [r.path for r in github_standin.requests_for("example/survey")]
    fetched = [p for p in paths if "/git/trees/ffff" in p or "/commits/ffff" in p]
    assert len(fetched) == 2
    assert len([p for p in paths if "/git/blobs/" in p]) == 1  # the new file; LICENSE known
    assert not [p for p in paths if "/license" in p]
    # repository (changed), tags (changed), releases (304), head tree (changed? no: 304)
    assert second.stats.requests == 4 + 2 + 1
    assert second.stats.not_modified == 2


def test_edited_release_is_seen_without_a_push(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    github_standin.add_repo(generated_repo("example/oparl", repo_id=9005, tags=3))
    first = crawler.crawl("example/oparl")
    github_standin.add_release("example/oparl", Release(tag="v1.0.2", name="hotfix", body="x"))
    second = crawler.crawl("example/oparl", first.known_state())
    assert second.releases_changed and not second.tags_changed
    assert second.stats.requests == 2
    assert second.stats.not_modified == 1


def test_repository_without_metadata_or_license(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    github_standin.add_repo(
        generated_repo("example/bare", repo_id=9006, tags=2, metadata_every=0, license_spdx=None)
    )
    snapshot = crawler.crawl("example/bare")
    assert all(f.metadata is None and f.license is None for f in snapshot.tag_facts.values())
    assert snapshot.head is not None and snapshot.head.metadata is None


def test_unidentified_license_is_unknown_not_noassertion(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    repo = github_standin.add_repo(
        generated_repo("example/odd", repo_id=9007, tags=1, license_spdx=None)
    )
    (sha,) = [sha for _, sha in repo.tags]
    repo.commits[sha].files["LICENSE.txt"] = repo.add_blob(b"All rights reserved, sort of.\n")
    snapshot = crawler.crawl("example/odd")
    facts = snapshot.tag_facts[sha]
    assert facts.license is not None
    assert facts.license.path == "LICENSE.txt"
    assert facts.license_spdx is None


def test_many_releases_cost_two_requests_when_unchanged(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    github_standin.add_repo(generated_repo("example/huge", repo_id=9008, tags=230))
    first = crawler.crawl("example/huge")
    assert len(first.listed_releases) == 231  # with the draft, listed first
    assert len(first.releases) == 230
    again = crawler.crawl("example/huge", first.known_state())
    assert (again.stats.requests, again.stats.not_modified) == (2, 2)
    assert again.releases == first.releases
    github_standin.add_release("example/huge", Release(tag="v1.23.0", name="new"))
    third = crawler.crawl("example/huge", again.known_state())
    assert third.releases_changed
    assert len(third.releases) == 231
    assert third.release_for("v1.23.0") is not None
    # the first page changed: all three release pages are asked again (conditionally)
    assert third.stats.requests == 1 + 3
