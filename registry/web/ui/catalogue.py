"""The module catalogue: search, filters (topic, status, license, adoptable by a deployment),
sorting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import render_template, request
from sqlalchemy.orm import Session

from registry.models import Deployment, Module, Release
from registry.services import catalog
from registry.services.adopters import reported_counts
from registry.services.advisories import coverage_by_advisory
from registry.services.health import health_by_module
from registry.services.knowledge_search import search_knowledge
from registry.web.auth import current_principal
from registry.web.common import get_session
from registry.web.i18n import localized
from registry.web.ui import queries, verdicts

STATUSES = ("concept", "development", "beta", "stable", "deprecated")
SORTS = ("name", "newest", "adoption", "health")
HEALTH_LEVELS = ("1", "2", "3")
MAX_MODULES = 2000  # the whole catalogue fits on one page (the benchmarks plan for 300 modules)


@dataclass(frozen=True)
class Row:
    module: Module
    newest: Release | None
    adoption: int
    reported: int  # municipalities sources name as users that no deployment stands for
    adoptable: str | None  # newest version the chosen deployment can adopt
    health: int  # overall health level 0-3
    advisories: tuple[str, ...]  # open advisories covering one of its releases


def index() -> str:
    """GET /: the catalogue."""
    session = get_session()
    args = request.args
    sort = args.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    deployments = queries.visible_deployments(session, current_principal())
    chosen = queries.chosen_deployment(deployments, args.get("deployment"))
    return render_template(
        "ui/index.html",
        knowledge_hits=search_knowledge(session, args.get("q", "")),
        rows=_sorted(_rows(session, args, chosen), sort),
        topics=catalog.topics(session),
        licenses=queries.licenses(session),
        statuses=STATUSES,
        health_levels=HEALTH_LEVELS,
        deployments=deployments,
        chosen=chosen,
        sort=sort,
        args=args,
    )


def _rows(session: Session, args: Mapping[str, str], chosen: Deployment | None) -> list[Row]:
    """The modules matching the filters; with a chosen deployment only what it can adopt."""
    page = catalog.list_modules(
        session,
        q=args.get("q", ""),
        topic=args.get("topic") or None,
        status=args.get("status") or None,
        limit=MAX_MODULES,
    )
    wanted_license = args.get("license")
    counts = queries.adoption_counts(session)
    reported = reported_counts(session)
    adoptable = verdicts.newest_adoptable(session, chosen) if chosen is not None else {}
    health = health_by_module(session, page.items)
    open_advisories = _open_advisories(session)
    minimum = int(args["health"]) if args.get("health") in HEALTH_LEVELS else 0
    return [
        Row(
            m,
            catalog.newest_release(m),
            counts[m.slug],
            reported[m.slug],
            adoptable.get(m.slug),
            health[m.slug]["level"],
            open_advisories.get(m.slug, ()),
        )
        for m in page.items
        if (not wanted_license or m.license == wanted_license)
        and (chosen is None or m.slug in adoptable)
        and health[m.slug]["level"] >= minimum
    ]


def _open_advisories(session: Session) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for slug, advisory in sorted(coverage_by_advisory(session)):
        found.setdefault(slug, []).append(advisory)
    return {slug: tuple(ids) for slug, ids in found.items()}


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    by_name = sorted(rows, key=lambda r: (localized(r.module, "name") or r.module.slug).lower())
    if sort == "adoption":
        return sorted(by_name, key=lambda r: -r.adoption)
    if sort == "health":
        return sorted(by_name, key=lambda r: -r.health)
    if sort == "newest":
        return sorted(by_name, key=lambda r: _release_date(r.newest), reverse=True)
    return by_name


def _release_date(release: Release | None) -> datetime:
    if release is None or release.date is None:
        return datetime.min.replace(tzinfo=None)
    return release.date.replace(tzinfo=None)
