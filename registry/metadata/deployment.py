"""The deployment file (YAML or JSON): parse and validate every problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion

from registry.compat.ranges import parse_version
from registry.metadata.checks import (
    STATE_BY_AGS_PREFIX,
    ags_error,
    is_unicode,
    nearest_spdx_ids,
    spdx_id_error,
)
from registry.metadata.loader import Document, PathKey, parse_text, read_file_text
from registry.metadata.module import with_number_texts
from registry.metadata.problems import MetadataError, Problem, sort_problems
from registry.metadata.schema import DEPLOYMENT_SCHEMA, schema_problems
from registry.metadata.slugs import fold_slug

# Versions, commits and the AGS are text; YAML reads `app: 4.2`, `commit: 1234567` or
# `ags: 12054000` as numbers, so at these paths the number's source text is used instead.
_TEXT_PATHS: tuple[PathKey, ...] = (
    ("components", "*"),
    ("components", "*", "version"),
    ("components", "*", "commit"),
    ("modules", "*"),
    ("ags",),
)


def load_deployment_text(text: str, filename: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse and validate deployment YAML/JSON text.

    Returns the document (plain dict, numbers at version places turned into their text) and
    every problem; the document is None only when the text is not a mapping at all.
    """
    document, problems = parse_text(text, filename)
    if document is None:
        return None, problems
    return deployment_from_document(document, problems)


def load_deployment_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a deployment file; raise MetadataError listing every problem."""
    text, problems = read_file_text(path)
    if text is None:
        raise MetadataError(problems)
    data, problems = load_deployment_text(text, str(path))
    if problems or data is None:
        raise MetadataError(problems)
    return data


def validate_deployment_document(data: Any, filename: str = "<request>") -> list[Problem]:
    """Every problem of an already parsed deployment document (e.g. a JSON API body); no lines."""
    _, problems = deployment_from_document(Document(filename, data))
    return problems


def deployment_from_document(
    document: Document, problems: list[Problem] | None = None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Validate a loaded document as a deployment file; return its data and every problem."""
    problems = list(problems or [])
    if not isinstance(document.data, dict):
        problems.append(document.problem((), "expected a mapping at the top level"))
        return None, sort_problems(problems)
    document = with_number_texts(document, _TEXT_PATHS)
    document, twice = _folded_modules(document)
    problems.extend(twice)
    problems.extend(schema_problems(document, DEPLOYMENT_SCHEMA))
    problems.extend(_text_problems(document, document.data, ()))
    problems.extend(_semantic_problems(document))
    return document.data, sort_problems(problems)


def _text_problems(document: Document, value: Any, path: tuple[Any, ...]) -> list[Problem]:
    """Texts no database stores: NUL characters and lone surrogates (e.g. from a form)."""
    if isinstance(value, str):
        if "\x00" in value:
            return [document.problem(path, "must not contain NUL characters")]
        if not is_unicode(value):
            return [document.problem(path, "must be Unicode text (a lone surrogate was sent)")]
        return []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found.extend(_text_problems(document, key, path))
            found.extend(_text_problems(document, item, (*path, str(key))))
        return found
    if isinstance(value, list):
        return [
            p for i, item in enumerate(value) for p in _text_problems(document, item, (*path, i))
        ]
    return []


def _semantic_problems(document: Document) -> list[Problem]:
    data = document.data
    problems: list[Problem] = []
    ags, state = data.get("ags"), data.get("state")
    # A malformed AGS is already reported by the schema; here only the state prefix is checked.
    if isinstance(ags, str) and len(ags) == 8 and ags[:2] in STATE_BY_AGS_PREFIX:
        reason = ags_error(ags, state if isinstance(state, str) else None)
        if reason:
            problems.append(document.problem(("ags",), reason))
    licenses = data.get("licenses")
    for index, license_id in enumerate(licenses if isinstance(licenses, list) else []):
        if isinstance(license_id, str) and license_id.strip():
            reason = spdx_id_error(license_id)
            if reason:
                nearest = ", ".join(nearest_spdx_ids(license_id))
                values = (("value", license_id), ("suggestion", nearest))
                problems.append(
                    _coded(document.problem(("licenses", index), reason), "license-unknown", values)
                )
    problems.extend(_version_problems(document))
    return problems


def _folded_modules(document: Document) -> tuple[Document, list[Problem]]:
    """The document with its module slugs folded (``Chatbot`` -> ``chatbot``), and a problem
    for each slug that folding makes appear twice."""
    modules = document.data.get("modules")
    if not isinstance(modules, dict):
        return document, []
    folded: dict[str, Any] = {}
    marks = dict(document.marks)
    problems = []
    for raw, version in modules.items():
        slug = fold_slug(raw) if isinstance(raw, str) else raw
        if slug in folded:
            message = f"module {slug!r} is listed twice"
            problems.append(
                _coded(
                    document.problem(("modules", raw), message), "module-twice", (("value", slug),)
                )
            )
            continue
        folded[slug] = version
        if ("modules", raw) in document.marks:
            marks[("modules", slug)] = document.marks[("modules", raw)]
    data = {**document.data, "modules": folded}
    return Document(document.filename, data, marks, document.number_texts), problems


def _coded(problem: Problem, code: str, values: tuple[tuple[str, str], ...]) -> Problem:
    return Problem(
        problem.file, problem.line, problem.column, problem.field, problem.message, code, values
    )


def _version_problems(document: Document) -> list[Problem]:
    places: list[tuple[PathKey, Any]] = []
    components = document.data.get("components")
    for name, value in components.items() if isinstance(components, dict) else []:
        if isinstance(value, dict):
            places.append((("components", name, "version"), value.get("version")))
        else:
            places.append((("components", name), value))
    modules = document.data.get("modules")
    for slug, value in modules.items() if isinstance(modules, dict) else []:
        places.append((("modules", slug), value))
    content = document.data.get("content")
    for name, versions in content.items() if isinstance(content, dict) else []:
        for index, value in enumerate(versions if isinstance(versions, list) else []):
            places.append((("content", name, index), value))
    problems = []
    for path, text in places:
        if isinstance(text, str) and text.strip() and not _is_version(text):
            problems.append(document.problem(path, f"{text!r} is no version (PEP 440 / SemVer)"))
    return problems


def _is_version(text: str) -> bool:
    try:
        parse_version(text)
    except InvalidVersion:
        return False
    return True
