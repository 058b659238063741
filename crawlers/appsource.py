"""What a host repository's source says about the platform it needs (pure, no I/O).

- ``root_operations``: the GraphQL root fields a JavaScript/TypeScript file sends, read from its
  ``gql`` documents with graphql-core (the reference GraphQL implementation for Python).
  Aliases count as the field they alias (``archived: surveys(...)`` is ``surveys``); fragment
  spreads at the root are followed within the file; several operations per file are read.
- ``parse_changelog``: a CHANGELOG in Keep a Changelog form, per version its entries and which
  of them are marked breaking.
- ``SourceRules``: which files of a repository are read (queries folder, excluded folders that
  talk to other endpoints, the CHANGELOG path).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

__all__ = [
    "ChangeEntry",
    "ChangelogVersion",
    "SourceRules",
    "gql_documents",
    "parse_changelog",
    "root_operations",
]

# A tagged template literal: gql`...` (also graphql`...`, gql(`...`) and /* GraphQL */ `...`).
_GQL = re.compile(r"(?:\bgql|\bgraphql|/\*\s*GraphQL\s*\*/)\s*\(?\s*`((?:[^`\\]|\\.)*)`", re.S)
# ${...} interpolations insert fragments defined elsewhere; nested braces are rare in gql tags.
_INTERPOLATION = re.compile(r"\$\{[^{}]*\}")


@dataclass(frozen=True)
class SourceRules:
    """Which files of a host repository tell what it needs.

    ``queries``: the folder whose GraphQL documents are read (recursively, files ending in one
    of ``extensions``); ``exclude``: folders below it whose documents go to other endpoints;
    ``changelog``: the CHANGELOG at the repository root.
    """

    queries: str = "src/queries"
    exclude: tuple[str, ...] = ()
    extensions: tuple[str, ...] = (".js", ".jsx", ".ts", ".tsx", ".graphql", ".gql")
    changelog: str = "CHANGELOG.md"

    def reads(self, path: str) -> bool:
        """Whether the file at ``path`` is a query document to read."""
        root = self.queries.strip("/") + "/"
        if not path.startswith(root) or not path.endswith(self.extensions):
            return False
        return not any(path.startswith(e.strip("/") + "/") for e in self.exclude)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready rules (the registry stores them on the component)."""
        return {
            "queries": self.queries,
            "exclude": list(self.exclude),
            "extensions": list(self.extensions),
            "changelog": self.changelog,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SourceRules:
        """Rules from :meth:`to_dict` output (missing keys take the defaults)."""
        default = cls()
        return cls(
            queries=str(data.get("queries") or default.queries),
            exclude=tuple(str(e) for e in data.get("exclude") or ()),
            extensions=tuple(str(e) for e in data.get("extensions") or default.extensions),
            changelog=str(data.get("changelog") or default.changelog),
        )


def gql_documents(text: str, path: str = "") -> list[str]:
    """The GraphQL documents in a source file: the whole text of a ``.graphql``/``.gql`` file,
    else every ``gql`` tagged template (interpolations removed)."""
    if path.endswith((".graphql", ".gql")):
        return [text]
    return [_INTERPOLATION.sub("", match.group(1)) for match in _GQL.finditer(text)]


def root_operations(text: str, path: str = "") -> tuple[frozenset[str], list[str]]:
    """The root fields of every operation in the file, and a problem per unparsable document
    (the file's other documents still count)."""
    found: set[str] = set()
    problems: list[str] = []
    for number, document in enumerate(gql_documents(text, path), start=1):
        try:
            ast = parse(document, no_location=True)
        except GraphQLSyntaxError as error:
            problems.append(f"{path} document {number}: {error.message}")
            continue
        fragments = {
            d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)
        }
        for definition in ast.definitions:
            if isinstance(definition, OperationDefinitionNode):
                found |= _root_fields(definition.selection_set, fragments, set())
    return frozenset(found), problems


