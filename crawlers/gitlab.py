"""The GitLab crawler (openCode.de by default): python-gitlab's HTTP layer against REST v4.

Why ``Gitlab.http_request`` and not python-gitlab's objects: every request is then one call
whose cost is counted here, retried by our policy (no sleeps hidden in the client) and mapped
to the crawler errors of ``crawlers.errors``. python-gitlab still builds the URLs, sends the
token (``PRIVATE-TOKEN``) and holds the connection pool.

Cost per project:
- unchanged: ``GET /projects/:id?license=true`` and the first page of
  ``GET /projects/:id/repository/tags`` (GitLab answers no conditional requests on these);
- the project changed (``last_activity_at``, default branch, archived, license, path): every tag
  page, every release page and the root tree of the default branch;
- only the first tag page changed (a new tag, or a release added to a recent tag): the rest of
  the tag pages and the release pages;
- per new tagged commit its tree (the commit date comes with the tag list), plus one request per
  metadata or license file whose blob SHA was never seen.
GitLab moves ``last_activity_at`` at most hourly, so a tag pushed a minute after the last crawl is
found on the first tag page (newest commit first) and by the total count (``X-Total``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from gitlab import Gitlab
from gitlab.exceptions import GitlabError

from crawlers.appsource import SourceRules
from crawlers.base import (
    METADATA_FILES,
    CrawlerSettings,
    CrawlStats,
    FileFacts,
    HeadFacts,
    KnownState,
    ReleaseInfo,
    RepositoryInfo,
    RepositorySnapshot,
    TagFacts,
    TagRef,
    license_entry,
    normalize_paths,
    present_paths,
)
from crawlers.errors import (
    AccessDenied,
    BadCredentials,
    RateLimited,
    RepositoryGone,
    TransientError,
    UnexpectedResponse,
)
from crawlers.licenses import detect_license, spdx_of_gitlab_key

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_API_URL = "https://gitlab.opencode.de/api/v4"
# A 429 without Retry-After or RateLimit-Reset: GitLab's throttles count per minute.
DEFAULT_RATE_LIMIT_WAIT = timedelta(seconds=60)
# The tag list, newest commit first: a new tag on a new commit is always on the first page.
TAG_ORDER = {"order_by": "updated", "sort": "desc"}


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def base_url(api_url: str) -> str:
    """The instance URL python-gitlab wants (``https://host``) for an ``.../api/v4`` URL."""
    return api_url.rstrip("/").removesuffix("/api/v4")


@dataclass(frozen=True)
class _Page:
    items: list[Any]
    next_page: int | None
    total: int | None


class _Counter:
    """Mutable tally of one crawl; frozen into :class:`CrawlStats` at the end."""

    def __init__(self) -> None:
        self.requests = 0
        self.retries = 0
        self.remaining: int | None = None
        self.reset_at: datetime | None = None

    def freeze(self) -> CrawlStats:
        # Every GitLab request counts against its rate limit; none is answered 304.
        return CrawlStats(
            requests=self.requests,
            rate_limit_points=self.requests,
            retries=self.retries,
            rate_limit_remaining=self.remaining,
        )


class _Client:
    """One crawl's HTTP side: retries, status mapping, counting, rate-limit headers."""

    def __init__(
        self,
        gl: Gitlab,
        *,
        settings: CrawlerSettings,
        repository: str,
        sleep: Callable[[float], None],
        clock: Callable[[], datetime],
    ) -> None:
        self._gl = gl
        self._settings = settings
        self._sleep = sleep
        self._clock = clock
        self.counter = _Counter()
        self.repository = repository
        self._last: requests.Response | None = None

    def seen(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """requests' response hook: keep the last answer (errors carry no headers)."""
        self._last = response

    def stats(self) -> CrawlStats:
        return self.counter.freeze()

    def get(self, path: str, query: Mapping[str, Any] | None = None) -> requests.Response:
        """GET ``path`` (relative to the API URL) with retries; raise a ``CrawlError``."""
        self._respect_exhausted_limit(path)
        policy = self._settings.retry
        for attempt in range(1, policy.attempts + 1):
            response = self._attempt(path, dict(query or {}), attempt)
            if response is not None:
                return response
            self.counter.retries += 1
            self._sleep(policy.delay(attempt))
        raise TransientError(
            f"{path} failed {policy.attempts} times (5xx or timeout)",
            attempts=policy.attempts,
            repository=self.repository,
            url=path,
        )

    def json(self, path: str, query: Mapping[str, Any] | None = None) -> Any:
        response = self.get(path, query)
        try:
            return response.json()
        except ValueError as error:
            raise UnexpectedResponse(
                f"{path} answered malformed JSON: {error}", repository=self.repository, url=path
            ) from error

    def page(self, path: str, query: Mapping[str, Any], page: int) -> _Page:
        """One page of a list, with GitLab's ``X-Next-Page`` (or ``Link``) and ``X-Total``."""
        query = {**query, "per_page": self._settings.per_page, "page": page}
        response = self.get(path, query)
        try:
            items = response.json()
        except ValueError as error:
            raise UnexpectedResponse(
                f"{path} answered malformed JSON: {error}", repository=self.repository, url=path
            ) from error
        if not isinstance(items, list):
            raise UnexpectedResponse(
                f"{path} answered {type(items).__name__}, expected a list",
                repository=self.repository,
                url=path,
            )
        next_page = response.headers.get("X-Next-Page", "").strip()
        total = response.headers.get("X-Total", "").strip()
        if next_page.isdigit():
            following: int | None = int(next_page)
        else:
            # Very large lists may omit the X- headers; the Link header still names a next page.
            following = page + 1 if "next" in response.links else None
        return _Page(items, following, int(total) if total.isdigit() else None)

    def _attempt(self, path: str, query: dict[str, Any], attempt: int) -> requests.Response | None:
        """One request; ``None`` when it failed in a way worth retrying."""
        self.counter.requests += 1
        self._last = None
        try:
            response = self._gl.http_request(
                "get",
                path,
                query_data=query,
                # Waiting and retrying are ours: counted, with the configured backoff.
                obey_rate_limit=False,
                retry_transient_errors=False,
                max_retries=0,
            )
        except (requests.Timeout, requests.ConnectionError) as error:
            logger.warning("%s: attempt %d: %s", path, attempt, type(error).__name__)
            if attempt == self._settings.retry.attempts:
                raise TransientError(
                    f"{path}: {type(error).__name__} after {attempt} attempts",
                    attempts=attempt,
                    repository=self.repository,
                    url=path,
                ) from error
            return None
        except GitlabError as error:  # GitlabHttpError, GitlabAuthenticationError: a status
            self._failed(path, error, attempt)
            return None
        self._note_limits(response.headers)
        return response

    def _failed(self, path: str, error: GitlabError, attempt: int) -> None:
        status = int(error.response_code or 0)
        headers = self._last.headers if self._last is not None else {}
        self._note_limits(headers)
        if status >= 500:
            logger.warning("%s: attempt %d: HTTP %d", path, attempt, status)
            if attempt == self._settings.retry.attempts:
                raise TransientError(
                    f"{path}: HTTP {status} after {attempt} attempts",
                    attempts=attempt,
                    repository=self.repository,
                    url=path,
                    status=status,
                ) from error
            return
        message = str(error.error_message)[:200]
        if status == 429:
            reset_at = self._reset_at(headers)
            raise RateLimited(
                f"GitLab rate limit reached on {path}; resume after {reset_at.isoformat()}",
                reset_at=reset_at,
                repository=self.repository,
                url=path,
                status=status,
            ) from error
        if status == 401:
            raise BadCredentials(
                "GitLab rejected the token (401 Unauthorized): check the configured token "
                "(SVA_REGISTRY_GITLAB_TOKEN): expired, revoked or mistyped?",
                repository=self.repository,
                url=path,
                status=status,
            ) from error
        if status == 403:
            raise AccessDenied(
                f"{path} answered 403: {message}",
                repository=self.repository,
                url=path,
                status=status,
            ) from error
        if status in (404, 410, 451):
            raise RepositoryGone(
                f"{self.repository} is gone ({status} on {path})",
                repository=self.repository,
                url=path,
                status=status,
            ) from error
        raise UnexpectedResponse(
            f"{path} answered {status}: {message}",
            repository=self.repository,
            url=path,
            status=status,
        ) from error

    def _note_limits(self, headers: Mapping[str, str]) -> None:
        remaining = str(headers.get("RateLimit-Remaining", "")).strip()
        if remaining.isdigit():
            self.counter.remaining = int(remaining)
            self.counter.reset_at = self._reset_at(headers) if remaining == "0" else None

    def _respect_exhausted_limit(self, path: str) -> None:
        # The last answer said nothing is left: asking again would only earn a 429.
        reset_at = self.counter.reset_at
        if self.counter.remaining == 0 and reset_at is not None and reset_at > self._clock():
            raise RateLimited(
                f"GitLab rate limit used up before {path}; resume after {reset_at.isoformat()}",
                reset_at=reset_at,
                repository=self.repository,
                url=path,
            )

    def _reset_at(self, headers: Mapping[str, str]) -> datetime:
        """When a rate-limited client may ask again: Retry-After, RateLimit-Reset, a minute."""
        now = self._clock()
        retry_after = str(headers.get("Retry-After", "")).strip()
        if retry_after.isdigit():
            return now + timedelta(seconds=int(retry_after))
        if retry_after:
            try:
                return parsedate_to_datetime(retry_after).astimezone(UTC)
            except (TypeError, ValueError):
                pass
        reset = str(headers.get("RateLimit-Reset", "")).strip()
        if reset.isdigit():
            return datetime.fromtimestamp(int(reset), UTC)
        return now + DEFAULT_RATE_LIMIT_WAIT


class GitLabCrawler:
    """Crawls GitLab projects into :class:`RepositorySnapshot` objects.

    ``full_name`` is the project's path (``group/subgroup/name``). After the first crawl the
    project is asked by its numeric id (from ``known.repository``), so a renamed or transferred
    project is found even when its old path no longer redirects. One crawl at a time per
    instance; ``sleep`` and ``clock`` are injectable for tests.
    """

    def __init__(
        self,
        settings: CrawlerSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.settings = settings or CrawlerSettings(api_url=DEFAULT_API_URL)
        self._sleep = sleep
        self._clock = clock
        self._gl = Gitlab(
            base_url(self.settings.api_url),
            private_token=self.settings.token or None,
            timeout=self.settings.timeout,
            user_agent=self.settings.user_agent,
            per_page=self.settings.per_page,
            retry_transient_errors=False,
        )

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._gl.session.close()

    def _client(self, full_name: str) -> _Client:
        client = _Client(
            self._gl,
            settings=self.settings,
            repository=full_name,
            sleep=self._sleep,
            clock=self._clock,
        )
        self._gl.session.hooks["response"] = [client.seen]
        return client

    def crawl(
        self,
        full_name: str,
        known: KnownState | None = None,
        *,
        paths_of_interest: Iterable[str] = (),
        tag_prefix: str | None = None,
        daily_since: datetime | None = None,
        sources: SourceRules | None = None,
    ) -> RepositorySnapshot:
        """Crawl the project ``full_name`` given what the caller ``known``s from before.

        ``paths_of_interest`` are checked in the tree of every tag of interest (tags starting
        with ``tag_prefix``, or all). Raises :class:`~crawlers.errors.CrawlError` subclasses.
        Not read on GitLab yet (the snapshot leaves them out): the daily facts (this crawler
        has no ``supports_daily``) and the app's GraphQL ``sources``.
        """
        del daily_since, sources
        run = _Crawl(
            self._client(full_name),
            self.settings,
            known or KnownState(),
            normalize_paths(paths_of_interest),
            tag_prefix,
        )
        return run.execute(full_name, self._clock())

    def tag_refs(self, full_name: str) -> tuple[TagRef, ...]:
        """Every tag of the project and its commit (for checking a mirror); 1 request a page."""
        client = self._client(full_name)
        project = _project_path(full_name)
        return tuple(_paged(client, f"/projects/{project}/repository/tags", TAG_ORDER, _tag_ref))


def _project_path(full_name_or_id: str | int) -> str:
    # GitLab addresses a project by id or by its URL-encoded path ("group%2Fsub%2Fname").
    return quote(str(full_name_or_id).strip("/"), safe="")


def _paged(
    client: _Client,
    path: str,
    query: Mapping[str, Any],
    parse: Callable[[Any], T | None],
    first: _Page | None = None,
) -> list[T]:
    """Every item of a list, page by page (``first``: page 1 when already fetched)."""
    items: list[T] = []
    page = first or client.page(path, query, 1)
    while True:
        items.extend(item for item in (parse(entry) for entry in page.items) if item is not None)
        if page.next_page is None:
            return items
        page = client.page(path, query, page.next_page)


class _Crawl:
    """One crawl of one project (keeps the small steps of ``crawl`` apart)."""

    def __init__(
        self,
        client: _Client,
        settings: CrawlerSettings,
        known: KnownState,
        paths: frozenset[str],
        tag_prefix: str | None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.known = known
        self.paths = paths
        self.tag_prefix = tag_prefix
        self.files: dict[str, FileFacts] = known.known_files()
        # Commit dates come with the tag list (``commit.committed_date``): no request per tag.
        self.commit_dates: dict[str, datetime | None] = {}

    def execute(self, full_name: str, started: datetime) -> RepositorySnapshot:
        repository, repository_changed = self.repository(full_name)
        project = f"/projects/{repository.id}"
        renamed_from = None
        if repository.full_name.lower() != full_name.lower():
            renamed_from = full_name
            self.client.repository = repository.full_name
            logger.info("%s was renamed or moved to %s", full_name, repository.full_name)
        tags, tags_changed, listed = self.tags(project, refresh=repository_changed)
        # Releases live on tags: the tag list names each tag's release (and its notes).
        releases, releases_changed = self.releases(project, refresh=repository_changed or listed)
        head = self.head(project, repository, refresh=repository_changed)
        facts, new = self.tag_facts(project, tags)
        return RepositorySnapshot(
            requested_name=full_name,
            repository=repository,
            tags=tags,
            listed_releases=releases,
            tag_facts=facts,
            etags={},
            stats=self.client.stats(),
            fetched_at=started,
            renamed_from=renamed_from,
            head=head,
            new_tag_facts=frozenset(new),
            repository_changed=repository_changed,
            tags_changed=tags_changed,
            releases_changed=releases_changed,
        )

    def repository(self, full_name: str) -> tuple[RepositoryInfo, bool]:
        known = self.known.repository
        # By id once known: a moved project keeps its id, its old path may stop redirecting.
        project = _project_path(known.id if known is not None and known.id else full_name)
        data = self.client.json(f"/projects/{project}", {"license": "true"})
        info = _repository_info(data)
        return info, info != known

    def tags(self, project: str, *, refresh: bool) -> tuple[tuple[TagRef, ...], bool, bool]:
        """The tag list, whether it changed, and whether it was listed beyond the first page.

        Unless ``refresh``, the first page (newest commits) and the total decide: equal to what
        is known, the known list stands.
        """
        path = f"{project}/repository/tags"
        known = self.known.tags
        first = self.client.page(path, TAG_ORDER, 1)
        releases = self.known.releases or ()
        if not refresh and known is not None and _first_page_matches(first, known, releases):
            return known, False, False
        tags = tuple(_paged(self.client, path, TAG_ORDER, self._tag, first))
        return tags, _signature(tags) != _signature(known or ()), True

    def _tag(self, entry: Any) -> TagRef | None:
        tag = _tag_ref(entry)
        if tag is not None:
            self.commit_dates[tag.sha] = _parse_time(entry["commit"].get("committed_date"))
        return tag

    def commit_date(self, project: str, sha: str) -> datetime | None:
        """From the tag list; asked for only when the tag list came from the known state."""
        if sha not in self.commit_dates:
            data = self.client.json(f"{project}/repository/commits/{sha}")
            found = data.get("committed_date") if isinstance(data, dict) else None
            self.commit_dates[sha] = _parse_time(found)
        return self.commit_dates[sha]

    def releases(self, project: str, *, refresh: bool) -> tuple[tuple[ReleaseInfo, ...], bool]:
        if not refresh and self.known.releases is not None:
            return self.known.releases, False
        releases = tuple(_paged(self.client, f"{project}/releases", {}, _release_info))
        return releases, releases != self.known.releases

    def head(self, project: str, repository: RepositoryInfo, *, refresh: bool) -> HeadFacts | None:
        if not refresh and self.known.head is not None:
            return self.known.head
        branch = repository.default_branch
        if not branch:
            return None  # an empty project has no default branch yet
        entries = _paged(self.client, f"{project}/repository/tree", {"ref": branch}, _tree_entry)
        return HeadFacts(
            branch=branch,
            tree_sha=None,
            metadata=self.metadata(project, entries),
            security_policy=any(e["path"].lower() == "security.md" for e in entries),
        )

    def tag_facts(
        self, project: str, tags: tuple[TagRef, ...]
    ) -> tuple[dict[str, TagFacts], list[str]]:
        """Facts for every tagged commit of interest: cached ones reused, the rest fetched."""
        facts: dict[str, TagFacts] = {}
        new: list[str] = []
        for tag in tags:
            if tag.sha in facts or not self._of_interest(tag):
                continue
            cached = self.known.tag_facts.get(tag.sha)
            if cached is not None and self.paths <= cached.paths_checked:
                facts[tag.sha] = cached
                continue
            try:
                facts[tag.sha] = self.fetch_tag(project, tag, cached)
            except RateLimited as error:
                error.partial_tags = {sha: facts[sha] for sha in new}
                raise
            new.append(tag.sha)
        return facts, new

    def _of_interest(self, tag: TagRef) -> bool:
        return self.tag_prefix is None or tag.name.startswith(self.tag_prefix)

    def fetch_tag(self, project: str, tag: TagRef, cached: TagFacts | None) -> TagFacts:
        """Fetch a tagged commit's tree: recursive only when paths of interest are asked for
        (GitLab pages trees by 100 entries; the root holds the metadata and license files)."""
        query: dict[str, Any] = {"ref": tag.sha}
        checked = self.paths | (cached.paths_checked if cached else frozenset())
        if checked:
            query["recursive"] = "true"
        entries = _paged(self.client, f"{project}/repository/tree", query, _tree_entry)
        present = present_paths((e["path"] for e in entries), checked)
        if cached is not None:
            return replace(cached, paths_checked=checked, paths_present=present)
        return TagFacts(
            commit_sha=tag.sha,
            commit_date=self.commit_date(project, tag.sha),
            tree_sha=None,
            metadata=self.metadata(project, entries),
            license=self.license(project, entries),
            paths_checked=checked,
            paths_present=present,
        )

    def metadata(self, project: str, entries: list[dict[str, Any]]) -> FileFacts | None:
        """The preferred metadata file at the root of a tree, its text fetched once per blob."""
        root = {e["path"]: e for e in entries if e["type"] == "blob" and "/" not in e["path"]}
        for path, kind in METADATA_FILES:
            entry = root.get(path)
            if entry is None:
                continue
            blob_sha = str(entry["id"])
            seen = self.files.get(blob_sha)
            if seen is not None and seen.kind == kind:
                return replace(seen, path=path)
            facts = FileFacts(
                path=path, blob_sha=blob_sha, kind=kind, text=self.blob_text(project, blob_sha)
            )
            self.files[blob_sha] = facts
            return facts
        return None

    def license(self, project: str, entries: list[dict[str, Any]]) -> FileFacts | None:
        """The license file at the root of a tree, its license detected from its text once."""
        entry = license_entry(entries)
        if entry is None:
            return None
        blob_sha = str(entry["id"])
        seen = self.files.get(blob_sha)
        if seen is not None and seen.kind == "license":
            return replace(seen, path=entry["path"])
        spdx = detect_license(self.blob_text(project, blob_sha))
        facts = FileFacts(path=entry["path"], blob_sha=blob_sha, kind="license", spdx_id=spdx)
        self.files[blob_sha] = facts
        return facts

    def blob_text(self, project: str, blob_sha: str) -> str:
        response = self.client.get(f"{project}/repository/blobs/{blob_sha}/raw")
        # Invalid UTF-8 stays visible (replacement characters) for the registry's validation.
        return response.content.decode("utf-8", errors="replace")


def _first_page_matches(
    first: _Page, known: tuple[TagRef, ...], releases: tuple[ReleaseInfo, ...]
) -> bool:
    """Whether the newest tags (with their releases' notes) and the total agree with the known
    tags and releases.

    Compared as sets: tags on one commit may come in any order. Without a total (GitLab omits
    it for very large lists) only a one-page list can be compared.
    """
    notes = {r.tag: r.notes for r in releases if not r.draft}
    listed = {_listed_signature(entry) for entry in first.items}
    total = first.total if first.total is not None else (None if first.next_page else len(listed))
    known_signatures = {(t.name, t.sha, t.name in notes, notes.get(t.name)) for t in known}
    return total == len(known) and listed <= known_signatures


def _listed_signature(entry: Any) -> tuple[str, str, bool, str | None] | None:
    tag = _tag_ref(entry)
    if tag is None:
        return None
    release = entry.get("release")
    if not isinstance(release, dict):
        return (tag.name, tag.sha, False, None)
    return (tag.name, tag.sha, True, release.get("description") or None)


def _signature(tags: Iterable[TagRef]) -> frozenset[tuple[str, str]]:
    return frozenset((tag.name, tag.sha) for tag in tags)


def _repository_info(data: Any) -> RepositoryInfo:
    if not isinstance(data, dict) or "path_with_namespace" not in data or "id" not in data:
        raise UnexpectedResponse("project answer without id or path_with_namespace")
    license_data = data.get("license") or {}
    return RepositoryInfo(
        id=int(data["id"]),
        full_name=str(data["path_with_namespace"]),
        default_branch=str(data.get("default_branch") or ""),
        archived=bool(data.get("archived")),
        license_spdx=spdx_of_gitlab_key(license_data.get("key")),
        html_url=str(data.get("web_url") or ""),
        description=data.get("description") or None,
        # GitLab has no pushed_at; last_activity_at moves on pushes (at most hourly).
        pushed_at=_parse_time(data.get("last_activity_at")),
    )


def _tag_ref(entry: Any) -> TagRef | None:
    # An annotated tag's "target" is the tag object; "commit.id" is always the commit.
    if not isinstance(entry, dict) or not isinstance(entry.get("commit"), dict):
        return None
    return TagRef(name=str(entry["name"]), sha=str(entry["commit"]["id"]))


def _release_info(entry: Any) -> ReleaseInfo | None:
    # GitLab has no prerelease flag (versions say it) and no drafts; an upcoming release
    # (released_at in the future) is not out yet and is kept like a draft.
    if not isinstance(entry, dict) or "tag_name" not in entry:
        return None
    return ReleaseInfo(
        tag=str(entry["tag_name"]),
        title=entry.get("name") or None,
        notes=entry.get("description") or None,
        prerelease=False,
        published_at=_parse_time(entry.get("released_at") or entry.get("created_at")),
        draft=bool(entry.get("upcoming_release")),
    )


def _tree_entry(entry: Any) -> dict[str, Any] | None:
    if not isinstance(entry, dict) or "path" not in entry or "id" not in entry:
        return None
    return {"path": str(entry["path"]), "id": str(entry["id"]), "type": str(entry.get("type"))}


__all__ = ["DEFAULT_API_URL", "GitLabCrawler", "base_url"]
