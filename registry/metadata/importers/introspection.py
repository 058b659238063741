"""GraphQL introspection results -> the capabilities (root query and mutation fields)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from registry.metadata.loader import parse_text, read_file_text
from registry.metadata.problems import MetadataError, Problem

from .report import ImportReport

KIND = "introspection"
DEFAULT_COMPONENT = "mainserver"


def capabilities_from_introspection(data: Any, filename: str = "<introspection>") -> frozenset[str]:
    """The root Query and Mutation field names of a GraphQL introspection result.

    Accepts the full response (``{"data": {"__schema": ...}}``) or the bare ``{"__schema": ...}``.
    Raises MetadataError naming the missing part when ``data`` is no introspection result.
    """
    schema = _schema(data, filename)
    types = schema.get("types")
    if not isinstance(types, list):
        raise _error(filename, "__schema.types", "expected the list of types")
    by_name = {t.get("name"): t for t in types if isinstance(t, dict)}
    names: set[str] = set()
    for root in ("queryType", "mutationType"):
        names |= _root_fields(schema, root, by_name, filename)
    return frozenset(names)


def _schema(data: Any, filename: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _error(filename, "", "not a GraphQL introspection result: expected a JSON object")
    if isinstance(data.get("errors"), list) and data.get("data") is None:
        raise _error(
            filename, "errors", "the introspection query failed: the result holds errors only"
        )
    inner = data.get("data", data)
    schema = inner.get("__schema") if isinstance(inner, dict) else None
    if not isinstance(schema, dict):
        raise _error(filename, "data.__schema", "not a GraphQL introspection result: no __schema")
    return schema


def _root_fields(
    schema: dict[str, Any], root: str, by_name: dict[Any, Any], filename: str
) -> set[str]:
    reference = schema.get(root)
    if reference is None:
        if root == "queryType":
            raise _error(filename, "__schema.queryType", "a schema must have a query type")
        return set()  # a schema without mutations is valid
    name = reference.get("name") if isinstance(reference, dict) else None
    root_type = by_name.get(name)
    if not isinstance(root_type, dict):
        raise _error(filename, f"__schema.{root}", f"type {name!r} is not among __schema.types")
    fields = root_type.get("fields")
    if not isinstance(fields, list):
        raise _error(filename, f"__schema.types.{name}.fields", "expected the list of fields")
    return {f["name"] for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)}


def _error(filename: str, field: str, message: str) -> MetadataError:
    return MetadataError([Problem(filename, None, None, field, message)])


def import_introspection_file(
    path: str | Path, display_name: str | None = None, component: str = DEFAULT_COMPONENT
) -> ImportReport:
    """Import an introspection JSON file as the capabilities of ``component``."""
    name = display_name or str(path)
    text, problems = read_file_text(path, name)
    if text is None:
        return ImportReport(name, KIND, problems=problems)
    return import_introspection_text(text, name, component)


def import_introspection_text(
    text: str, filename: str, component: str = DEFAULT_COMPONENT
) -> ImportReport:
    """Import introspection JSON text: one component dict with its capabilities.

    Each capability's ``source`` is the file name without extension (e.g.
    ``introspection-2026-08``), as in the export format.
    """
    document, problems = parse_text(text, filename)
    if document is None:
        return ImportReport(filename, KIND, problems=problems)
    try:
        names = capabilities_from_introspection(document.data, filename)
    except MetadataError as exc:
        return ImportReport(filename, KIND, problems=[*problems, *exc.problems])
    source = PurePosixPath(filename).name.removesuffix(".json")
    capabilities = [{"name": name, "source": source} for name in sorted(names)]
    return ImportReport(
        filename,
        KIND,
        components=[{"name": component, "capabilities": capabilities}],
        mapped=[f"root query and mutation fields -> {len(names)} capabilities of {component}"],
        unmapped=["types, arguments and directives: only root field names are capabilities"],
        problems=problems,
    )


def is_introspection(data: Any) -> bool:
    """Whether parsed JSON looks like an introspection result (has ``__schema``)."""
    if not isinstance(data, dict):
        return False
    inner = data.get("data", data)
    return isinstance(inner, dict) and "__schema" in inner