def _root_fields(
    selections: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    visiting: set[str],
) -> set[str]:
    names: set[str] = set()
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            # The field name, not the alias: the server must offer the field.
            if not selection.name.value.startswith("__"):
                names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names |= _root_fields(selection.selection_set, fragments, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            # A fragment of another file is no root operation we can see; a cycle ends here.
            if fragment is not None and name not in visiting:
                names |= _root_fields(fragment.selection_set, fragments, visiting | {name})
    return names


@dataclass(frozen=True)
class ChangeEntry:
    """One CHANGELOG entry of a version, and whether it is marked breaking."""

    text: str
    breaking: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "breaking": self.breaking}


@dataclass(frozen=True)
class ChangelogVersion:
    """One version section of a CHANGELOG: its version text, date (as written) and entries."""

    version: str
    date: str | None
    entries: tuple[ChangeEntry, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "date": self.date,
            "entries": [e.to_dict() for e in self.entries],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChangelogVersion:
        return cls(
            version=str(data["version"]),
            date=data.get("date"),
            entries=tuple(
                ChangeEntry(str(e["text"]), bool(e.get("breaking")))
                for e in data.get("entries") or ()
            ),
        )


# "## [4.2.0] - 2025-12-19", "## v4.2.0 (2025-12-19)", "## [5.0.0] - Unreleased"
_VERSION_HEADING = re.compile(
    r"^##\s+\[?v?(?P<version>\d+(?:\.\d+)*(?:[-.+][0-9A-Za-z.-]+)?)\]?"
    r"(?:\s*[-–(]\s*(?P<date>[^)\s]+)\)?)?"
)
_SECTION_HEADING = re.compile(r"^###\s+(?P<title>.+?)\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)[-*+]\s+(?P<text>.*)$")
_BREAKING = re.compile(r"\bbreaking\b", re.I)
# A marker at the start of an entry ("**Breaking**:", "BREAKING:"), dropped from its text.
_MARKER = re.compile(
    r"^\s*(?:\*\*|__)?breaking(?:\s+change)?(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?\s*", re.I
)


def parse_changelog(text: str) -> tuple[ChangelogVersion, ...]:
    """Versions of a Keep a Changelog file in file order (newest first, as the form has it).

    An entry is breaking when its ``###`` section says so ("### Breaking Changes") or its
    text is marked ("**Breaking**", "BREAKING:"). Nested bullets belong to their entry. The
    ``[Unreleased]`` section and text before the first version are left out.
    """
    versions: list[ChangelogVersion] = []
    current: tuple[str, str | None] | None = None
    entries: list[list[Any]] = []  # [text, breaking]
    section_breaking = False

    def close() -> None:
        if current is not None:
            versions.append(
                ChangelogVersion(
                    current[0],
                    current[1],
                    tuple(_entry(text, breaking) for text, breaking in entries),
                )
            )

    for line in text.splitlines():
        if line.startswith("## "):
            close()
            match = _VERSION_HEADING.match(line)
            current = (match["version"], match["date"]) if match else None
            entries, section_breaking = [], False
            continue
        if current is None:
            continue
        section = _SECTION_HEADING.match(line)
        if section:
            section_breaking = bool(_BREAKING.search(section["title"]))
            continue
        bullet = _BULLET.match(line)
        if bullet and not bullet["indent"]:
            entries.append([bullet["text"], section_breaking])
        elif entries and line.strip():
            entries[-1][0] += " " + (bullet["text"] if bullet else line.strip())
    close()
    return tuple(versions)


def _entry(text: str, section_breaking: bool) -> ChangeEntry:
    marked = _MARKER.match(text)
    if marked and marked.group(0).strip():
        return ChangeEntry(text[marked.end() :].strip(), True)
    return ChangeEntry(text.strip(), section_breaking or bool(_BREAKING.search(text)))


def union(sets: Iterable[frozenset[str]]) -> tuple[str, ...]:
    """The sorted union of operation sets."""
    return tuple(sorted(frozenset().union(*sets)))
