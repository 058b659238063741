"""Read YAML/JSON metadata files into plain data while keeping the line of every node.

PyYAML's ``compose`` gives a node tree with marks; we build the Python values ourselves from it so
that every field path (``("requires", "app")``) maps to its line and column. Building it
ourselves also lets us report duplicate keys (PyYAML silently keeps the last one) and keep the
source text of numbers written where a version is expected (``app: 4.10`` is not the float 4.1).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from registry.metadata.problems import Problem

MAX_FILE_BYTES = 1024 * 1024
# A document with aliases can expand exponentially ("billion laughs"); real metadata has a few
# hundred nodes, so this bound only stops abuse.
MAX_NODES = 100_000
# Lines of big JSON files (GraphQL introspection results) are not worth the YAML pass.
JSON_LINES_MAX_BYTES = 128 * 1024
# libyaml composes about four times faster than the pure-Python parser; both keep marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """A parsed file: its data, plus 1-based (line, column) of each field path in it."""

    filename: str
    data: Any
    marks: Mapping[PathKey, tuple[int, int]] = field(default_factory=dict)
    # Source text of plain scalars that YAML resolved to a number, by path.
    number_texts: Mapping[PathKey, str] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one; None without marks."""
        mark = self.mark_of(path)
        return mark[0] if mark else None

    def mark_of(self, path: PathKey) -> tuple[int, int] | None:
        """(line, column) of ``path`` or of its nearest ancestor that has one."""
        current = tuple(path)
        while True:
            if current in self.marks:
                return self.marks[current]
            if not current:
                return None
            current = current[:-1]

    def problem(self, path: PathKey, message: str) -> Problem:
        """A Problem located at ``path`` in this document."""
        return Problem(self.filename, self.line_of(path), None, format_path(path), message)


