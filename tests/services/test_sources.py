"""Sources never destroy: demo, imports of every real file in any order, crawl; round trips."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.base import CrawlerSettings, RetryPolicy
from crawlers.github import GitHubCrawler
from registry.metadata.files import iter_metadata_files
from registry.metadata.provenance import rank
from registry.models import Module
from registry.services.crawl import crawl_repository, due_repositories, run_summary
from registry.services.importing import import_paths
from registry.services.transfer import export_document, import_document
from tests.conftest import FIXTURES
from tests.github_standin.fixtures import github_standin
from tests.github_standin.server import GitHubStandIn

__all__ = ["github_standin"]

ADMIN_DOKU = FIXTURES / "metadata" / "admin-doku"
# Every real metadata file shipped in tests/fixtures (schemas and stand-in data are no
# metadata files).
REAL_FILES = sorted(
    iter_metadata_files(
        [
            ADMIN_DOKU / "yml",
            ADMIN_DOKU / "city_app.yml",
            FIXTURES / "metadata" / "publiccode",
            FIXTURES / "metadata" / "studio-plugins",
            FIXTURES / "metadata" / "introspection-2026-08.json",
            FIXTURES / "github" / "publiccode",
            FIXTURES / "github" / "studio-plugins",
        ]
    )
)


FIELDS = {
    "license": "license",
    "name.de": "name_de",
    "name.en": "name_en",
    "developmentStatus": "development_status",
    "repository": "repository",
    "kind": "kind",
    "host.path": "host_path",
    "tagPrefix": "tag_prefix",
}


def facts(session: Session) -> dict[str, dict]:
    """What must never be lost, per module: license, names, status, crawl setup, releases;
    each field with the source that set it."""
    session.expire_all()
    return {
        m.slug: {
            **{
                path: (getattr(m, column), (m.provenance or {}).get(path, {}).get("source"))
                for path, column in FIELDS.items()
            },
            "releases": sorted(r.version for r in m.releases if not r.withdrawn),
        }
        for m in session.scalars(select(Module))
    }


def lost(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """Facts of ``before`` that ``after`` lost: a release gone, a value blanked, or replaced
    by a source that does not rank above the one that set it."""
    problems = []
    for slug, old in before.items():
        new = after[slug]
        missing = sorted(set(old["releases"]) - set(new["releases"]))
        if missing:
            problems.append(f"{slug}: releases {missing} gone")
        for path in FIELDS:
            (value, source), (now, by) = old[path], new[path]
            if value and value != now and (not now or rank(by) <= rank(source)):
                problems.append(f"{slug}: {path} {value!r} ({source}) -> {now!r} ({by})")
    return problems


@pytest.fixture()
def crawler(github_standin: GitHubStandIn):  # type: ignore[no-untyped-def]
    retry = RetryPolicy(attempts=2, backoff=0.001, max_backoff=0.001)
    crawler = GitHubCrawler(CrawlerSettings(api_url=github_standin.url, retry=retry))
    yield crawler
    crawler.close()


def crawl_all(session: Session, crawler: GitHubCrawler) -> str:
    outcomes = [
        crawl_repository(session, crawler, url)
        for url in due_repositories(session, interval=timedelta(0))
    ]
    session.flush()
    return run_summary(outcomes)


def import_files(session: Session, files: list[Path]) -> None:
    for path in files:
        result = import_paths(session, [path])
        assert not result.failed, result.lines()


def test_the_admin_doku_folder_after_the_demo_loses_nothing(demo: Session) -> None:
    before = facts(demo)
    result = import_paths(demo, [ADMIN_DOKU / "yml"])
    assert not result.failed
    assert lost(before, facts(demo)) == []
    chatbot = demo.scalars(select(Module).where(Module.slug == "chatbot")).one()
    # STUB-chatbot.yml knows less than the demo: the status and the name stay.
    assert chatbot.development_status == "beta"
    lines = "\n".join(result.lines())
    assert "chatbot: developmentStatus kept: an unfinished (STUB/DRAFT) file" in lines
    # The real files do set what they know better than the demo data.
    abfall = demo.scalars(select(Module).where(Module.slug == "abfallkalender")).one()
    assert abfall.provenance["description.de"]["source"] == "admin-doku"
    assert abfall.provenance["license"]["source"] == "demo"


def test_one_admin_doku_file_then_a_crawl_withdraws_nothing(demo: Session, crawler) -> None:  # type: ignore[no-untyped-def]
    import_files(demo, [ADMIN_DOKU / "yml" / "abfallkalender.yml"])
    assert crawl_all(demo, crawler).endswith("0 withdrawn, 0 errors")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_real_file_in_any_order_then_a_crawl_loses_nothing(
    demo: Session,
    crawler,  # type: ignore[no-untyped-def]
    seed: int,
) -> None:
    before = facts(demo)
    files = list(REAL_FILES)
    # seed 0: the sorted order, 1: reversed, 2: shuffled.
    if seed == 1:
        files.reverse()
    elif seed == 2:
        random.Random(seed).shuffle(files)
    import_files(demo, files)
    summary = crawl_all(demo, crawler)
    assert " 0 withdrawn, 0 errors" in summary, summary
    assert lost(before, facts(demo)) == []


def test_a_stub_after_the_full_file_changes_nothing(session: Session, tmp_path: Path) -> None:
    import_files(session, [ADMIN_DOKU / "yml" / "modules" / "abfallkalender.yml"])
    before = facts(session)
    # A real stub, filed under the finished module's name (as admin-doku leaves them behind).
    stub = tmp_path / "STUB-abfallkalender.yml"
    stub.write_text((ADMIN_DOKU / "yml" / "modules" / "STUB-chatbot.yml").read_text("utf-8"))
    result = import_paths(session, [stub])
    assert not result.failed
    assert facts(session) == before
    assert "abfallkalender: name.de kept" in "\n".join(result.lines())


def test_export_then_import_keeps_every_field_and_its_source(demo: Session) -> None:
    import_files(demo, [ADMIN_DOKU / "yml"])
    document = export_document(demo)
    report = import_document(demo, document, source="backup.json")
    assert not report.changed
    again = export_document(demo)
    document.pop("exportedAt")
    again.pop("exportedAt")
    assert again == document


def test_other_repositories_become_mirrors_never_the_crawl_source(
    demo: Session, tmp_path: Path
) -> None:
    result = import_paths(demo, [ADMIN_DOKU / "yml" / "modules" / "abfallkalender.yml"])
    abfall = demo.scalars(select(Module).where(Module.slug == "abfallkalender")).one()
    assert abfall.repository == "https://github.com/smart-village-solutions/smart-village-app-app"
    assert [m.url for m in abfall.mirrors] == [
        "https://gitlab.opencode.de/bad-belzig/smart-village-app-app"
    ]
    assert abfall.mirrors[0].source == "admin-doku"
    assert "mirror https://gitlab.opencode.de/bad-belzig/smart-village-app-app recorded" in (
        "\n".join(result.lines())
    )
    # A publiccode.yml naming another host for a standalone module: a mirror as well.
    bus = demo.scalars(select(Module).where(Module.slug == "sva-bus-server")).one()
    original = bus.repository
    code = tmp_path / "publiccode.yml"
    code.write_text(
        "publiccodeYmlVersion: '0.4'\nname: sva-bus-server\n"
        "url: https://gitlab.opencode.de/smart-village/sva-bus-server\n",
        encoding="utf-8",
    )
    result = import_paths(demo, [code])
    assert not result.failed, result.lines()
    assert bus.repository == original
    assert "https://gitlab.opencode.de/smart-village/sva-bus-server" in [m.url for m in bus.mirrors]
    assert "sva-bus-server: repository kept: decides what is crawled" in "\n".join(result.lines())
