"""The GitHub stand-in itself: the REST shapes and headers other tests rely on."""

from __future__ import annotations

import requests

from crawlers.base import CrawlerSettings
from crawlers.github import plain_crawl
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import APP, HUMHUB


def test_etag_answers_304_and_304s_cost_nothing(github_standin: GitHubStandIn) -> None:
    url = f"{github_standin.url}/repos/{HUMHUB}"
    first = requests.get(url, timeout=5)
    assert first.status_code == 200
    assert first.json()["full_name"] == HUMHUB
    remaining = int(first.headers["X-RateLimit-Remaining"])
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=5)
    assert again.status_code == 304
    assert again.content == b""
    assert int(again.headers["X-RateLimit-Remaining"]) == remaining


def test_link_pagination(github_standin: GitHubStandIn) -> None:
    response = requests.get(
        f"{github_standin.url}/repos/{APP}/tags", params={"per_page": 100}, timeout=5
    )
    assert len(response.json()) == 100
    assert response.links["next"]["url"].endswith("per_page=100&page=2")
    last = requests.get(response.links["next"]["url"], timeout=5)
    assert len(last.json()) == 44
    assert "next" not in last.links


def test_exhausted_budget_answers_403(github_standin: GitHubStandIn) -> None:
    github_standin.set_rate_limit(1, reset=1_900_000_000)
    url = f"{github_standin.url}/repos/{HUMHUB}"
    assert requests.get(url, timeout=5).status_code == 200
    refused = requests.get(url, timeout=5)
    assert refused.status_code == 403
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Reset"] == "1900000000"
    assert "rate limit" in refused.json()["message"]


def test_faults_are_counted_down(github_standin: GitHubStandIn) -> None:
    github_standin.fail(HUMHUB, 502, times=2, path="/tags")
    url = f"{github_standin.url}/repos/{HUMHUB}/tags"
    assert [requests.get(url, timeout=5).status_code for _ in range(3)] == [502, 502, 200]
    assert requests.get(f"{github_standin.url}/repos/{APP}/tags", timeout=5).status_code == 200
    assert [r.status for r in github_standin.requests_for(HUMHUB)] == [502, 502, 200]


def test_plain_pygithub_objects_work_against_it(github_standin: GitHubStandIn) -> None:
    assert plain_crawl(CrawlerSettings(api_url=github_standin.url), HUMHUB) == 8
    paths = [r.path for r in github_standin.requests_for(HUMHUB)]
    # repository, tags, releases, then per tag its commit and tree (no metadata/license files)
    assert len(paths) == 3 + 2 * 8
    assert all(r.status == 200 for r in github_standin.requests_for(HUMHUB))