def format_path(path: PathKey) -> str:
    """``("requires", "app")`` -> ``requires.app``; list indexes as ``maintainers[0].name``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def read_file_text(
    path: str | Path, display_name: str | None = None
) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 text, refusing files over ``MAX_FILE_BYTES`` without reading them."""
    path = Path(path)
    name = display_name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [_too_large(name, size)]
        with path.open("rb") as handle:
            # Read one byte more than allowed: a file that grew after stat() is still caught.
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [Problem(name, None, None, "", f"cannot read file: {exc.strerror or exc}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [_too_large(name, len(raw))]
    return decode_bytes(raw, name)


def decode_bytes(raw: bytes, filename: str) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 (a BOM is dropped); on failure report the line and column of the bad byte."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [_too_large(filename, len(raw))]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        message = f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded ({exc.reason})"
        return None, [Problem(filename, line, column, "", message)]


def _too_large(name: str, size: int) -> Problem:
    return Problem(
        name, None, None, "", f"file too large: {size} bytes (limit {MAX_FILE_BYTES} bytes)"
    )


def parse_text(text: str, filename: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML (or JSON) text into a Document; problems for syntax errors and duplicate keys.

    A document may still come back with problems (duplicate keys, unknown tags): the data is
    usable, the problems must be reported.
    """
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        return None, [_too_large(filename, len(text.encode("utf-8")))]
    if filename.lower().endswith(".json"):
        return _parse_json(text, filename)
    return _parse_yaml(text, filename)


def _parse_json(text: str, filename: str) -> tuple[Document | None, list[Problem]]:
    # json first: its error messages and positions are the right ones for a JSON file.
    try:
        data = json.loads(text, object_pairs_hook=_first_key_wins)
    except json.JSONDecodeError as exc:
        return None, [Problem(filename, exc.lineno, exc.colno, "", f"invalid JSON: {exc.msg}")]
    except RecursionError:
        return None, [Problem(filename, None, None, "", "nesting too deep")]
    if len(text) > JSON_LINES_MAX_BYTES:
        return Document(filename, data), []
    # Then YAML (JSON is nearly a subset) only to learn the lines; fall back to no lines.
    document, problems = _parse_yaml(text, filename)
    if document is None:
        return Document(filename, data), []
    # The values are json's: YAML reads some JSON strings differently ("\x85" is a line break
    # to YAML), so only its marks, number texts and duplicate-key problems are used.
    return Document(filename, data, document.marks, document.number_texts), problems


def _first_key_wins(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Like the YAML path: a duplicate key is reported and the first value is the one kept.
    result: dict[str, Any] = {}
    for key, value in pairs:
        result.setdefault(key, value)
    return result


def _parse_yaml(text: str, filename: str) -> tuple[Document | None, list[Problem]]:
    root, problem = _compose(text, filename)
    if root is None:
        return None, [problem] if problem else []
    builder = _Builder(filename)
    try:
        data = builder.build(root, ())
    except _TooManyNodes:
        message = f"document too large: over {MAX_NODES} nodes"
        return None, [Problem(filename, None, None, "", message)]
    except RecursionError:
        return None, [Problem(filename, None, None, "", "nesting too deep")]
    return Document(filename, data, builder.marks, builder.number_texts), builder.problems


def _compose(text: str, filename: str) -> tuple[yaml.Node | None, Problem | None]:
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        return None, _syntax_problem(filename, exc)
    except yaml.YAMLError as exc:
        return None, Problem(filename, None, None, "", f"invalid YAML: {exc}")
    except RecursionError:
        return None, Problem(filename, None, None, "", "nesting too deep")
    if root is None:
        return None, Problem(filename, None, None, "", "empty file: no YAML document")
    return root, None


def _syntax_problem(filename: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    parts = [p for p in (exc.context, exc.problem) if p]
    message = "invalid YAML: " + ", ".join(parts)
    if exc.context_mark is not None and mark is not None and exc.context_mark.line != mark.line:
        # The parser notices a missing ']' lines later; say where the construct began.
        message += f" (the construct began at line {exc.context_mark.line + 1})"
    return Problem(filename, line, column, "", message)


class _TooManyNodes(Exception):
    pass


class _Builder:
    """Turns a composed node tree into dicts/lists/scalars, recording marks per path."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.marks: dict[PathKey, tuple[int, int]] = {}
        self.number_texts: dict[PathKey, str] = {}
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()
        self._count = 0

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self._count += 1
        if self._count > MAX_NODES:
            raise _TooManyNodes
        self.marks.setdefault(path, _mark(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: PathKey) -> Any:
        try:
            value = self._constructor.construct_object(node, deep=True)
        except ConstructorError as exc:
            self._problem(node, path, f"cannot read value: {exc.problem}")
            return node.value
        if isinstance(value, bool):
            return value
        # Plain scalars have style None (PyYAML) or '' (libyaml).
        if isinstance(value, int | float) and not getattr(node, "style", None):
            self.number_texts[path] = node.value
        if isinstance(value, dt.datetime | dt.date):
            # Unquoted dates are common (last_update: 2025-11-09); metadata wants the text.
            return node.value
        if isinstance(value, bytes):
            self._problem(node, path, "binary values are not supported")
            return None
        return value

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._merge(result, value_node, path)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, path, "mapping keys must be plain strings")
                continue
            # The source text, not the resolved value: `on:` or `1.0:` stay the strings they look
            # like instead of becoming True or 1.0.
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first_line:
                self._problem(
                    key_node,
                    (*path, key),
                    f"duplicate key '{key}' (first at line {first_line[key]})",
                )
                continue
            first_line[key] = line
            self.marks[(*path, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result

    def _merge(self, result: dict[str, Any], value_node: yaml.Node, path: PathKey) -> None:
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self._problem(value_node, path, "merge key '<<' needs a mapping")
                continue
            merged = self._mapping(source, path)
            for key, value in merged.items():
                result.setdefault(key, value)

    def _problem(self, node: yaml.Node, path: PathKey, message: str) -> None:
        line, column = _mark(node)
        self.problems.append(Problem(self.filename, line, column, format_path(path), message))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1
