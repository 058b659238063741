"""``sva-registry import``: export documents and metadata files into the registry.

Every file gets a report line of what mapped and what did not. All or nothing: the caller rolls
back the transaction when any file failed, so a failed import leaves the database unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import InvalidInput
from registry.metadata import import_path
from registry.metadata.provenance import KEPT, PUBLICCODE, SET, SOURCE_TITLES, source_of_kind
from registry.models import Component
from registry.services.adopters import record_component_adopters
from registry.services.sources import FieldDecision, Origin
from registry.services.transfer import (
    FORMAT,
    TransferReport,
    check_module,
    import_document,
    merge_module,
    upsert_component,
)

MAX_EXPORT_BYTES = 200 * 1024 * 1024


@dataclass
class FileOutcome:
    path: str
    kind: str
    ok: bool
    summary: str
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    files: list[FileOutcome] = field(default_factory=list)
    totals: TransferReport = field(default_factory=TransferReport)

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if not f.ok)

    def lines(self) -> list[str]:
        out = []
        for outcome in self.files:
            mark = "ok" if outcome.ok else "FAILED"
            out.append(f"{outcome.path}: {mark} ({outcome.kind}) {outcome.summary}")
            out.extend(f"    {note}" for note in outcome.notes)
        return out

    def summary(self) -> str:
        return f"{len(self.files)} file(s): {self.totals.summary()}"


def import_paths(session: Session, paths: list[Path]) -> ImportResult:
    """Import every file under ``paths``; see the module docstring for the all-or-nothing rule."""
    result = ImportResult()
    for path in _walk(paths):
        if _is_export_document(path):
            result.files.append(_import_export(session, path, result.totals))
        else:
            result.files.extend(_import_metadata(session, path, result.totals))
    return result


def _walk(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in {".yml", ".yaml", ".json"}
                )
            )
        else:
            files.append(path)
    return files


def _is_export_document(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    with path.open("rb") as handle:
        head = handle.read(4096)
    return FORMAT.encode() in head


def _import_export(session: Session, path: Path, totals: TransferReport) -> FileOutcome:
    size = path.stat().st_size
    if size > MAX_EXPORT_BYTES:
        return FileOutcome(str(path), "export", False, f"file too large ({size} bytes)")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        return FileOutcome(str(path), "export", False, f"not UTF-8: {error}")
    except json.JSONDecodeError as error:
        return FileOutcome(
            str(path), "export", False, f"line {error.lineno} column {error.colno}: {error.msg}"
        )
    try:
        with session.begin_nested():
            report = import_document(session, document, source=str(path))
    except InvalidInput as error:
        notes = [_detail_text(d) for d in error.details]
        return FileOutcome(str(path), "export", False, error.message, notes)
    totals.counts.update(report.counts)
    return FileOutcome(str(path), "export", True, report.summary())


def _import_metadata(session: Session, path: Path, totals: TransferReport) -> list[FileOutcome]:
    outcomes = []
    for report in import_path([path]):
        notes = [f"mapped: {', '.join(report.mapped)}"] if report.mapped else []
        notes += [f"not mapped: {item}" for item in report.unmapped]
        notes += [f"warning: {warning}" for warning in report.warnings]
        problems = [str(p) for p in report.problems]
        for index, module in enumerate(report.modules):
            problems += [
                _detail_text(p) for p in check_module(str(report.file), f"modules[{index}]", module)
            ]
        if problems:
            outcomes.append(
                FileOutcome(str(report.file), report.kind, False, "invalid", problems + notes)
            )
            continue
        counts = TransferReport()
        for component in report.components:
            counts.add("component", upsert_component(session, component))
        for module in report.modules:
            component = describes_component(session, module)
            if component is not None:
                notes.append(
                    f"{module['slug']}: describes component {component} (its repository), "
                    "not a module; no module made"
                )
                used_by = (module.get("extra") or {}).get("usedBy")
                if used_by:
                    recorded = record_component_adopters(
                        session, component, used_by, source=PUBLICCODE, ref=str(report.file)
                    )
                    counts.counts["reported adopter changed"] += recorded
                    notes.append(f"{component}: usedBy -> {len(used_by)} reported adopters")
                continue
            origin = Origin(
                source_of_kind(report.kind),
                module.get("source") or str(report.file),
                weak=bool(module.get("unfinished")),
            )
            merge = merge_module(session, module, origin)
            counts.add("module", merge.outcome)
            notes += field_lines(merge.slug, merge.fields)
            notes += [f"{merge.slug}: mirror {url} recorded" for url in merge.mirrors]
        totals.counts.update(counts.counts)
        outcomes.append(FileOutcome(str(report.file), report.kind, True, counts.summary(), notes))
    return outcomes


# Why a source's value was not taken, by decision reason ({by}: the source holding the field).
_KEPT_WHY = {
    "lower-source": "set by {by}",
    "admin-only": "decides what is crawled; only an admin changes it (set by {by});"
    " another repository is kept as a mirror",
    "weak-claim": "an unfinished (STUB/DRAFT) file only fills empty fields (set by {by})",
    "older": "{by} set a newer value",
}


def field_lines(slug: str, decisions: list[FieldDecision]) -> list[str]:
    """Report lines per field: what the source set, what it kept and why."""
    lines = []
    set_fields = [d.field for d in decisions if d.decision.action == SET]
    if set_fields:
        lines.append(f"{slug}: set {', '.join(set_fields)}")
    for item in decisions:
        if item.decision.action == KEPT:
            by = SOURCE_TITLES.get(item.decision.by or "", item.decision.by or "?")
            why = _KEPT_WHY.get(item.decision.reason, item.decision.reason).format(by=by)
            lines.append(f"{slug}: {item.field} kept: {why}")
        elif item.decision.reason == "placeholder":
            lines.append(f"{slug}: {item.field} ignored: placeholder text, not a value")
    return lines


def describes_component(session: Session, module: dict[str, object]) -> str | None:
    """The component a file describes instead of a module: a standalone module dict whose
    repository has the name of a component's repository (the app's own publiccode.yml names
    the app's old owner, so the owner is not compared)."""
    repository = module.get("repository")
    if module.get("kind") == "in-app" or not isinstance(repository, str):
        return None
    name = repository.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1].lower()
    for component, component_repository in session.execute(
        select(Component.name, Component.repository).where(Component.repository.is_not(None))
    ):
        if str(component_repository).rstrip("/").rsplit("/", 1)[-1].lower() == name:
            return str(component)
    return None


def _detail_text(detail: object) -> str:
    if isinstance(detail, dict):
        where = detail.get("file") or ""
        line = detail.get("line")
        location = f"{where}:{line}" if line else where
        return f"{location}: {detail.get('field', '')}: {detail.get('message', '')}"
    return str(detail)
