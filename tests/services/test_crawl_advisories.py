"""Repository security advisories through a crawl: OSV records with the GHSA id as alias,
asked at most once a day, conditional (free when nothing changed)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from crawlers.github import GitHubCrawler
from registry.services import advisories
from registry.services.crawl import crawl_repository
from tests.crawlers.test_github_daily import ADVISORY
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import HUMHUB
from tests.services.test_crawl_service import NOW, _standalone, crawler, github_standin

__all__ = ["crawler", "github_standin"]

HUMHUB_ADVISORY = {
    **ADVISORY,
    "summary": "humhub-ext: volunteer registrations readable without login",
    # humhub-ext tags are two-part (0.4, 0.5): versions the range reads as the registry does
    "vulnerabilities": [
        {
            "package": {"ecosystem": "composer", "name": "smart-village-app-humhub-ext"},
            "vulnerable_version_range": ">= 0.1, < 0.5",
            "patched_versions": "0.5",
        }
    ],
}


def daily_paths(standin: GitHubStandIn) -> list[tuple[str, int]]:
    return [
        (r.path.split("?")[0].rsplit("/", 1)[-1], r.status)
        for r in standin.requests_for(HUMHUB)
        if "/security-advisories" in r.path or "/commits?" in r.path
    ]


def test_a_crawl_stores_repository_advisories_once_a_day(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    github_standin.repo(HUMHUB).advisories = [HUMHUB_ADVISORY]
    module = _standalone(session, "humhub-ext", HUMHUB)
    outcome = crawl_repository(session, crawler, module, now=NOW)
    assert outcome.status == "ok", outcome
    stored = advisories.find_by_alias(session, "GHSA-7m2x-5q3r-abfk")
    assert stored is not None and stored.id.startswith(f"SVA-{NOW.year}-")
    assert stored.source == f"github:https://github.com/{HUMHUB}"
    document = advisories.osv_document(session, stored)
    assert document["affected"][0]["package"] == {"ecosystem": "SVA", "name": "humhub-ext"}
    assert document["affected"][0]["ranges"][0]["events"] == [
        {"introduced": "0.1"},
        {"fixed": "0.5"},
    ]
    assert "0.5" not in document["database_specific"]["affectedReleases"]
    assert document["severity"][0]["type"] == "CVSS_V3"
    assert stored.severity == "moderate"

    # Within the day: no daily request at all (the unchanged re-crawl stays at 2 requests).
    github_standin.clear_log()
    again = crawl_repository(session, crawler, module, now=NOW + timedelta(hours=3))
    assert again.stats["requests"] == 2 and daily_paths(github_standin) == []

    # The next day: asked again, answered 304, nothing changes.
    github_standin.clear_log()
    crawl_repository(session, crawler, module, now=NOW + timedelta(days=1, hours=1))
    assert ("security-advisories", 304) in daily_paths(github_standin)
    assert advisories.find_by_alias(session, "GHSA-7m2x-5q3r-abfk").id == stored.id

    # GitHub withdraws it: a later modified replaces the record; the id stays.
    github_standin.repo(HUMHUB).advisories = [
        {
            **HUMHUB_ADVISORY,
            "updated_at": "2026-09-03T08:00:00Z",
            "withdrawn_at": "2026-09-03T08:00:00Z",
        }
    ]
    crawl_repository(session, crawler, module, now=NOW + timedelta(days=2, hours=1))
    again_stored = advisories.get_advisory(session, stored.id)
    assert again_stored.withdrawn is not None
    assert [a.id for a in advisories.list_advisories(session)] == [stored.id]


def test_health_of_an_in_app_module_reads_its_host_repository(
    session: Session, crawler: GitHubCrawler
) -> None:
    from registry.models import Module
    from registry.services.health import module_health
    from tests.services.test_crawl_service import _app

    app = _app(session)
    crawl_repository(session, crawler, app, now=NOW)
    waste = session.query(Module).filter_by(slug="abfallkalender").one()
    health = module_health(session, waste, NOW)
    codes = {r["code"] for r in health["maintenance"]["reasons"]}
    assert "activity-unknown" not in codes  # the app repository's activity was asked
    assert codes & {"recent-commits", "no-recent-commit"}
    security = {r["code"] for r in health["security"]["reasons"]}
    assert "security-policy-unknown" not in security
