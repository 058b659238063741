"""Security advisories (OSV records): store, replace by ``modified``, read, and which releases of
the registry each one covers.

A record is stored as given (after validation) and served with the registry's covered releases
in ``database_specific.affectedReleases``, so what leaves the registry is still valid OSV. Every
write bumps the ``catalog`` data version (verdicts, module pages and badges depend on it) and
records one event per named module (the deployment feeds are views of those events).
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crawlers.base import RepositoryAdvisory
from registry.compat.advisories import Advisory as EngineAdvisory
from registry.compat.advisories import AdvisoryHit, KnownRelease, coverage, covered_versions
from registry.compat.versions import version_key
from registry.db import utcnow
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.metadata.osv import (
    SCHEMA_VERSION,
    OsvRecord,
    dumps,
    load_osv_file,
    parse_osv,
    to_advisory,
)
from registry.metadata.problems import MetadataError, Problem
from registry.models import Advisory, AdvisoryModule, Module, Release
from registry.services.events import bump, record_event
from registry.services.tokens import Principal

log = logging.getLogger(__name__)

#: Event kinds of advisory writes (one event per module the record names).
EVENT_KINDS = ("advisory-published", "advisory-updated", "advisory-withdrawn")
_ID = re.compile(r"^SVA-(?P<year>[0-9]{4})-(?P<number>[0-9]+)$")


@dataclass(frozen=True)
class StoreResult:
    """What storing one record did: ``created``, ``replaced`` or ``unchanged``."""

    advisory: Advisory
    status: str


# ---- writes -------------------------------------------------------------------------------


def publish_advisory(
    session: Session,
    data: Any,
    principal: Principal | None = None,
    *,
    source: str = "api",
    filename: str = "<request>",
) -> StoreResult:
    """Validate and store an OSV record (``principal`` None: the command line, trusted).

    A record with a later ``modified`` than the stored one replaces it; the same record again
    changes nothing; an older (or an equally dated but different) one is refused (Conflict).
    """
    parsed = parse_osv(without_derived(data), filename)
    _check_modules(session, parsed, filename)
    _check_allowed(parsed.advisory, principal)
    return store_record(session, parsed, source)


#: Fields of ``database_specific`` the registry computes on every read (never stored).
DERIVED = ("affectedReleases", "affectedReleasesByModule")


def without_derived(data: Any) -> Any:
    """The record without the registry's computed fields, so a record read from the registry
    and sent back (or exported and imported again) is the same record."""
    if not isinstance(data, dict) or not isinstance(data.get("database_specific"), dict):
        return data
    specific = {k: v for k, v in data["database_specific"].items() if k not in DERIVED}
    record = {k: v for k, v in data.items() if k != "database_specific"}
    if specific:
        record["database_specific"] = specific
    return record


def export_records(session: Session, folder: str | Path) -> list[Path]:
    """Write every advisory as ``<id>.json`` (the OSV document of ``osv_document``) into
    ``folder``: a directory osv tooling reads as a database."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for row in session.scalars(select(Advisory).order_by(Advisory.id)):
        path = target / f"{row.id}.json"
        path.write_text(dumps(osv_document(session, row)), encoding="utf-8")
        written.append(path)
    return written


def store_record(session: Session, parsed: OsvRecord, source: str) -> StoreResult:
    """Store a validated record whose modules exist (the rule of ``publish_advisory``)."""
    advisory = parsed.advisory
    modified = _time(advisory.modified)
    # Stored as served: with the schema version it was written in (1.6.0 when not stated).
    record = {"schema_version": SCHEMA_VERSION, **parsed.record}
    row = session.get(Advisory, advisory.id)
    if row is not None:
        if row.modified == modified and row.record == record:
            return StoreResult(row, "unchanged")
        if modified <= row.modified:
            raise Conflict(
                f"{advisory.id} is stored with modified {row.modified.isoformat()}; a record "
                "replaces it only with a later 'modified'",
                existing={"id": row.id, "modified": _osv_time(row.modified)},
                details=[{"field": "modified", "message": "not later than the stored record"}],
            )
        before = _stored_advisory(row)
        status = "replaced"
    else:
        row = Advisory(id=advisory.id, record={}, source=source)
        session.add(row)
        before = None
        status = "created"
    row.modified = modified
    row.published = _time(advisory.published) if advisory.published else None
    row.withdrawn = _time(advisory.withdrawn) if advisory.withdrawn else None
    row.severity = advisory.severity
    row.record = record
    row.source = source if status == "created" else row.source
    row.modules = [AdvisoryModule(module_slug=slug) for slug in advisory.modules]
    session.flush()
    _record_events(session, advisory, before)
    bump(session, "catalog")
    return StoreResult(row, status)


