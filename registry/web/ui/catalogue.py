"""The module catalogue: search, filters (topic, status, license, adoptable by a deployment),
sorting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, request

from registry.models import Module, Release
from registry.services import catalog
from registry.web.auth import current_principal
from registry.web.common import get_session
from registry.web.i18n import localized
from registry.web.ui import queries, verdicts

STATUSES = ("concept", "development", "beta", "stable", "deprecated")
SORTS = ("name", "newest", "adoption")


@dataclass(frozen=True)
class Row:
    module: Module
    newest: Release | None
    adoption: int
    adoptable: str | None  # newest version the chosen deployment can adopt


def index() -> str:
    """GET /: the catalogue."""
    session = get_session()
    args = request.args
    sort = args.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    page = catalog.list_modules(
        session,
        q=args.get("q", ""),
        topic=args.get("topic") or None,
        status=args.get("status") or None,
        limit=1000,
    )
    counts = queries.adoption_counts(session)
    modules = [m for m in page.items if not args.get("license") or m.license == args["license"]]
    deployments = queries.visible_deployments(session, current_principal())
    chosen = queries.chosen_deployment(deployments, args.get("deployment"))
    adoptable = verdicts.newest_adoptable(session, chosen) if chosen is not None else None
    rows = [
        Row(m, catalog.newest_release(m), counts[m.slug], (adoptable or {}).get(m.slug))
        for m in modules
    ]
    if adoptable is not None:
        rows = [row for row in rows if row.adoptable]
    return render_template(
        "ui/index.html",
        rows=_sorted(rows, sort),
        topics=catalog.topics(session),
        licenses=queries.licenses(session),
        statuses=STATUSES,
        deployments=deployments,
        chosen=chosen,
        sort=sort,
        args=args,
    )


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    by_name = sorted(rows, key=lambda r: (localized(r.module, "name") or r.module.slug).lower())
    if sort == "adoption":
        return sorted(by_name, key=lambda r: -r.adoption)
    if sort == "newest":
        return sorted(by_name, key=lambda r: _release_date(r.newest), reverse=True)
    return by_name


def _release_date(release: Release | None) -> datetime:
    if release is None or release.date is None:
        return datetime.min.replace(tzinfo=None)
    return release.date.replace(tzinfo=None)
