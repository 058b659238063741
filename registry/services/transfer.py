"""Import and export of the registry's JSON document (docs/export-format.md).

The same upsert functions serve the export round trip, the bundled demo data and the metadata
importers (admin-doku, publiccode, Studio manifests). Upserts are idempotent: importing the same
data twice changes nothing the second time.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import date as date_type
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from registry.compat.ranges import InvalidRange, parse_range
from registry.compat.versions import TagVersion, parse_tag
from registry.db import utcnow
from registry.errors import Conflict, InvalidInput
from registry.metadata.importers.publiccode import to_publiccode
from registry.metadata.problems import MetadataError
from registry.metadata.provenance import DEMO, EXPORT, is_blank
from registry.models import (
    Component,
    ComponentCapability,
    ComponentVersion,
    Deployment,
    Event,
    Module,
    Release,
)
from registry.serialize import component_dict, event_dict, mirror_dict, module_dict
from registry.services.adopters import sync_module_adopters
from registry.services.catalog import get_module
from registry.services.events import bump, record_event
from registry.services.mirrors import record_mirror
from registry.services.platform import export_platform, upsert_platform
from registry.services.sources import (
    FieldDecision,
    Origin,
    claims_of,
    kept_values,
    merge_fields,
)
from registry.services.sources import changed as sources_changed

FORMAT = "sva-registry-export"
FORMAT_VERSION = 1
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
KINDS = {"in-app", "standalone"}
STATUSES = {"concept", "development", "beta", "stable", "deprecated"}


@dataclass
class TransferReport:
    """What an import did: counts per kind of object and outcome."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, outcome: str) -> None:
        self.counts[f"{kind} {outcome}"] += 1

    @property
    def changed(self) -> bool:
        return any(n for key, n in self.counts.items() if not key.endswith("unchanged"))

    def summary(self) -> str:
        return ", ".join(f"{n} {key}" for key, n in sorted(self.counts.items())) or "nothing"