def _record_events(
    session: Session, advisory: EngineAdvisory, before: EngineAdvisory | None
) -> None:
    if advisory.withdrawn and (before is None or not before.withdrawn):
        kind = "advisory-withdrawn"
    elif before is None or before.withdrawn:
        kind = "advisory-published"
    else:
        kind = "advisory-updated"
    for slug in advisory.modules:
        record_event(
            session,
            kind,
            module=slug,
            data={
                "advisory": advisory.id,
                "severity": advisory.severity,
                "summary": advisory.summary,
                "aliases": list(advisory.aliases),
            },
        )


def _check_modules(session: Session, parsed: OsvRecord, filename: str) -> None:
    wanted = parsed.advisory.modules
    known = set(session.scalars(select(Module.slug).where(Module.slug.in_(wanted))))
    problems = [
        Problem(filename, None, None, f"affected[{index}].package.name", f"no module {slug!r}")
        for index, slug in enumerate(wanted)
        if slug not in known
    ]
    if problems:
        raise MetadataError(problems, f"{filename}: the record names unknown modules")


def _check_allowed(advisory: EngineAdvisory, principal: Principal | None) -> None:
    if principal is None:
        return
    denied = [slug for slug in advisory.modules if not principal.may_write_module(slug)]
    if denied:
        raise Forbidden(
            "only admins, or publishers of every module a record names, post advisories",
            [{"field": "affected", "module": slug} for slug in denied],
        )


@dataclass
class ImportReport:
    """What ``import_paths`` did per file."""

    results: list[tuple[str, str]] = field(default_factory=list)  # (file, status or error)

    @property
    def lines(self) -> list[str]:
        return [f"{name}: {status}" for name, status in self.results]


def import_paths(session: Session, paths: Sequence[str | Path]) -> ImportReport:
    """Import OSV JSON files (folders are walked for ``*.json``), all or nothing.

    Every file is validated first; InvalidInput lists every problem of every file and nothing
    is written. A record equal to the stored one is ``unchanged``; an older one is a problem.
    """
    files = _json_files(paths)
    if not files:
        raise InvalidInput("no OSV JSON files found", [{"field": "", "message": str(paths)}])
    parsed: list[tuple[str, OsvRecord]] = []
    problems: list[Any] = []
    for path in files:
        try:
            record = load_osv_file(path)
            record = OsvRecord(without_derived(record.record), record.advisory)
            _check_modules(session, record, str(path))
        except MetadataError as error:
            problems.extend(error.problems)
            continue
        parsed.append((str(path), record))
    if problems:
        raise InvalidInput(f"{len(problems)} problem(s) in the advisory files", problems)
    report = ImportReport()
    for name, record in parsed:
        try:
            with session.begin_nested():
                result = store_record(session, record, "import")
        except Conflict as error:
            problems.append(Problem(name, None, None, "modified", error.message))
            continue
        report.results.append((name, f"{record.advisory.id} {result.status}"))
    if problems:
        raise InvalidInput(f"{len(problems)} problem(s) in the advisory files", problems)
    return report


