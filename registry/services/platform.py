"""Platform requirements: what component versions themselves need, and their CHANGELOG entries.

Two sources, kept apart by ``PlatformRequirement.source``:
- ``crawl``: read from a host component's repository (``Component.sources``): per tag the
  GraphQL root operations its query documents send become a capability requirement on the
  component those operations go to (``capabilitiesOf``), and the CHANGELOG's entries per
  version. A crawl replaces only rows of its own source.
- ``curated``: admins add what code cannot show (content records such as ``globalSettings``,
  ranges on other components), through the API or an import file (``import_platform``).

Nothing here commits: the caller's transaction holds the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.appsource import SourceRules
from crawlers.base import RepositorySnapshot
from registry.compat import InvalidRange, parse_range, parse_version
from registry.compat.versions import SkippedTag, parse_tag, version_key
from registry.errors import InvalidInput, NotFound
from registry.models import Component, ComponentChange, PlatformRequirement
from registry.services.events import bump

__all__ = [
    "CONTENT_RULES",
    "PlatformData",
    "add_requirement",
    "apply_source_facts",
    "change_dict",
    "crawled_platform",
    "delete_requirement",
    "import_platform",
    "platform_data",
    "requirement_dict",
    "source_rules",
]

# Content version rules: code -> what it asks of the records a deployment has.
CONTENT_RULES = {
    # The mainserver answers the record with the highest version <= the app's version; an app
    # line needs a record of its own major line (SVA-FACTS §4.1, the v5 guide §5.1).
    "same-major-at-most": "a record whose version is <= the component version, same major line",
    "at-most": "a record whose version is <= the component version",
}
_NEEDS = ("component", "content")


def source_rules(component: Component) -> SourceRules | None:
    """The crawler's source rules of ``component`` (None: its source is not read)."""
    if not component.sources:
        return None
    return SourceRules.from_dict(component.sources)


# ---- from a crawl ----------------------------------------------------------------------------


