"""Files and folders: tell each file's kind, validate them all, import them all."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from registry.metadata.deployment import deployment_from_document
from registry.metadata.importers import admin_doku, introspection, publiccode, studio
from registry.metadata.importers.report import ImportReport
from registry.metadata.loader import Document, parse_text, read_file_text
from registry.metadata.module import MODULE_FILENAMES, module_from_document
from registry.metadata.problems import Problem, sort_problems

logger = logging.getLogger(__name__)

MODULE = "sva-module"
DEPLOYMENT = "deployment"
UNKNOWN = "unknown"
CITY_APP = "admin-doku-city-app"
METADATA_SUFFIXES = (".yml", ".yaml", ".json")


def detect_kind(filename: str, data: Any) -> str:
    """The kind of a parsed metadata file, from its name first and its keys second.

    One of ``sva-module``, ``deployment``, ``publiccode``, ``studio-manifest``,
    ``introspection``, ``admin-doku``, ``admin-doku-global``, ``admin-doku-city-app``,
    ``unknown``.
    """
    name = PurePosixPath(filename).name.lower()
    if name.endswith(MODULE_FILENAMES):
        return MODULE
    checks = (
        (publiccode.KIND, publiccode.is_publiccode_document(filename, data)),
        (studio.KIND, studio.is_studio_manifest(filename, data)),
        (introspection.KIND, introspection.is_introspection(data)),
        (DEPLOYMENT, name.endswith(("deployment.yml", "deployment.yaml", "deployment.json"))),
    )
    for kind, matches in checks:
        if matches:
            return kind
    if not isinstance(data, dict):
        return UNKNOWN
    return _kind_by_keys(filename, name, data)


def _kind_by_keys(filename: str, name: str, data: dict[str, Any]) -> str:
    if name == "global.yml" and isinstance(data.get("common"), dict):
        return admin_doku.GLOBAL_KIND
    if "city-app-yml-version" in data:
        return CITY_APP
    if "schemaVersion" in data:
        # The deployment file has components and no id; a module file always has an id.
        return DEPLOYMENT if "components" in data or "id" not in data else MODULE
    if "components" in data:
        return DEPLOYMENT
    if admin_doku.is_admin_doku_document(filename, data):
        return admin_doku.KIND
    return UNKNOWN


def iter_metadata_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files named, and under each folder named every ``.yml``/``.yaml``/``.json`` (sorted)."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in METADATA_SUFFIXES
            )
        else:
            yield path


def validate_files(paths: Iterable[str | Path]) -> dict[str, list[Problem]]:
    """Validate every file (folders are walked): file name -> every problem found (may be [])."""
    return {str(path): validate_file(path) for path in iter_metadata_files(paths)}


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem of one metadata file of any supported kind (an importer's warnings too:
    validation is strict)."""
    report = import_file(path)
    return sort_problems([*report.problems, *report.warnings])


def import_file(path: str | Path) -> ImportReport:
    """Import one file with the importer its kind calls for (an sva-module.yml or deployment
    file is validated and reported too: a module file yields its module)."""
    name = str(path)
    text, problems = read_file_text(path, name)
    if text is None:
        return ImportReport(name, UNKNOWN, problems=problems)
    document, problems = parse_text(text, name)
    if document is None:
        return ImportReport(name, _kind_from_name(name), problems=problems)
    kind = detect_kind(name, document.data)
    logger.debug("%s: detected kind %s", name, kind)
    return _import_document(Path(path), text, document, problems, kind)


