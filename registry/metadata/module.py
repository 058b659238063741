"""``sva-module.yml``: parse, validate (every problem at once) and turn into the export shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.metadata.checks import license_error, range_error
from registry.metadata.loader import Document, PathKey, decode_bytes, parse_text, read_file_text
from registry.metadata.problems import MetadataError, Problem, sort_problems
from registry.metadata.schema import MODULE_SCHEMA, schema_problems

MODULE_FILENAMES = ("sva-module.yml", "sva-module.yaml", "sva-module.json")

# Where a version or range is expected, YAML's numbers (`app: 4.10`) are taken as their text.
_VERSION_PATHS: tuple[PathKey, ...] = (
    ("requires", "*"),
    ("requires", "*", "range"),
    ("dependsOn", "*"),
)


@dataclass(frozen=True)
class ModuleMetadata:
    """One module as described by an ``sva-module.yml``.

    ``requires`` maps a component to ``{"range": raw text or None, "capabilities": [...]}``;
    ``depends_on`` maps a module slug to its raw range text; ``extra`` holds the ``x-`` keys.
    """

    slug: str
    name: Mapping[str, str | None]
    summary: Mapping[str, str | None]
    description: Mapping[str, str | None]
    kind: str
    topic: str | None = None
    host: Mapping[str, str | None] | None = None
    repository: str | None = None
    tag_prefix: str = ""
    license: str | None = None
    development_status: str | None = None
    successor: str | None = None
    maintainers: tuple[Mapping[str, str | None], ...] = ()
    platforms: tuple[str, ...] = ()
    requires: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    depends_on: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    source: str = "sva-module.yml"
    # Guides in the repository: name -> {language: path} (``docs:``; a plain path is German).
    docs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def to_export(self) -> dict[str, Any]:
        """The module dict of docs/export-format.md (``releases`` empty)."""
        return {
            "slug": self.slug,
            "name": dict(self.name),
            "summary": dict(self.summary),
            "description": dict(self.description),
            "topic": self.topic,
            "kind": self.kind,
            "host": dict(self.host) if self.host else None,
            "repository": self.repository,
            "tagPrefix": self.tag_prefix,
            "license": self.license,
            "developmentStatus": self.development_status,
            "maintainers": [dict(m) for m in self.maintainers],
            "platforms": list(self.platforms),
            "flags": {
                "hidden": False,
                "deprecated": self.development_status == "deprecated",
                "successor": self.successor,
                "archived": False,
                "gone": False,
            },
            "extra": dict(self.extra),
            "source": self.source,
            "releases": [],
        }

    def requires_export(self) -> dict[str, dict[str, Any]]:
        """``requires`` as in an export release: component -> {range, capabilities}."""
        return {
            name: {"range": req.get("range"), "capabilities": list(req.get("capabilities", []))}
            for name, req in self.requires.items()
        }

    def release_export(
        self,
        version: str,
        *,
        tag: str | None = None,
        sha: str | None = None,
        date: str | None = None,
        prerelease: bool = False,
        problems: list[Problem] | None = None,
    ) -> dict[str, Any]:
        """A release dict of the export format whose requirements come from this file."""
        return {
            "version": version,
            "tag": tag,
            "tags": [tag] if tag else [],
            "sha": sha,
            "date": date,
            "prerelease": prerelease,
            "yanked": False,
            "yankedReason": None,
            "withdrawn": False,
            "license": {"declared": self.license, "detected": None},
            "requires": self.requires_export(),
            "dependsOn": dict(self.depends_on),
            "metadataSource": "sva-module.yml",
            "problems": [p.to_dict() for p in problems or []],
        }


def load_module_file(path: str | Path) -> ModuleMetadata:
    """Read and validate an ``sva-module.yml``; raise MetadataError listing every problem."""
    text, problems = read_file_text(path)
    if text is None:
        raise MetadataError(problems)
    metadata, problems = parse_module_text(text, str(path))
    if problems or metadata is None:
        raise MetadataError(problems)
    return metadata


def parse_module_text(text: str, filename: str) -> tuple[ModuleMetadata | None, list[Problem]]:
    """Parse and validate ``sva-module.yml`` text; return the metadata and every problem.

    The metadata is None only when the text is no mapping at all; otherwise it is built
    best-effort (values of the wrong type are left out) and the problems say what is wrong.
    """
    document, problems = parse_text(text, filename)
    if document is None:
        return None, problems
    return module_from_document(document, problems)


def parse_module_bytes(raw: bytes, filename: str) -> tuple[ModuleMetadata | None, list[Problem]]:
    """Like ``parse_module_text`` for raw file content (e.g. a blob fetched at a tag): checks
    the size limit and UTF-8 first."""
    text, problems = decode_bytes(raw, filename)
    if text is None:
        return None, problems
    return parse_module_text(text, filename)


def module_from_document(
    document: Document, problems: list[Problem] | None = None
) -> tuple[ModuleMetadata | None, list[Problem]]:
    """Validate a loaded document as ``sva-module.yml`` and build the metadata from it."""
    problems = list(problems or [])
    if not isinstance(document.data, dict):
        problems.append(document.problem((), "expected a mapping at the top level"))
        return None, sort_problems(problems)
    document = with_number_texts(document, _VERSION_PATHS)
    problems.extend(schema_problems(document, MODULE_SCHEMA))
    problems.extend(_semantic_problems(document))
    return _build(document.data, Path(document.filename).name), sort_problems(problems)


def with_number_texts(document: Document, patterns: tuple[PathKey, ...]) -> Document:
    """A copy of ``document`` where numbers at ``patterns`` (``*`` = any key) are their text."""
    data = document.data
    for path, text in document.number_texts.items():
        if any(_matches(path, pattern) for pattern in patterns):
            data = _replace(data, path, text)
    return Document(document.filename, data, document.marks, document.number_texts)


def _matches(path: PathKey, pattern: PathKey) -> bool:
    return len(path) == len(pattern) and all(
        p in ("*", k) for k, p in zip(path, pattern, strict=True)
    )


def _replace(data: Any, path: PathKey, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict) and head in data:
        return {**data, head: _replace(data[head], rest, value)}
    return data


def _semantic_problems(document: Document) -> list[Problem]:
    data = document.data
    problems: list[Problem] = []
    license_text = data.get("license")
    if isinstance(license_text, str) and license_text.strip():
        reason = license_error(license_text)
        if reason:
            problems.append(document.problem(("license",), reason))
    problems.extend(_requirement_problems(document))
    problems.extend(_host_problems(document))
    problems.extend(_self_reference_problems(document))
    return problems


def _self_reference_problems(document: Document) -> list[Problem]:
    slug = document.data.get("id")
    if not isinstance(slug, str):
        return []
    problems = []
    depends = document.data.get("dependsOn")
    if isinstance(depends, dict) and slug in depends:
        problems.append(document.problem(("dependsOn", slug), "a module cannot depend on itself"))
    if document.data.get("successor") == slug:
        problems.append(document.problem(("successor",), "a module cannot succeed itself"))
    return problems


def _requirement_problems(document: Document) -> list[Problem]:
    problems: list[Problem] = []
    requires = document.data.get("requires")
    for name, req in requires.items() if isinstance(requires, dict) else []:
        path: PathKey = ("requires", name)
        text = req if isinstance(req, str) else req.get("range") if isinstance(req, dict) else None
        if isinstance(req, dict):
            path = (*path, "range")
        if isinstance(text, str) and text.strip():
            reason = range_error(text)
            if reason:
                problems.append(document.problem(path, reason))
    depends = document.data.get("dependsOn")
    for slug, text in depends.items() if isinstance(depends, dict) else []:
        if isinstance(text, str) and text.strip():
            reason = range_error(text)
            if reason:
                problems.append(document.problem(("dependsOn", slug), reason))
    return problems


def _host_problems(document: Document) -> list[Problem]:
    kind = document.data.get("kind")
    host = document.data.get("host")
    if kind == "in-app" and host is None:
        return [document.problem(("kind",), "an in-app module needs 'host' (component and path)")]
    if kind == "standalone" and host is not None:
        return [document.problem(("host",), "'host' is only for in-app modules")]
    return []


def _build(data: dict[str, Any], source: str) -> ModuleMetadata:
    host = data.get("host")
    return ModuleMetadata(
        slug=_text(data.get("id")) or "",
        name=i18n(data.get("name")),
        summary=i18n(data.get("summary")),
        description=i18n(data.get("description")),
        kind="in-app" if data.get("kind") == "in-app" else "standalone",
        topic=_text(data.get("topic")),
        host=(
            {"component": _text(host.get("component")), "path": _text(host.get("path"))}
            if isinstance(host, dict)
            else None
        ),
        repository=_text(data.get("repository")),
        tag_prefix=_text(data.get("tagPrefix")) or "",
        license=_text(data.get("license")),
        development_status=_text(data.get("developmentStatus")),
        successor=_text(data.get("successor")),
        maintainers=tuple(
            _maintainer(m) for m in _list(data.get("maintainers")) if isinstance(m, dict)
        ),
        platforms=tuple(p for p in _list(data.get("platforms")) if isinstance(p, str)),
        requires=_requires(data.get("requires")),
        depends_on={k: v for k, v in _dict(data.get("dependsOn")).items() if isinstance(v, str)},
        extra={k: v for k, v in data.items() if k.startswith("x-")},
        source=source,
        docs=_docs(data.get("docs")),
    )


def _docs(value: Any) -> dict[str, dict[str, str]]:
    docs: dict[str, dict[str, str]] = {}
    for name, paths in _dict(value).items():
        given = i18n(paths) if isinstance(paths, (str, dict)) else {}
        # Unsafe paths are reported by the schema and never read.
        found = {
            lang: path
            for lang, path in given.items()
            if isinstance(path, str) and not path.startswith("/") and ".." not in path.split("/")
        }
        if found:
            docs[str(name)] = found
    return docs


def i18n(value: Any) -> dict[str, str | None]:
    """A text or a ``{de, en}`` mapping as ``{"de": ..., "en": ...}`` (a plain text is German)."""
    if isinstance(value, str):
        return {"de": value, "en": None}
    if isinstance(value, dict):
        return {"de": _text(value.get("de")), "en": _text(value.get("en"))}
    return {"de": None, "en": None}


def _requires(value: Any) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for name, req in _dict(value).items():
        if isinstance(req, str):
            result[name] = {"range": req, "capabilities": []}
        elif isinstance(req, dict):
            caps = [c for c in _list(req.get("capabilities")) if isinstance(c, str)]
            result[name] = {"range": _text(req.get("range")), "capabilities": caps}
    return result


def _maintainer(value: dict[str, Any]) -> dict[str, str | None]:
    return {
        "name": _text(value.get("name")),
        "email": _text(value.get("email")),
        "url": _text(value.get("url")),
    }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
