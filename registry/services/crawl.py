"""Crawl a repository and apply the snapshot: releases, component versions, crawl state, events.

One repository can feed several targets: standalone modules (by tag prefix), in-app modules
hosted in it (present at a tag when their host path exists in the tag's tree) and components
whose versions are its tags. The crawler (``crawlers/``) is passed in; it never sees the
database. Nothing here commits: the caller's transaction holds the whole crawl.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawlers.appsource import SourceRules
from crawlers.base import (
    CrawlStats,
    DailyFacts,
    FileFacts,
    HeadFacts,
    KnownState,
    ReleaseInfo,
    RepositoryCrawler,
    RepositoryInfo,
    RepositorySnapshot,
    TagFacts,
    TagRef,
)
from crawlers.errors import CrawlError, RateLimited, RepositoryGone
from registry.compat.versions import SkippedTag, TagVersion, parse_tag, version_key
from registry.db import utcnow
from registry.errors import InvalidInput, NotFound
from registry.metadata import (
    import_publiccode_text,
    import_studio_manifest_text,
    parse_module_text,
)
from registry.metadata.problems import Problem
from registry.metadata.provenance import PUBLICCODE, STUDIO_MANIFEST, SVA_MODULE
from registry.models import Component, ComponentVersion, CrawlState, Module, Release, TagSnapshot
from registry.services.advisories import apply_repository_advisories
from registry.services.crawl_queue import repository_key
from registry.services.events import bump, record_event
from registry.services.platform import apply_source_facts, source_rules
from registry.services.repository_guides import with_guides
from registry.services.sources import FIELDS_BY_PATH, Origin, claims_of, merge_fields
from registry.services.sources import changed as fields_changed
from registry.services.transfer import assign, normalize_depends, normalize_requires

logger = logging.getLogger(__name__)

GITHUB_HOST = "github.com"
GITHUB = f"https://{GITHUB_HOST}"


@dataclass(frozen=True)
class CrawlOutcome:
    """What one crawl of one repository did.

    ``status``: ``ok``, ``unchanged``, ``deferred`` (rate limited earlier, ``resume_after`` not
    reached), ``rate-limited``, ``gone``, ``failed``, ``nothing-to-crawl``, ``locked`` (another
    live process crawls it) or ``withdrawals-held`` (the crawl would have withdrawn more than the
    allowed share of the repository's releases; ``held`` names them, nothing was withdrawn).
    """

    repository: str
    status: str
    message: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    published: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()
    resume_after: datetime | None = None
    held: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status in {"failed", "gone", "rate-limited", "withdrawals-held"}

    def summary(self) -> str:
        """One line for logs and the CLI."""
        parts = [f"{self.repository}: {self.status}"]
        if self.published:
            parts.append(f"{len(self.published)} new release(s)")
        if self.withdrawn:
            parts.append(f"{len(self.withdrawn)} withdrawn")
        if self.held:
            parts.append(
                f"{len(self.held)} withdrawals held (confirm with crawl --confirm-withdrawals)"
            )
        if self.stats:
            parts.append(
                f"{self.stats.get('requests', 0)} requests, "
                f"{self.stats.get('not_modified', 0)} answered 304"
            )
        if self.message:
            parts.append(self.message)
        return "; ".join(parts)


def run_summary(outcomes: list[CrawlOutcome]) -> str:
    """The closing line of a crawl run: what it cost and what it found."""

    def total(key: str) -> int:
        return sum(int(o.stats.get(key, 0) or 0) for o in outcomes)

    failed = sum(1 for o in outcomes if o.failed)
    line = (
        f"{len(outcomes)} repositories, {total('requests')} requests, "
        f"{total('not_modified')} answered 304, {total('rate_limit_points')} rate-limit points, "
        f"{sum(len(o.published) for o in outcomes)} new releases, "
        f"{sum(len(o.withdrawn) for o in outcomes)} withdrawn, {failed} errors"
    )
    held = sum(len(o.held) for o in outcomes)
    if held:
        line += f", {held} withdrawals held (crawl --confirm-withdrawals)"
    locked = [o.repository for o in outcomes if o.status == "locked"]
    if locked:
        line += f", {len(locked)} skipped: another process is crawling {', '.join(locked)}"
    return line


@dataclass(frozen=True)
class WithdrawPolicy:
    """How many of a repository's releases one crawl may withdraw at once.

    ``max_share``: above this share of the repository's releases the crawl withdraws nothing
    and reports it; ``confirmed``: an admin confirmed (``crawl --confirm-withdrawals``).
    """

    max_share: float = 0.2
    confirmed: bool = False

    def allows(self, withdrawing: int, releases: int) -> bool:
        """Whether withdrawing ``withdrawing`` of ``releases`` releases at once is allowed."""
        return self.confirmed or withdrawing <= self.max_share * releases


@dataclass
class _Targets:
    """What in the registry a repository feeds."""

    standalone: list[Module]
    in_app: list[tuple[Module, Component]]
    components: list[Component]

    @property
    def empty(self) -> bool:
        return not (self.standalone or self.in_app or self.components)

    def paths(self) -> set[str]:
        return {module.host_path for module, _ in self.in_app if module.host_path}

    def sources(self) -> SourceRules | None:
        """The source rules of the (host) component this repository is, if any."""
        return next((r for r in map(source_rules, self.components) if r is not None), None)

    def tag_prefix(self) -> str | None:
        """The one tag prefix every target uses, or ``None`` (all tags are of interest)."""
        prefixes = {m.tag_prefix or "" for m in self.standalone}
        prefixes |= {c.tag_prefix or "" for _, c in self.in_app}
        prefixes |= {c.tag_prefix or "" for c in self.components}
        if len(prefixes) == 1:
            return next(iter(prefixes)) or None
        return None


def repository_url(repository: str) -> str:
    """``https://github.com/owner/name`` for a URL or an ``owner/name``."""
    if "://" in repository:
        return repository.rstrip("/").removesuffix(".git")
    return f"{GITHUB}/{repository.strip('/')}"


def full_name(repository: str) -> str:
    """The path of a repository URL (``owner/name``, ``group/subgroup/name`` on GitLab), as
    written; for a full name ``owner/name``."""
    text = repository.rstrip("/").removesuffix(".git")
    if "://" in text:
        return text.split("://", 1)[1].partition("/")[2]
    return "/".join(text.split("/")[-2:])


def forge_host(repository: str) -> str:
    """The host of a repository URL (``github.com`` for a bare ``owner/name``), lower case."""
    return (urlsplit(repository_url(repository)).hostname or "").lower()


@dataclass(frozen=True)
class Forges:
    """The crawler of each forge host and each host's forge kind (``github``, ``gitlab``)."""

    crawlers: Mapping[str, RepositoryCrawler]
    kinds: Mapping[str, str]

    def crawler_for(self, repository: str) -> RepositoryCrawler | None:
        """The crawler for a repository URL's host (``None``: no forge configured there)."""
        return self.crawlers.get(forge_host(repository))

    def kind_of(self, repository: str) -> str:
        return self.kinds.get(forge_host(repository), "github")

    def close(self) -> None:
        """Close every crawler's connection pool."""
        for crawler in self.crawlers.values():
            close = getattr(crawler, "close", None)
            if close is not None:
                close()


def forge_kind(crawler: RepositoryCrawler | Forges, repository: str) -> str:
    """The forge kind of a repository URL: the crawler set knows; a lone crawler is GitHub's."""
    return crawler.kind_of(repository) if isinstance(crawler, Forges) else "github"


def crawl_repository(
    session: Session,
    crawler: RepositoryCrawler | Forges,
    target: Module | Component | str,
    *,
    now: datetime | None = None,
    withdraw: WithdrawPolicy | None = None,
) -> CrawlOutcome:
    """Crawl the repository of ``target`` (a module, a component or a repository URL/name)
    and apply what changed. Crawl errors are recorded, not raised."""
    now = now or utcnow()
    url = repository_url(_repository_of(target))
    state = get_crawl_state(session, url)
    if state is not None and state.resume_after is not None and state.resume_after > now:
        return CrawlOutcome(
            state.repository,
            "deferred",
            f"rate limited until {state.resume_after.isoformat()}",
            resume_after=state.resume_after,
        )
    aliases = list(state.aliases or []) if state is not None else []
    targets = _targets(session, state.repository if state else url, aliases)
    if targets.empty:
        return CrawlOutcome(url, "nothing-to-crawl", "no module or component uses it")
    chosen = crawler.crawler_for(url) if isinstance(crawler, Forges) else crawler
    if chosen is None:
        return CrawlOutcome(url, "failed", f"no forge is configured for {forge_host(url)}")
    state = state or _new_state(session, url, forge_kind(crawler, url))
    state.last_attempt = now
    return _crawl(session, chosen, state, targets, now, withdraw=withdraw)


def _crawl(
    session: Session,
    crawler: RepositoryCrawler,
    state: CrawlState,
    targets: _Targets,
    now: datetime,
    *,
    withdraw: WithdrawPolicy | None,
) -> CrawlOutcome:
    try:
        snapshot = crawler.crawl(
            full_name(state.repository),
            known_state(state),
            paths_of_interest=sorted(targets.paths()),
            tag_prefix=targets.tag_prefix(),
            **_daily_argument(crawler, state, now),
            # Only host components read their source (other forges' crawlers need not know it).
            **({"sources": rules} if (rules := targets.sources()) else {}),
        )
    except RateLimited as error:
        return _rate_limited(session, state, error)
    except RepositoryGone as error:
        return _gone(session, state, targets, error)
    except CrawlError as error:
        return _failed(session, state, targets, error)
    outcome = apply_snapshot(session, state, targets, snapshot, now, withdraw=withdraw)
    # Guides named in sva-module.yml docs: read at the newest release (services/repository_guides).
    return with_guides(
        session, crawler, full_name(state.repository), targets.standalone, snapshot, outcome=outcome
    )


def get_crawl_state(session: Session, repository: str) -> CrawlState | None:
    """The crawl state of a repository, also found by an earlier name (alias)."""
    url = repository_url(repository)
    state = session.scalar(
        select(CrawlState).where(func.lower(CrawlState.repository) == url.lower())
    )
    if state is not None:
        return state
    return _states_by_key(session).get(repository_key(url))


def _states_by_key(session: Session) -> dict[str, CrawlState]:
    """Every crawl state under its current name and its aliases (lower-case owner/name)."""
    found: dict[str, CrawlState] = {}
    for state in session.scalars(select(CrawlState).order_by(CrawlState.id)).all():
        for alias in state.aliases or []:
            found.setdefault(repository_key(str(alias)), state)
        found[repository_key(state.repository)] = state
    return found


def _new_state(session: Session, url: str, forge: str) -> CrawlState:
    state = CrawlState(
        repository=url,
        forge=forge,
        etags={},
        aliases=[],
        seen_blobs={},
        skipped_tags=[],
        stats={},
        known={},
    )
    session.add(state)
    session.flush()
    return state


def _repository_of(target: Module | Component | str) -> str:
    if isinstance(target, str):
        return target
    if not target.repository:
        name = getattr(target, "slug", None) or getattr(target, "name", "?")
        raise ValueError(f"{name} has no repository to crawl")
    return target.repository


def _targets(session: Session, repository: str, aliases: list[Any]) -> _Targets:
    keys = {repository_key(repository)} | {repository_key(str(alias)) for alias in aliases}
    components = [
        c
        for c in session.scalars(select(Component).where(Component.repository.is_not(None)))
        if repository_key(c.repository or "") in keys
    ]
    by_name = {c.name: c for c in components}
    standalone: list[Module] = []
    in_app: list[tuple[Module, Component]] = []
    for module in session.scalars(select(Module).order_by(Module.slug)):
        if module.kind == "in-app" and module.host_component in by_name:
            in_app.append((module, by_name[module.host_component]))
        elif module.kind != "in-app" and repository_key(module.repository or "") in keys:
            standalone.append(module)
    return _Targets(standalone, in_app, components)


def known_state(state: CrawlState) -> KnownState:
    """What the registry knows of a repository, for the crawler (ETags only with their data)."""
    known = state.known or {}
    return KnownState(
        etags=dict(state.etags or {}),
        repository=(
            RepositoryInfo.from_dict(known["repository"]) if known.get("repository") else None
        ),
        tags=(
            tuple(TagRef.from_dict(t) for t in known["tags"])
            if known.get("tags") is not None
            else None
        ),
        releases=(
            tuple(ReleaseInfo.from_dict(r) for r in known["releases"])
            if known.get("releases") is not None
            else None
        ),
        tag_facts={row.sha: TagFacts.from_dict(row.data) for row in state.tags},
        # Source files (query documents) read before, by blob SHA: never fetched again.
        files={sha: FileFacts.from_dict(f) for sha, f in (state.seen_blobs or {}).items()},
        head=HeadFacts.from_dict(known["head"]) if known.get("head") else None,
        daily=DailyFacts.from_dict(known["daily"]) if known.get("daily") else None,
    )


#: Daily facts (activity, advisories) are asked at most this often, for this window.
DAILY_EVERY = timedelta(days=1)
ACTIVITY_WINDOW = timedelta(days=183)


def _daily_argument(crawler: RepositoryCrawler, state: CrawlState, now: datetime) -> dict[str, Any]:
    # Only crawlers that say so take daily_since (other forges and test doubles do not).
    since = daily_since(state, now)
    if since is None or not getattr(crawler, "supports_daily", False):
        return {}
    return {"daily_since": since}


def daily_since(state: CrawlState, now: datetime) -> datetime | None:
    """The activity window's start when the daily facts are due, else None (not asked)."""
    checked = (state.known or {}).get("daily_checked")
    if checked and now - datetime.fromisoformat(checked) < DAILY_EVERY:
        return None
    return now - ACTIVITY_WINDOW


def _store_tag_facts(state: CrawlState, facts: Iterable[TagFacts], now: datetime) -> None:
    rows = {row.sha: row for row in state.tags}
    for item in facts:
        row = rows.get(item.commit_sha)
        if row is None:
            state.tags.append(TagSnapshot(sha=item.commit_sha, data=item.to_dict(), fetched_at=now))
        else:
            row.data = item.to_dict()


def _rate_limited(session: Session, state: CrawlState, error: RateLimited) -> CrawlOutcome:
    state.resume_after = error.reset_at
    state.last_error = error.message
    # Per-tag facts are immutable: keep what was fetched before the limit hit.
    _store_tag_facts(state, error.partial_tags.values(), utcnow())
    logger.warning("%s: %s", state.repository, error.message)
    return CrawlOutcome(
        state.repository, "rate-limited", error.message, resume_after=error.reset_at
    )


def _gone(
    session: Session, state: CrawlState, targets: _Targets, error: RepositoryGone
) -> CrawlOutcome:
    state.last_error = error.message
    if not state.gone:
        state.gone = True
        for module in targets.standalone:
            module.gone = True
            record_event(
                session,
                "repository-gone",
                module=module.slug,
                data={"repository": state.repository, "status": error.status},
            )
        bump(session, "catalog")
    return CrawlOutcome(state.repository, "gone", error.message)


def _failed(
    session: Session, state: CrawlState, targets: _Targets, error: CrawlError
) -> CrawlOutcome:
    state.last_error = f"{error.code}: {error.message}"
    for module in _modules(targets):
        record_event(session, "crawl-failed", module=module.slug, data=error.to_dict())
    logger.warning("%s: crawl failed: %s", state.repository, error.message)
    return CrawlOutcome(state.repository, "failed", error.message)


def _modules(targets: _Targets) -> list[Module]:
    return [*targets.standalone, *(module for module, _ in targets.in_app)]


def apply_snapshot(
    session: Session,
    state: CrawlState,
    targets: _Targets,
    snapshot: RepositorySnapshot,
    now: datetime,
    *,
    withdraw: WithdrawPolicy | None = None,
) -> CrawlOutcome:
    """Store a snapshot: crawl state, rename/archive/return, releases, component versions.

    Releases whose tag is gone from this repository are withdrawn, unless that would be more
    than ``withdraw.max_share`` of the repository's releases (then none are, and the outcome
    is ``withdrawals-held``)."""
    _remember(state, snapshot, now)
    changed = _repository_flags(session, state, targets, snapshot)
    keys = {repository_key(state.repository)} | {repository_key(str(a)) for a in state.aliases}
    published: list[str] = []
    gone: list[tuple[Module, Release]] = []
    skipped: list[dict[str, str]] = []
    for module in targets.standalone:
        published += _apply_standalone(session, module, snapshot, skipped, state.repository)
        gone += _tags_gone(module, snapshot, keys, module.tag_prefix or "")
        if snapshot.head is not None and snapshot.head.metadata is not None:
            changed |= apply_head_metadata(module, snapshot.head.metadata)
    for module, component in targets.in_app:
        published += _apply_in_app(session, module, component, snapshot, state.repository)
        gone += _tags_gone(module, snapshot, keys, component.tag_prefix or "")
    withdrawn, held = _withdraw(session, targets, keys, gone, withdraw or WithdrawPolicy())
    for component in targets.components:
        changed |= _apply_component(component, snapshot, skipped)
        if component.sources:
            changed |= apply_source_facts(session, component, snapshot)
    if _fresh_daily(snapshot):
        apply_repository_advisories(
            session, targets.standalone, snapshot.daily.advisories, state.repository
        )
    state.skipped_tags = sorted(skipped, key=lambda s: (s["prefix"], s["tag"]))
    if changed or published or withdrawn:
        bump(session, "catalog")
    status = "unchanged" if snapshot.unchanged and not (changed or withdrawn) else "ok"
    if held:
        status = "withdrawals-held"
        record_event(
            session,
            "withdrawals-held",
            data={"repository": state.repository, "releases": held},
        )
    return CrawlOutcome(
        state.repository,
        status,
        stats=_stats_dict(snapshot.stats),
        published=tuple(published),
        withdrawn=tuple(withdrawn),
        held=tuple(held),
    )


def _fresh_daily(snapshot: RepositorySnapshot) -> bool:
    """Whether this crawl asked for the daily facts (else they are the ones passed in)."""
    return snapshot.daily is not None and snapshot.daily.fetched_at == snapshot.fetched_at


def _stats_dict(stats: CrawlStats) -> dict[str, Any]:
    return {
        "requests": stats.requests,
        "not_modified": stats.not_modified,
        "rate_limit_points": stats.rate_limit_points,
        "retries": stats.retries,
        "redirects": stats.redirects,
        "rate_limit_remaining": stats.rate_limit_remaining,
    }


def _remember(state: CrawlState, snapshot: RepositorySnapshot, now: datetime) -> None:
    state.etags = dict(snapshot.etags)
    state.known = {
        "repository": snapshot.repository.to_dict(),
        "tags": [t.to_dict() for t in snapshot.tags],
        "releases": [r.to_dict() for r in snapshot.listed_releases],
        "head": snapshot.head.to_dict() if snapshot.head else None,
        "daily": snapshot.daily.to_dict() if snapshot.daily else None,
        # When the daily facts were last asked, by the registry's clock (see daily_since).
        "daily_checked": (
            now.isoformat() if _fresh_daily(snapshot) else (state.known or {}).get("daily_checked")
        ),
    }
    _store_tag_facts(state, (snapshot.tag_facts[sha] for sha in snapshot.new_tag_facts), now)
    if snapshot.files:
        state.seen_blobs = {
            **(state.seen_blobs or {}),
            **{sha: f.to_dict() for sha, f in snapshot.files.items()},
        }
    state.last_success = now
    state.last_error = None
    state.resume_after = None
    state.stats = _stats_dict(snapshot.stats)


def _repository_flags(
    session: Session, state: CrawlState, targets: _Targets, snapshot: RepositorySnapshot
) -> bool:
    """Follow a rename, note a return from gone, mirror the archived flag."""
    changed = False
    if snapshot.renamed_from:
        changed = True
        _rename(session, state, targets, snapshot)
    if state.gone:
        state.gone = False
        changed = True
    archived = snapshot.repository.archived
    for module in targets.standalone:
        if module.gone:
            module.gone = False
            changed = True
        if module.archived != archived:
            module.archived = archived
            changed = True
            if archived:
                record_event(session, "repository-archived", module=module.slug, data={})
    return changed


def _rename(
    session: Session, state: CrawlState, targets: _Targets, snapshot: RepositorySnapshot
) -> None:
    old = state.repository
    # The same forge: GitHub's 301 or GitLab's new path of the same project id.
    new = f"https://{forge_host(old)}/{snapshot.full_name}"
    aliases = [a for a in state.aliases or [] if repository_key(str(a)) != repository_key(new)]
    state.aliases = [*aliases, old]
    state.repository = new
    for module in targets.standalone:
        module.repository = new
    for component in targets.components:
        # Components name GitHub repositories as owner/name, others by URL.
        bare = "://" not in (component.repository or "")
        component.repository = (
            snapshot.full_name if bare and forge_host(old) == GITHUB_HOST else new
        )
    for module in _modules(targets):
        record_event(
            session, "repository-renamed", module=module.slug, data={"from": old, "to": new}
        )


def _versions(
    tags: Iterable[TagRef], prefix: str, skipped: list[dict[str, str]] | None
) -> dict[str, list[tuple[TagRef, TagVersion]]]:
    """Tags that name versions, grouped by normalized version (``v.3.2.6`` and ``v3.2.6``)."""
    versions: dict[str, list[tuple[TagRef, TagVersion]]] = {}
    for tag in tags:
        parsed = parse_tag(tag.name, prefix)
        if isinstance(parsed, SkippedTag):
            if skipped is not None and tag.name.startswith(prefix):
                skipped.append({"tag": tag.name, "prefix": prefix, "reason": parsed.reason})
            continue
        versions.setdefault(parsed.version, []).append((tag, parsed))
    return versions


def _primary(entries: list[tuple[TagRef, TagVersion]]) -> tuple[TagRef, TagVersion]:
    # The canonical spelling wins: "v3.2.6" over the re-tag "v.3.2.6" (fewer dots).
    return min(entries, key=lambda e: (e[0].name.count("."), e[0].name))


def head_module_fields(file: FileFacts) -> dict[str, Any] | None:
    """Module-level fields (export shape) from the default branch's metadata file, if valid."""
    text = file.text or ""
    if file.kind == "sva-module":
        metadata, problems = parse_module_text(text, file.path)
        exported = metadata.to_export() if metadata is not None else None
    else:
        importer = (
            import_publiccode_text if file.kind == "publiccode" else import_studio_manifest_text
        )
        report = importer(text, file.path)
        problems = list(report.problems)
        exported = report.modules[0] if report.modules else None
    # Texts of a file with problems could be half read; the registry keeps what it had.
    return exported if exported is not None and not problems else None


def apply_head_metadata(module: Module, file: FileFacts) -> bool:
    """Update a module's fields from its repository's default branch, through the
    precedence rule: the file's kind is its source (``sva-module.yml`` ranks under an admin).

    Only when the file describes this module (its id is the module's slug): a monorepo's root
    file describes the repository, not each module in it. What decides the crawl (repository,
    kind, host, tag prefix) and extra are left alone.
    """
    fields = head_module_fields(file)
    if fields is None or fields.get("slug") != module.slug:
        return False
    values = {
        path: value
        for path, value in claims_of(fields).items()
        if path in FIELDS_BY_PATH and not FIELDS_BY_PATH[path].structural
    }
    origin = Origin(_HEAD_SOURCES[file.kind], f"{file.path}@{file.blob_sha[:12]}")
    return fields_changed(merge_fields(module, values, origin))


_HEAD_SOURCES = {
    "sva-module": SVA_MODULE,
    "publiccode": PUBLICCODE,
    "studio-manifest": STUDIO_MANIFEST,
}


def _apply_standalone(
    session: Session,
    module: Module,
    snapshot: RepositorySnapshot,
    skipped: list[dict[str, str]],
    repository: str,
) -> list[str]:
    versions = _versions(snapshot.tags, module.tag_prefix or "", skipped)
    published = []
    existing = {r.version: r for r in module.releases}
    for version, entries in versions.items():
        tag = _primary(entries)[0]
        facts = snapshot.facts_for(tag)
        values = _release_values(module, snapshot, entries, facts)
        values["source_repository"] = repository
        release = existing.get(version)
        if release is None:
            release = Release(version=version, **values)
            module.releases.append(release)
            published.append(_publish(session, module, release))
            continue
        assign(release, **values)
    return published


def _release_values(
    module: Module,
    snapshot: RepositorySnapshot,
    entries: list[tuple[TagRef, TagVersion]],
    facts: TagFacts | None,
) -> dict[str, Any]:
    tag, parsed = _primary(entries)
    github_release = next(
        (r for r in (snapshot.release_for(t.name) for t, _ in entries) if r is not None), None
    )
    values: dict[str, Any] = {
        "tag": tag.name,
        "tags": sorted(t.name for t, _ in entries),
        "sha": tag.sha,
        "date": facts.commit_date if facts else None,
        "prerelease": parsed.prerelease or bool(github_release and github_release.prerelease),
        "withdrawn": False,
        "license_detected": facts.license_spdx if facts else None,
    }
    if facts is not None and facts.metadata is not None:
        values.update(metadata_values(facts.metadata, module))
    return values


def metadata_values(file: FileFacts, module: Module) -> dict[str, Any]:
    """Release fields from a metadata file's raw text; problems kept, never raised."""
    text = file.text or ""
    declared: str | None = None
    requires: dict[str, Any] = {}
    depends: dict[str, Any] = {}
    if file.kind == "sva-module":
        metadata, problems = parse_module_text(text, file.path)
        if metadata is not None:
            declared = metadata.license
            requires = metadata.requires_export()
            depends = dict(metadata.depends_on)
    else:
        importer = (
            import_publiccode_text if file.kind == "publiccode" else import_studio_manifest_text
        )
        report = importer(text, file.path)
        problems = list(report.problems)
        imported = report.modules[0] if report.modules else {}
        declared = imported.get("license")
        first = (imported.get("releases") or [{}])[0]
        requires = first.get("requires") or {}
        depends = first.get("dependsOn") or {}
    return {
        "license_declared": declared or module.license,
        "requires": _safe(normalize_requires, requires, problems, file.path),
        "depends_on": _safe(normalize_depends, depends, problems, file.path),
        "metadata_source": f"{file.path}@{file.blob_sha[:12]}",
        "problems": [p.to_dict() for p in problems],
    }


def _safe(normalize: Any, data: dict[str, Any], problems: list[Any], path: str) -> dict[str, Any]:
    try:
        return dict(normalize(data))
    except (ValueError, TypeError) as error:
        # An unreadable range stays visible as a problem; the release is kept (docs/crawling.md).
        problems.append(Problem(path, None, None, "requires", str(error)))
        return {}


def _publish(session: Session, module: Module, release: Release) -> str:
    data = {"tag": release.tag, "sha": release.sha}
    record_event(
        session, "release-published", module=module.slug, version=release.version, data=data
    )
    if release.problems:
        record_event(
            session,
            "metadata-invalid",
            module=module.slug,
            version=release.version,
            data={"problems": len(release.problems), "source": release.metadata_source},
        )
    return f"{module.slug} {release.version}"


def _tags_gone(
    module: Module,
    snapshot: RepositorySnapshot,
    keys: set[str],
    prefix: str,
) -> list[tuple[Module, Release]]:
    """Releases of ``module`` made from a tag of this repository that is no longer there.

    Releases from another repository (the module's crawl source changed) and releases from
    files (no tag) are never candidates. For an in-app module a host tag that is still there
    but lacks the host path is not gone either.
    """
    current = set(_versions(snapshot.tags, prefix, None))
    return [
        (module, release)
        for release in module.releases
        if release.tag
        and not release.withdrawn
        and release.version not in current
        and _from_here(release, keys)
    ]


def _from_here(release: Release, keys: set[str]) -> bool:
    # Releases stored before their source was recorded are taken to be from here.
    return release.source_repository is None or repository_key(release.source_repository) in keys


def _withdraw(
    session: Session,
    targets: _Targets,
    keys: set[str],
    gone: list[tuple[Module, Release]],
    policy: WithdrawPolicy,
) -> tuple[list[str], list[str]]:
    """Withdraw the releases whose tags are gone (data kept), unless too many at once.

    Returns (withdrawn, held): held are the ones a crawl would have withdrawn when they are
    more than the policy's share of the repository's releases."""
    names = [f"{module.slug} {release.version}" for module, release in gone]
    if not gone:
        return [], []
    releases = sum(
        1
        for module in _modules(targets)
        for release in module.releases
        if release.tag and not release.withdrawn and _from_here(release, keys)
    )
    if not policy.allows(len(gone), releases):
        logger.error(
            "would withdraw %d of %d releases at once; held until confirmed", len(gone), releases
        )
        return [], names
    for module, release in gone:
        release.withdrawn = True
        record_event(
            session,
            "release-withdrawn",
            module=module.slug,
            version=release.version,
            data={"tag": release.tag, "repository": release.source_repository},
        )
    return names, []


def _apply_in_app(
    session: Session,
    module: Module,
    host: Component,
    snapshot: RepositorySnapshot,
    repository: str,
) -> list[str]:
    """An in-app module's release X is the host at X, where its host path exists at X."""
    path = module.host_path or ""
    versions = {
        version: entries
        for version, entries in _versions(snapshot.tags, host.tag_prefix or "", None).items()
        if _has_path(snapshot, entries, path)
    }
    existing = {r.version: r for r in module.releases}
    extra = _own_requirements(module, host.name)
    published = []
    for version, entries in versions.items():
        tag, parsed = _primary(entries)
        facts = snapshot.facts_for(tag)
        values = {
            "tag": tag.name,
            "tags": sorted(t.name for t, _ in entries),
            "sha": tag.sha,
            "date": facts.commit_date if facts else None,
            "prerelease": parsed.prerelease,
            "withdrawn": False,
            "license_detected": facts.license_spdx if facts else None,
            "license_declared": module.license,
            "source_repository": repository,
        }
        release = existing.get(version)
        if release is None:
            requires = {host.name: {"range": f"=={version}", "capabilities": []}, **extra}
            release = Release(
                version=version,
                requires=normalize_requires(requires),
                metadata_source=f"host:{host.name}:{path}",
                **values,
            )
            module.releases.append(release)
            published.append(_publish(session, module, release))
            continue
        assign(release, **values)
    return published


def _has_path(
    snapshot: RepositorySnapshot, entries: list[tuple[TagRef, TagVersion]], path: str
) -> bool:
    facts = snapshot.facts_for(_primary(entries)[0])
    return facts is not None and facts.has_path(path)


def _own_requirements(module: Module, host: str) -> dict[str, Any]:
    """What the module's entry adds to the host version (taken from its newest release)."""
    releases = [r for r in module.releases if r.requires]
    if not releases:
        return {}
    newest = max(releases, key=lambda r: _sort_key(r.version))
    return {
        name: {"range": req.get("range"), "capabilities": list(req.get("capabilities") or [])}
        for name, req in (newest.requires or {}).items()
        if name != host
    }


def _sort_key(version: str) -> Any:
    try:
        return (1, version_key(version))
    except ValueError:
        return (0, version)


def _apply_component(
    component: Component, snapshot: RepositorySnapshot, skipped: list[dict[str, str]]
) -> bool:
    versions = _versions(snapshot.tags, component.tag_prefix or "", skipped)
    existing = {v.version: v for v in component.versions}
    changed = False
    for version, entries in versions.items():
        tag, parsed = _primary(entries)
        facts = snapshot.facts_for(tag)
        row = existing.get(version)
        if row is None:
            row = ComponentVersion(version=version)
            component.versions.append(row)
            changed = True
        values = {
            "tag": tag.name,
            "sha": tag.sha,
            "date": facts.commit_date if facts else row.date,
            "prerelease": parsed.prerelease,
        }
        changed |= assign(row, **values)
    return changed


def due_repositories(
    session: Session, *, now: datetime | None = None, interval: timedelta = timedelta(hours=1)
) -> list[str]:
    """Repository URLs whose last attempt is older than ``interval``, or whose rate-limit
    reset has passed."""
    now = now or utcnow()
    urls = {
        repository_url(r)
        for r in session.scalars(
            select(Module.repository).where(Module.repository.is_not(None), Module.kind != "in-app")
        )
        if r
    }
    urls |= {
        repository_url(r)
        for r in session.scalars(
            select(Component.repository).where(Component.repository.is_not(None))
        )
        if r
    }
    states = _states_by_key(session)
    due = []
    for url in sorted(urls):
        state = states.get(repository_key(url))
        if state is None:
            due.append(url)
            continue
        if state.resume_after is not None:
            # Cut short by a rate limit: due again as soon as the reset has passed.
            if state.resume_after <= now:
                due.append(state.repository)
            continue
        if state.last_attempt is None or state.last_attempt <= now - interval:
            due.append(state.repository)
    return list(dict.fromkeys(due))


def rate_limited_until(
    session: Session, *, now: datetime | None = None, forge: str | None = None
) -> datetime | None:
    """The latest pending rate-limit reset of any repository (of ``forge``), if one lies ahead.

    Limits count per token (GitHub) or per client (GitLab), not per repository: while one crawl
    waits for a reset, every other crawl on the same forge would be refused as well.
    """
    now = now or utcnow()
    query = select(func.max(CrawlState.resume_after)).where(CrawlState.resume_after > now)
    if forge is not None:
        query = query.where(CrawlState.forge == forge)
    return session.scalar(query)


def repository_of_module(session: Session, slug: str) -> str:
    """The repository to crawl for a module: its own, or its host component's."""
    module = session.scalar(select(Module).where(func.lower(Module.slug) == slug.lower()))
    if module is None:
        raise NotFound(f"no module {slug!r}", [{"field": "slug", "message": "unknown"}])
    if module.kind == "in-app" and module.host_component:
        host = session.scalar(select(Component).where(Component.name == module.host_component))
        if host is not None and host.repository:
            return repository_url(host.repository)
    if not module.repository:
        raise InvalidInput(
            f"module {slug!r} has no repository", [{"field": "repository", "message": "not set"}]
        )
    return repository_url(module.repository)


__all__ = [
    "CrawlOutcome",
    "Forges",
    "apply_head_metadata",
    "apply_snapshot",
    "crawl_repository",
    "due_repositories",
    "forge_host",
    "forge_kind",
    "get_crawl_state",
    "known_state",
    "metadata_values",
    "rate_limited_until",
    "repository_of_module",
    "repository_url",
]
