"""The catalogue search over the community's knowledge: visible guides and reports by text."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from registry.models import Guide, Report

LIMIT = 20


def _pattern(q: str) -> str:
    return f"%{q.strip().lower()}%"


def matching_guides(q: str) -> Select[tuple[Guide]]:
    """Guides anyone may see whose title or text contains ``q`` (case-insensitive)."""
    pattern = _pattern(q)
    return select(Guide).where(
        Guide.hidden.is_(False),
        Guide.deleted.is_(False),
        or_(func.lower(Guide.title).like(pattern), func.lower(Guide.body).like(pattern)),
    )


def matching_reports(q: str) -> Select[tuple[Report]]:
    """Reports anyone may see whose title or text contains ``q`` (case-insensitive)."""
    pattern = _pattern(q)
    return select(Report).where(
        Report.hidden.is_(False),
        or_(func.lower(Report.title).like(pattern), func.lower(Report.body).like(pattern)),
    )


def knowledge_module_ids(q: str) -> Select[tuple[int]]:
    """Ids of the modules with a guide or report matching ``q`` (for the catalogue query)."""
    guides = matching_guides(q).with_only_columns(Guide.module_id)
    reports = matching_reports(q).with_only_columns(Report.module_id)
    return guides.union(reports)  # type: ignore[return-value]


@dataclass(frozen=True)
class Hits:
    guides: list[Guide]
    reports: list[Report]


def search_knowledge(session: Session, q: str) -> Hits:
    """The newest matching guides and reports (at most LIMIT each)."""
    if not q.strip():
        return Hits([], [])
    guides = session.scalars(matching_guides(q).order_by(Guide.updated_at.desc()).limit(LIMIT))
    reports = session.scalars(matching_reports(q).order_by(Report.created_at.desc()).limit(LIMIT))
    return Hits(list(guides), list(reports))