def export_document(session: Session, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything in the registry (but tokens and crawl state) as one JSON-ready dict."""
    components = session.scalars(select(Component).order_by(Component.name)).all()
    modules = session.scalars(select(Module).order_by(Module.slug)).all()
    deployments = session.scalars(select(Deployment).order_by(Deployment.id)).all()
    events = session.scalars(select(Event).order_by(Event.id)).all()
    return {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "exportedAt": (now or utcnow()).isoformat(),
        "demo": bool(deployments) and all(d.demo for d in deployments),
        "components": [component_dict(c) for c in components],
        "modules": [
            {**module_dict(m, with_releases=True), "mirrors": [mirror_dict(x) for x in m.mirrors]}
            for m in modules
        ],
        "deployments": [
            {"id": d.id, "demo": d.demo, "document": dict(d.document)} for d in deployments
        ],
        "events": [event_dict(e) for e in events],
        "platform": export_platform(session),
    }


def export_publiccode(session: Session, slug: str) -> str:
    """The ``publiccode.yml`` of a stored module; NotFound for an unknown slug, Conflict when
    the module lacks what the standard requires (a repository URL, a license)."""
    module = get_module(session, slug)
    try:
        return to_publiccode(module_dict(module, with_releases=True))
    except MetadataError as error:
        message = f"module {slug!r} cannot be written as publiccode.yml"
        raise Conflict(message, None, error.details) from error


def import_document(session: Session, document: Any, *, source: str = "") -> TransferReport:
    """Apply an export document. Raises InvalidInput listing every problem; writes nothing then
    (the caller's transaction is rolled back by the edge)."""
    problems = check_document(document, source)
    if problems:
        raise InvalidInput(f"{source or 'document'}: not a valid registry export", problems)
    report = TransferReport()
    for data in document.get("components", []):
        report.add("component", upsert_component(session, data))
    # An export carries its own event log; do not log the import as new events on top.
    record = "events" not in document
    for data in document.get("modules", []):
        report.add("module", upsert_module(session, data, source=source, record=record))
    for data in document.get("deployments", []):
        report.add("deployment", upsert_deployment(session, data))
    if "platform" in document:
        report.add(
            "platform", "updated" if upsert_platform(session, document["platform"]) else "unchanged"
        )
    for data in document.get("events", []):
        report.add("event", upsert_event(session, data))
    _advance_sequences(session)
    if report.changed:
        bump(session, "deployments")
    return report


def check_document(document: Any, source: str = "") -> list[dict[str, Any]]:
    """Every structural problem of an export document, with a field path."""
    where = source or "document"
    if not isinstance(document, dict):
        return [_problem(where, "", "the document must be a JSON object")]
    problems: list[dict[str, Any]] = []
    if document.get("format") != FORMAT:
        problems.append(_problem(where, "format", f"must be {FORMAT!r}"))
    if document.get("formatVersion") != FORMAT_VERSION:
        problems.append(_problem(where, "formatVersion", f"must be {FORMAT_VERSION}"))
    for key in ("components", "modules", "deployments", "events"):
        if not isinstance(document.get(key, []), list):
            problems.append(_problem(where, key, "must be a list"))
    if problems:
        return problems
    for index, data in enumerate(document.get("components", [])):
        problems += _check_component(where, f"components[{index}]", data)
    return problems + _check_modules(where, document) + _check_log(where, document)


def _check_modules(where: str, document: dict[str, Any]) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, data in enumerate(document.get("modules", [])):
        path = f"modules[{index}]"
        problems += check_module(where, path, data)
        slug = data.get("slug") if isinstance(data, dict) else None
        if slug in seen:
            problems.append(_problem(where, f"{path}.slug", f"duplicate slug {slug!r}"))
        seen.add(slug)
    return problems


def _check_log(where: str, document: dict[str, Any]) -> list[dict[str, Any]]:
    """Deployments and events: the parts the importer reads without further checks."""
    problems: list[dict[str, Any]] = []
    for index, data in enumerate(document.get("deployments", [])):
        if not isinstance(data, dict) or not isinstance(data.get("document"), dict):
            problems.append(_problem(where, f"deployments[{index}]", "needs a document object"))
        elif not str(data["document"].get("name") or "").strip():
            problems.append(_problem(where, f"deployments[{index}].document.name", "required"))
    for index, data in enumerate(document.get("events", [])):
        if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
            problems.append(_problem(where, f"events[{index}].kind", "required"))
    return problems


def _check_component(where: str, path: str, data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        return [_problem(where, path, "must be an object")]
    problems = []
    if not isinstance(data.get("name"), str) or not SLUG_RE.match(data.get("name") or ""):
        problems.append(_problem(where, f"{path}.name", "must match ^[a-z0-9][a-z0-9-]{1,62}$"))
    for index, version in enumerate(data.get("versions") or []):
        raw = version.get("version") if isinstance(version, dict) else None
        parsed = parse_tag(str(raw or ""))
        if not isinstance(parsed, TagVersion):
            problems.append(
                _problem(where, f"{path}.versions[{index}].version", f"not a version: {raw!r}")
            )
    return problems


def check_module(where: str, path: str, data: Any) -> list[dict[str, Any]]:
    """Problems of one module dict of the export shape (slug, kind, status, release ranges)."""
    if not isinstance(data, dict):
        return [_problem(where, path, "must be an object")]
    problems = []
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        problems.append(_problem(where, f"{path}.slug", f"invalid slug {slug!r}"))
    if (data.get("kind") or "standalone") not in KINDS:
        problems.append(_problem(where, f"{path}.kind", "must be in-app or standalone"))
    if (data.get("developmentStatus") or "concept") not in STATUSES:
        problems.append(
            _problem(where, f"{path}.developmentStatus", f"must be one of {sorted(STATUSES)}")
        )
    releases = data.get("releases") or []
    if not isinstance(releases, list):
        return [*problems, _problem(where, f"{path}.releases", "must be a list")]
    versions: set[str] = set()
    for index, release in enumerate(releases):
        rpath = f"{path}.releases[{index}]"
        if not isinstance(release, dict):
            problems.append(_problem(where, rpath, "must be an object"))
            continue
        problems += _check_release(where, rpath, release)
        if release.get("version") in versions:
            problems.append(_problem(where, f"{rpath}.version", "duplicate version"))
        versions.add(release.get("version"))
    return problems


def _check_release(where: str, path: str, release: dict[str, Any]) -> list[dict[str, Any]]:
    problems = []
    parsed = parse_tag(str(release.get("version") or ""))
    if not isinstance(parsed, TagVersion):
        problems.append(
            _problem(where, f"{path}.version", f"not a version: {release.get('version')!r}")
        )
    try:
        _date(release.get("date"))
    except ValueError as error:
        problems.append(_problem(where, f"{path}.date", str(error)))
    for name, req in (release.get("requires") or {}).items():
        raw = req.get("range") if isinstance(req, dict) else req
        problems += _check_range(where, f"{path}.requires.{name}", raw)
    for slug, dep in (release.get("dependsOn") or {}).items():
        raw = dep.get("range") if isinstance(dep, dict) else dep
        problems += _check_range(where, f"{path}.dependsOn.{slug}", raw, required=True)
    return problems


def _check_range(where: str, path: str, raw: Any, required: bool = False) -> list[dict[str, Any]]:
    if raw is None and not required:
        return []
    try:
        parse_range(str(raw))
    except InvalidRange as error:
        return [_problem(where, path, f"invalid range {raw!r}: {error.reason}")]
    return []


def _problem(file: str, field_path: str, message: str) -> dict[str, Any]:
    return {"file": file, "line": None, "field": field_path, "message": message}


def upsert_component(session: Session, data: dict[str, Any]) -> str:
    """Create or update a component with its versions and capabilities; returns the outcome."""
    component = session.scalar(select(Component).where(Component.name == data["name"]))
    created = component is None
    if component is None:
        component = Component(name=data["name"])
        session.add(component)
    changed = assign(
        component,
        title_de=_text(data.get("title"), "de"),
        title_en=_text(data.get("title"), "en"),
        description_de=_text(data.get("description"), "de"),
        description_en=_text(data.get("description"), "en"),
        repository=data.get("repository"),
        tag_prefix=data.get("tagPrefix") or "",
        versioning=data.get("versioning") or "semver",
        sources=data.get("sources") or None,
    )
    existing = {v.version: v for v in component.versions}
    for item in data.get("versions") or []:
        version = existing.get(item["version"])
        if version is None:
            version = ComponentVersion(version=item["version"])
            component.versions.append(version)
            existing[version.version] = version
            changed = True
        changed |= assign(
            version,
            tag=item.get("tag"),
            sha=item.get("sha"),
            date=_date(item.get("date")),
            prerelease=bool(item.get("prerelease")),
            support=item.get("support") or "supported",
        )
    capabilities = {c.name: c for c in component.capabilities}
    for item in data.get("capabilities") or []:
        name = item["name"] if isinstance(item, dict) else str(item)
        source = item.get("source", "") if isinstance(item, dict) else ""
        if name not in capabilities:
            capability = ComponentCapability(name=name, source=source)
            component.capabilities.append(capability)
            capabilities[name] = capability
            changed = True
        else:
            changed |= assign(capabilities[name], source=source)
    if changed:
        bump(session, "catalog")
    return _outcome(created, changed)


@dataclass(frozen=True)
class ModuleMerge:
    """What applying one module dict did: the outcome and a decision per field."""

    slug: str
    outcome: str
    fields: list[FieldDecision]
    mirrors: list[str] = field(default_factory=list)


def upsert_module(
    session: Session, data: dict[str, Any], *, source: str = "", record: bool = True
) -> str:
    """Create or update a module (and its releases) from an export document or the demo data.

    ``source`` ``"demo"`` marks the bundled demo data, anything else is a registry export;
    ``record=False`` when the caller brings the event log along (an export document)."""
    origin = Origin(DEMO if source == DEMO else EXPORT, source)
    return merge_module(session, data, origin, record=record).outcome


def merge_module(
    session: Session, data: dict[str, Any], origin: Origin, *, record: bool = True
) -> ModuleMerge:
    """Create or update a module from a dict of the export shape, field by field through the
    precedence rule (registry.services.sources); releases are added, and existing ones only
    get what they lack (their tags, dates and requirements come from the crawl)."""
    module = session.scalar(select(Module).where(Module.slug == data["slug"]))
    created = module is None
    if module is None:
        module = Module(slug=data["slug"], source=data.get("source") or origin.ref, provenance={})
        session.add(module)
    recorded = data.get("provenance") if origin.source == EXPORT else None
    decisions = merge_fields(
        module, claims_of(data), origin, created=created, recorded=recorded or None
    )
    changed = created or sources_changed(decisions)
    mirrors = _record_mirrors(session, module, data, decisions, origin)
    changed |= bool(mirrors)
    changed |= bool(sync_module_adopters(session, module))
    existing = {r.version: r for r in module.releases}
    for item in data.get("releases") or []:
        release = existing.get(item["version"])
        if release is None:
            release = Release(version=item["version"])
            module.releases.append(release)
            existing[release.version] = release
            changed |= _assign_release(release, item)
        else:
            changed |= _fill_release(release, item)
    if created and record:
        session.flush()
        record_event(session, "module-added", module=module.slug, data={"source": module.source})
    if changed:
        bump(session, "catalog")
    return ModuleMerge(module.slug, _outcome(created, changed), decisions, mirrors)


def _record_mirrors(
    session: Session,
    module: Module,
    data: dict[str, Any],
    decisions: list[FieldDecision],
    origin: Origin,
) -> list[str]:
    """Store the other repository URLs a source names as mirrors: its ``mirrors`` and a
    repository it offered that differs from the module's crawl source. Returns new ones."""
    urls = [m.get("url") if isinstance(m, dict) else m for m in data.get("mirrors") or []]
    urls += kept_values(decisions, "repository")
    known = {m.url.lower() for m in module.mirrors}
    added = []
    for url in urls:
        if not isinstance(url, str) or not url.strip():
            continue
        try:
            mirror = record_mirror(session, module, url, source=origin.source)
        except InvalidInput:
            # Not a repository URL: the importer reports it; nothing to keep as a mirror.
            continue
        if mirror is not None and mirror.url.lower() not in known:
            known.add(mirror.url.lower())
            added.append(mirror.url)
    return added


def _fill_release(release: Release, item: dict[str, Any]) -> bool:
    """Give an existing release the values it lacks; never replace one it has."""
    missing = {
        column: value
        for column, value in release_values(item).items()
        if is_blank(getattr(release, column)) and not is_blank(value)
    }
    return assign(release, **missing)


def _assign_release(release: Release, item: dict[str, Any]) -> bool:
    return assign(release, **release_values(item))


def release_values(item: dict[str, Any]) -> dict[str, Any]:
    """Release columns from a release dict of the export shape."""
    license_info = item.get("license") or {}
    if isinstance(license_info, str):
        license_info = {"declared": license_info, "detected": None}
    return {
        "tag": item.get("tag"),
        "tags": list(item.get("tags") or ([item["tag"]] if item.get("tag") else [])),
        "sha": item.get("sha"),
        "date": _date(item.get("date")),
        "prerelease": bool(item.get("prerelease")),
        "yanked": bool(item.get("yanked")),
        "yanked_reason": item.get("yankedReason"),
        "withdrawn": bool(item.get("withdrawn")),
        "license_declared": license_info.get("declared"),
        "license_detected": license_info.get("detected"),
        "requires": normalize_requires(item.get("requires") or {}),
        "depends_on": normalize_depends(item.get("dependsOn") or {}),
        "metadata_source": item.get("metadataSource") or "registry",
        "source_repository": item.get("sourceRepository"),
        "problems": list(item.get("problems") or []),
    }


def normalize_requires(requires: dict[str, Any]) -> dict[str, Any]:
    """Component requirements with the raw range and its normalized form side by side."""
    result = {}
    for name, given in sorted(requires.items()):
        req = given if isinstance(given, dict) else {"range": given}
        raw = req.get("range")
        result[name] = {
            "range": raw,
            "normalized": parse_range(str(raw)).normalized if raw is not None else None,
            "capabilities": sorted(set(req.get("capabilities") or [])),
        }
    return result


def normalize_depends(depends: dict[str, Any]) -> dict[str, Any]:
    """Module dependencies with the raw range and its normalized form side by side."""
    result = {}
    for slug, dep in sorted(depends.items()):
        raw = dep.get("range") if isinstance(dep, dict) else dep
        result[slug] = {"range": raw, "normalized": parse_range(str(raw)).normalized}
    return result


def upsert_deployment(session: Session, data: dict[str, Any]) -> str:
    """Create or update a deployment of an export; matched by id and name."""
    document = dict(data["document"])
    deployment = None
    if data.get("id") is not None:
        deployment = session.get(Deployment, data["id"])
        if deployment is not None and deployment.name != document.get("name"):
            deployment = None
    if deployment is None:
        deployment = session.scalar(
            select(Deployment).where(Deployment.name == document["name"]).limit(1)
        )
    created = deployment is None
    if deployment is None:
        deployment = Deployment(document=document)
        if data.get("id") is not None and session.get(Deployment, data["id"]) is None:
            deployment.id = data["id"]
        session.add(deployment)
    changed = assign(
        deployment,
        name=document["name"],
        ags=document.get("ags"),
        state=document.get("state"),
        visibility=document.get("visibility") or "public",
        channel=document.get("channel") or "stable",
        document=document,
        demo=bool(data.get("demo")),
    )
    return _outcome(created, changed)


def upsert_event(session: Session, data: dict[str, Any]) -> str:
    """Insert an event unless the same one (kind, module, version, time) is already logged."""
    created_at = _date(data.get("createdAt")) or utcnow()
    same = select(Event.id).where(
        Event.kind == data["kind"],
        Event.module_slug == data.get("module"),
        Event.version == data.get("version"),
        Event.created_at == created_at,
    )
    if session.scalar(same.limit(1)) is not None:
        return "unchanged"
    event = Event(
        kind=data["kind"],
        module_slug=data.get("module"),
        version=data.get("version"),
        deployment_id=data.get("deployment"),
        data=dict(data.get("data") or {}),
        created_at=created_at,
    )
    if data.get("id") is not None and session.get(Event, data["id"]) is None:
        event.id = data["id"]
    session.add(event)
    return "created"


def _advance_sequences(session: Session) -> None:
    # Rows inserted with explicit ids leave PostgreSQL's sequences behind.
    if session.get_bind().dialect.name != "postgresql":
        return
    session.flush()
    for table in ("deployments", "events"):
        highest = session.scalar(select(func.max(text("id"))).select_from(text(table)))
        if highest:
            session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n)"),
                {"n": highest},
            )


def assign(obj: Any, **values: Any) -> bool:
    """Set the attributes that differ; True when any did (the one place for change checks)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _outcome(created: bool, changed: bool) -> str:
    if created:
        return "created"
    return "updated" if changed else "unchanged"


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or "")
    if isinstance(value, str) and lang == "de":
        return value
    return ""


def _date(value: Any) -> datetime | None:
    """A timestamp with zone; a plain date (publiccode's releaseDate) is midnight UTC."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date_type):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text_value = str(value)
    try:
        if len(text_value) == 10:
            day = date_type.fromisoformat(text_value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(text_value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without time zone: {value!r}")
    return parsed
