"""The app's own requirements read by the crawler from its source, through the stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.base import CrawlerSettings
from crawlers.github import GitHubCrawler
from registry.metadata import capabilities_from_introspection
from registry.models import Component, ComponentChange, PlatformRequirement
from registry.services.crawl import crawl_repository, get_crawl_state
from tests.github_standin.app_sources import NINE, NOT_IN_PUBLIC_MAINSERVER, OTHER_ENDPOINTS
from tests.github_standin.fixtures import github_standin
from tests.github_standin.model import Commit, fake_sha
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import APP

__all__ = ["github_standin"]

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NOT_PUBLIC = frozenset(NOT_IN_PUBLIC_MAINSERVER)


def introspection_2026() -> frozenset[str]:
    data = json.loads((FIXTURES / "metadata" / "introspection-2026-08.json").read_text("utf-8"))
    return frozenset(capabilities_from_introspection(data, "introspection"))


@pytest.fixture()
def crawler(github_standin: GitHubStandIn) -> Iterator[GitHubCrawler]:
    crawler = GitHubCrawler(CrawlerSettings(api_url=github_standin.url))
    yield crawler
    crawler.close()


def host_app(session: Session) -> Component:
    app = Component(
        name="app",
        repository=APP,
        tag_prefix="",
        sources={"exclude": list(OTHER_ENDPOINTS), "capabilitiesOf": "mainserver"},
    )
    session.add_all([app, Component(name="mainserver", versioning="commit")])
    session.flush()
    return app


def operations(session: Session, version: str) -> set[str]:
    row = session.scalars(
        select(PlatformRequirement).where(PlatformRequirement.versions == f"=={version}")
    ).one()
    assert (row.needs, row.target, row.source) == ("component", "mainserver", "crawl")
    return set(row.capabilities)


def fetched_blobs(standin: GitHubStandIn) -> list[str]:
    return [r.path.rsplit("/", 1)[-1] for r in standin.requests_for(APP) if "/git/blobs/" in r.path]


def test_the_app_at_each_tag_needs_the_mainserver_fields_its_queries_send(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    app = host_app(session)
    outcome = crawl_repository(session, crawler, app, now=NOW)
    assert outcome.status == "ok"
    public = introspection_2026() - NOT_PUBLIC
    at_430 = operations(session, "4.3.0")
    assert at_430 - public == set(NINE)
    assert at_430 <= introspection_2026()  # the 2026 server offers every one
    assert operations(session, "4.1.3") <= public
    assert operations(session, "2.4.0") <= public  # BB-BUS's directus is another endpoint
    assert "surveys" in at_430 and "archived" not in at_430  # an alias counts as its field
    # Each distinct query document is fetched once; besides them only the default branch's
    # CHANGELOG and its publiccode.yml.
    documents = set(get_crawl_state(session, APP).seen_blobs)
    fetched = fetched_blobs(github_standin)
    assert len(fetched) == len(set(fetched)) == len(documents) + 2
    assert documents < set(fetched)


def test_changelog_entries_per_version_with_breaking_marks(
    session: Session, crawler: GitHubCrawler
) -> None:
    crawl_repository(session, crawler, host_app(session), now=NOW)
    rows = session.scalars(select(ComponentChange).where(ComponentChange.breaking)).all()
    breaking = {(r.version, r.source) for r in rows}
    assert {v for v, _ in breaking} == {"5.0.0", "4.2.0", "4.1.0", "4.0.3", "2.5.0"}
    assert {s for _, s in breaking} == {"crawl"}
    assert any("MapLibre" in r.text for r in rows if r.version == "4.2.0")


def test_recrawls_fetch_no_document_twice(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn
) -> None:
    app = host_app(session)
    crawl_repository(session, crawler, app, now=NOW)
    github_standin.clear_log()
    again = crawl_repository(session, crawler, app, now=NOW + timedelta(hours=1))
    assert again.status == "unchanged" and again.stats["requests"] == 2
    # A new tag changing one query document: only that document is fetched.
    repo = github_standin.repo(APP)
    newest = repo.commits[next(sha for name, sha in repo.tags if name == "v4.3.0")]
    files = dict(newest.files)
    files["src/queries/weather.js"] = repo.add_blob(
        b"export const W = gql`query W { weatherMap { current } weatherMaps { id } }`;\n"
    )
    github_standin.add_tag(APP, "v4.3.1", Commit(fake_sha("v4.3.1"), "2026-09-01T00:00:00Z", files))
    github_standin.clear_log()
    crawl_repository(session, crawler, app, now=NOW + timedelta(hours=2))
    assert len(fetched_blobs(github_standin)) == 1
    assert operations(session, "4.3.1") == operations(session, "4.3.0") | {"weatherMaps"}


def test_a_crawl_never_touches_curated_requirements(
    session: Session, crawler: GitHubCrawler
) -> None:
    app = host_app(session)
    curated = PlatformRequirement(
        component_id=app.id, versions="==4.3.0", needs="component", target="mainserver",
        capabilities=["shouts"], source="curated", origin="", note="known from the v5 guide",
    )  # fmt: skip
    session.add(curated)
    session.flush()
    crawl_repository(session, crawler, app, now=NOW)
    assert curated.capabilities == ["shouts"] and curated.source == "curated"


def test_the_demo_carries_what_the_crawler_reads(demo: Session, crawler: GitHubCrawler) -> None:
    """The demo's app requirements and CHANGELOG entries were built by this crawl: crawling the
    stand-in again changes none of them."""

    def rows() -> list[tuple[object, ...]]:
        requirements = demo.scalars(select(PlatformRequirement).order_by(PlatformRequirement.id))
        changes = demo.scalars(select(ComponentChange).order_by(ComponentChange.id))
        return [(r.versions, r.target, tuple(r.capabilities), r.source) for r in requirements] + [
            (c.version, c.position, c.text, c.breaking) for c in changes
        ]

    before = rows()
    assert len(before) > 140
    app = demo.scalars(select(Component).where(Component.name == "app")).one()
    crawl_repository(demo, crawler, app, now=NOW)
    assert rows() == before
    assert set(NINE) <= operations(demo, "4.3.0")
