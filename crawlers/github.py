"""The GitHub crawler: PyGithub's requester against a configurable API URL.

Why the requester and not PyGithub's objects: the objects cannot send ``If-None-Match`` and
fetch more than needed (a ``Repository`` completes itself, ``get_contents`` tries paths one by
one). ``Requester.requestJson`` sends exactly one request with our headers and hands back the
status, so conditional requests, 304s and every fault are handled here, and counted.

Cost per repository (the README's speed targets):
- unchanged: ``GET /repos/{r}`` and ``GET .../releases``, both answered 304;
- changed or first crawl: the repository, the tag pages, the release pages, the root tree of
  the default branch; then per new tagged commit its tree and its commit (date), plus one
  request per metadata or license file whose blob SHA was never seen;
- with ``sources`` (a host repository): one request per query document and per CHANGELOG whose
  blob SHA was never seen (their paths and SHAs come from trees fetched anyway).
Tags are skipped when the repository answers 304: pushing or deleting a tag updates the
repository's ``pushed_at`` and thus its ETag. Releases are asked every time because editing a
release (notes, prerelease flag) does not touch the repository.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast
from urllib.parse import quote

import requests
from github import Auth, Github

from crawlers.appsource import SourceRules, parse_changelog, root_operations, union
from crawlers.base import (
    LICENSE_FILE_STEMS,
    METADATA_FILES,
    CrawlerSettings,
    CrawlStats,
    DailyFacts,
    FileBundle,
    FileFacts,
    HeadFacts,
    KnownState,
    ReleaseInfo,
    RepositoryAdvisory,
    RepositoryInfo,
    RepositorySnapshot,
    TagFacts,
    TagRef,
    license_entry,
    license_spdx_or_none,
    normalize_paths,
    present_paths,
)
from crawlers.errors import (
    AccessDenied,
    BadCredentials,
    CrawlError,
    RateLimited,
    RepositoryGone,
    TransientError,
    UnexpectedResponse,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

# GitHub's secondary limits and 429s without a reset header: wait a minute (GitHub's advice).
DEFAULT_RATE_LIMIT_WAIT = timedelta(seconds=60)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class _Response:
    status: int
    headers: Mapping[str, str]
    data: Any

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def has_next_page(self) -> bool:
        return 'rel="next"' in self.headers.get("link", "")


class _Counter:
    """Mutable tally of one crawl; frozen into :class:`CrawlStats` at the end."""

    def __init__(self) -> None:
        self.requests = 0
        self.not_modified = 0
        self.points = 0
        self.retries = 0
        self.redirects = 0
        self.remaining: int | None = None

    def freeze(self) -> CrawlStats:
        return CrawlStats(
            requests=self.requests,
            not_modified=self.not_modified,
            rate_limit_points=self.points,
            retries=self.retries,
            redirects=self.redirects,
            rate_limit_remaining=self.remaining,
        )


class _Client:
    """One crawl's HTTP side: retries, status mapping, counting. Stateless across crawls."""

    def __init__(
        self,
        github: Github,
        *,
        settings: CrawlerSettings,
        counter: _Counter,
        repository: str,
        sleep: Callable[[float], None],
        clock: Callable[[], datetime],
    ) -> None:
        self._requester = github.requester
        self._settings = settings
        self._counter = counter
        self._sleep = sleep
        self._clock = clock
        self.repository = repository

    def note_redirect(self, new_name: str) -> None:
        """PyGithub followed a 301 itself; the redirect was still one (paid) request."""
        self.repository = new_name
        self._counter.redirects += 1
        self._counter.requests += 1
        self._counter.points += 1

    def stats(self) -> CrawlStats:
        """What this crawl has cost so far."""
        return self._counter.freeze()

    def get(self, url: str, *, etag: str | None = None, allow: Iterable[int] = ()) -> _Response:
        """GET ``url`` (relative to the API URL); statuses in ``allow`` are returned, not raised."""
        headers = {"Accept": "application/vnd.github+json"}
        if etag:
            headers["If-None-Match"] = etag
        policy = self._settings.retry
        for attempt in range(1, policy.attempts + 1):
            response = self._attempt(url, headers, attempt)
            if response is not None:
                return self._check(url, response, frozenset(allow))
            self._counter.retries += 1
            self._sleep(policy.delay(attempt))
        raise TransientError(
            f"{url} failed {policy.attempts} times (5xx or timeout)",
            attempts=policy.attempts,
            repository=self.repository,
            url=url,
        )

    def _attempt(self, url: str, headers: dict[str, str], attempt: int) -> _Response | None:
        """One request; ``None`` when it failed in a way worth retrying."""
        self._counter.requests += 1
        try:
            status, raw_headers, body = self._requester.requestJson(
                "GET", url, headers=dict(headers)
            )
        except (requests.Timeout, requests.ConnectionError) as error:
            logger.warning("%s: attempt %d: %s", url, attempt, type(error).__name__)
            if attempt == self._settings.retry.attempts:
                raise TransientError(
                    f"{url}: {type(error).__name__} after {attempt} attempts",
                    attempts=attempt,
                    repository=self.repository,
                    url=url,
                ) from error
            return None
        response_headers = {k.lower(): str(v) for k, v in raw_headers.items()}
        self._count(status, response_headers)
        if status >= 500:
            logger.warning("%s: attempt %d: HTTP %d", url, attempt, status)
            if attempt == self._settings.retry.attempts:
                raise TransientError(
                    f"{url}: HTTP {status} after {attempt} attempts",
                    attempts=attempt,
                    repository=self.repository,
                    url=url,
                    status=status,
                )
            return None
        return _Response(status, response_headers, body)

    def _count(self, status: int, headers: Mapping[str, str]) -> None:
        # A conditional request answered 304 is free on GitHub; everything else costs a point.
        if status == 304:
            self._counter.not_modified += 1
        else:
            self._counter.points += 1
        remaining = headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.strip().lstrip("-").isdigit():
            self._counter.remaining = int(remaining)

    def _check(self, url: str, response: _Response, allow: frozenset[int]) -> _Response:
        status = response.status
        if status in allow or status == 304:
            return response
        if status in (403, 429):
            self._raise_for_forbidden(url, response)
        if status == 401:
            raise BadCredentials(
                "GitHub rejected the token (401 Bad credentials): check the configured token "
                "(SVA_REGISTRY_GITHUB_TOKEN): expired, revoked or mistyped?",
                repository=self.repository,
                url=url,
                status=status,
            )
        if status in (404, 410, 451):
            raise RepositoryGone(
                f"{self.repository} is gone ({status} on {url})",
                repository=self.repository,
                url=url,
                status=status,
            )
        if status >= 300:
            raise UnexpectedResponse(
                f"{url} answered {status}", repository=self.repository, url=url, status=status
            )
        return replace(response, data=self._json(url, response.data))

    def _json(self, url: str, body: Any) -> Any:
        try:
            return json.loads(body) if body else None
        except ValueError as error:
            raise UnexpectedResponse(
                f"{url} answered malformed JSON: {error}", repository=self.repository, url=url
            ) from error

    def _raise_for_forbidden(self, url: str, response: _Response) -> None:
        reset_at = self._reset_at(response)
        if reset_at is None:
            raise AccessDenied(
                f"{url} answered {response.status} (no rate limit): {_message(response.data)}",
                repository=self.repository,
                url=url,
                status=response.status,
            )
        raise RateLimited(
            f"GitHub rate limit reached on {url}; resume after {reset_at.isoformat()}",
            reset_at=reset_at,
            repository=self.repository,
            url=url,
            status=response.status,
        )

    def _reset_at(self, response: _Response) -> datetime | None:
        """When a rate-limited request may be retried; ``None`` if the 403 is no rate limit."""
        headers = response.headers
        now = self._clock()
        retry_after = headers.get("retry-after", "").strip()
        if retry_after.isdigit():
            return now + timedelta(seconds=int(retry_after))
        exhausted = headers.get("x-ratelimit-remaining", "").strip() == "0"
        reset = headers.get("x-ratelimit-reset", "").strip()
        if exhausted and reset.isdigit():
            return datetime.fromtimestamp(int(reset), UTC)
        if response.status == 429 or exhausted or "rate limit" in _message(response.data).lower():
            return now + DEFAULT_RATE_LIMIT_WAIT
        return None


