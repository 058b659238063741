"""The activity page: the event timeline, crawl health and two charts."""

from __future__ import annotations

from collections import Counter

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Event, Release
from registry.services.feeds import is_public_event
from registry.web.common import get_session
from registry.web.ui import queries
from registry.web.ui.charts import horizontal_bars, vertical_bars

PAGE_SIZE = 40
TOP_ADOPTIONS = 15


def activity_page() -> str:
    """GET /activity (``?before=<event id>`` pages back in time)."""
    session = get_session()
    before = request.args.get("before", "")
    # Event ids are 32-bit: anything longer is no id (and would fail on PostgreSQL).
    anchor = int(before) if before.isdigit() and len(before) <= 10 else None
    events = _events(session, anchor if anchor is not None and anchor < 2**31 else None)
    names = queries.display_names(session)
    adoption = [
        (f"{names.get(slug, slug)} {version}", count)
        for (slug, version), count in queries.adoption_by_version(session).most_common(
            TOP_ADOPTIONS
        )
    ]
    per_year = _releases_per_year(session)
    return render_template(
        "ui/activity.html",
        events=events[:PAGE_SIZE],
        older=events[PAGE_SIZE - 1].id if len(events) > PAGE_SIZE else None,
        crawls=queries.crawl_states(session),
        names=names,
        adoption=adoption,
        adoption_chart=horizontal_bars(adoption),
        per_year=per_year,
        per_year_chart=vertical_bars(per_year),
    )


def _events(session: Session, before: int | None) -> list[Event]:
    # The page is public: the feed's rule says which events anyone may see.
    query = (
        select(Event).where(is_public_event()).order_by(Event.created_at.desc(), Event.id.desc())
    )
    if before is not None:
        anchor = session.get(Event, before)
        if anchor is not None:
            query = query.where(
                (Event.created_at < anchor.created_at)
                | ((Event.created_at == anchor.created_at) & (Event.id < anchor.id))
            )
    return list(session.scalars(query.limit(PAGE_SIZE + 1)).all())


def _releases_per_year(session: Session) -> list[tuple[str, int]]:
    years = Counter(
        date.year for date in session.scalars(select(Release.date)).all() if date is not None
    )
    if not years:
        return []
    return [(str(year), years[year]) for year in range(min(years), max(years) + 1)]
