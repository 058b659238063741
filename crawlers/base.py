"""Plain data a crawler takes and returns, and the protocol every forge crawler follows.

A crawler never touches the database: the caller passes in what it already knows about a
repository (:class:`KnownState`) and gets back a :class:`RepositorySnapshot` with the current
picture plus what to remember for next time (ETags, per-tag facts). Every class here is a frozen
dataclass that round-trips through ``to_dict``/``from_dict`` so the caller can store it as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from crawlers.appsource import ChangelogVersion, SourceRules

FileKind = Literal[
    "sva-module", "publiccode", "studio-manifest", "license", "graphql", "changelog", "document"
]

# Order is preference: the registry's own format first, then the two formats it imports.
METADATA_FILES: tuple[tuple[str, FileKind], ...] = (
    ("sva-module.yml", "sva-module"),
    ("sva-module.yaml", "sva-module"),
    ("publiccode.yml", "publiccode"),
    ("publiccode.yaml", "publiccode"),
    ("plugin.manifest.json", "studio-manifest"),
)

# Root file names GitHub's licensee considers license files (compared case-insensitively,
# with any extension); LICENSE first because GitHub prefers it when several exist.
LICENSE_FILE_STEMS: tuple[str, ...] = ("license", "licence", "copying", "unlicense")

# GitHub answers "NOASSERTION" (or "other") when it sees a license file it cannot identify;
# the registry records those as unknown, never as a license id.
UNKNOWN_SPDX_IDS = frozenset({"NOASSERTION", "OTHER", ""})


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a request is retried on 5xx answers and timeouts."""

    attempts: int = 3
    backoff: float = 1.0
    multiplier: float = 2.0
    max_backoff: float = 30.0

    def delay(self, failed_attempts: int) -> float:
        """Seconds to wait after ``failed_attempts`` (1, 2, ...) failed attempts."""
        return min(self.max_backoff, self.backoff * self.multiplier ** (failed_attempts - 1))