def _message(body: Any) -> str:
    if isinstance(body, str):
        text = body
        try:
            body = json.loads(text)
        except ValueError:
            return text[:200]
    if isinstance(body, dict):
        return str(body.get("message", ""))
    return ""


class GitHubCrawler:
    """Crawls GitHub repositories into :class:`RepositorySnapshot` objects.

    One crawl at a time per instance (it holds one HTTP connection); use one instance per
    thread. ``sleep`` and ``clock`` are injectable so tests run retries and rate limits
    without waiting.
    """

    #: ``crawl`` takes ``daily_since`` (activity and security advisories).
    supports_daily = True

    def __init__(
        self,
        settings: CrawlerSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.settings = settings or CrawlerSettings()
        self._sleep = sleep
        self._clock = clock
        self._github = Github(
            auth=Auth.Token(self.settings.token) if self.settings.token else None,
            base_url=self.settings.api_url.rstrip("/"),
            timeout=self.settings.timeout,
            user_agent=self.settings.user_agent,
            per_page=self.settings.per_page,
            # Retries are ours (counted, with the configured backoff); none hidden in urllib3.
            retry=None,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._github.close()

    def tag_refs(self, full_name: str) -> tuple[TagRef, ...]:
        """Every tag of ``full_name`` and its commit (for checking a mirror); 1 request a page."""
        client = _Client(
            self._github,
            settings=self.settings,
            counter=_Counter(),
            repository=full_name,
            sleep=self._sleep,
            clock=self._clock,
        )
        run = _Crawl(
            client=client,
            settings=self.settings,
            known=KnownState(),
            paths=frozenset(),
            tag_prefix=None,
        )
        return run.paged(f"/repos/{full_name}/tags", None, _tag_ref)

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
        """Crawl ``full_name`` ("owner/name") given what the caller ``known``s from before.

        ``paths_of_interest`` are checked in the tree of every tag of interest (tags starting
        with ``tag_prefix``, or all). With ``daily_since`` the daily facts are fetched too (the
        newest default-branch commit since then, the published security advisories; both
        conditional); the caller asks for them at most once a day. ``sources`` also reads the
        GraphQL operations of each new tag and the default branch's CHANGELOG. Raises
        :class:`~crawlers.errors.CrawlError` subclasses.
        """
        run = _Crawl(
            client=_Client(
                self._github,
                settings=self.settings,
                counter=_Counter(),
                repository=full_name,
                sleep=self._sleep,
                clock=self._clock,
            ),
            settings=self.settings,
            known=known or KnownState(),
            paths=normalize_paths(paths_of_interest),
            tag_prefix=tag_prefix,
            sources=sources,
        )
        return run.execute(full_name, self._clock(), daily_since)

    def fetch_files(
        self,
        full_name: str,
        commit: str,
        paths: Iterable[str],
        known: Mapping[str, FileFacts] | None = None,
    ) -> FileBundle:
        """The text files at ``paths`` in the tree of ``commit`` (e.g. the guides a release's
        ``sva-module.yml`` names): one request for the tree, one per blob not in ``known``
        (by blob SHA). Raises :class:`~crawlers.errors.CrawlError` subclasses."""
        client = _Client(
            self._github,
            settings=self.settings,
            counter=_Counter(),
            repository=full_name,
            sleep=self._sleep,
            clock=self._clock,
        )
        run = _Crawl(client, self.settings, KnownState(files=dict(known or {})), frozenset(), None)
        url = f"/repos/{full_name}/git/trees/{quote(commit, safe='')}?recursive=1"
        blobs = {
            e["path"]: str(e["sha"])
            for e in _tree_entries(url, client.get(url).data)
            if e.get("type") == "blob"
        }
        files: dict[str, FileFacts | None] = {}
        for path in paths:
            sha = blobs.get(path)
            seen = run.files.get(sha) if sha else None
            if sha is None:
                files[path] = None
            elif seen is not None and seen.text is not None:
                files[path] = replace(seen, path=path, kind="document")
            else:
                facts = FileFacts(path, sha, "document", text=run.blob_text(full_name, sha))
                run.files[sha] = files[path] = facts
        return FileBundle(commit, files, client.stats())


class _Crawl:
    """One crawl of one repository (keeps the small steps of ``crawl`` apart)."""

    def __init__(
        self,
        client: _Client,
        settings: CrawlerSettings,
        known: KnownState,
        paths: frozenset[str],
        tag_prefix: str | None,
        *,
        sources: SourceRules | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.known = known
        self.paths = paths
        self.tag_prefix = tag_prefix
        self.sources = sources
        self.etags: dict[str, str] = dict(known.etags)
        self.files: dict[str, FileFacts] = known.known_files()
        self.read: dict[str, FileFacts] = {}  # query documents fetched in this crawl

    def execute(
        self, full_name: str, started: datetime, daily_since: datetime | None = None
    ) -> RepositorySnapshot:
        repository, repository_changed = self.repository(full_name)
        renamed_from = None
        if repository.full_name.lower() != full_name.lower():
            renamed_from = full_name
            self.client.note_redirect(repository.full_name)
            self._forget_etags(full_name, repository.full_name)
            logger.info("%s was renamed to %s", full_name, repository.full_name)
        name = repository.full_name
        tags, tags_changed = self.tags(name, refresh=repository_changed or renamed_from is not None)
        releases, releases_changed = self.releases(name)
        head = self.head(name, repository, refresh=repository_changed)
        facts, new = self.tag_facts(name, tags)
        daily = self.known.daily
        if daily_since is not None:
            daily = self.daily(name, repository, daily_since, started)
        return RepositorySnapshot(
            requested_name=full_name,
            repository=repository,
            tags=tags,
            listed_releases=releases,
            tag_facts=facts,
            etags=self.etags,
            stats=self.client.stats(),
            fetched_at=started,
            renamed_from=renamed_from,
            head=head,
            new_tag_facts=frozenset(new),
            repository_changed=repository_changed,
            tags_changed=tags_changed,
            releases_changed=releases_changed,
            daily=daily,
            files=self.read,
        )

    def _forget_etags(self, old_name: str, new_name: str) -> None:
        # URLs under the old name will not be asked again: keep only the repository's own ETag,
        # moved to the new name (it validates the answer we just got).
        old = f"/repos/{old_name}".lower()
        etag = self.etags.get(f"/repos/{old_name}")
        for url in [u for u in self.etags if u.lower() == old or u.lower().startswith(old + "/")]:
            del self.etags[url]
        if etag:
            self.etags[f"/repos/{new_name}"] = etag

    def _etag_for(self, url: str, cached: object) -> str | None:
        # Only ask "changed?" when we can answer "no" from what the caller passed in.
        return self.etags.get(url) if cached is not None else None

    def _remember(self, url: str, response: _Response) -> None:
        etag = response.headers.get("etag")
        if etag:
            self.etags[url] = etag

    def repository(self, full_name: str) -> tuple[RepositoryInfo, bool]:
        url = f"/repos/{full_name}"
        response = self.client.get(url, etag=self._etag_for(url, self.known.repository))
        if response.not_modified and self.known.repository is not None:
            return self.known.repository, False
        self._remember(url, response)
        info = _repository_info(response.data)
        return info, info != self.known.repository

    def tags(self, name: str, *, refresh: bool) -> tuple[tuple[TagRef, ...], bool]:
        if not refresh and self.known.tags is not None:
            return self.known.tags, False
        tags = self.paged(f"/repos/{name}/tags", self.known.tags, _tag_ref)
        return tags, tags != self.known.tags

    def releases(self, name: str) -> tuple[tuple[ReleaseInfo, ...], bool]:
        # GitHub lists releases newest first, so a new one always changes the first page; an
        # unchanged first page stands for the whole list (edits beyond the newest 100 releases
        # wait for the next change on the first page).
        releases = self.paged(
            f"/repos/{name}/releases", self.known.releases, _release_info, newest_first=True
        )
        return releases, releases != self.known.releases

    def paged(
        self,
        path: str,
        cached: tuple[T, ...] | None,
        parse: Callable[[Any], T | None],
        *,
        newest_first: bool = False,
        query: str = "",
    ) -> tuple[T, ...]:
        """Every item of a paginated list, each page asked conditionally.

        A page answered 304 is taken from ``cached`` (same ``per_page``, same order, one item
        per listed entry); pages are addressed by number so their ETag keys stay stable
        between crawls. ``newest_first``: an unchanged first page means an unchanged list.
        """
        per_page = self.settings.per_page
        items: list[T] = []
        page = 1
        while True:
            url = f"{path}?{query + '&' if query else ''}per_page={per_page}" + (
                f"&page={page}" if page > 1 else ""
            )
            start = (page - 1) * per_page
            cached_page = cached[start : start + per_page] if cached is not None else None
            response = self.client.get(url, etag=self._etag_for(url, cached_page))
            if response.not_modified and cached is not None:
                if newest_first and page == 1:
                    return cached
                items.extend(cast(tuple[T, ...], cached_page))
                more = len(cached) > start + per_page
            else:
                self._remember(url, response)
                parsed = (parse(entry) for entry in _as_list(url, response.data))
                items.extend(item for item in parsed if item is not None)
                more = response.has_next_page
            if not more:
                return tuple(items)
            page += 1

    def head(self, name: str, repository: RepositoryInfo, *, refresh: bool) -> HeadFacts | None:
        if not refresh and self.known.head is not None and self._head_complete(self.known.head):
            return self.known.head
        branch = repository.default_branch
        url = f"/repos/{name}/git/trees/{quote(branch, safe='')}"
        known_head = (
            self.known.head if self.known.head and self.known.head.branch == branch else None
        )
        # 409: an empty repository has no tree yet.
        if known_head is not None and not self._head_complete(known_head):
            known_head = None  # asked for the CHANGELOG now: the tree must be read again
        response = self.client.get(url, etag=self._etag_for(url, known_head), allow=(409,))
        if response.not_modified and known_head is not None:
            return known_head
        if response.status == 409:
            return None
        self._remember(url, response)
        entries = _tree_entries(url, response.data)
        return HeadFacts(
            branch=branch,
            tree_sha=response.data.get("sha"),
            metadata=self.metadata(name, entries),
            security_policy=any(e["path"].lower() == "security.md" for e in entries),
            changelog=self.changelog(name, entries) if self.sources else None,
            changelog_checked=self.sources is not None,
        )

    def daily(
        self, name: str, repository: RepositoryInfo, since: datetime, now: datetime
    ) -> DailyFacts:
        """The daily facts: two conditional requests, both 304 when nothing changed."""
        known = self.known.daily
        try:
            advisories = self.paged(
                f"/repos/{name}/security-advisories",
                known.advisories if known else None,
                _repository_advisory,
                newest_first=True,
                query="state=published",
            )
        except (RepositoryGone, AccessDenied) as error:
            # The repository answered just before: this list alone is unavailable (advisories
            # switched off, or not readable with this token). It has none we can read.
            logger.info("%s: no security advisories readable: %s", name, error.message)
            advisories = ()
        return DailyFacts(
            fetched_at=now,
            since=since,
            last_commit_at=self.last_commit(name, repository, since),
            advisories=advisories,
        )

    def last_commit(
        self, name: str, repository: RepositoryInfo, since: datetime
    ) -> datetime | None:
        """The date of the newest default-branch commit since ``since`` (None: none since)."""
        branch = quote(repository.default_branch, safe="")
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        url = f"/repos/{name}/commits?sha={branch}&since={stamp}&per_page=1"
        # Keyed without ``since`` (it moves daily): the answer is the newest commit, so its
        # ETag stays the same, and the request answers 304, until someone pushes.
        key = f"/repos/{name}/commits?sha={branch}&per_page=1"
        known = self.known.daily
        cached = known.last_commit_at if known and known.last_commit_at else None
        response = self.client.get(url, etag=self._etag_for(key, cached))
        if response.not_modified and cached is not None and cached >= since:
            return cached
        if response.not_modified:
            return None
        self._remember(key, response)
        commits = _as_list(url, response.data)
        return _commit_time(commits[0]) if commits else None

    def _head_complete(self, head: HeadFacts) -> bool:
        # Head facts read without ``sources`` were never searched for a CHANGELOG.
        return self.sources is None or head.changelog_checked

    def changelog(self, name: str, entries: list[dict[str, Any]]) -> FileFacts | None:
        """The CHANGELOG at the root of a tree, parsed, its text fetched once per blob."""
        assert self.sources is not None
        path = self.sources.changelog
        entry = next((e for e in entries if e["path"] == path and e.get("type") == "blob"), None)
        if entry is None:
            return None
        blob_sha = str(entry["sha"])
        seen = self.files.get(blob_sha)
        if seen is not None and seen.kind == "changelog":
            return seen
        versions = parse_changelog(self.blob_text(name, blob_sha))
        facts = FileFacts(path=path, blob_sha=blob_sha, kind="changelog", changelog=versions)
        self.files[blob_sha] = facts
        return facts

    def operations(self, name: str, entries: list[dict[str, Any]]) -> tuple[str, ...]:
        """The GraphQL root fields the query documents of a tree send; each document is
        fetched once per blob SHA ever (an unchanged file is never fetched again)."""
        assert self.sources is not None
        found = []
        for entry in entries:
            if entry.get("type") != "blob" or not self.sources.reads(entry["path"]):
                continue
            blob_sha = str(entry["sha"])
            seen = self.files.get(blob_sha)
            if seen is None or seen.operations is None:
                operations, problems = root_operations(
                    self.blob_text(name, blob_sha), entry["path"]
                )
                for problem in problems:
                    logger.warning("%s: %s", name, problem)
                seen = FileFacts(
                    path=entry["path"],
                    blob_sha=blob_sha,
                    kind="graphql",
                    operations=tuple(sorted(operations)),
                )
                self.files[blob_sha] = self.read[blob_sha] = seen
            found.append(frozenset(seen.operations or ()))
        return union(found)

    def tag_facts(
        self, name: str, tags: tuple[TagRef, ...]
    ) -> tuple[dict[str, TagFacts], list[str]]:
        """Facts for every tagged commit of interest: cached ones reused, the rest fetched."""
        facts: dict[str, TagFacts] = {}
        new: list[str] = []
        for tag in tags:
            if tag.sha in facts or not self._of_interest(tag):
                continue
            cached = self.known.tag_facts.get(tag.sha)
            if (
                cached is not None
                and self.paths <= cached.paths_checked
                and (self.sources is None or cached.operations is not None)
            ):
                facts[tag.sha] = cached
                continue
            try:
                facts[tag.sha] = self.fetch_tag(name, tag, cached)
            except RateLimited as error:
                error.partial_tags = {sha: facts[sha] for sha in new}
                raise
            new.append(tag.sha)
        return facts, new

    def _of_interest(self, tag: TagRef) -> bool:
        return self.tag_prefix is None or tag.name.startswith(self.tag_prefix)

    def fetch_tag(self, name: str, tag: TagRef, cached: TagFacts | None) -> TagFacts:
        """Fetch the immutable facts of a tagged commit (only its tree if the rest is cached)."""
        url = f"/repos/{name}/git/trees/{tag.sha}?recursive=1"
        tree = self.client.get(url).data
        entries = _tree_entries(url, tree)
        truncated = bool(tree.get("truncated"))
        if truncated:
            logger.warning("%s: tree of %s is truncated; path checks may miss", name, tag.name)
        checked = self.paths | (cached.paths_checked if cached else frozenset())
        present = present_paths((e["path"] for e in entries), checked)
        operations = self.operations(name, entries) if self.sources else None
        if cached is not None:
            return replace(
                cached,
                paths_checked=checked,
                paths_present=present,
                operations=operations if operations is not None else cached.operations,
            )
        return TagFacts(
            commit_sha=tag.sha,
            commit_date=self.commit_date(name, tag.sha),
            tree_sha=tree.get("sha"),
            metadata=self.metadata(name, entries),
            license=self.license(name, tag, entries),
            paths_checked=checked,
            paths_present=present,
            truncated=truncated,
            operations=operations,
        )

    def commit_date(self, name: str, sha: str) -> datetime | None:
        return _commit_time(self.client.get(f"/repos/{name}/commits/{sha}").data)

    def metadata(self, name: str, entries: list[dict[str, Any]]) -> FileFacts | None:
        """The preferred metadata file at the root of a tree, its text fetched once per blob."""
        root = {e["path"]: e for e in entries if e.get("type") == "blob" and "/" not in e["path"]}
        for path, kind in METADATA_FILES:
            entry = root.get(path)
            if entry is None:
                continue
            blob_sha = str(entry["sha"])
            seen = self.files.get(blob_sha)
            if seen is not None and seen.kind == kind:
                return replace(seen, path=path)
            text = self.blob_text(name, blob_sha)
            facts = FileFacts(path=path, blob_sha=blob_sha, kind=kind, text=text)
            self.files[blob_sha] = facts
            return facts
        return None

    def blob_text(self, name: str, blob_sha: str) -> str:
        url = f"/repos/{name}/git/blobs/{blob_sha}"
        data = self.client.get(url).data
        if not isinstance(data, dict):
            raise UnexpectedResponse(f"{url} answered no blob", repository=name, url=url)
        content = str(data.get("content") or "")
        try:
            raw = (
                base64.b64decode(content) if data.get("encoding") == "base64" else content.encode()
            )
        except (binascii.Error, ValueError) as error:
            raise UnexpectedResponse(
                f"{url}: undecodable blob: {error}", repository=name, url=url
            ) from error
        # Invalid UTF-8 stays visible (replacement characters) for the registry's validation.
        return str(raw.decode("utf-8", errors="replace"))

    def license(self, name: str, tag: TagRef, entries: list[dict[str, Any]]) -> FileFacts | None:
        """The license file at the root of a tree with GitHub's detected SPDX id, once per blob."""
        entry = license_entry(entries)
        if entry is None:
            return None
        blob_sha = str(entry["sha"])
        seen = self.files.get(blob_sha)
        if seen is not None and seen.kind == "license":
            return replace(seen, path=entry["path"])
        url = f"/repos/{name}/license?ref={quote(tag.name, safe='')}"
        response = self.client.get(url, allow=(404,))
        spdx = None
        if response.status != 404 and isinstance(response.data, dict):
            detected = response.data.get("license") or {}
            spdx = license_spdx_or_none(detected.get("spdx_id"))
        facts = FileFacts(path=entry["path"], blob_sha=blob_sha, kind="license", spdx_id=spdx)
        self.files[blob_sha] = facts
        return facts


def _as_list(url: str, data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise UnexpectedResponse(f"{url} answered {type(data).__name__}, expected a list", url=url)
    return data


def _tree_entries(url: str, data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("tree"), list):
        raise UnexpectedResponse(f"{url} answered no tree", url=url)
    return [e for e in data["tree"] if isinstance(e, dict) and "path" in e]


def _repository_info(data: Any) -> RepositoryInfo:
    if not isinstance(data, dict) or "full_name" not in data:
        raise UnexpectedResponse("repository answer without full_name")
    license_data = data.get("license") or {}
    return RepositoryInfo(
        id=int(data.get("id") or 0),
        full_name=str(data["full_name"]),
        default_branch=str(data.get("default_branch") or "main"),
        archived=bool(data.get("archived")),
        license_spdx=license_spdx_or_none(license_data.get("spdx_id")),
        html_url=str(data.get("html_url") or ""),
        description=data.get("description"),
        pushed_at=_parse_time(data.get("pushed_at")),
    )


def _tag_ref(entry: Any) -> TagRef | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("commit"), dict):
        return None
    return TagRef(name=str(entry["name"]), sha=str(entry["commit"]["sha"]))


def _repository_advisory(entry: Any) -> RepositoryAdvisory | None:
    if not isinstance(entry, dict) or not entry.get("ghsa_id"):
        return None
    return RepositoryAdvisory.from_dict(entry)


def _commit_time(entry: Any) -> datetime | None:
    commit = entry.get("commit") if isinstance(entry, dict) else None
    if not isinstance(commit, dict):
        return None
    for who in ("committer", "author"):
        person = commit.get(who)
        if isinstance(person, dict) and person.get("date"):
            return _parse_time(person["date"])
    return None


def _release_info(entry: Any) -> ReleaseInfo | None:
    # Drafts are kept in the listing (so cached pages line up) and left out of
    # RepositorySnapshot.releases: they are no release of the module (yet).
    if not isinstance(entry, dict):
        return None
    return ReleaseInfo(
        tag=str(entry["tag_name"]),
        title=entry.get("name") or None,
        notes=entry.get("body") or None,
        prerelease=bool(entry.get("prerelease")),
        published_at=_parse_time(entry.get("published_at")),
        draft=bool(entry.get("draft")),
    )


def plain_crawl(settings: CrawlerSettings, full_name: str) -> int:
    """Crawl ``full_name`` the plain PyGithub way, without ETags or caches; return the tag count.

    The benchmark's baseline: what the same facts cost through PyGithub's objects.
    Per tag: its commit (date), its tree, and each metadata/license file it contains.
    """
    github = Github(
        auth=Auth.Token(settings.token) if settings.token else None,
        base_url=settings.api_url.rstrip("/"),
        timeout=settings.timeout,
        per_page=settings.per_page,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    try:
        repo = github.get_repo(full_name)
        tags = list(repo.get_tags())
        releases = [release for release in repo.get_releases() if not release.draft]
        logger.debug("%s: %d releases", full_name, len(releases))
        wanted = {name for name, _ in METADATA_FILES}
        for tag in tags:
            logger.debug("%s %s: %s", full_name, tag.name, tag.commit.commit.committer.date)
            tree = repo.get_git_tree(tag.commit.sha, recursive=True)
            for element in tree.tree:
                root_file = element.type == "blob" and "/" not in element.path
                is_license = element.path.lower().split(".")[0] in LICENSE_FILE_STEMS
                if root_file and (element.path in wanted or is_license):
                    repo.get_contents(element.path, ref=tag.name)
        return len(tags)
    finally:
        github.close()


__all__ = ["CrawlError", "GitHubCrawler", "plain_crawl"]
