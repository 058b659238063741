"""Daily facts: repository security advisories and default-branch activity, conditional."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawlers.base import KnownState
from crawlers.github import GitHubCrawler
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import generated_repo

SINCE = datetime(2026, 3, 1, tzinfo=UTC)
ADVISORY = {
    "ghsa_id": "GHSA-7m2x-5q3r-abfk",
    "cve_id": None,
    "html_url": "https://github.com/example/waste/security/advisories/GHSA-7m2x-5q3r-abfk",
    "summary": "Address search leaks reminders",
    "description": "Fixed in 1.0.5.",
    "severity": "medium",
    "state": "published",
    "published_at": "2026-09-01T08:00:00Z",
    "updated_at": "2026-09-01T08:00:00Z",
    "withdrawn_at": None,
    "cvss": {"vector_string": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", "score": 5.3},
    "vulnerabilities": [
        {
            "package": {"ecosystem": "npm", "name": "waste"},
            "vulnerable_version_range": "< 1.0.5",
            "patched_versions": "1.0.5",
            "vulnerable_functions": [],
        }
    ],
}


def test_daily_facts_then_both_requests_answer_304(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    repo = github_standin.add_repo(generated_repo("example/waste", repo_id=9301, tags=3))
    repo.advisories = [ADVISORY, {**ADVISORY, "ghsa_id": "GHSA-draf-tttt-xxxx", "state": "draft"}]
    newest = max(
        datetime.fromisoformat(c.date.replace("Z", "+00:00")) for c in repo.commits.values()
    )
    since = newest - timedelta(days=30)
    first = crawler.crawl("example/waste", daily_since=since)
    assert first.daily is not None
    assert [a.ghsa_id for a in first.daily.advisories] == ["GHSA-7m2x-5q3r-abfk"]
    advisory = first.daily.advisories[0]
    assert advisory.vulnerabilities == (("waste", "< 1.0.5", "1.0.5"),)
    assert advisory.cvss_vector and advisory.severity == "medium"
    assert first.daily.last_commit_at == newest
    github_standin.clear_log()
    known = first.known_state()
    # A day later the window moved, the newest commit did not: both answer 304 (free).
    later = since + timedelta(days=1)
    again = crawler.crawl("example/waste", KnownState.from_dict(known.to_dict()), daily_since=later)
    daily_requests = [
        r
        for r in github_standin.request_log
        if "/security-advisories" in r.path or "/commits?" in r.path
    ]
    assert [r.status for r in daily_requests] == [304, 304]
    assert again.daily is not None and again.daily.since == later
    assert (again.daily.last_commit_at, again.daily.advisories) == (newest, first.daily.advisories)


def test_without_daily_since_nothing_extra_is_asked(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    github_standin.add_repo(generated_repo("example/quiet", repo_id=9302, tags=2))
    snapshot = crawler.crawl("example/quiet")
    assert snapshot.daily is None
    assert not any("security-advisories" in r.path for r in github_standin.request_log)


def test_advisories_switched_off_mean_none(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    github_standin.add_repo(generated_repo("example/off", repo_id=9303, tags=2))
    github_standin.fail("example/off", 404, path="/security-advisories")
    snapshot = crawler.crawl("example/off", daily_since=SINCE)
    assert snapshot.daily is not None and snapshot.daily.advisories == ()


def test_security_policy_at_the_default_branch(
    github_standin: GitHubStandIn, crawler: GitHubCrawler
) -> None:
    repo = github_standin.add_repo(generated_repo("example/policy", repo_id=9304, tags=2))
    head = repo.commits[repo.head_sha]
    assert crawler.crawl("example/policy").head.security_policy is False
    head.files["SECURITY.md"] = repo.add_blob(b"Report to security@example.org\n")
    repo.touch()
    assert crawler.crawl("example/policy").head.security_policy is True
