"""Apply what a source says about a module, field by field, through the precedence rule.

Every importer (registry exports, demo data, admin-doku, publiccode.yml, Studio manifests), the
crawl (a module's own ``sva-module.yml`` on its default branch) and admin edits go through
``merge_fields``. It reads each field the source carries, asks ``registry.metadata.provenance``
whether the source may set it, sets it and records source, time and file in
``Module.provenance``; a decision per field comes back for the import report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from registry.db import utcnow
from registry.metadata.profile import normalized_profile
from registry.metadata.provenance import KEPT, SET, SOURCES, Claim, Decision, Held, decide
from registry.models import Module


@dataclass(frozen=True)
class ModuleField:
    """One field a source can set: its path in the export shape and its column."""

    path: str
    column: str
    structural: bool = False


# The one list of module fields that sources set (paths of docs/export-format.md).
MODULE_FIELDS = (
    ModuleField("name.de", "name_de"),
    ModuleField("name.en", "name_en"),
    ModuleField("summary.de", "summary_de"),
    ModuleField("summary.en", "summary_en"),
    ModuleField("description.de", "description_de"),
    ModuleField("description.en", "description_en"),
    ModuleField("topic", "topic"),
    ModuleField("license", "license"),
    ModuleField("developmentStatus", "development_status"),
    ModuleField("maintainers", "maintainers"),
    ModuleField("platforms", "platforms"),
    ModuleField("flags.hidden", "hidden"),
    ModuleField("flags.deprecated", "deprecated"),
    ModuleField("flags.successor", "successor"),
    ModuleField("flags.archived", "archived"),
    ModuleField("flags.gone", "gone"),
    ModuleField("kind", "kind", structural=True),
    ModuleField("host.component", "host_component", structural=True),
    ModuleField("host.path", "host_path", structural=True),
    ModuleField("repository", "repository", structural=True),
    ModuleField("tagPrefix", "tag_prefix", structural=True),
)
FIELDS_BY_PATH = {f.path: f for f in MODULE_FIELDS}
EXTRA = "extra."
# The description sections (registry/metadata/profile.py), each a field of its own.
PROFILE = "profile."


@dataclass(frozen=True)
class FieldDecision:
    """What one source's value for one field became."""

    field: str
    decision: Decision
    value: Any = None


@dataclass(frozen=True)
class Origin:
    """Who says it: a precedence source, the file or place, when, and whether it is unfinished."""

    source: str
    ref: str = ""
    at: datetime | None = None
    weak: bool = False


def claims_of(data: dict[str, Any]) -> dict[str, Any]:
    """The field values a module dict (export shape) carries, by field path; extra per key."""
    values: dict[str, Any] = {}
    for item in MODULE_FIELDS:
        found, value = _lookup(data, item.path)
        if found:
            values[item.path] = value
    for key, value in sorted((data.get("extra") or {}).items()):
        values[EXTRA + key] = value
    for key, value in normalized_profile(data.get("profile")).items():
        values[PROFILE + key] = value
    return values


def _lookup(data: dict[str, Any], path: str) -> tuple[bool, Any]:
    value: Any = data
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return False, None
        value = value[key]
    return True, value


def held_value(module: Module, path: str) -> Any:
    """The value a module holds for a field path."""
    if path.startswith(EXTRA):
        return (module.extra or {}).get(path[len(EXTRA) :])
    if path.startswith(PROFILE):
        return (module.profile or {}).get(path[len(PROFILE) :])
    return getattr(module, FIELDS_BY_PATH[path].column)


def held_of(module: Module, path: str, created: bool) -> Held | None:
    """What a field holds, with its recorded source (``None`` for a module being created)."""
    if created:
        return None
    record = (module.provenance or {}).get(path) or {}
    return Held(
        held_value(module, path),
        record.get("source"),
        _time(record.get("at")),
        bool(record.get("weak")),
    )


def merge_fields(
    module: Module,
    values: dict[str, Any],
    origin: Origin,
    *,
    created: bool = False,
    recorded: dict[str, Any] | None = None,
) -> list[FieldDecision]:
    """Apply ``values`` (field path -> value) from ``origin`` to ``module`` by precedence.

    ``recorded``: the provenance an export carries; a field recorded there competes with the
    source and time recorded (a restore keeps where each value came from)."""
    now = utcnow()
    provenance = dict(module.provenance or {})
    extra = dict(module.extra or {})
    profile = dict(module.profile or {})
    decisions = []
    for path, value in values.items():
        item = FIELDS_BY_PATH.get(path)
        field_origin = _recorded_origin((recorded or {}).get(path)) or origin
        at = field_origin.at or now
        claim = Claim(_copy(value), field_origin.source, at, field_origin.weak)
        held = held_of(module, path, created)
        decision = decide(held, claim, structural=bool(item and item.structural))
        decisions.append(FieldDecision(path, decision, claim.value))
        if decision.action == SET:
            if path.startswith(PROFILE):
                profile[path[len(PROFILE) :]] = claim.value
            elif item is None:
                extra[path[len(EXTRA) :]] = claim.value
            else:
                setattr(module, item.column, claim.value)
        if decision.takes:
            provenance[path] = _record(field_origin, at)
    if extra != (module.extra or {}):
        module.extra = extra
    if profile != (module.profile or {}):
        module.profile = profile
    if provenance != (module.provenance or {}):
        module.provenance = provenance
    return decisions


def _recorded_origin(record: Any) -> Origin | None:
    if not isinstance(record, dict) or record.get("source") not in SOURCES:
        return None
    return Origin(
        record["source"],
        str(record.get("ref") or ""),
        _time(record.get("at")),
        bool(record.get("weak")),
    )


def _record(origin: Origin, at: datetime) -> dict[str, Any]:
    record: dict[str, Any] = {"source": origin.source, "at": at.isoformat()}
    if origin.ref:
        record["ref"] = origin.ref
    if origin.weak:
        record["weak"] = True
    return record


def changed(decisions: list[FieldDecision]) -> bool:
    """Whether any field got a new value."""
    return any(d.decision.action == SET for d in decisions)


def kept_values(decisions: list[FieldDecision], path: str) -> list[Any]:
    """Values of ``path`` the source offered but the module kept its own for."""
    return [d.value for d in decisions if d.field == path and d.decision.action == KEPT]


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def field_sources(module: Module) -> list[tuple[str, dict[str, Any]]]:
    """The module's provenance records in field order (columns first, then extra keys)."""
    records = module.provenance or {}
    order = {item.path: index for index, item in enumerate(MODULE_FIELDS)}
    return sorted(
        ((path, record) for path, record in records.items() if isinstance(record, dict)),
        key=lambda pair: (order.get(pair[0], len(order)), pair[0]),
    )
