"""Guides from a module's repository: sva-module.yml docs read at the newest release tag,
through real HTTP against the GitHub stand-in, each blob read once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.base import CrawlerSettings, RetryPolicy
from crawlers.github import GitHubCrawler
from registry.models import Event, Guide, Module
from registry.services.crawl import crawl_repository
from tests.github_standin.fixtures import github_standin
from tests.github_standin.model import Commit, Repo, fake_sha
from tests.github_standin.server import GitHubStandIn

__all__ = ["github_standin"]

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
NAME = "example/mitfahrbank"
METADATA = (
    "schemaVersion: 1\nid: mitfahrbank\nname: {de: Mitfahrbank}\nkind: standalone\n"
    "license: MIT\ndocs:\n  onboarding: docs/onboarding.md\n"
    "  operation: {de: docs/betrieb.md, en: docs/operation.md}\n"
)
ONBOARDING_1 = "# Einführung der Mitfahrbank\n\n1. Standorte festlegen\n"
ONBOARDING_2 = "# Einführung der Mitfahrbank\n\n1. Standorte festlegen\n2. Schilder bestellen\n"


@pytest.fixture()
def crawler(github_standin: GitHubStandIn) -> Iterator[GitHubCrawler]:
    retry = RetryPolicy(attempts=2, backoff=0.001, max_backoff=0.001)
    crawler = GitHubCrawler(CrawlerSettings(api_url=github_standin.url, retry=retry))
    yield crawler
    crawler.close()


def _commit(repo: Repo, tag: str, onboarding: str) -> Commit:
    files = {
        "sva-module.yml": repo.add_blob(METADATA.encode()),
        "docs/onboarding.md": repo.add_blob(onboarding.encode()),
        "docs/betrieb.md": repo.add_blob("# Betrieb\n\nWöchentlich prüfen.\n".encode()),
        "docs/operation.md": repo.add_blob(b"# Operation\n\nCheck weekly.\n"),
    }
    return Commit(fake_sha("commit", NAME, tag), "2026-05-01T10:00:00Z", files)


@pytest.fixture()
def repo(github_standin: GitHubStandIn) -> Repo:
    repo = Repo(id=9300, full_name=NAME, default_branch="main", head_sha=fake_sha("head", NAME))
    first = _commit(repo, "v1.0.0", ONBOARDING_1)
    repo.add_commit(first.sha, first.date, first.files)
    repo.add_commit(repo.head_sha, first.date, first.files)
    repo.tags.append(("v1.0.0", first.sha))
    return github_standin.add_repo(repo)


def _guides(session: Session, module: Module) -> list[Guide]:
    query = select(Guide).where(Guide.module_id == module.id, Guide.deleted.is_(False))
    return sorted(session.scalars(query), key=lambda g: (g.doc_key or "", g.language))


def test_guides_named_in_the_metadata_are_read_at_the_newest_tag(
    session: Session, crawler: GitHubCrawler, github_standin: GitHubStandIn, repo: Repo
) -> None:
    module = Module(slug="mitfahrbank", repository=f"https://github.com/{NAME}")
    session.add(module)
    session.flush()
    outcome = crawl_repository(session, crawler, module, now=NOW)
    assert outcome.status == "ok"
    guides = _guides(session, module)
    assert [(g.doc_key, g.language, g.path) for g in guides] == [
        ("onboarding", "de", "docs/onboarding.md"),
        ("operation", "de", "docs/betrieb.md"),
        ("operation", "en", "docs/operation.md"),
    ]
    onboarding = guides[0]
    assert onboarding.title == "Einführung der Mitfahrbank" and onboarding.ref == "v1.0.0"
    assert onboarding.origin == "repository" and onboarding.body == ONBOARDING_1
    published = session.scalars(select(Event).where(Event.kind == "guide-published")).all()
    assert len(published) == 3

    # An unchanged re-crawl asks nothing about guides.
    github_standin.clear_log()
    crawl_repository(session, crawler, module, now=NOW)
    assert not [r for r in github_standin.requests_for(NAME) if "/git/blobs/" in r.path]

    # A new release: its tree, and only the one blob that changed.
    github_standin.clear_log()
    github_standin.add_tag(NAME, "v1.1.0", _commit(repo, "v1.1.0", ONBOARDING_2))
    crawl_repository(session, crawler, module, now=NOW)
    blobs = [r.path for r in github_standin.requests_for(NAME) if "/git/blobs/" in r.path]
    tree_of_new_tag = fake_sha("commit", NAME, "v1.1.0")
    trees = [
        r.path
        for r in github_standin.requests_for(NAME)
        if f"/git/trees/{tree_of_new_tag}" in r.path
    ]
    # The crawl reads the new tag's tree; the guides read it again (1 request) and fetch
    # only the changed onboarding file: sva-module.yml and the other guides are known blobs.
    assert blobs == [f"/repos/{NAME}/git/blobs/{repo.add_blob(ONBOARDING_2.encode())}"]
    assert len(trees) == 2
    onboarding = _guides(session, module)[0]
    assert onboarding.body == ONBOARDING_2 and onboarding.ref == "v1.1.0"
    assert [r.number for r in onboarding.revisions] == [1, 2]
    assert {r.author_role for r in onboarding.revisions} == {"repository"}


def test_repository_guides_are_not_edited_through_the_api(
    session: Session, crawler: GitHubCrawler, repo: Repo, client
) -> None:
    from registry.services.tokens import create_token

    module = Module(slug="mitfahrbank", repository=f"https://github.com/{NAME}")
    session.add(module)
    session.flush()
    crawl_repository(session, crawler, module, now=NOW)
    _row, secret = create_token(session, "admin")
    session.commit()
    guide = _guides(session, module)[0]
    body = {"title": "x", "body": "y", "language": "de"}
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.put(f"/api/v1/guides/{guide.id}", json=body, headers=headers)
    assert response.status_code == 409
    assert client.delete(f"/api/v1/guides/{guide.id}", headers=headers).status_code == 409
    page = client.get("/modules/mitfahrbank").get_data(as_text=True)
    assert f'<a href="/guides/{guide.id}">Einführung der Mitfahrbank</a>' in page


@pytest.mark.parametrize(
    ("docs", "expected", "problem"),
    [
        ("{onboarding: docs/a.md}", {"onboarding": {"de": "docs/a.md"}}, None),
        ("{run: {en: docs/run.md}}", {"run": {"en": "docs/run.md"}}, None),
        ("{a: ../../etc/passwd.md}", {}, "docs.a"),  # outside the repository: never read
        ("{a: /abs.md}", {}, "docs.a"),
        ("{a: docs/a.txt}", {"a": {"de": "docs/a.txt"}}, "docs.a"),  # not Markdown: reported
        ("{Bad Name: a.md}", {"Bad Name": {"de": "a.md"}}, "docs.Bad Name"),
    ],
)
def test_docs_in_sva_module_yml(docs: str, expected: dict, problem: str | None) -> None:
    from registry.metadata.module import parse_module_text

    text = f"schemaVersion: 1\nid: abc\nname: A\nkind: standalone\ndocs: {docs}\n"
    metadata, problems = parse_module_text(text, "sva-module.yml")
    assert metadata is not None and dict(metadata.docs) == expected
    assert [p.field for p in problems][:1] == ([problem] if problem else [])
