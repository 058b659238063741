"""Mirror checks: does each mirror have the primary repository's tags at the same commits?

The primary is crawled (``registry.services.crawl``); a mirror only has its tag list read, at
most daily, and its status recorded on the ``ModuleMirror`` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.base import TagRef
from crawlers.errors import CrawlError
from registry.db import utcnow
from registry.errors import RegistryError
from registry.models import Component, Module, ModuleMirror
from registry.services.crawl import Forges, full_name, get_crawl_state, repository_of_module
from registry.services.events import bump

#: Mirrors are checked at most this often (their tags change with the primary's releases).
MIRROR_INTERVAL = timedelta(days=1)


@dataclass(frozen=True)
class MirrorCheck:
    """What one check of one mirror found."""

    module: str
    url: str
    status: str
    missing_tags: tuple[str, ...] = ()
    message: str = ""


def due_mirrors(
    session: Session, *, now: datetime | None = None, interval: timedelta = MIRROR_INTERVAL
) -> list[ModuleMirror]:
    """Mirrors never checked, or last checked ``interval`` ago or longer (at most daily)."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(ModuleMirror)
            .where(
                (ModuleMirror.checked_at.is_(None)) | (ModuleMirror.checked_at <= now - interval)
            )
            .order_by(ModuleMirror.url, ModuleMirror.id)
        )
    )


def check_mirrors(
    session: Session,
    forges: Forges,
    *,
    now: datetime | None = None,
    interval: timedelta = MIRROR_INTERVAL,
) -> list[MirrorCheck]:
    """Compare each due mirror's tags with its module's primary repository, as last crawled.

    A mirror is in sync when it has every tag of interest of the primary (the module's tag
    prefix) at the same commit. A primary not crawled yet leaves its mirrors unchecked. One
    tag listing per mirror URL and run, however many modules name it (the app's mirror is the
    mirror of every in-app module).
    """
    now = now or utcnow()
    listed: dict[str, frozenset[tuple[str, str]] | CrawlError] = {}
    results = []
    for mirror in due_mirrors(session, now=now, interval=interval):
        primary = _primary_tags(session, mirror.module)
        if primary is None:
            continue
        if mirror.url not in listed:
            listed[mirror.url] = _mirror_tags(forges, mirror.url)
        results.append(_record_check(mirror, primary, listed[mirror.url], now))
    if results:
        bump(session, "catalog")
    return results


def _primary_tags(session: Session, module: Module) -> list[TagRef] | None:
    """The primary's tags of interest to the module (``None``: the primary was never crawled)."""
    try:
        repository = repository_of_module(session, module.slug)
    except RegistryError:
        return None
    state = get_crawl_state(session, repository)
    tags = (state.known or {}).get("tags") if state is not None else None
    if tags is None:
        return None
    prefix = module.tag_prefix or _host_prefix(session, module)
    return [TagRef.from_dict(t) for t in tags if str(t["name"]).startswith(prefix)]


def _host_prefix(session: Session, module: Module) -> str:
    if module.kind != "in-app" or not module.host_component:
        return ""
    host = session.scalar(select(Component).where(Component.name == module.host_component))
    return host.tag_prefix if host is not None else ""


def _mirror_tags(forges: Forges, url: str) -> frozenset[tuple[str, str]] | CrawlError:
    crawler = forges.crawler_for(url)
    lister = getattr(crawler, "tag_refs", None)
    if lister is None:
        return CrawlError(f"no forge is configured for {url}", url=url)
    try:
        return frozenset((tag.name, tag.sha) for tag in lister(full_name(url)))
    except CrawlError as error:
        return error


def _record_check(
    mirror: ModuleMirror,
    primary: list[TagRef],
    mirrored: frozenset[tuple[str, str]] | CrawlError,
    now: datetime,
) -> MirrorCheck:
    mirror.checked_at = now
    if isinstance(mirrored, CrawlError):
        # Unreachable says nothing about its tags: the missing ones of the last check stay.
        mirror.status, mirror.last_error = "unreachable", f"{mirrored.code}: {mirrored.message}"
        return MirrorCheck(mirror.module.slug, mirror.url, mirror.status, message=mirrored.message)
    missing = [tag.name for tag in primary if (tag.name, tag.sha) not in mirrored]
    mirror.missing_tags, mirror.last_error = missing, None
    if missing:
        mirror.behind_since = mirror.behind_since or now
        mirror.status = "behind"
    else:
        mirror.status, mirror.behind_since = "in-sync", None
    return MirrorCheck(mirror.module.slug, mirror.url, mirror.status, tuple(missing))


__all__ = ["MIRROR_INTERVAL", "MirrorCheck", "check_mirrors", "due_mirrors"]