def _import_document(
    path: Path, text: str, document: Document, problems: list[Problem], kind: str
) -> ImportReport:
    name = document.filename
    if kind == MODULE:
        metadata, problems = module_from_document(document, problems)
        modules = [metadata.to_export()] if metadata is not None else []
        return ImportReport(name, kind, modules, problems=problems)
    if kind == DEPLOYMENT:
        _, problems = deployment_from_document(document, problems)
        return ImportReport(name, kind, problems=problems)
    importers = {
        publiccode.KIND: lambda: publiccode.import_publiccode_text(text, name),
        studio.KIND: lambda: studio.import_studio_manifest_text(text, name),
        introspection.KIND: lambda: introspection.import_introspection_text(text, name),
        admin_doku.KIND: lambda: admin_doku.import_admin_doku_file(path, name),
    }
    if kind in importers:
        return importers[kind]()
    if kind in (admin_doku.GLOBAL_KIND, CITY_APP):
        why = "shared defaults of admin-doku modules" if kind != CITY_APP else "describes the app"
        return ImportReport(
            name, kind, unmapped=[f"whole file: {why}, not a module"], problems=problems
        )
    problems = [*problems, document.problem((), "cannot tell what kind of metadata file this is")]
    return ImportReport(name, UNKNOWN, problems=problems)


def _kind_from_name(filename: str) -> str:
    return detect_kind(filename, None)


def import_path(paths: Iterable[str | Path]) -> list[ImportReport]:
    """Import every file named or found under the folders named; one report per file.

    admin-doku modules met more than once (a STUB and a finished file, a source in
    ``yml/modules/`` and its generated copy in ``yml/``) are merged into one module: the
    finished, richer description wins, its empty fields are filled from the others, and both
    reports say so.
    """
    reports = [import_file(path) for path in iter_metadata_files(paths)]
    _merge_admin_doku(reports)
    return reports


def _merge_admin_doku(reports: list[ImportReport]) -> None:
    by_slug: dict[str, list[tuple[ImportReport, dict[str, Any]]]] = {}
    for report in reports:
        if report.kind != admin_doku.KIND:
            continue
        for module in report.modules:
            by_slug.setdefault(module["slug"], []).append((report, module))
    for entries in by_slug.values():
        if len(entries) > 1:
            _merge_entries(entries)


def _merge_entries(entries: list[tuple[ImportReport, dict[str, Any]]]) -> None:
    ranked = sorted(entries, key=lambda entry: _richness(entry[1]), reverse=True)
    winner_report, winner = ranked[0]
    for loser_report, loser in ranked[1:]:
        filled = _fill_missing(winner, loser)
        loser_report.modules.remove(loser)
        loser_report.unmapped.append(
            f"module {loser['slug']!r} merged into {winner['source']} (the finished, richer file)"
        )
        note = f"merged with {loser['source']}"
        winner_report.mapped.append(note + (f" (filled: {', '.join(filled)})" if filled else ""))


def _richness(module: dict[str, Any]) -> tuple[bool, int, bool]:
    # A finished file beats a STUB/DRAFT; then the one saying more; then the source in
    # yml/modules/ over its generated copy.
    finished = "admin_doku_state" not in module["extra"]
    said = sum(1 for value in _leaves(module) if value not in (None, "", [], {}))
    return finished, said, "/modules/" in module["source"]


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    else:
        yield value


def _fill_missing(winner: dict[str, Any], loser: dict[str, Any]) -> list[str]:
    filled = []
    if not winner.get("mirrors") and loser.get("mirrors"):
        winner["mirrors"] = list(loser["mirrors"])
        filled.append("mirrors")
    for key in ("topic", "repository", "license"):
        if winner.get(key) is None and loser.get(key) is not None:
            winner[key] = loser[key]
            filled.append(key)
    for key in ("name", "summary", "description"):
        for language, text in loser[key].items():
            if not winner[key].get(language) and text:
                winner[key][language] = text
                filled.append(f"{key}.{language}")
    for key, value in loser["extra"].items():
        if key != "admin_doku_state" and key not in winner["extra"]:
            winner["extra"][key] = value
            filled.append(f"extra.{key}")
    return filled


def merged_modules(reports: Iterable[ImportReport]) -> list[dict[str, Any]]:
    """Every module of the reports, sorted by slug (after ``import_path`` merged duplicates)."""
    return sorted((m for r in reports for m in r.modules), key=lambda m: m["slug"])


def all_problems(reports: Iterable[ImportReport]) -> list[Problem]:
    """Every problem of the reports, sorted by file and line."""
    return sort_problems([p for r in reports for p in r.problems])
