"""OSV advisory records: validation against the registry's OSV JSON Schema (the 1.6 shape) plus
the checks a schema cannot make, and parsing into the engine's ``Advisory``.

Every problem of a record is reported at once, each with its file, line and field.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion

from registry.compat.advisories import ECOSYSTEM, Advisory, Affected, Event, OsvRange
from registry.compat.ranges import parse_version
from registry.metadata.loader import Document, PathKey, parse_text, read_file_text
from registry.metadata.problems import MetadataError, Problem
from registry.metadata.schema import schema_problems
from registry.metadata.slugs import is_valid_slug

OSV_SCHEMA = "osv.schema.json"
#: The OSV schema version the registry writes into ``schema_version``.
SCHEMA_VERSION = "1.6.0"
SEVERITIES = ("low", "moderate", "high", "critical")
_COMMIT = re.compile(r"^[0-9a-fA-F]{7,64}$")


@dataclass(frozen=True)
class OsvRecord:
    """A validated OSV record: the JSON as given and what the engine evaluates of it."""

    record: dict[str, Any]
    advisory: Advisory


def parse_osv(
    data: Any, filename: str = "<request>", document: Document | None = None
) -> OsvRecord:
    """Validate an OSV record given as parsed JSON; MetadataError lists every problem."""
    document = document or Document(filename, data)
    problems = schema_problems(document, OSV_SCHEMA)
    if not problems:
        problems = _semantic_problems(document)
    if problems:
        raise MetadataError(problems)
    return OsvRecord(record=data, advisory=to_advisory(data))


def parse_osv_text(text: str, filename: str) -> OsvRecord:
    """Validate an OSV record given as JSON text (problems carry line numbers)."""
    document, problems = parse_text(text, filename if filename.endswith(".json") else "x.json")
    if document is not None:
        document = Document(filename, document.data, document.marks, document.number_texts)
    problems = [Problem(filename, p.line, p.column, p.field, p.message) for p in problems]
    if document is None or problems:
        raise MetadataError(problems or [Problem(filename, None, None, "", "no JSON document")])
    return parse_osv(document.data, filename, document)


def load_osv_file(path: str | Path) -> OsvRecord:
    """Read and validate one OSV JSON file."""
    text, problems = read_file_text(path)
    if text is None:
        raise MetadataError(problems)
    return parse_osv_text(text, str(path))


def _semantic_problems(document: Document) -> list[Problem]:
    """What the schema cannot say: modules named by slug, versions that are versions, commits
    that are commits, and at least one module of the registry."""
    data = document.data
    problems: list[Problem] = []
    named = False
    for index, affected in enumerate(data.get("affected") or []):
        package = affected.get("package") or {}
        base: PathKey = ("affected", index)
        if package.get("ecosystem") != ECOSYSTEM:
            continue
        named = True
        if not is_valid_slug(str(package.get("name", ""))):
            problems.append(document.problem((*base, "package", "name"), "must be a module slug"))
        for number, version in enumerate(affected.get("versions") or []):
            if not _is_version(version):
                problems.append(
                    document.problem((*base, "versions", number), f"{version!r} is no version")
                )
        for r_index, range_ in enumerate(affected.get("ranges") or []):
            problems.extend(_range_problems(document, (*base, "ranges", r_index), range_))
    if not named:
        problems.append(
            document.problem(
                ("affected",),
                'names no module: expected a package {"ecosystem": "SVA", "name": slug}',
            )
        )
    return problems


def _range_problems(document: Document, path: PathKey, range_: dict[str, Any]) -> list[Problem]:
    problems = []
    kind = range_.get("type")
    for index, event in enumerate(range_.get("events") or []):
        ((name, value),) = event.items()
        where = (*path, "events", index, name)
        if (name, value) == ("introduced", "0") or (name == "limit" and "*" in value):
            continue
        if kind == "GIT" and not _COMMIT.match(value):
            problems.append(document.problem(where, f"{value!r} is no commit SHA"))
        elif kind != "GIT" and not _is_version(value):
            problems.append(document.problem(where, f"{value!r} is no version"))
    return problems


def _is_version(text: Any) -> bool:
    try:
        parse_version(str(text))
    except InvalidVersion:
        return False
    return True


def to_advisory(data: dict[str, Any]) -> Advisory:
    """The engine's view of a validated record."""
    return Advisory(
        id=data["id"],
        modified=data["modified"],
        published=data.get("published"),
        withdrawn=data.get("withdrawn"),
        aliases=tuple(data.get("aliases") or ()),
        summary=data.get("summary") or "",
        severity=severity_label(data),
        affected=tuple(_affected(entry) for entry in data.get("affected") or ()),
    )