def crawled_platform(
    component: str, tag_prefix: str, sources: Mapping[str, Any], snapshot: RepositorySnapshot
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What a crawl read of a host component's source, in the export shape: per version the
    root operations as a capability requirement on ``sources["capabilitiesOf"]``, and the
    CHANGELOG entries of the default branch (both with ``source: crawl``)."""
    target = sources.get("capabilitiesOf")
    queries = SourceRules.from_dict(sources).queries
    requirements: dict[str, dict[str, Any]] = {}
    for tag in sorted(snapshot.tags, key=lambda t: (t.name.count("."), t.name)):
        parsed = parse_tag(tag.name, tag_prefix)
        facts = snapshot.facts_for(tag)
        if not target or isinstance(parsed, SkippedTag) or facts is None:
            continue
        if not facts.operations:
            continue  # not read, or a tag without query documents: it needs nothing
        needs = {"name": target, "range": None, "capabilities": sorted(facts.operations)}
        # The canonical spelling first ("v3.2.6" before the re-tag "v.3.2.6"): it names it.
        requirements.setdefault(
            parsed.version,
            {
                "of": component, "versions": f"=={parsed.version}",
                "component": needs,
                "source": "crawl", "origin": f"{queries}@{tag.name}", "note": "",
            },
        )  # fmt: skip
    changes = []
    file = snapshot.head.changelog if snapshot.head is not None else None
    if file is not None:
        origin = f"{file.path}@{file.blob_sha[:12]}"
        changes = [
            {
                "component": component, "version": _normalized(v.version), "position": position,
                "text": e.text, "breaking": e.breaking, "date": v.date, "source": "crawl",
                "origin": origin,
            }
            for v in file.changelog or ()
            for position, e in enumerate(v.entries)
        ]  # fmt: skip
    ordered = [requirements[v] for v in sorted(requirements, key=_sort_key)]
    return ordered, changes


def apply_source_facts(
    session: Session, component: Component, snapshot: RepositorySnapshot
) -> bool:
    """Store what a crawl read of ``component``'s source (``crawled_platform``), replacing
    only rows of the crawl's own source. Returns whether anything changed."""
    requirements, changes = crawled_platform(
        component.name, component.tag_prefix or "", component.sources or {}, snapshot
    )
    changed = _apply_operations(session, component, requirements)
    if snapshot.head is not None and snapshot.head.changelog is not None:
        changed |= _apply_changelog(session, component, changes)
    return changed


def _apply_operations(
    session: Session, component: Component, requirements: list[dict[str, Any]]
) -> bool:
    existing = {
        row.versions: row
        for row in session.scalars(
            select(PlatformRequirement).where(
                PlatformRequirement.component_id == component.id,
                PlatformRequirement.source == "crawl",
                PlatformRequirement.needs == "component",
            )
        )
    }
    changed = False
    for item in requirements:
        wanted = item["component"]
        row = existing.get(item["versions"])
        if row is None:
            row = PlatformRequirement(
                component_id=component.id, versions=item["versions"], needs="component",
                target=wanted["name"], source="crawl", capabilities=[], origin="", note="",
            )  # fmt: skip
            session.add(row)
        if row.capabilities != wanted["capabilities"] or row.target != wanted["name"]:
            row.capabilities, row.target = wanted["capabilities"], wanted["name"]
            row.origin = item["origin"]
            changed = True
    return changed


def _apply_changelog(session: Session, component: Component, changes: list[dict[str, Any]]) -> bool:
    fields = ("version", "position", "text", "breaking", "date")
    wanted = [tuple(c[f] for f in fields) for c in changes]
    rows = list(
        session.scalars(
            select(ComponentChange)
            .where(ComponentChange.component_id == component.id, ComponentChange.source == "crawl")
            .order_by(ComponentChange.id)
        )
    )
    if [tuple(getattr(r, f) for f in fields) for r in rows] == wanted:
        return False
    for row in rows:
        session.delete(row)
    for change in changes:
        values = {k: v for k, v in change.items() if k not in ("component", "source")}
        session.add(ComponentChange(component_id=component.id, source="crawl", **values))
    session.flush()
    return True


def _normalized(text: str) -> str:
    try:
        return str(parse_version(text))
    except ValueError:
        return text


# ---- curated -------------------------------------------------------------------------------


def add_requirement(
    session: Session, component_name: str, data: Any, *, where: str = "requirement"
) -> PlatformRequirement:
    """Add a curated requirement to ``component_name``'s versions; InvalidInput lists every
    problem of ``data`` (``{"versions", "component": {"name", "range"?, "capabilities"?}}`` or
    ``{"versions", "content": {"name", "rule"}}``, optional ``note``)."""
    component = _component(session, component_name)
    values = _requirement_values(data, where)
    row = PlatformRequirement(component_id=component.id, source="curated", **values)
    session.add(row)
    session.flush()
    bump(session, "catalog")
    return row


def delete_requirement(session: Session, component_name: str, requirement_id: int) -> None:
    """Remove a curated requirement (a crawled one comes back with the next crawl, so it is
    refused)."""
    component = _component(session, component_name)
    row = session.get(PlatformRequirement, requirement_id)
    if row is None or row.component_id != component.id:
        raise NotFound(
            f"no requirement {requirement_id} of {component_name}",
            [{"field": "id", "value": requirement_id}],
        )
    if row.source != "curated":
        raise InvalidInput(
            "only curated requirements can be deleted",
            [{"field": "id", "message": f"requirement {requirement_id} was read by the crawler"}],
        )
    session.delete(row)
    session.flush()
    bump(session, "catalog")


def import_platform(session: Session, data: Any, filename: str = "<import>") -> dict[str, int]:
    """Import a curated platform file: ``{"schemaVersion": 1, "components": {name:
    {"requirements": [...], "changes": [{"version", "text", "breaking"?}]}}}``. All or
    nothing: InvalidInput lists every problem (with its place). A second import of the same
    file changes nothing. Returns counts of what was added."""
    problems: list[dict[str, Any]] = []
    if not isinstance(data, dict) or data.get("schemaVersion") != 1:
        raise InvalidInput(
            f"{filename}: not a platform file",
            [{"field": "schemaVersion", "message": "must be 1 in a mapping"}],
        )
    components = data.get("components")
    if not isinstance(components, dict):
        raise InvalidInput(
            f"{filename}: not a platform file",
            [{"field": "components", "message": "a mapping of component names is required"}],
        )
    planned = _planned_rows(session, components, problems)
    if problems:
        raise InvalidInput(f"{filename}: {len(problems)} problem(s)", problems)
    added = {"requirements": 0, "changes": 0}
    for component, kind, values in planned:
        if kind == "requirement":
            added["requirements"] += _add_once(session, PlatformRequirement, component, values)
        else:
            added["changes"] += _add_once(session, ComponentChange, component, values)
    if any(added.values()):
        session.flush()
        bump(session, "catalog")
    return added


def _planned_rows(
    session: Session, components: Mapping[str, Any], problems: list[dict[str, Any]]
) -> list[tuple[Component, str, dict[str, Any]]]:
    """The rows an import file asks for; problems are appended to ``problems``."""
    planned: list[tuple[Component, str, dict[str, Any]]] = []
    for name, entry in components.items():
        component = session.scalar(select(Component).where(Component.name == name))
        if component is None:
            problems.append({"field": f"components.{name}", "message": "no such component"})
            continue
        body = entry if isinstance(entry, dict) else {}
        for kind, key, read in (
            ("requirement", "requirements", _requirement_values),
            ("change", "changes", _change_values),
        ):
            for index, item in enumerate(body.get(key) or []):
                try:
                    planned.append(
                        (component, kind, read(item, f"components.{name}.{key}[{index}]"))
                    )
                except InvalidInput as error:
                    problems.extend(error.problems)
    return planned


def _add_once(
    session: Session,
    model: Any,
    component: Component,
    values: dict[str, Any],
    source: str | None = "curated",
) -> int:
    """Add a row unless an equal one of the same source exists (a second import changes
    nothing)."""
    source = "crawl" if source == "crawl" else "curated"
    rows = session.scalars(
        select(model).where(model.component_id == component.id, model.source == source)
    )
    if any(all(getattr(row, key) == value for key, value in values.items()) for row in rows):
        return 0
    session.add(model(component_id=component.id, source=source, **values))
    session.flush()
    return 1


def _component(session: Session, name: str) -> Component:
    component = session.scalar(select(Component).where(Component.name == name))
    if component is None:
        raise NotFound(f"no component {name!r}", [{"field": "component", "value": name}])
    return component


def _requirement_values(data: Any, where: str) -> dict[str, Any]:
    problems: list[dict[str, Any]] = []
    if not isinstance(data, dict):
        raise InvalidInput(
            f"{where}: must be a mapping", [{"field": where, "message": "not a mapping"}]
        )
    versions = data.get("versions")
    if not isinstance(versions, str) or not _is_range(versions):
        problems.append({"field": f"{where}.versions", "message": "must be a version range"})
    kinds = [k for k in _NEEDS if k in data]
    unknown = sorted(set(data) - {"versions", "note", *_NEEDS})
    problems.extend({"field": f"{where}.{k}", "message": "unknown key"} for k in unknown)
    if len(kinds) != 1:
        problems.append({"field": where, "message": "needs exactly one of component, content"})
        raise InvalidInput(f"{where}: {len(problems)} problem(s)", problems)
    needs = kinds[0]
    body = data[needs]
    values: dict[str, Any] = {
        "versions": versions, "needs": needs, "range": None, "capabilities": [], "rule": None,
        "note": str(data.get("note") or ""), "origin": "",
    }  # fmt: skip
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"]:
        problems.append({"field": f"{where}.{needs}.name", "message": "a name is required"})
        raise InvalidInput(f"{where}: {len(problems)} problem(s)", problems)
    values["target"] = body["name"]
    if needs == "component":
        range_text = body.get("range")
        if range_text is not None and (
            not isinstance(range_text, str) or not _is_range(range_text)
        ):
            problems.append(
                {"field": f"{where}.component.range", "message": "must be a version range"}
            )
        capabilities = body.get("capabilities") or []
        if not isinstance(capabilities, list) or not all(
            isinstance(c, str) and c for c in capabilities
        ):
            problems.append(
                {"field": f"{where}.component.capabilities", "message": "must be a list of names"}
            )
        elif range_text is None and not capabilities:
            problems.append(
                {"field": f"{where}.component", "message": "needs a range or capabilities"}
            )
        values["range"], values["capabilities"] = range_text, sorted(set(capabilities or []))
    else:
        rule = body.get("rule")
        if rule not in CONTENT_RULES:
            problems.append(
                {
                    "field": f"{where}.content.rule",
                    "message": f"must be one of {', '.join(CONTENT_RULES)}",
                }
            )
        values["rule"] = rule
    if problems:
        raise InvalidInput(f"{where}: {len(problems)} problem(s)", problems)
    return values


def _change_values(data: Any, where: str) -> dict[str, Any]:
    problems = []
    if not isinstance(data, dict):
        raise InvalidInput(
            f"{where}: must be a mapping", [{"field": where, "message": "not a mapping"}]
        )
    version = data.get("version")
    if not isinstance(version, str) or not _is_version(version):
        problems.append({"field": f"{where}.version", "message": "must be a version"})
    if not isinstance(data.get("text"), str) or not data["text"].strip():
        problems.append({"field": f"{where}.text", "message": "a text is required"})
    if problems:
        raise InvalidInput(f"{where}: {len(problems)} problem(s)", problems)
    return {
        "version": _normalized(str(version)), "text": data["text"].strip(),
        "breaking": bool(data.get("breaking")), "position": int(data.get("position") or 0),
        "date": data.get("date"), "origin": str(data.get("origin") or ""),
    }  # fmt: skip


def _is_range(text: str) -> bool:
    try:
        parse_range(text)
    except InvalidRange:
        return False
    return True


def _is_version(text: str) -> bool:
    try:
        parse_version(text)
    except ValueError:
        return False
    return True


# ---- export and import (docs/export-format.md) ------------------------------------------


def export_platform(session: Session) -> dict[str, Any]:
    """Every requirement and CHANGELOG entry in the export shape (no ids)."""
    data = platform_data(session)
    return {
        "requirements": [{k: v for k, v in r.items() if k != "id"} for r in data.requirements],
        "changes": list(data.changes),
    }


def upsert_platform(session: Session, data: Any) -> bool:
    """Apply the ``platform`` part of an export document (both sources, as exported); rows
    already there are kept. Returns whether anything was added."""
    names = {c.name: c for c in session.scalars(select(Component))}
    added = 0
    for item in (data or {}).get("requirements") or []:
        component = names.get(item.get("of"))
        if component is None:
            continue  # the export's components were imported first; an unknown one is dropped
        body = {k: v for k, v in item.items() if k not in ("of", "source", "origin", "id")}
        values = _requirement_values(body, "platform.requirements")
        values["origin"] = str(item.get("origin") or "")
        added += _add_once(session, PlatformRequirement, component, values, item.get("source"))
    for item in (data or {}).get("changes") or []:
        component = names.get(item.get("component"))
        if component is not None:
            values = _change_values(item, "platform.changes")
            added += _add_once(session, ComponentChange, component, values, item.get("source"))
    if added:
        bump(session, "catalog")
    return bool(added)


# ---- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformData:
    """The platform facts of the whole registry, as plain rows for the engine's catalog."""

    requirements: tuple[dict[str, Any], ...]
    changes: tuple[dict[str, Any], ...]


def platform_data(session: Session) -> PlatformData:
    """Every platform requirement and every CHANGELOG entry, in a stable order."""
    names = dict(session.execute(select(Component.id, Component.name)).tuples().all())
    requirements = tuple(
        requirement_dict(row, names[row.component_id])
        for row in session.scalars(select(PlatformRequirement).order_by(PlatformRequirement.id))
    )
    changes = tuple(
        change_dict(row, names[row.component_id])
        for row in session.scalars(
            select(ComponentChange).order_by(ComponentChange.component_id, ComponentChange.id)
        )
    )
    return PlatformData(requirements, changes)


def requirement_dict(row: PlatformRequirement, component: str) -> dict[str, Any]:
    """The API/export shape of a requirement."""
    out: dict[str, Any] = {"id": row.id, "of": component, "versions": row.versions}
    if row.needs == "component":
        out["component"] = {
            "name": row.target,
            "range": row.range,
            "capabilities": list(row.capabilities or []),
        }
    else:
        out["content"] = {"name": row.target, "rule": row.rule}
    out.update(source=row.source, origin=row.origin, note=row.note)
    return out


def change_dict(row: ComponentChange, component: str) -> dict[str, Any]:
    """The API/export shape of a CHANGELOG entry."""
    return {
        "component": component, "version": row.version, "text": row.text,
        "breaking": row.breaking, "date": row.date, "source": row.source, "origin": row.origin,
        "position": row.position,
    }  # fmt: skip


def changes_of(session: Session, component_name: str) -> list[dict[str, Any]]:
    """The CHANGELOG entries of a component, newest version first."""
    component = _component(session, component_name)
    rows = session.scalars(
        select(ComponentChange).where(ComponentChange.component_id == component.id)
    )
    return [
        change_dict(r, component.name)
        for r in sorted(rows, key=lambda r: (_sort_key(r.version), -r.position), reverse=True)
    ]


def requirements_of(session: Session, component_name: str) -> list[dict[str, Any]]:
    """The requirements of a component's versions (curated first, then crawled by version)."""
    component = _component(session, component_name)
    rows = session.scalars(
        select(PlatformRequirement).where(PlatformRequirement.component_id == component.id)
    )
    return [requirement_dict(r, component.name) for r in sorted(rows, key=_requirement_order)]


def _requirement_order(row: PlatformRequirement) -> tuple[Any, ...]:
    return (row.source != "curated", row.versions, row.id)


def _sort_key(version: str) -> Any:
    try:
        return (1, version_key(version))
    except ValueError:
        return (0, version)


def content_rules() -> Mapping[str, str]:
    """The content version rules an import file or the API may name."""
    return CONTENT_RULES
