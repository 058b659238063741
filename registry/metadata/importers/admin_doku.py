"""Import the community's admin-doku module descriptions (``app-module.schema.json`` YAML).

Layout of the admin-doku repository: ``yml/modules/<name>.yml`` are the sources (``STUB-`` and
``DRAFT-`` prefixes mark unfinished ones), ``yml/global.yml`` holds shared defaults under
``common``, and ``yml/<name>.yml`` are generated from both ("AUTO-GENERATED FROM ..."). All
modules described there live inside the app repository, so they import as in-app modules of
the ``app`` component.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from registry.metadata.loader import Document, parse_text, read_file_text
from registry.metadata.problems import Problem, sort_problems
from registry.metadata.profile import profile_from_admin_doku
from registry.metadata.schema import ADMIN_DOKU_SCHEMA, load_schema, schema_problems
from registry.metadata.slugs import is_valid_slug, normalize_slug

from .report import ImportReport, new_module

KIND = "admin-doku"
GLOBAL_KIND = "admin-doku-global"

STATUS_MAP = {
    "Alpha": "development",
    "Beta": "beta",
    "Stable": "stable",
    "Production": "stable",
    "Deprecated": "deprecated",
}
DRAFT_PREFIXES = ("STUB-", "DRAFT-")
# Generated files start with "# AUTO-GENERATED FROM ..." or "# AUTO-GENERATED FILE - ...".
GENERATED_MARKER = "AUTO-GENERATED"
# Fields of the module schema that have a column; the description sections go to ``profile``
# (registry/metadata/profile.py); everything else goes to ``extra``.
_TEXT_FIELDS = {
    "name": "name.de",
    "short_description": "summary.de",
    "description": "description.de",
}
_EXTRA_FIELDS = (
    "optional",
    "screenshots",
    "dependencies",
    "technical_documentation",
    "deployed_in_municipalities",
    "last_update",
)
# Defaults of global.yml that say nothing true about a stub: the list of every municipality
# running the app would claim all of them run a module that is only an idea.
_NOT_FOR_STUBS = frozenset({"deployed_in_municipalities", "development_status"})


def is_generated(text: str) -> bool:
    """Whether admin-doku text is a generated copy (its header comment says AUTO-GENERATED)."""
    header = text.lstrip().splitlines()[:5]
    return any(line.startswith("#") and GENERATED_MARKER in line for line in header)


def draft_state(filename: str) -> str | None:
    """``"STUB"`` or ``"DRAFT"`` when the file name carries that prefix, else None."""
    name = PurePosixPath(filename).name
    for prefix in DRAFT_PREFIXES:
        if name.upper().startswith(prefix):
            return prefix[:-1]
    return None


def slug_from_filename(filename: str) -> str:
    """The module slug of an admin-doku file: its name without STUB-/DRAFT- and extension."""
    stem = PurePosixPath(filename).stem
    if draft_state(filename):
        stem = stem.split("-", 1)[1]
    return normalize_slug(stem)


def load_global_defaults(path: str | Path) -> tuple[dict[str, Any], list[Problem]]:
    """The ``common`` mapping of an admin-doku ``global.yml`` and the problems reading it."""
    text, problems = read_file_text(path)
    if text is None:
        return {}, problems
    document, problems = parse_text(text, str(path))
    if document is None:
        return {}, problems
    common = document.data.get("common") if isinstance(document.data, dict) else None
    if not isinstance(common, dict):
        problems.append(document.problem(("common",), "global.yml needs a mapping 'common'"))
        return {}, problems
    return common, problems


def find_global_file(path: str | Path) -> Path | None:
    """The ``global.yml`` that applies to a source file in ``yml/modules/``, if it exists."""
    path = Path(path)
    if path.parent.name != "modules":
        return None
    candidate = path.parent.parent / "global.yml"
    return candidate if candidate.is_file() else None


def import_admin_doku_file(path: str | Path, display_name: str | None = None) -> ImportReport:
    """Import one admin-doku module file, applying ``../global.yml`` to files in ``modules/``."""
    name = display_name or str(path)
    text, problems = read_file_text(path, name)
    if text is None:
        return ImportReport(name, KIND, problems=problems)
    defaults: dict[str, Any] | None = None
    global_problems: list[Problem] = []
    global_file = find_global_file(path)
    if global_file is not None:
        defaults, global_problems = load_global_defaults(global_file)
    report = import_admin_doku_text(text, name, defaults)
    # A broken global.yml costs the module its defaults, not its import.
    report.warnings[:0] = global_problems
    superseding = superseding_file(path, generated=is_generated(text))
    if superseding is not None and report.modules:
        # Importing file by file must give what importing the folder gives: one module per
        # slug, taken from the file that admin-doku itself treats as the source.
        slug = report.modules.pop()["slug"]
        report.unmapped.append(f"module {slug!r} superseded by {_source(str(superseding))}")
    return report


def superseding_file(path: str | Path, *, generated: bool) -> Path | None:
    """The file that replaces this one as the description of its module, if there is one.

    A generated ``yml/<name>.yml`` is replaced by its source ``yml/modules/<name>.yml``; a
    ``STUB-``/``DRAFT-`` file by the finished ``<name>.yml`` beside it (admin-doku's workflow
    renames the stub once it is filled in, so a stub beside its finished file is a leftover).
    """
    path = Path(path)
    if generated:
        source = path.parent / "modules" / path.name
        return source if source.is_file() else None
    if draft_state(path.name):
        finished = path.parent / (path.name.split("-", 1)[1])
        return finished if finished.is_file() else None
    return None


def import_admin_doku_text(
    text: str, filename: str, defaults: dict[str, Any] | None = None
) -> ImportReport:
    """Import admin-doku module YAML text into one in-app module of the ``app`` component.

    ``defaults`` are global.yml's ``common`` fields, used where the file has no value of its
    own. STUB-/DRAFT- files become modules with development status ``concept``.
    """
    document, problems = parse_text(text, filename)
    if document is None:
        return ImportReport(filename, KIND, problems=problems)
    if not isinstance(document.data, dict):
        problems.append(document.problem((), "expected a mapping at the top level"))
        return ImportReport(filename, KIND, problems=problems)
    return import_admin_doku_document(document, problems, defaults, generated=is_generated(text))


def import_admin_doku_document(
    document: Document,
    problems: list[Problem],
    defaults: dict[str, Any] | None,
    *,
    generated: bool = False,
) -> ImportReport:
    """Import a loaded admin-doku document (see ``import_admin_doku_text``)."""
    filename = document.filename
    # The community's own schema: a breach is worth fixing upstream, but the fields we map are
    # checked here and the rest is kept verbatim in extra, so it does not block the import.
    warnings = schema_problems(document, ADMIN_DOKU_SCHEMA)
    state = draft_state(filename)
    mapped: list[str] = []
    unmapped: list[str] = []
    data = _with_defaults(document.data, defaults, state, mapped)
    slug = slug_from_filename(filename)
    if not is_valid_slug(slug):
        problems.append(
            Problem(filename, None, None, "", f"file name gives no valid slug: {slug!r}")
        )
    module = new_module(
        slug,
        _source(filename),
        kind="in-app",
        host={"component": "app", "path": None},
        **_texts(data, mapped, unmapped),
        topic=_topic(document, data, mapped, unmapped),
        developmentStatus=_status(data, state, mapped),
        extra=_extra(data, state, mapped),
        profile=_profile(data, mapped),
    )
    # Every admin-doku module lives in the app: its openCode repository is a mirror of the
    # app repository, never the crawl source of the module.
    mirror = _string(data.get("opencode_repository"))
    module["mirrors"] = [mirror.strip()] if mirror else []
    if mirror:
        mapped.append("opencode_repository -> mirrors")
    # A STUB/DRAFT file only fills empty fields of a module (registry.metadata.provenance).
    module["unfinished"] = state is not None
    unmapped.extend(_unmapped_notes(data, generated))
    return ImportReport(
        filename, KIND, [module], [], mapped, unmapped, sort_problems(problems), warnings
    )


def _with_defaults(
    data: dict[str, Any], defaults: dict[str, Any] | None, state: str | None, mapped: list[str]
) -> dict[str, Any]:
    if not defaults:
        return data
    applied = {
        key: value
        for key, value in defaults.items()
        if key not in data and not (state and key in _NOT_FOR_STUBS)
    }
    if applied:
        mapped.append("global.yml defaults applied: " + ", ".join(sorted(applied)))
    return {**applied, **data}


def _texts(data: dict[str, Any], mapped: list[str], unmapped: list[str]) -> dict[str, Any]:
    texts: dict[str, Any] = {
        "name": {"de": None, "en": None},
        "summary": {"de": None, "en": None},
        "description": {"de": None, "en": None},
    }
    for key, target in _TEXT_FIELDS.items():
        value = _string(data.get(key))
        if value is None:
            continue
        if _is_placeholder(value):
            # Stubs carry "[TODO: ...]" texts; showing them to users helps nobody.
            unmapped.append(f"{key}: placeholder text dropped ({value[:40]!r})")
            continue
        column, language = target.split(".")
        texts[column][language] = value.strip()
        mapped.append(f"{key} -> {target}")
    unmapped.append("name.en, summary.en, description.en: admin-doku texts are German only")
    return texts


def _topic(
    document: Document, data: dict[str, Any], mapped: list[str], unmapped: list[str]
) -> str | None:
    topic = _string(data.get("topic"))
    if topic is None:
        return None
    allowed = load_schema(ADMIN_DOKU_SCHEMA)["properties"]["topic"]["enum"]
    if topic not in allowed:
        # The schema problem is reported already; the module imports without a topic.
        unmapped.append(f"topic: {topic!r} is no known topic")
        return None
    mapped.append("topic -> topic")
    return topic


def _status(data: dict[str, Any], state: str | None, mapped: list[str]) -> str | None:
    if state:
        mapped.append(f"{state}- file -> developmentStatus concept")
        return "concept"
    status = STATUS_MAP.get(str(data.get("development_status")))
    if status:
        mapped.append(f"development_status {data['development_status']} -> {status}")
    return status


def _extra(data: dict[str, Any], state: str | None, mapped: list[str]) -> dict[str, Any]:
    extra = {
        key: data[key]
        for key in _EXTRA_FIELDS
        if key in data and not (isinstance(data[key], str) and _is_placeholder(data[key]))
    }
    if extra:
        mapped.append("to extra: " + ", ".join(extra))
    if state:
        extra["admin_doku_state"] = state
    return extra


def _profile(data: dict[str, Any], mapped: list[str]) -> dict[str, Any]:
    profile, names = profile_from_admin_doku(data)
    mapped.extend(names)
    return profile


def _unmapped_notes(data: dict[str, Any], generated: bool) -> list[str]:
    notes = ["host.path: admin-doku names no source path inside the app"]
    if "topic_enum_info" in data:
        notes.append("topic_enum_info: documentation of the topic list, not module data")
    if "dependencies" in data:
        notes.append("dependencies: free text, not module slugs; kept in extra, not dependsOn")
    if generated:
        notes.append("generated file (source plus global.yml); yml/modules/ is the source")
    return notes


def _source(filename: str) -> str:
    parts = PurePosixPath(Path(filename).as_posix()).parts
    if "yml" in parts:
        index = len(parts) - 1 - parts[::-1].index("yml")
        return "admin-doku:" + "/".join(parts[index:])
    return "admin-doku:" + PurePosixPath(filename).name


def _is_placeholder(text: str) -> bool:
    return text.strip().startswith("[TODO")


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def is_admin_doku_document(filename: str, data: Any) -> bool:
    """Whether parsed data looks like an admin-doku module description."""
    if not isinstance(data, dict) or "schemaVersion" in data or "id" in data:
        return False
    if draft_state(filename):
        return True
    return "name" in data and bool(_TYPICAL_KEYS & set(data))


_TYPICAL_KEYS = frozenset(
    {"short_description", "usage_scenario", "development_status", "opencode_repository", "topic"}
)