def _json_files(paths: Sequence[str | Path]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        found.extend(sorted(path.rglob("*.json")) if path.is_dir() else [path])
    return found


def next_advisory_id(session: Session, now: datetime | None = None) -> str:
    """The next free registry id of the current year: ``SVA-<year>-<number>`` (4+ digits)."""
    year = (now or utcnow()).year
    numbers = [
        int(match["number"])
        for ident in session.scalars(select(Advisory.id).where(Advisory.id.like(f"SVA-{year}-%")))
        if (match := _ID.match(ident))
    ]
    return f"SVA-{year}-{max(numbers, default=0) + 1:04d}"


def find_by_alias(session: Session, alias: str) -> Advisory | None:
    """The stored advisory that lists ``alias`` (e.g. a GHSA id) among its aliases."""
    for row in session.scalars(select(Advisory).order_by(Advisory.id)):
        if alias in ((row.record or {}).get("aliases") or ()):
            return row
    return None


# ---- reads --------------------------------------------------------------------------------


def get_advisory(session: Session, ident: str) -> Advisory:
    """One stored advisory; NotFound otherwise."""
    row = session.get(Advisory, ident)
    if row is None:
        raise NotFound(f"no advisory {ident!r}", [{"field": "id", "value": ident}])
    return row


def list_advisories(
    session: Session, *, module: str | None = None, since: datetime | None = None
) -> list[Advisory]:
    """Stored advisories, newest ``modified`` first; ``module``: naming it; ``since``: modified
    at or after."""
    statement = select(Advisory).options(selectinload(Advisory.modules))
    if module is not None:
        statement = statement.where(
            Advisory.id.in_(
                select(AdvisoryModule.advisory_id).where(AdvisoryModule.module_slug == module)
            )
        )
    if since is not None:
        statement = statement.where(Advisory.modified >= since)
    return list(session.scalars(statement.order_by(Advisory.modified.desc(), Advisory.id)))


def osv_document(session: Session, row: Advisory) -> dict[str, Any]:
    """The stored record as OSV, with the registry's covered releases in ``database_specific``
    (``affectedReleases``: versions; ``affectedReleasesByModule``: slug -> versions)."""
    record = copy.deepcopy(row.record)
    record.setdefault("schema_version", SCHEMA_VERSION)
    advisory = _stored_advisory(row)
    by_module = {
        slug: _sorted(covered_versions(advisory, slug, releases))
        for slug, releases in known_releases(session, advisory.modules).items()
    }
    specific = dict(record.get("database_specific") or {})
    specific["affectedReleases"] = [v for slug in advisory.modules for v in by_module.get(slug, [])]
    specific["affectedReleasesByModule"] = by_module
    record["database_specific"] = specific
    return record


def _sorted(versions: Iterable[str]) -> list[str]:
    return sorted(versions, key=version_key)


def known_releases(
    session: Session, modules: Iterable[str] | None = None
) -> dict[str, list[KnownRelease]]:
    """slug -> releases (version and commit) of ``modules`` (None: every module)."""
    statement = select(Module.slug, Release.version, Release.sha).join(
        Module, Release.module_id == Module.id
    )
    if modules is not None:
        statement = statement.where(Module.slug.in_(list(modules)))
    found: dict[str, list[KnownRelease]] = {}
    for slug, version, sha in session.execute(statement.order_by(Module.slug, Release.id)):
        found.setdefault(slug, []).append(KnownRelease(version, sha))
    return found


def stored_advisories(session: Session) -> list[EngineAdvisory]:
    """Every stored advisory as the engine reads it (withdrawn ones included)."""
    return [
        _stored_advisory(row) for row in session.scalars(select(Advisory).order_by(Advisory.id))
    ]


def advisory_coverage(session: Session) -> dict[str, dict[str, tuple[AdvisoryHit, ...]]]:
    """slug -> version -> advisories covering that release: the engine's rule 5 input."""
    advisories = stored_advisories(session)
    if not advisories:
        return {}
    modules = {slug for advisory in advisories for slug in advisory.modules}
    return coverage(advisories, known_releases(session, modules))


def _stored_advisory(row: Advisory) -> EngineAdvisory:
    return to_advisory(row.record)


def summary_dict(session: Session, row: Advisory) -> dict[str, Any]:
    """A list entry: id, aliases, summary, severity, times, modules and covered releases."""
    record = row.record or {}
    document = osv_document(session, row)
    return {
        "id": row.id,
        "aliases": record.get("aliases") or [],
        "summary": record.get("summary") or "",
        "severity": row.severity,
        "modified": record.get("modified"),
        "published": record.get("published"),
        "withdrawn": record.get("withdrawn"),
        "modules": [m.module_slug for m in row.modules],
        "affectedReleases": document["database_specific"]["affectedReleasesByModule"],
        "source": row.source,
    }


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _osv_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- GitHub repository security advisories -------------------------------------------------


def osv_from_github(
    advisory: Mapping[str, Any], slugs: Sequence[str], ident: str, repository_url: str
) -> dict[str, Any]:
    """A GitHub repository security advisory (REST shape) as an OSV record about the modules
    ``slugs``, with the registry id ``ident`` and the GHSA (and CVE) ids as aliases.

    Each ``vulnerabilities[]`` entry becomes one ECOSYSTEM range: its
    ``vulnerable_version_range`` (``>= 1.0, < 2.0``; ``<= 4.1.3``; ``= 1.2``) bounds it, and
    ``patched_versions`` names the fix when the range gives no upper bound.
    """
    aliases = [a for a in (advisory.get("ghsa_id"), advisory.get("cve_id")) if a]
    ranges, versions = [], []
    for entry in advisory.get("vulnerabilities") or []:
        events, exact = _github_events(entry)
        if events:
            ranges.append({"type": "ECOSYSTEM", "events": events})
        versions.extend(exact)
    if not ranges and not versions:
        # No range stated: GitHub's own advisories then mean "every version so far".
        ranges = [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]
    affected = [
        {
            "package": {"ecosystem": "SVA", "name": slug},
            **({"ranges": ranges} if ranges else {}),
            **({"versions": versions} if versions else {}),
        }
        for slug in slugs
    ]
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": ident,
        "modified": _github_time(advisory.get("updated_at") or advisory.get("published_at")),
        "aliases": aliases,
        "summary": str(advisory.get("summary") or ""),
        "details": str(advisory.get("description") or ""),
        "affected": affected,
        "references": [{"type": "ADVISORY", "url": advisory.get("html_url") or repository_url}],
        "database_specific": {"source": "github-repository-advisory", "repository": repository_url},
    }
    if advisory.get("published_at"):
        record["published"] = _github_time(advisory["published_at"])
    if advisory.get("withdrawn_at"):
        record["withdrawn"] = _github_time(advisory["withdrawn_at"])
    if advisory.get("severity") and advisory["severity"] != "unknown":
        record["database_specific"]["severity"] = str(advisory["severity"]).upper()
    vector = _cvss_vector(advisory)
    if vector:
        record["severity"] = [{"type": "CVSS_V3", "score": vector}]
    return record


