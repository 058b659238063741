"""The GitLab crawler end to end (real HTTP on loopback) against the GitLab stand-in.

The openCode mirror of the app carries the real app tags; a generated module lives in a nested
group. Costs are counted on both sides: the crawler's tally and the stand-in's log must agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from crawlers.base import CrawlerSettings, KnownState, RepositorySnapshot, RetryPolicy
from crawlers.errors import (
    AccessDenied,
    BadCredentials,
    RateLimited,
    RepositoryGone,
    TransientError,
)
from crawlers.gitlab import GitLabCrawler
from crawlers.licenses import detect_license, spdx_of_gitlab_key
from tests.crawlers.conftest import FAST_RETRY
from tests.github_standin.model import Commit, Release, fake_sha
from tests.github_standin.server import LoggedRequest
from tests.github_standin.sva import APP, LICENSE_TEXTS, sva_repos
from tests.gitlab_standin.server import GitLabStandIn
from tests.gitlab_standin.sva import APP_MIRROR, APP_MIRROR_ID, MODULE, build_opencode_projects

CHATBOT = "src/screens/ChatbotScreen.tsx"
NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


class Recorder:
    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def _crawler(standin: GitLabStandIn, **settings: object) -> GitLabCrawler:
    return GitLabCrawler(
        CrawlerSettings(api_url=standin.api_url, timeout=1, retry=FAST_RETRY, **settings)  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def opencode() -> Iterator[GitLabStandIn]:
    """One stand-in for the read-only tests of the app mirror (its first crawl is long)."""
    with GitLabStandIn(build_opencode_projects()) as standin:
        yield standin


@pytest.fixture(scope="module")
def mirror_crawl(opencode: GitLabStandIn) -> tuple[RepositorySnapshot, list[LoggedRequest]]:
    crawler = _crawler(opencode)
    opencode.clear_log()
    snapshot = crawler.crawl(APP_MIRROR, paths_of_interest=[CHATBOT])
    crawler.close()
    return snapshot, opencode.requests_for(APP_MIRROR)


@pytest.fixture()
def crawler(gitlab_standin: GitLabStandIn) -> Iterator[GitLabCrawler]:
    crawler = _crawler(gitlab_standin)
    yield crawler
    crawler.close()


@pytest.fixture()
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture()
def patient(gitlab_standin: GitLabStandIn, recorder: Recorder) -> Iterator[GitLabCrawler]:
    """A crawler with a fixed clock and a recorded (not real) sleep."""
    crawler = GitLabCrawler(
        CrawlerSettings(
            api_url=gitlab_standin.api_url,
            timeout=1,
            retry=RetryPolicy(attempts=3, backoff=2.0, multiplier=3.0, max_backoff=10.0),
        ),
        sleep=recorder.sleep,
        clock=lambda: NOW,
    )
    yield crawler
    crawler.close()


def _app_tags() -> list[dict]:
    return next(r for r in sva_repos() if r["repo"] == APP)["tags"]


def _query(request: LoggedRequest) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(request.path).query).items()}


def test_mirror_has_every_app_tag_at_its_commit(mirror_crawl) -> None:
    snapshot, _ = mirror_crawl
    assert {(t.name, t.sha) for t in snapshot.tags} == {(t["name"], t["sha"]) for t in _app_tags()}
    # Annotated tags name a tag object as "target"; the crawler takes commit.id.
    assert all(t.sha in {tag["sha"] for tag in _app_tags()} for t in snapshot.tags)


def test_mirror_commit_dates_and_licenses_per_tag(mirror_crawl) -> None:
    snapshot, _ = mirror_crawl
    for tag in _app_tags():
        facts = snapshot.tag_facts[tag["sha"]]
        assert facts.commit_date == datetime.fromisoformat(tag["commit_date"])
    # Detected from the file at each tag, as GitHub detects it (GitLab cannot at a ref).
    expected = {t["name"]: t["license_file_at_tag"] for t in _app_tags()}
    assert {t.name: snapshot.facts_for(t).license_spdx for t in snapshot.tags} == expected


def test_mirror_in_app_path_detection(mirror_crawl) -> None:
    snapshot, _ = mirror_crawl
    by_name = {t.name: t for t in snapshot.tags}
    assert snapshot.facts_for(by_name["v4.3.0"]).has_path(CHATBOT)
    assert not snapshot.facts_for(by_name["v4.2.0"]).has_path(CHATBOT)


def test_mirror_project_info(mirror_crawl) -> None:
    snapshot, _ = mirror_crawl
    repository = snapshot.repository
    assert repository.id == APP_MIRROR_ID
    assert repository.full_name == APP_MIRROR
    assert repository.default_branch == "master"
    assert repository.license_spdx == "GPL-3.0"  # GitLab's key "gpl-3.0"
    assert repository.html_url == f"https://gitlab.opencode.de/{APP_MIRROR}"
    assert snapshot.head is not None and snapshot.head.metadata is not None
    assert snapshot.head.metadata.kind == "publiccode"


def test_mirror_first_crawl_cost_and_budget(mirror_crawl) -> None:
    snapshot, log = mirror_crawl
    assert snapshot.stats.requests == len(log)
    assert snapshot.stats.rate_limit_points == len(log)
    # No request per commit: the dates come with the tag list.
    assert not [r for r in log if "/repository/commits/" in r.path]
    # Each tagged commit's tree once (its pages: the app's tree has a few hundred entries).
    trees = [r for r in log if "/repository/tree" in r.path and _query(r).get("ref") != "master"]
    first_pages = [r for r in trees if _query(r).get("page") == "1"]
    assert len(first_pages) == len(snapshot.tag_facts) == 143
    # Budget: 4 per project + 2 per new tag + 1 per new file, plus every page after the first.
    extra_pages = sum(1 for r in log if _query(r).get("page") not in (None, "1"))
    blobs = sum(1 for r in log if "/repository/blobs/" in r.path)
    assert blobs == 2  # LICENSE.md once (same blob at 39 tags), publiccode.yml at head once
    assert len(log) <= 4 + 2 * len(snapshot.new_tag_facts) + blobs + extra_pages


def test_unchanged_recrawl_costs_two_requests(opencode: GitLabStandIn, mirror_crawl) -> None:
    snapshot, _ = mirror_crawl
    crawler = _crawler(opencode)
    opencode.clear_log()
    again = crawler.crawl(APP_MIRROR, snapshot.known_state(), paths_of_interest=[CHATBOT])
    crawler.close()
    log = opencode.request_log
    assert again.unchanged
    assert again.stats.requests == len(log) == 2
    assert [urlsplit(r.path).path for r in log] == [
        f"/api/v4/projects/{APP_MIRROR_ID}",
        f"/api/v4/projects/{APP_MIRROR_ID}/repository/tags",
    ]
    assert again.tags == snapshot.tags and again.tag_facts == snapshot.tag_facts


def test_known_state_survives_json(opencode: GitLabStandIn, mirror_crawl) -> None:
    snapshot, _ = mirror_crawl
    stored = KnownState.from_dict(json.loads(json.dumps(snapshot.known_state().to_dict())))
    crawler = _crawler(opencode)
    again = crawler.crawl(APP_MIRROR, stored, paths_of_interest=[CHATBOT])
    crawler.close()
    assert again.unchanged and again.stats.requests == 2


def test_module_in_nested_group(crawler: GitLabCrawler) -> None:
    snapshot = crawler.crawl(MODULE)
    assert snapshot.full_name == MODULE
    assert len(snapshot.tags) == 12
    # The draft of the stand-in is an "upcoming" release on GitLab: listed, not published.
    assert len(snapshot.listed_releases) == 13 and len(snapshot.releases) == 12
    newest = snapshot.facts_for(next(t for t in snapshot.tags if t.name == "v1.1.1"))
    assert newest.metadata is not None and newest.metadata.kind == "sva-module"
    assert "id: abfall-export" in (newest.metadata.text or "")
    assert newest.license_spdx == "MIT"
    # 12 tags whose sva-module.yml changes every 4 tags: 3 metadata blobs and one license blob.
    assert snapshot.stats.requests == 1 + 1 + 1 + 1 + 12 + 3 + 1


def test_new_tag_found_although_last_activity_lags(
    gitlab_standin: GitLabStandIn, crawler: GitLabCrawler
) -> None:
    first = crawler.crawl(MODULE)
    # GitLab moves last_activity_at at most hourly: the project answer looks unchanged.
    gitlab_standin.freeze_activity(MODULE)
    newest = gitlab_standin.repo(MODULE).commits[first.tags[0].sha]
    commit = Commit(fake_sha("new", MODULE), "2026-09-01T00:00:00Z", dict(newest.files))
    gitlab_standin.add_tag(MODULE, "v2.0.0", commit)
    gitlab_standin.clear_log()
    again = crawler.crawl(MODULE, first.known_state())
    assert not again.repository_changed
    assert again.tags_changed and again.tags[0].name == "v2.0.0"
    assert again.new_tag_facts == {commit.sha}
    # project, tag page, releases, the new tree; the files' blobs were seen before.
    assert again.stats.requests == len(gitlab_standin.request_log) == 4
    assert again.tag_facts[commit.sha].commit_date == datetime(2026, 9, 1, tzinfo=UTC)


def test_new_release_on_a_known_tag_is_found(
    gitlab_standin: GitLabStandIn, crawler: GitLabCrawler
) -> None:
    first = crawler.crawl(MODULE)
    gitlab_standin.freeze_activity(MODULE)
    tag = first.tags[0].name
    gitlab_standin.repo(MODULE).releases = [
        r for r in gitlab_standin.repo(MODULE).releases if r.tag != tag
    ]
    second = crawler.crawl(MODULE, first.known_state())
    gitlab_standin.add_release(MODULE, Release(tag=tag, name="Neu", body="Neue Notizen"))
    third = crawler.crawl(MODULE, second.known_state())
    assert third.releases_changed
    assert third.release_for(tag) is not None and third.release_for(tag).notes == "Neue Notizen"


def test_renamed_project_is_followed_by_id(
    gitlab_standin: GitLabStandIn, crawler: GitLabCrawler
) -> None:
    first = crawler.crawl(MODULE)
    # Transferred to another group; the old path no longer redirects.
    gitlab_standin.rename(MODULE, "landkreis-x/abfall-export")
    gitlab_standin.clear_log()
    again = crawler.crawl(MODULE, first.known_state())
    assert again.renamed_from == MODULE
    assert again.full_name == "landkreis-x/abfall-export"
    assert again.repository.id == first.repository.id
    assert again.new_tag_facts == frozenset()
    assert all(f"/projects/{first.repository.id}" in r.path for r in gitlab_standin.request_log)


def test_first_crawl_by_an_old_path_that_redirects(gitlab_standin: GitLabStandIn) -> None:
    gitlab_standin.rename(MODULE, "landkreis-x/abfall-export", redirect=True)
    crawler = _crawler(gitlab_standin)
    snapshot = crawler.crawl(MODULE)
    crawler.close()
    assert snapshot.renamed_from == MODULE
    assert snapshot.full_name == "landkreis-x/abfall-export"
    encoded = "bad-belzig%2Fsva-module%2Fabfall-export"
    assert gitlab_standin.request_log[0].path == f"/api/v4/projects/{encoded}?license=true"


def test_gone_project(gitlab_standin: GitLabStandIn, crawler: GitLabCrawler) -> None:
    gitlab_standin.remove(MODULE)
    with pytest.raises(RepositoryGone) as raised:
        crawler.crawl(MODULE)
    assert raised.value.status == 404
    assert raised.value.repository == MODULE


def test_5xx_is_retried_with_backoff(
    gitlab_standin: GitLabStandIn, patient: GitLabCrawler, recorder: Recorder
) -> None:
    gitlab_standin.fail(MODULE, 502, times=2, path="/repository/tags")
    snapshot = patient.crawl(MODULE)
    assert len(snapshot.tags) == 12
    assert snapshot.stats.retries == 2
    assert recorder.sleeps == [2.0, 6.0]
    statuses = [r.status for r in gitlab_standin.requests_for(MODULE) if "/tags" in r.path]
    assert statuses == [502, 502, 200]


def test_persistent_5xx_raises_transient_error(
    gitlab_standin: GitLabStandIn, patient: GitLabCrawler
) -> None:
    gitlab_standin.fail(MODULE, 503, times=None)
    with pytest.raises(TransientError) as raised:
        patient.crawl(MODULE)
    assert raised.value.attempts == 3 and raised.value.status == 503


def test_timeout_is_retried(gitlab_standin: GitLabStandIn, patient: GitLabCrawler) -> None:
    gitlab_standin.slow(MODULE, 1.5, times=1, path="/releases")
    snapshot = patient.crawl(MODULE)
    assert snapshot.stats.retries == 1
    assert len(snapshot.releases) == 12


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "90"}, timedelta(seconds=90)),
        (
            {"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(NOW.timestamp()) + 600)},
            timedelta(minutes=10),
        ),
        # No hint (older GitLab versions send no RateLimit-* with a 429): wait a minute.
        ({"RateLimit-Reset": "", "RateLimit-Remaining": ""}, timedelta(seconds=60)),
    ],
)
def test_429_raises_with_reset_time(
    gitlab_standin: GitLabStandIn,
    patient: GitLabCrawler,
    headers: dict[str, str],
    wait: timedelta,
) -> None:
    gitlab_standin.fail(MODULE, 429, headers=headers, path="/releases", body="Retry later")
    with pytest.raises(RateLimited) as raised:
        patient.crawl(MODULE)
    assert raised.value.reset_at == NOW + wait
    assert raised.value.status == 429


def test_used_up_budget_stops_before_the_next_request_and_keeps_partial_facts(
    gitlab_standin: GitLabStandIn, patient: GitLabCrawler
) -> None:
    reset = int(NOW.timestamp()) + 300
    # project, tags, releases, head tree and its blob, then three tags and their new blobs.
    gitlab_standin.set_rate_limit(10, reset=reset)
    with pytest.raises(RateLimited) as raised:
        patient.crawl(MODULE)
    assert raised.value.reset_at == datetime.fromtimestamp(reset, UTC)
    # The last answer said "0 remaining": no 429 was provoked.
    assert all(r.status == 200 for r in gitlab_standin.request_log)
    partial = raised.value.partial_tags
    assert partial
    gitlab_standin.set_rate_limit(2000)
    gitlab_standin.clear_log()
    snapshot = patient.crawl(MODULE, KnownState(tag_facts=partial))
    assert len(snapshot.tag_facts) == 12
    assert len(snapshot.new_tag_facts) == 12 - len(partial)


def test_forbidden_is_access_denied(gitlab_standin: GitLabStandIn, crawler: GitLabCrawler) -> None:
    gitlab_standin.fail(MODULE, 403, body={"message": "403 Forbidden"})
    with pytest.raises(AccessDenied) as raised:
        crawler.crawl(MODULE)
    assert raised.value.status == 403 and raised.value.repository == MODULE


def test_token_is_sent_and_a_bad_one_reported(gitlab_standin: GitLabStandIn) -> None:
    gitlab_standin.require_token("glpat-s3cret")
    wrong = _crawler(gitlab_standin, token="expired")
    with pytest.raises(BadCredentials) as raised:
        wrong.crawl(MODULE)
    wrong.close()
    assert raised.value.status == 401 and "SVA_REGISTRY_GITLAB_TOKEN" in raised.value.message
    right = _crawler(gitlab_standin, token="glpat-s3cret")
    assert len(right.crawl(MODULE).tags) == 12
    right.close()
    assert gitlab_standin.request_log[-1].authorization == "glpat-s3cret"


def test_public_projects_need_no_token(
    gitlab_standin: GitLabStandIn, crawler: GitLabCrawler
) -> None:
    crawler.crawl(MODULE)
    assert {r.authorization for r in gitlab_standin.request_log} == {None}


def test_pages_without_totals_follow_the_link_header(
    gitlab_standin: GitLabStandIn,
) -> None:
    gitlab_standin.totals = False
    crawler = _crawler(gitlab_standin, per_page=5)
    first = crawler.crawl(MODULE)
    assert len(first.tags) == 12
    gitlab_standin.clear_log()
    # Without X-Total a list longer than a page cannot be judged from page 1: listed again.
    again = crawler.crawl(MODULE, first.known_state())
    crawler.close()
    assert not again.tags_changed
    assert len([r for r in gitlab_standin.request_log if "/tags" in r.path]) == 3


def test_tag_refs_of_a_mirror(opencode: GitLabStandIn) -> None:
    crawler = _crawler(opencode)
    refs = crawler.tag_refs(APP_MIRROR)
    crawler.close()
    assert {(t.name, t.sha) for t in refs} == {(t["name"], t["sha"]) for t in _app_tags()}


@pytest.mark.parametrize(
    ("text", "spdx"),
    [
        (LICENSE_TEXTS["GPL-3.0"].decode(), "GPL-3.0"),
        (LICENSE_TEXTS["EUPL-1.2"].decode(), "EUPL-1.2"),
        (LICENSE_TEXTS["MIT"].decode(), "MIT"),
        ("GNU AFFERO GENERAL PUBLIC LICENSE\n Version 3, 19 November 2007", "AGPL-3.0"),
        ("GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007", "LGPL-3.0"),
        ("Apache License\n  Version 2.0, January 2004", "Apache-2.0"),
        ("Alle Rechte vorbehalten.", None),  # no license text: unknown, never guessed
    ],
)
def test_license_detection_from_text(text: str, spdx: str | None) -> None:
    assert detect_license(text) == spdx


def test_gitlab_license_keys() -> None:
    assert spdx_of_gitlab_key("gpl-3.0") == "GPL-3.0"
    assert spdx_of_gitlab_key("EUPL-1.2") == "EUPL-1.2"
    assert spdx_of_gitlab_key("other") is None
    assert spdx_of_gitlab_key(None) is None
