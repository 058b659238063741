from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawlers.base import CrawlerSettings, RetryPolicy
from crawlers.github import GitHubCrawler
from tests.github_standin.fixtures import github_api_url, github_standin
from tests.github_standin.server import GitHubStandIn

__all__ = ["github_api_url", "github_standin"]

# Retries with tiny delays so fault tests take milliseconds, not seconds.
FAST_RETRY = RetryPolicy(attempts=3, backoff=0.001, multiplier=2.0, max_backoff=0.01)


@pytest.fixture()
def crawler(github_standin: GitHubStandIn) -> Iterator[GitHubCrawler]:
    crawler = GitHubCrawler(
        CrawlerSettings(api_url=github_standin.url, timeout=1, retry=FAST_RETRY)
    )
    yield crawler
    crawler.close()