def _affected(entry: dict[str, Any]) -> Affected:
    package = entry.get("package") or {}
    ranges = tuple(
        OsvRange(
            type=r["type"],
            repo=r.get("repo"),
            events=tuple(Event(*next(iter(e.items()))) for e in r.get("events") or ()),
        )
        for r in entry.get("ranges") or ()
    )
    return Affected(
        ecosystem=str(package.get("ecosystem", "")).split(":", 1)[0],
        name=str(package.get("name", "")),
        ranges=ranges,
        versions=tuple(str(v) for v in entry.get("versions") or ()),
    )


# ---- severity -------------------------------------------------------------------------------


def severity_label(data: dict[str, Any]) -> str | None:
    """``low``/``moderate``/``high``/``critical`` of a record, or None when it gives none.

    The label a database states (``database_specific.severity``, as GitHub's records carry it)
    wins; else the highest CVSS v3 base score of the record or its packages, computed from the
    vector. CVSS v2/v4 vectors and Ubuntu priorities without a stated label give no label.
    """
    stated = (data.get("database_specific") or {}).get("severity")
    if isinstance(stated, str):
        label = _LABELS.get(stated.strip().lower())
        if label:
            return label
    scores = [
        cvss3_base_score(entry["score"])
        for entry in _severity_entries(data)
        if entry.get("type") == "CVSS_V3"
    ]
    known = [score for score in scores if score is not None]
    return label_of_score(max(known)) if known else None


_LABELS = {"low": "low", "moderate": "moderate", "medium": "moderate", "high": "high",
           "critical": "critical"}  # fmt: skip


def _severity_entries(data: dict[str, Any]) -> list[dict[str, Any]]:
    entries = list(data.get("severity") or [])
    for affected in data.get("affected") or []:
        entries.extend(affected.get("severity") or [])
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("score"), str)]


def label_of_score(score: float) -> str | None:
    """CVSS v3 qualitative rating (FIRST), with GitHub's word ``moderate`` for medium."""
    if score <= 0:
        return None
    if score < 4:
        return "low"
    if score < 7:
        return "moderate"
    if score < 9:
        return "high"
    return "critical"


_WEIGHTS = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
}
_PRIVILEGES = {"U": {"N": 0.85, "L": 0.62, "H": 0.27}, "C": {"N": 0.85, "L": 0.68, "H": 0.5}}


def cvss3_base_score(vector: str) -> float | None:
    """The CVSS 3.0/3.1 base score of a vector (specification section 7.1); None if unreadable."""
    parts = dict(p.split(":", 1) for p in vector.split("/")[1:] if ":" in p)
    try:
        scope = parts["S"]
        impacts = [_WEIGHTS["C"][parts[m]] for m in ("C", "I", "A")]
        exploitability = (
            8.22
            * _WEIGHTS["AV"][parts["AV"]]
            * _WEIGHTS["AC"][parts["AC"]]
            * _PRIVILEGES[scope][parts["PR"]]
            * _WEIGHTS["UI"][parts["UI"]]
        )
    except KeyError:
        return None
    iss = 1 - math.prod(1 - value for value in impacts)
    impact = 6.42 * iss if scope == "U" else 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
    if impact <= 0:
        return 0.0
    total = impact + exploitability if scope == "U" else 1.08 * (impact + exploitability)
    return _round_up(min(total, 10.0))


def _round_up(value: float) -> float:
    # CVSS 3.1 Appendix A: round up to one decimal without floating-point surprises.
    integer = round(value * 100_000)
    if integer % 10_000 == 0:
        return integer / 100_000.0
    return (math.floor(integer / 10_000) + 1) / 10.0


def dumps(record: dict[str, Any]) -> str:
    """A record as stable JSON text (sorted keys), as files and exports write it."""
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