def _github_events(entry: Mapping[str, Any]) -> tuple[list[dict[str, str]], list[str]]:
    text = str(entry.get("vulnerable_version_range") or "").strip()
    patched = str(entry.get("patched_versions") or "").strip()
    introduced, upper, exact = "0", None, []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _CONSTRAINT.match(part)
        operator, version = (match["op"], match["version"].strip()) if match else ("", part)
        if operator in (">=", ">"):
            introduced = version
        elif operator == "<":
            upper = {"fixed": version}
        elif operator == "<=":
            upper = {"last_affected": version}
        else:
            exact.append(version)
    if exact and upper is None and introduced == "0":
        return [], exact
    events = [{"introduced": introduced}]
    if upper is None and patched:
        upper = {"fixed": patched.split(",")[0].strip()}
    if upper is not None:
        events.append(upper)
    return events, []


_CONSTRAINT = re.compile(r"^(?P<op>>=|<=|>|<|=)?\s*(?P<version>.*)$")


def _cvss_vector(advisory: Mapping[str, Any]) -> str | None:
    severities = advisory.get("cvss_severities") or {}
    for item in ((severities.get("cvss_v3") or {}), advisory.get("cvss") or {}):
        vector = item.get("vector_string") if isinstance(item, Mapping) else None
        if isinstance(vector, str) and vector.startswith("CVSS:3"):
            return vector
    return None


def _github_time(text: Any) -> str:
    return _osv_time(_time(str(text)).astimezone(UTC))


def apply_repository_advisories(
    session: Session,
    modules: Sequence[Module],
    advisories: Iterable[RepositoryAdvisory],
    repository_url: str,
) -> list[str]:
    """Store the published security advisories of a repository that feeds standalone
    ``modules``, as OSV records with the GHSA id as alias; returns the ids stored anew or
    replaced. A record that does not validate or is older than the stored one is skipped
    (logged): a crawl never fails on one advisory."""
    if not modules:
        return []
    changed = []
    for advisory in advisories:
        slugs = _modules_of(advisory, [m.slug for m in modules])
        existing = find_by_alias(session, advisory.ghsa_id)
        ident = existing.id if existing is not None else next_advisory_id(session)
        record = osv_from_github(advisory.to_dict(), slugs, ident, repository_url)
        try:
            with session.begin_nested():
                result = store_record(
                    session, parse_osv(record, advisory.ghsa_id), f"github:{repository_url}"
                )
        except (MetadataError, Conflict) as error:
            log.warning(
                "%s: advisory %s skipped: %s", repository_url, advisory.ghsa_id, error.message
            )
            continue
        if result.status != "unchanged":
            changed.append(ident)
    return changed


def _modules_of(advisory: RepositoryAdvisory, slugs: Sequence[str]) -> list[str]:
    """The modules an advisory of a repository is about: those whose slug (without a
    ``studio-`` prefix) a vulnerable package names, else every module of the repository."""
    names = " ".join(package for package, _, _ in advisory.vulnerabilities).lower()
    named = [slug for slug in slugs if slug.removeprefix("studio-") in names]
    return named or list(slugs)


def coverage_by_advisory(session: Session) -> dict[tuple[str, str], frozenset[str]]:
    """(module slug, advisory id) -> covered versions, over every not withdrawn advisory."""
    found: dict[tuple[str, str], set[str]] = {}
    for slug, versions in advisory_coverage(session).items():
        for version, hits in versions.items():
            for hit in hits:
                found.setdefault((slug, hit.advisory), set()).add(version)
    return {key: frozenset(versions) for key, versions in found.items()}


def running_affected(session: Session, installed: Mapping[str, str]) -> list[dict[str, Any]]:
    """``{"code": "running-affected-version", module, version, advisory, severity, fixed}`` for
    every advisory covering a release a deployment runs (``installed``: slug -> version)."""
    found = []
    coverage_now = advisory_coverage(session)
    for slug, version in sorted(installed.items()):
        for hit in coverage_now.get(slug, {}).get(version, ()):
            found.append(
                {
                    "code": "running-affected-version",
                    "module": slug,
                    "version": version,
                    **hit.to_dict(),
                }
            )
    return found
