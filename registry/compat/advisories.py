"""Security advisories (OSV records) and which releases of a module they cover.

The OSV schema's evaluation (https://ossf.github.io/osv-schema/#evaluation), read for the
registry's modules (``{"ecosystem": "SVA", "name": slug}``):

- a release is covered when its version is listed in ``affected[].versions`` or falls in one of
  ``affected[].ranges``;
- a range is walked event by event in version order: ``introduced`` (``"0"``: before every
  version) makes later versions affected, ``fixed`` and (after it) ``last_affected`` end that;
  a range with ``limit`` events only covers versions below one of its limits (``"*"``: none);
- ``ECOSYSTEM`` and ``SEMVER`` versions are compared as the registry compares versions (PEP 440
  normalized; SemVer's ``1.2.3-rc.1`` is ``1.2.3rc1``); ``GIT`` events name commits, which are
  mapped to the releases tagged at them: the registry knows release commits, not the commit
  graph, so a GIT range is read along the release line. An ``introduced`` commit that is no
  release commit opens nothing; a ``fixed``, ``last_affected`` or ``limit`` commit that is none
  is ignored (the range stays open: a false alarm is safer than a missed one);
- a withdrawn advisory covers nothing.

Pure: frozen dataclasses in, frozen dataclasses out; the clock and the database stay outside.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from registry.compat.ranges import parse_version

__all__ = [
    "ECOSYSTEM",
    "EVENT_KINDS",
    "Advisory",
    "AdvisoryHit",
    "Affected",
    "Coverage",
    "Event",
    "KnownRelease",
    "OsvRange",
    "coverage",
    "covered_versions",
    "is_covered",
]

#: The OSV ecosystem name of the registry's modules.
ECOSYSTEM = "SVA"
#: The event kinds of an OSV range, in the order they sort at an equal version.
EVENT_KINDS = ("introduced", "last_affected", "fixed", "limit")


@dataclass(frozen=True)
class Event:
    """One event of a range: ``kind`` is one of ``EVENT_KINDS``, ``value`` a version or commit."""

    kind: str
    value: str


@dataclass(frozen=True)
class OsvRange:
    """``affected[].ranges[]``: ``type`` ``ECOSYSTEM``, ``SEMVER`` or ``GIT``."""

    type: str
    events: tuple[Event, ...]
    repo: str | None = None


@dataclass(frozen=True)
class Affected:
    """``affected[]``: one package (for the registry: a module) with its ranges and versions."""

    ecosystem: str
    name: str
    ranges: tuple[OsvRange, ...] = ()
    versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Advisory:
    """What the registry evaluates of an OSV record (the full record is stored beside it)."""

    id: str
    modified: str
    affected: tuple[Affected, ...]
    published: str | None = None
    withdrawn: str | None = None
    aliases: tuple[str, ...] = ()
    summary: str = ""
    severity: str | None = None  # "low", "moderate", "high", "critical" or None (unknown)

    @property
    def modules(self) -> tuple[str, ...]:
        """Slugs of the registry's modules the record names, in order, without repeats."""
        return tuple(dict.fromkeys(a.name for a in self.affected if a.ecosystem == ECOSYSTEM))


@dataclass(frozen=True)
class KnownRelease:
    """A release as the evaluator needs it: normalized version and the commit it was tagged at."""

    version: str
    sha: str | None = None


@dataclass(frozen=True)
class AdvisoryHit:
    """One advisory covering one release: the data of the reason ``advisory``."""

    advisory: str
    severity: str | None
    fixed: str | None  # the lowest version that fixes it for this release, if the record says

    def to_dict(self) -> dict[str, str | None]:
        return {"advisory": self.advisory, "severity": self.severity, "fixed": self.fixed}


#: module slug -> version -> the advisories covering that release (the engine's input).
Coverage = Mapping[str, Mapping[str, tuple[AdvisoryHit, ...]]]


def coverage(
    advisories: Iterable[Advisory], releases: Mapping[str, Sequence[KnownRelease]]
) -> dict[str, dict[str, tuple[AdvisoryHit, ...]]]:
    """Every release in ``releases`` (slug -> releases) that a not withdrawn advisory covers."""
    found: dict[str, dict[str, list[AdvisoryHit]]] = {}
    for advisory in sorted(advisories, key=lambda a: a.id):
        if advisory.withdrawn:
            continue
        for slug in advisory.modules:
            for version, fixed in covered_versions(advisory, slug, releases.get(slug, ())).items():
                hit = AdvisoryHit(advisory.id, advisory.severity, fixed)
                found.setdefault(slug, {}).setdefault(version, []).append(hit)
    return {
        slug: {version: tuple(hits) for version, hits in versions.items()}
        for slug, versions in found.items()
    }


