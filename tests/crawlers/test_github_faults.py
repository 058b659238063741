"""Every fault the crawler must survive or report: 5xx, timeouts, rate limits, 404, 301, 401."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from crawlers.base import CrawlerSettings, KnownState, RetryPolicy
from crawlers.errors import (
    AccessDenied,
    BadCredentials,
    CrawlError,
    RateLimited,
    RepositoryGone,
    TransientError,
    UnexpectedResponse,
)
from crawlers.github import GitHubCrawler
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import APP, HUMHUB, STUDIO

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


class Recorder:
    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


@pytest.fixture()
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture()
def patient(github_standin: GitHubStandIn, recorder: Recorder) -> Iterator[GitHubCrawler]:
    """A crawler with a fixed clock and a recorded (not real) sleep."""
    crawler = GitHubCrawler(
        CrawlerSettings(
            api_url=github_standin.url,
            timeout=1,
            retry=RetryPolicy(attempts=3, backoff=2.0, multiplier=3.0, max_backoff=10.0),
        ),
        sleep=recorder.sleep,
        clock=lambda: NOW,
    )
    yield crawler
    crawler.close()


def test_5xx_is_retried_with_backoff(
    github_standin: GitHubStandIn, patient: GitHubCrawler, recorder: Recorder
) -> None:
    github_standin.fail(HUMHUB, 502, times=2, path="/tags")
    snapshot = patient.crawl(HUMHUB)
    assert len(snapshot.tags) == 8
    assert snapshot.stats.retries == 2
    assert recorder.sleeps == [2.0, 6.0]
    statuses = [r.status for r in github_standin.requests_for(HUMHUB) if "/tags" in r.path]
    assert statuses == [502, 502, 200]


def test_persistent_5xx_raises_transient_error(
    github_standin: GitHubStandIn, patient: GitHubCrawler, recorder: Recorder
) -> None:
    github_standin.fail(HUMHUB, 500, times=None)
    with pytest.raises(TransientError) as raised:
        patient.crawl(HUMHUB)
    assert raised.value.attempts == 3
    assert raised.value.status == 500
    assert raised.value.repository == HUMHUB
    assert raised.value.url == f"/repos/{HUMHUB}"
    assert recorder.sleeps == [2.0, 6.0]
    assert isinstance(raised.value, CrawlError)


def test_timeout_is_retried(github_standin: GitHubStandIn, patient: GitHubCrawler) -> None:
    github_standin.slow(HUMHUB, 1.5, times=1, path="/releases")
    snapshot = patient.crawl(HUMHUB)
    assert snapshot.stats.retries == 1
    assert len(snapshot.tags) == 8


def test_persistent_timeout_raises_transient_error(github_standin: GitHubStandIn) -> None:
    github_standin.slow(HUMHUB, 1.5, times=None)
    crawler = GitHubCrawler(
        CrawlerSettings(api_url=github_standin.url, timeout=1, retry=RetryPolicy(attempts=2)),
        sleep=lambda _: None,
    )
    with pytest.raises(TransientError) as raised:
        crawler.crawl(HUMHUB)
    crawler.close()
    assert raised.value.attempts == 2
    assert "Timeout" in raised.value.message


def test_exhausted_rate_limit_raises_with_reset_time(
    github_standin: GitHubStandIn, patient: GitHubCrawler
) -> None:
    reset = int((NOW + timedelta(minutes=17)).timestamp())
    github_standin.fail(
        HUMHUB,
        403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
    )
    with pytest.raises(RateLimited) as raised:
        patient.crawl(HUMHUB)
    assert raised.value.reset_at == NOW + timedelta(minutes=17)
    assert raised.value.status == 403
    assert raised.value.to_dict()["reset_at"] == "2026-09-01T12:17:00+00:00"


@pytest.mark.parametrize(
    ("status", "headers", "wait"),
    [
        (403, {"Retry-After": "120"}, timedelta(seconds=120)),  # secondary rate limit
        (429, {"Retry-After": "30"}, timedelta(seconds=30)),
        (429, {}, timedelta(seconds=60)),  # no hint: GitHub's advice is to wait a minute
        (403, {}, timedelta(seconds=60)),  # message says "rate limit", headers do not
    ],
)
def test_rate_limit_answers(
    github_standin: GitHubStandIn,
    patient: GitHubCrawler,
    status: int,
    headers: dict[str, str],
    wait: timedelta,
) -> None:
    github_standin.fail(HUMHUB, status, headers=headers, path="/releases")
    with pytest.raises(RateLimited) as raised:
        patient.crawl(HUMHUB)
    assert raised.value.reset_at == NOW + wait
    assert raised.value.status == status


def test_forbidden_without_rate_limit_is_access_denied(
    github_standin: GitHubStandIn, patient: GitHubCrawler
) -> None:
    github_standin.fail(HUMHUB, 403, body={"message": "Resource not accessible by integration"})
    with pytest.raises(AccessDenied) as raised:
        patient.crawl(HUMHUB)
    assert "Resource not accessible" in raised.value.message


def test_budget_running_out_mid_crawl_keeps_partial_tag_facts(
    github_standin: GitHubStandIn, patient: GitHubCrawler
) -> None:
    # repository, tags, releases, head tree, then two tags (tree + commit each) and a bit
    github_standin.set_rate_limit(4 + 2 * 2 + 1)
    with pytest.raises(RateLimited) as raised:
        patient.crawl(HUMHUB)
    partial = raised.value.partial_tags
    assert len(partial) == 2
    github_standin.set_rate_limit(5000)
    github_standin.clear_log()
    snapshot = patient.crawl(HUMHUB, KnownState(tag_facts=partial))
    assert len(snapshot.tag_facts) == 8
    assert len(snapshot.new_tag_facts) == 6
    commits = [r for r in github_standin.requests_for(HUMHUB) if "/commits/" in r.path]
    assert len(commits) == 6


def test_gone_repository(github_standin: GitHubStandIn, patient: GitHubCrawler) -> None:
    github_standin.remove(HUMHUB)
    with pytest.raises(RepositoryGone) as raised:
        patient.crawl(HUMHUB)
    assert raised.value.status == 404
    assert raised.value.repository == HUMHUB


def test_renamed_repository_is_followed(
    github_standin: GitHubStandIn, patient: GitHubCrawler
) -> None:
    first = patient.crawl(STUDIO, tag_prefix="waste-web-v")
    github_standin.rename(STUDIO, "smart-village-solutions/sva-studio-next")
    github_standin.clear_log()
    snapshot = patient.crawl(STUDIO, first.known_state(), tag_prefix="waste-web-v")
    assert snapshot.renamed_from == STUDIO
    assert snapshot.full_name == "smart-village-solutions/sva-studio-next"
    assert snapshot.repository.id == first.repository.id
    assert snapshot.stats.redirects == 1
    assert snapshot.tags == first.tags
    # Per-tag facts are keyed by commit: nothing per tag is fetched again after a rename.
    assert snapshot.new_tag_facts == frozenset()
    old = f"/repos/{STUDIO}"
    assert not [url for url in snapshot.etags if url == old or url.startswith(old + "/")]
    assert snapshot.etags["/repos/smart-village-solutions/sva-studio-next"]
    log = github_standin.request_log
    assert log[0].status == 301
    assert len(log) == snapshot.stats.requests
    assert all("sva-studio-next" in r.path for r in log[2:])


def test_bad_credentials(github_standin: GitHubStandIn) -> None:
    github_standin.require_token("s3cret")
    wrong = GitHubCrawler(CrawlerSettings(api_url=github_standin.url, token="expired"))
    with pytest.raises(BadCredentials) as raised:
        wrong.crawl(HUMHUB)
    wrong.close()
    assert "token" in raised.value.message
    assert raised.value.status == 401
    right = GitHubCrawler(CrawlerSettings(api_url=github_standin.url, token="s3cret"))
    assert len(right.crawl(HUMHUB).tags) == 8
    right.close()
    assert github_standin.request_log[-1].authorization == "token s3cret"


def test_malformed_answer(github_standin: GitHubStandIn, patient: GitHubCrawler) -> None:
    github_standin.fail(HUMHUB, 200, path="/tags", body={"not": "a list"})
    with pytest.raises(UnexpectedResponse):
        patient.crawl(HUMHUB)


def test_unexpected_status(github_standin: GitHubStandIn, patient: GitHubCrawler) -> None:
    github_standin.fail(APP, 422, path="/releases")
    with pytest.raises(UnexpectedResponse) as raised:
        patient.crawl(APP)
    assert raised.value.status == 422
    assert raised.value.to_dict()["code"] == "unexpected-response"


def test_malformed_blob(github_standin: GitHubStandIn, patient: GitHubCrawler) -> None:
    plugin = "standin-plugins/plugin-news"
    github_standin.fail(plugin, 200, path="/git/blobs/", body=["not", "a", "blob"])
    with pytest.raises(UnexpectedResponse) as raised:
        patient.crawl(plugin)
    assert "/git/blobs/" in (raised.value.url or "")
