"""Guides read from a module's repository: the Markdown files its newest release names.

``sva-module.yml`` may name guides (``docs: {onboarding: docs/onboarding.md}``). After a crawl,
the files named by the newest release's metadata are read at that release's commit: one
request for its tree, one per file whose blob was never read (a file whose blob SHA matches a
stored guide is taken from the guide). Nothing is asked when the stored guides were already
read at that commit. A failing read keeps the guides as they are (it is logged, the crawl
stays good).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.base import CrawlStats, FileBundle, FileFacts, RepositorySnapshot
from crawlers.errors import CrawlError
from registry.metadata import parse_module_text
from registry.models import Guide, Module
from registry.services import catalog
from registry.services.guides import REPOSITORY, RepositoryDocument, sync_repository_guides

log = logging.getLogger(__name__)


@runtime_checkable
class FileReader(Protocol):
    """A crawler that reads files at a commit (the GitHub crawler does)."""

    def fetch_files(
        self,
        full_name: str,
        commit: str,
        paths: Any,
        known: dict[str, FileFacts] | None = None,
    ) -> FileBundle: ...


def named_docs(snapshot: RepositorySnapshot, sha: str) -> dict[tuple[str, str], str]:
    """(name, language) -> path of the guides the metadata file at commit ``sha`` names."""
    facts = snapshot.tag_facts.get(sha)
    metadata = facts.metadata if facts is not None else None
    if metadata is None or metadata.kind != "sva-module" or not metadata.text:
        return {}
    parsed, _problems = parse_module_text(metadata.text, metadata.path)
    if parsed is None:
        return {}
    return {
        (name, language): path
        for name, paths in parsed.docs.items()
        for language, path in paths.items()
    }


def read_module_guides(
    session: Session,
    crawler: object,
    full_name: str,
    module: Module,
    snapshot: RepositorySnapshot,
) -> CrawlStats:
    """Bring the module's repository guides to its newest release; what it cost."""
    release = catalog.newest_release(module)
    if release is None or not release.sha or not isinstance(crawler, FileReader):
        return CrawlStats()
    wanted = named_docs(snapshot, release.sha)
    stored = list(
        session.scalars(
            select(Guide).where(Guide.module_id == module.id, Guide.origin == REPOSITORY)
        )
    )
    current = {(g.doc_key, g.language, g.path, g.commit_sha) for g in stored if not g.deleted}
    if current == {(n, lang, path, release.sha) for (n, lang), path in wanted.items()}:
        return CrawlStats()
    if not wanted:
        sync_repository_guides(session, module, [])
        return CrawlStats()
    known = {
        g.blob_sha: FileFacts(g.path or "", g.blob_sha, "document", text=g.body)
        for g in stored
        if g.blob_sha
    }
    try:
        bundle = crawler.fetch_files(full_name, release.sha, sorted(set(wanted.values())), known)
    except CrawlError as error:
        log.warning("%s: guides of %s not read: %s", full_name, module.slug, error.message)
        return CrawlStats()
    documents = [
        RepositoryDocument(name, language, path, release.tag or release.version, release.sha,
                           file.blob_sha, file.text or "")
        for (name, language), path in sorted(wanted.items())
        if (file := bundle.files.get(path)) is not None
    ]  # fmt: skip
    sync_repository_guides(session, module, documents)
    return bundle.stats


def with_guides(
    session: Session,
    crawler: object,
    full_name: str,
    modules: list[Module],
    snapshot: RepositorySnapshot,
    *,
    outcome: Any,
) -> Any:
    """``outcome`` (a CrawlOutcome) after reading the guides of ``modules``, costs added."""
    stats = CrawlStats()
    for module in modules:
        stats = stats + read_module_guides(session, crawler, full_name, module, snapshot)
    if not stats.requests:
        return outcome
    added = dict(outcome.stats)
    for key, value in (
        ("requests", stats.requests),
        ("not_modified", stats.not_modified),
        ("rate_limit_points", stats.rate_limit_points),
    ):
        added[key] = int(added.get(key) or 0) + value
    return replace(outcome, stats=added)