def covered_versions(
    advisory: Advisory, slug: str, releases: Sequence[KnownRelease]
) -> dict[str, str | None]:
    """version -> fixing version of each release of ``slug`` that ``advisory`` covers."""
    if advisory.withdrawn:
        return {}
    by_commit = _commits(releases)
    result: dict[str, str | None] = {}
    for affected in advisory.affected:
        if affected.ecosystem != ECOSYSTEM or affected.name != slug:
            continue
        for release in releases:
            hit, fixed = is_covered(release.version, affected, by_commit)
            if hit and (release.version not in result or result[release.version] is None):
                result[release.version] = fixed
    return result


def is_covered(
    version: str, affected: Affected, commits: Mapping[str, str] | None = None
) -> tuple[bool, str | None]:
    """Whether ``version`` is affected, and the lowest version that fixes it (None: unknown).

    ``commits`` maps release commit SHAs to versions (for ``GIT`` ranges).
    """
    key = _key(version)
    if key is None:
        return False, None
    if any(_key(listed) == key for listed in affected.versions):
        return True, _first_fix(key, affected.ranges, commits or {})
    for range_ in affected.ranges:
        events = _events(range_, commits or {})
        if _in_range(key, events):
            return True, _fix_after(key, events)
    return False, None


def _in_range(key: Version, events: Sequence[tuple[Version | None, str, str]]) -> bool:
    limits = [value for value, kind, _ in events if kind == "limit"]
    # An implicit limit "*" when there is none; "*" itself (None here) is infinity.
    if limits and not any(limit is None or key < limit for limit in limits):
        return False
    vulnerable = False
    for value, kind, _ in events:
        if kind == "introduced" and (value is None or key >= value):
            vulnerable = True
        elif value is not None and _ends(kind, key, value):
            vulnerable = False
    return vulnerable


def _ends(kind: str, key: Version, value: Version) -> bool:
    """Whether event ``kind`` at ``value`` ends the vulnerability for version ``key``."""
    if kind == "fixed":
        return key >= value
    return kind == "last_affected" and key > value


def _fix_after(key: Version, events: Sequence[tuple[Version | None, str, str]]) -> str | None:
    fixes = [(value, text) for value, kind, text in events if kind == "fixed" and value]
    later = [(value, text) for value, text in fixes if value > key]
    return min(later)[1] if later else None


def _first_fix(key: Version, ranges: Sequence[OsvRange], commits: Mapping[str, str]) -> str | None:
    found = []
    for range_ in ranges:
        text = _fix_after(key, _events(range_, commits))
        value = _key(text) if text is not None else None
        if value is not None and text is not None:
            found.append((value, text))
    return min(found)[1] if found else None


def _events(range_: OsvRange, commits: Mapping[str, str]) -> list[tuple[Version | None, str, str]]:
    """The range's events as (version or None for "0"/"*", kind, version text), sorted.

    Events that cannot be read as versions are dropped as documented in the module docstring
    (a fix that is no version cannot end coverage; an introduction that is none opens none).
    """
    result: list[tuple[Version | None, str, str]] = []
    for event in range_.events:
        if event.kind == "introduced" and event.value == "0":
            result.append((None, "introduced", "0"))
            continue
        if event.kind == "limit" and "*" in event.value:
            result.append((None, "limit", "*"))
            continue
        text = _commit_version(event.value, commits) if range_.type == "GIT" else event.value
        value = _key(text) if text is not None else None
        if value is not None and text is not None:
            result.append((value, event.kind, text))
    order = {kind: index for index, kind in enumerate(EVENT_KINDS)}
    # "0" sorts before every version; then by version, and at an equal version in EVENT_KINDS
    # order (introduced before fixed: a release both introduced and fixed is not affected).
    result.sort(key=lambda e: (e[0] is not None, e[0] or Version("0"), order[e[1]]))
    return result


def _commits(releases: Sequence[KnownRelease]) -> dict[str, str]:
    return {release.sha.lower(): release.version for release in releases if release.sha}


def _commit_version(commit: str, commits: Mapping[str, str]) -> str | None:
    wanted = commit.strip().lower()
    if wanted in commits:
        return commits[wanted]
    # Records may abbreviate commits; a unique prefix of 7+ hex digits names one release.
    if len(wanted) >= 7:
        matches = {v for sha, v in commits.items() if sha.startswith(wanted)}
        if len(matches) == 1:
            return matches.pop()
    return None


def _key(text: str) -> Version | None:
    try:
        return parse_version(text)
    except InvalidVersion:
        return None
