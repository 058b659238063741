"""The crawl queue: CrawlRequest rows written by the API and webhooks, run by the scheduler.

A request names a repository by its canonical URL (``https://github.com/owner/name``, the form
stored in ``Module.repository``). The scheduler process marks it done (``done_at``, ``outcome``);
nothing here crawls.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import Component, CrawlRequest, CrawlState, Module


def enqueue_crawl(session: Session, repository: str, reason: str) -> CrawlRequest:
    """Queue a crawl of ``repository`` unless one is already waiting; returns the open request."""
    # A webhook storm (push + create + release for one tag) must not queue three crawls.
    waiting = session.scalar(
        select(CrawlRequest)
        .where(
            func.lower(CrawlRequest.repository) == repository.lower(),
            CrawlRequest.done_at.is_(None),
        )
        .order_by(CrawlRequest.id)
        .limit(1)
    )
    if waiting is not None:
        return waiting
    request = CrawlRequest(repository=repository, reason=reason[:200])
    session.add(request)
    session.flush()
    return request


def pending_requests(session: Session) -> list[CrawlRequest]:
    """Requests not yet run, oldest first."""
    return list(
        session.scalars(
            select(CrawlRequest).where(CrawlRequest.done_at.is_(None)).order_by(CrawlRequest.id)
        ).all()
    )


def repository_key(repository: str) -> str:
    """A repository's identity in lower case, for matching URLs, full names and aliases.

    GitHub (``https://github.com/owner/name[.git]`` or ``owner/name``): ``owner/name``. Other
    hosts (GitLab, nested groups): ``host/group/.../name``, so equal paths on two forges differ.
    """
    text = repository.strip().rstrip("/").removesuffix(".git")
    if "://" in text:
        host, _, path = text.split("://", 1)[1].partition("/")
        if host.lower() != "github.com":
            return f"{host}/{path}".lower()
        text = path
    return "/".join(text.split("/")[-2:]).lower()


def known_repositories(session: Session, full_names: list[str]) -> list[str]:
    """The stored repository identifiers that any of ``full_names`` (owner/name) refers to.

    Matches module repositories, component repositories and crawl states with their aliases
    (earlier names of renamed repositories), so a webhook names what the crawler knows.
    """
    wanted = {repository_key(name) for name in full_names if name}
    found: dict[str, str] = {}
    for repository in session.scalars(
        select(Module.repository).where(Module.repository.is_not(None))
    ):
        if repository and repository_key(repository) in wanted:
            found.setdefault(repository_key(repository), repository)
    # Only the two columns: crawl states also hold ETags and seen blobs, large at scale.
    for repository, aliases in session.execute(select(CrawlState.repository, CrawlState.aliases)):
        names = [repository, *[str(alias) for alias in aliases or []]]
        if any(repository_key(name) in wanted for name in names):
            found.setdefault(repository_key(repository), repository)
    for repository in session.scalars(
        select(Component.repository).where(Component.repository.is_not(None))
    ):
        if repository and repository_key(repository) in wanted:
            found.setdefault(repository_key(repository), _as_url(repository))
    return sorted(found.values())


def _as_url(repository: str) -> str:
    # Components name their repository as owner/name on GitHub (the only forge crawled so far).
    return repository if "://" in repository else f"https://github.com/{repository}"
