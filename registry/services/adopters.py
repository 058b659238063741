"""Reported adopters: the municipalities sources name as users, beside registered deployments.

admin-doku lists per module the municipalities running it (``deployed_in_municipalities``), a
``publiccode.yml`` its users (``usedBy``). Both are kept in the module's ``extra`` (with their
provenance) and mirrored here as one row per municipality, so they can be counted and matched:
a registered deployment of the same municipality (same AGS, or the same name key, see
``registry.metadata.municipalities``) takes a reported adopter over.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.db import utcnow
from registry.metadata.municipalities import municipality_names, name_key
from registry.metadata.provenance import ADMIN_DOKU, PUBLICCODE
from registry.models import Deployment, Module, ReportedAdopter

# The extra keys that list adopters, and the source that reports them.
ADOPTER_LISTS = {"deployed_in_municipalities": ADMIN_DOKU, "usedBy": PUBLICCODE}


def sync_module_adopters(session: Session, module: Module) -> int:
    """Make the module's reported adopters what its adopter lists in ``extra`` say; returns
    how many rows were added or removed. A source's rows follow its own list only."""
    session.flush()
    changes = 0
    for key, source in ADOPTER_LISTS.items():
        record = (module.provenance or {}).get(f"extra.{key}") or {}
        rows = session.scalars(
            select(ReportedAdopter).where(
                ReportedAdopter.module_id == module.id, ReportedAdopter.source == source
            )
        )
        report = _Report(source, str(record.get("ref") or ""), _time(record.get("at")))
        names = municipality_names((module.extra or {}).get(key))
        changes += _sync(session, list(rows), names, report, module_id=module.id)
    return changes


def record_component_adopters(
    session: Session, component: str, names: list[str], *, source: str, ref: str
) -> int:
    """Set the reported adopters of a component (the app's own publiccode.yml ``usedBy``)."""
    rows = session.scalars(
        select(ReportedAdopter).where(
            ReportedAdopter.component == component,
            ReportedAdopter.module_id.is_(None),
            ReportedAdopter.source == source,
        )
    )
    report = _Report(source, ref, None)
    return _sync(session, list(rows), municipality_names(names), report, component=component)


@dataclass(frozen=True)
class _Report:
    source: str
    ref: str
    at: datetime | None


def _sync(
    session: Session,
    rows: list[ReportedAdopter],
    names: list[str],
    report: _Report,
    *,
    module_id: int | None = None,
    component: str = "",
) -> int:
    existing = {row.name_key: row for row in rows}
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(name_key(name), name)
    changes = 0
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
            changes += 1
    for key, name in wanted.items():
        if key not in existing:
            session.add(
                ReportedAdopter(
                    module_id=module_id,
                    component=component,
                    name=name,
                    name_key=key,
                    source=report.source,
                    ref=report.ref,
                    reported_at=report.at or utcnow(),
                )
            )
            changes += 1
    return changes


@dataclass(frozen=True)
class Adoption:
    """Who uses a module: registered deployments (with versions) and reported adopters.

    ``reported`` are the municipalities no registered deployment stands for; ``taken_over``
    pairs the others with the deployment of the same municipality."""

    registered: list[tuple[Deployment, str]]
    reported: list[ReportedAdopter]
    taken_over: list[tuple[ReportedAdopter, Deployment]]


def deployment_keys(session: Session) -> dict[str, Deployment]:
    """Every public deployment under its AGS and its name key (it takes adopters over).

    Private deployments take nothing over: that a reported adopter disappeared would tell
    that a private deployment of that municipality exists."""
    found: dict[str, Deployment] = {}
    query = select(Deployment).where(Deployment.visibility == "public").order_by(Deployment.id)
    for deployment in session.scalars(query):
        found.setdefault(f"name:{name_key(deployment.name)}", deployment)
        if deployment.ags:
            found.setdefault(f"ags:{deployment.ags}", deployment)
    return found


def owner_of(adopter: ReportedAdopter, keys: dict[str, Deployment]) -> Deployment | None:
    """The registered deployment that stands for a reported adopter, if any."""
    by_ags = keys.get(f"ags:{adopter.ags}") if adopter.ags else None
    return by_ags or keys.get(f"name:{adopter.name_key}")


def adoption(
    session: Session, module: Module, registered: list[tuple[Deployment, str]]
) -> Adoption:
    """The adoption view of a module, given the registered deployments running it."""
    keys = deployment_keys(session)
    reported: list[ReportedAdopter] = []
    taken: list[tuple[ReportedAdopter, Deployment]] = []
    seen: set[str] = set()
    for row in _module_rows(session, module):
        if row.name_key in seen:  # named by two sources
            continue
        seen.add(row.name_key)
        owner = owner_of(row, keys)
        if owner is None:
            reported.append(row)
        else:
            taken.append((row, owner))
    return Adoption(registered, reported, taken)


def reported_counts(session: Session) -> Counter[str]:
    """Per module slug: reported adopters no registered deployment stands for."""
    keys = deployment_keys(session)
    slugs = dict(session.execute(select(Module.id, Module.slug)).tuples().all())
    seen: set[tuple[str, str]] = set()
    counts: Counter[str] = Counter()
    for row in session.scalars(
        select(ReportedAdopter).where(ReportedAdopter.module_id.is_not(None))
    ):
        slug = slugs.get(row.module_id or 0)
        if slug is None or (slug, row.name_key) in seen or owner_of(row, keys) is not None:
            continue
        seen.add((slug, row.name_key))
        counts[slug] += 1
    return counts


def _module_rows(session: Session, module: Module) -> list[ReportedAdopter]:
    query = (
        select(ReportedAdopter)
        .where(ReportedAdopter.module_id == module.id)
        .order_by(ReportedAdopter.name_key, ReportedAdopter.source)
    )
    return list(session.scalars(query))


def adopter_dict(row: ReportedAdopter, owner: Deployment | None = None) -> dict[str, object]:
    """A reported adopter as the API shows it."""
    return {
        "name": row.name,
        "source": row.source,
        "reportedAt": row.reported_at.isoformat() if row.reported_at else None,
        "deployment": owner.id if owner is not None else None,
    }


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