@dataclass(frozen=True)
class CrawlerSettings:
    """Where and how a crawler talks to its forge."""

    api_url: str = "https://api.github.com"
    token: str | None = None
    # Whole seconds: PyGithub asserts an int timeout.
    timeout: int = 15
    per_page: int = 100
    user_agent: str = "sva-registry-crawler"
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True)
class RepositoryInfo:
    """The repository as the forge describes it now (default branch, archived, license)."""

    id: int
    full_name: str
    default_branch: str
    archived: bool
    license_spdx: str | None
    html_url: str
    description: str | None = None
    pushed_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the repository info as JSON-ready data."""
        return {
            "id": self.id,
            "full_name": self.full_name,
            "default_branch": self.default_branch,
            "archived": self.archived,
            "license_spdx": self.license_spdx,
            "html_url": self.html_url,
            "description": self.description,
            "pushed_at": _iso(self.pushed_at),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RepositoryInfo:
        """Rebuild repository info from :meth:`to_dict` output."""
        return cls(
            id=int(data["id"]),
            full_name=str(data["full_name"]),
            default_branch=str(data["default_branch"]),
            archived=bool(data["archived"]),
            license_spdx=data.get("license_spdx"),
            html_url=str(data["html_url"]),
            description=data.get("description"),
            pushed_at=_dt(data.get("pushed_at")),
        )


@dataclass(frozen=True)
class TagRef:
    """A raw tag name and the commit it points to (normalizing to versions is the registry's)."""

    name: str
    sha: str

    def to_dict(self) -> dict[str, Any]:
        """Return the tag as JSON-ready data."""
        return {"name": self.name, "sha": self.sha}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TagRef:
        """Rebuild a tag from :meth:`to_dict` output."""
        return cls(name=str(data["name"]), sha=str(data["sha"]))


@dataclass(frozen=True)
class ReleaseInfo:
    """A release as listed: its tag, title, notes, prerelease and draft flags."""

    tag: str
    title: str | None
    notes: str | None
    prerelease: bool
    published_at: datetime | None = None
    draft: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the release as JSON-ready data."""
        return {
            "tag": self.tag,
            "title": self.title,
            "notes": self.notes,
            "prerelease": self.prerelease,
            "published_at": _iso(self.published_at),
            "draft": self.draft,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReleaseInfo:
        """Rebuild a release from :meth:`to_dict` output."""
        return cls(
            tag=str(data["tag"]),
            title=data.get("title"),
            notes=data.get("notes"),
            prerelease=bool(data["prerelease"]),
            published_at=_dt(data.get("published_at")),
            draft=bool(data.get("draft", False)),
        )


@dataclass(frozen=True)
class FileBundle:
    """Files read at one commit by path (``None``: not there), and what reading them cost."""

    commit: str
    files: Mapping[str, FileFacts | None]
    stats: CrawlStats


@dataclass(frozen=True)
class FileFacts:
    """A metadata or license file as found at some commit, identified by its blob SHA.

    ``text`` is the raw text of a metadata file, returned as is (validation happens in the
    registry); ``spdx_id`` is the detected license of a license file (``None``: unknown);
    ``operations`` the GraphQL root fields a query document sends; ``changelog`` the versions
    of a CHANGELOG (both read in ``crawlers.appsource``, so their texts need not be kept).
    """

    path: str
    blob_sha: str
    kind: FileKind
    text: str | None = None
    spdx_id: str | None = None
    operations: tuple[str, ...] | None = None
    changelog: tuple[ChangelogVersion, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the file facts as JSON-ready data."""
        return {
            "path": self.path,
            "blob_sha": self.blob_sha,
            "kind": self.kind,
            "text": self.text,
            "spdx_id": self.spdx_id,
            **({} if self.operations is None else {"operations": list(self.operations)}),
            **(
                {}
                if self.changelog is None
                else {"changelog": [v.to_dict() for v in self.changelog]}
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FileFacts:
        """Rebuild file facts from :meth:`to_dict` output."""
        return cls(
            path=str(data["path"]),
            blob_sha=str(data["blob_sha"]),
            kind=data["kind"],
            text=data.get("text"),
            spdx_id=data.get("spdx_id"),
            operations=None if data.get("operations") is None else tuple(data["operations"]),
            changelog=None
            if data.get("changelog") is None
            else tuple(ChangelogVersion.from_dict(v) for v in data["changelog"]),
        )


@dataclass(frozen=True)
class TagFacts:
    """What is true of one tagged commit forever: date, metadata, license, paths of interest.

    ``paths_checked`` are the paths of interest this commit's tree was checked for;
    ``paths_present`` the subset that exists (as a file or as a directory); ``operations`` the
    GraphQL root fields its query documents send (``None``: not read, see ``SourceRules``).
    """

    commit_sha: str
    commit_date: datetime | None
    tree_sha: str | None
    metadata: FileFacts | None
    license: FileFacts | None
    paths_checked: frozenset[str] = frozenset()
    paths_present: frozenset[str] = frozenset()
    truncated: bool = False
    operations: tuple[str, ...] | None = None

    @property
    def license_spdx(self) -> str | None:
        """The detected SPDX id of the license file at this commit (``None``: none/unknown)."""
        return self.license.spdx_id if self.license else None

    def has_path(self, path: str) -> bool:
        """Whether ``path`` (a file or directory) exists at this commit."""
        return _clean(path) in self.paths_present

    def to_dict(self) -> dict[str, Any]:
        """Return the facts as JSON-ready data."""
        return {
            "commit_sha": self.commit_sha,
            "commit_date": _iso(self.commit_date),
            "tree_sha": self.tree_sha,
            "metadata": self.metadata.to_dict() if self.metadata else None,
            "license": self.license.to_dict() if self.license else None,
            "paths_checked": sorted(self.paths_checked),
            "paths_present": sorted(self.paths_present),
            "truncated": self.truncated,
            **({} if self.operations is None else {"operations": list(self.operations)}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TagFacts:
        """Rebuild facts from :meth:`to_dict` output."""
        return cls(
            commit_sha=str(data["commit_sha"]),
            commit_date=_dt(data.get("commit_date")),
            tree_sha=data.get("tree_sha"),
            metadata=FileFacts.from_dict(data["metadata"]) if data.get("metadata") else None,
            license=FileFacts.from_dict(data["license"]) if data.get("license") else None,
            paths_checked=frozenset(data.get("paths_checked", ())),
            paths_present=frozenset(data.get("paths_present", ())),
            truncated=bool(data.get("truncated", False)),
            operations=None if data.get("operations") is None else tuple(data["operations"]),
        )


@dataclass(frozen=True)
class HeadFacts:
    """The metadata file on the default branch (module-level texts live there) and, when
    asked for, its CHANGELOG (the newest one: unreleased versions are listed there first)."""

    branch: str
    tree_sha: str | None
    metadata: FileFacts | None
    security_policy: bool = False  # a SECURITY.md at the root of the default branch
    changelog: FileFacts | None = None
    changelog_checked: bool = False  # the tree was searched for a CHANGELOG

    def to_dict(self) -> dict[str, Any]:
        """Return the head facts as JSON-ready data."""
        return {
            "branch": self.branch,
            "tree_sha": self.tree_sha,
            "metadata": self.metadata.to_dict() if self.metadata else None,
            "security_policy": self.security_policy,
            **({"changelog": self.changelog.to_dict()} if self.changelog else {}),
            **({"changelog_checked": True} if self.changelog_checked else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HeadFacts:
        """Rebuild head facts from :meth:`to_dict` output."""
        return cls(
            branch=str(data["branch"]),
            tree_sha=data.get("tree_sha"),
            metadata=FileFacts.from_dict(data["metadata"]) if data.get("metadata") else None,
            security_policy=bool(data.get("security_policy", False)),
            changelog=FileFacts.from_dict(data["changelog"]) if data.get("changelog") else None,
            changelog_checked=bool(data.get("changelog_checked")),
        )


@dataclass(frozen=True)
class RepositoryAdvisory:
    """A published repository security advisory, in the REST shape's terms (subset)."""

    ghsa_id: str
    summary: str = ""
    description: str = ""
    severity: str | None = None
    cve_id: str | None = None
    cvss_vector: str | None = None
    html_url: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    withdrawn_at: datetime | None = None
    # (package name, vulnerable_version_range, patched_versions) per vulnerabilities[] entry
    vulnerabilities: tuple[tuple[str, str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The advisory as JSON-ready data in GitHub's REST field names."""
        return {
            "ghsa_id": self.ghsa_id,
            "cve_id": self.cve_id,
            "summary": self.summary,
            "description": self.description,
            "severity": self.severity,
            "cvss": {"vector_string": self.cvss_vector},
            "html_url": self.html_url,
            "published_at": _iso(self.published_at),
            "updated_at": _iso(self.updated_at),
            "withdrawn_at": _iso(self.withdrawn_at),
            "vulnerabilities": [
                {
                    "package": {"name": package},
                    "vulnerable_version_range": vulnerable,
                    "patched_versions": patched,
                }
                for package, vulnerable, patched in self.vulnerabilities
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RepositoryAdvisory:
        """Read an advisory from GitHub's REST answer or from :meth:`to_dict` output."""
        cvss = data.get("cvss") or {}
        v3 = (data.get("cvss_severities") or {}).get("cvss_v3") or {}
        return cls(
            ghsa_id=str(data["ghsa_id"]),
            cve_id=data.get("cve_id"),
            summary=str(data.get("summary") or ""),
            description=str(data.get("description") or ""),
            severity=data.get("severity"),
            cvss_vector=v3.get("vector_string") or cvss.get("vector_string"),
            html_url=data.get("html_url"),
            published_at=_dt(data.get("published_at")),
            updated_at=_dt(data.get("updated_at")),
            withdrawn_at=_dt(data.get("withdrawn_at")),
            vulnerabilities=tuple(
                (
                    str((v.get("package") or {}).get("name") or ""),
                    str(v.get("vulnerable_version_range") or ""),
                    str(v.get("patched_versions") or ""),
                )
                for v in data.get("vulnerabilities") or ()
                if isinstance(v, Mapping)
            ),
        )


@dataclass(frozen=True)
class DailyFacts:
    """Facts fetched at most once a day: default-branch activity and security advisories."""

    fetched_at: datetime
    since: datetime
    last_commit_at: datetime | None  # newest commit on the default branch since ``since``
    advisories: tuple[RepositoryAdvisory, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the facts as JSON-ready data."""
        return {
            "fetched_at": _iso(self.fetched_at),
            "since": _iso(self.since),
            "last_commit_at": _iso(self.last_commit_at),
            "advisories": [a.to_dict() for a in self.advisories],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DailyFacts:
        """Rebuild the facts from :meth:`to_dict` output."""
        return cls(
            fetched_at=_dt(data["fetched_at"]) or datetime.min.replace(tzinfo=UTC),
            since=_dt(data["since"]) or datetime.min.replace(tzinfo=UTC),
            last_commit_at=_dt(data.get("last_commit_at")),
            advisories=tuple(RepositoryAdvisory.from_dict(a) for a in data.get("advisories") or ()),
        )


@dataclass(frozen=True)
class KnownState:
    """What the caller already knows about a repository from earlier crawls.

    An ETag is only sent for a list when the list it validates is passed in too (a 304 must be
    answerable from here). ``tag_facts`` maps commit SHAs to their immutable facts; ``files``
    maps blob SHAs of files fetched before (files found in ``tag_facts`` count as well).
    """

    etags: Mapping[str, str] = field(default_factory=dict)
    repository: RepositoryInfo | None = None
    tags: tuple[TagRef, ...] | None = None
    releases: tuple[ReleaseInfo, ...] | None = None
    tag_facts: Mapping[str, TagFacts] = field(default_factory=dict)
    files: Mapping[str, FileFacts] = field(default_factory=dict)
    head: HeadFacts | None = None
    daily: DailyFacts | None = None

    def known_files(self) -> dict[str, FileFacts]:
        """Every file known by blob SHA: ``files`` plus those inside ``tag_facts`` and ``head``."""
        known = dict(self.files)
        for facts in self.tag_facts.values():
            for file in (facts.metadata, facts.license):
                if file is not None:
                    known.setdefault(file.blob_sha, file)
        for file in (self.head.metadata, self.head.changelog) if self.head else ():
            if file is not None:
                known.setdefault(file.blob_sha, file)
        return known

    def to_dict(self) -> dict[str, Any]:
        """Return the whole state as JSON-ready data (store it, pass it back next time)."""
        return {
            "etags": dict(self.etags),
            "repository": self.repository.to_dict() if self.repository else None,
            "tags": None if self.tags is None else [t.to_dict() for t in self.tags],
            "releases": None if self.releases is None else [r.to_dict() for r in self.releases],
            "tag_facts": {sha: f.to_dict() for sha, f in self.tag_facts.items()},
            "files": {sha: f.to_dict() for sha, f in self.files.items()},
            "head": self.head.to_dict() if self.head else None,
            "daily": self.daily.to_dict() if self.daily else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KnownState:
        """Rebuild the state from :meth:`to_dict` output (missing keys mean "not known")."""
        tags, releases = data.get("tags"), data.get("releases")
        return cls(
            etags=dict(data.get("etags") or {}),
            repository=(
                RepositoryInfo.from_dict(data["repository"]) if data.get("repository") else None
            ),
            tags=None if tags is None else tuple(TagRef.from_dict(t) for t in tags),
            releases=None
            if releases is None
            else tuple(ReleaseInfo.from_dict(r) for r in releases),
            tag_facts={
                sha: TagFacts.from_dict(f) for sha, f in (data.get("tag_facts") or {}).items()
            },
            files={sha: FileFacts.from_dict(f) for sha, f in (data.get("files") or {}).items()},
            head=HeadFacts.from_dict(data["head"]) if data.get("head") else None,
            daily=DailyFacts.from_dict(data["daily"]) if data.get("daily") else None,
        )


@dataclass(frozen=True)
class CrawlStats:
    """What a crawl cost: HTTP requests sent, how many answered 304, rate-limit points used."""

    requests: int = 0
    not_modified: int = 0
    rate_limit_points: int = 0
    retries: int = 0
    redirects: int = 0
    rate_limit_remaining: int | None = None

    def __add__(self, other: CrawlStats) -> CrawlStats:
        remaining = (
            other.rate_limit_remaining
            if other.rate_limit_remaining is not None
            else self.rate_limit_remaining
        )
        return CrawlStats(
            requests=self.requests + other.requests,
            not_modified=self.not_modified + other.not_modified,
            rate_limit_points=self.rate_limit_points + other.rate_limit_points,
            retries=self.retries + other.retries,
            redirects=self.redirects + other.redirects,
            rate_limit_remaining=remaining,
        )


@dataclass(frozen=True)
class RepositorySnapshot:
    """The current picture of one repository, and what to remember for the next crawl.

    ``tags`` and ``listed_releases`` are always complete (taken from ``KnownState`` where the
    forge answered 304); ``releases`` are the published ones (drafts are no releases yet).
    The ``*_changed`` flags say whether the lists differ from what was passed in.
    ``tag_facts`` covers every tag of interest by commit SHA; ``new_tag_facts`` names the commit
    SHAs fetched in this crawl; ``files`` the source files (query documents) read in this crawl
    by blob SHA, to pass back as ``KnownState.files`` so none is fetched twice.
    """

    requested_name: str
    repository: RepositoryInfo
    tags: tuple[TagRef, ...]
    listed_releases: tuple[ReleaseInfo, ...]
    tag_facts: Mapping[str, TagFacts]
    etags: Mapping[str, str]
    stats: CrawlStats
    fetched_at: datetime
    renamed_from: str | None = None
    head: HeadFacts | None = None
    new_tag_facts: frozenset[str] = frozenset()
    repository_changed: bool = True
    tags_changed: bool = True
    releases_changed: bool = True
    daily: DailyFacts | None = None  # as fetched in this crawl, or as passed in
    files: Mapping[str, FileFacts] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        """The repository's current full name (after following a rename)."""
        return self.repository.full_name

    @property
    def unchanged(self) -> bool:
        """Whether nothing at all changed since the state passed in."""
        return not (
            self.repository_changed
            or self.tags_changed
            or self.releases_changed
            or self.new_tag_facts
        )

    def facts_for(self, tag: TagRef) -> TagFacts | None:
        """The facts of the commit ``tag`` points to, if that tag was of interest."""
        return self.tag_facts.get(tag.sha)

    @property
    def releases(self) -> tuple[ReleaseInfo, ...]:
        """The published releases (drafts left out)."""
        return tuple(r for r in self.listed_releases if not r.draft)

    def release_for(self, tag_name: str) -> ReleaseInfo | None:
        """The published release made from ``tag_name``, if any."""
        return next((r for r in self.releases if r.tag == tag_name), None)

    def known_state(self, files: Mapping[str, FileFacts] | None = None) -> KnownState:
        """The :class:`KnownState` to pass to the next crawl of this repository."""
        return KnownState(
            etags=dict(self.etags),
            repository=self.repository,
            tags=self.tags,
            releases=self.listed_releases,
            tag_facts=dict(self.tag_facts),
            files={**self.files, **(files or {})},
            head=self.head,
            daily=self.daily,
        )


class RepositoryCrawler(Protocol):
    """One forge's crawler (``github.py``; later GitLab/openCode)."""

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
        """Crawl ``full_name`` ("owner/name"); raise a ``CrawlError`` subclass on failure.

        ``daily_since`` (only passed to crawlers with ``supports_daily = True``): also fetch
        the daily facts (default-branch activity since then, security advisories).
        ``sources``: also read the query documents at each new tag and the CHANGELOG.
        """
        ...


def _clean(path: str) -> str:
    return path.strip().strip("/")


def present_paths(tree_paths: Iterable[str], wanted: Iterable[str]) -> frozenset[str]:
    """The ``wanted`` paths that exist in a tree listing, as a file or as a directory prefix."""
    existing: set[str] = set()
    for path in tree_paths:
        parts = _clean(path).split("/")
        existing.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return frozenset(p for p in (_clean(w) for w in wanted) if p and p in existing)


def normalize_paths(paths: Iterable[str]) -> frozenset[str]:
    """Paths of interest without surrounding slashes or blanks."""
    return frozenset(p for p in (_clean(path) for path in paths) if p)


def license_spdx_or_none(spdx_id: str | None) -> str | None:
    """A detected SPDX id, or ``None`` for GitHub's "NOASSERTION"/"other"/missing answers."""
    if spdx_id is None or spdx_id.strip().upper() in UNKNOWN_SPDX_IDS:
        return None
    return spdx_id.strip()


def license_entry(entries: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The license file among a tree's entries (``path``, ``type``): a root blob named like
    LICENSE/LICENCE/COPYING/UNLICENSE with any extension, LICENSE preferred."""
    candidates = [
        e
        for e in entries
        if e.get("type") == "blob"
        and "/" not in e["path"]
        and e["path"].lower().split(".")[0] in LICENSE_FILE_STEMS
    ]
    candidates.sort(
        key=lambda e: (LICENSE_FILE_STEMS.index(e["path"].lower().split(".")[0]), e["path"])
    )
    return candidates[0] if candidates else None
