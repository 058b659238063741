"""Reading the catalogue: modules, releases and components."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.errors import NotFound
from registry.models import Component, Module, Release
from registry.serialize import sorted_releases
from registry.services.knowledge_search import knowledge_module_ids


@dataclass(frozen=True)
class Page:
    items: list[Module]
    total: int
    limit: int
    offset: int


def list_modules(
    session: Session,
    *,
    q: str = "",
    topic: str | None = None,
    status: str | None = None,
    include_hidden: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Modules matching a free-text query and filters, by slug, one page of them."""
    query = select(Module)
    if not include_hidden:
        query = query.where(Module.hidden.is_(False))
    if q.strip():
        pattern = f"%{q.strip().lower()}%"
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern)
                    for column in (
                        Module.slug,
                        Module.name_de,
                        Module.name_en,
                        Module.summary_de,
                        Module.summary_en,
                        Module.topic,
                    )
                ),
                # Guides and reports are found too (their module is the hit).
                Module.id.in_(knowledge_module_ids(q)),
            )
        )
    if topic:
        query = query.where(Module.topic == topic)
    if status:
        query = query.where(Module.development_status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.options(selectinload(Module.releases))
        .order_by(Module.slug)
        .limit(limit)
        .offset(offset)
    ).all()
    return Page(list(items), total, limit, offset)


def get_module(session: Session, slug: str) -> Module:
    """The module with this slug, with its releases loaded; NotFound otherwise."""
    module = session.scalar(
        select(Module).where(Module.slug == slug).options(selectinload(Module.releases))
    )
    if module is None:
        raise NotFound(f"no module {slug!r}", [{"field": "slug", "value": slug}])
    return module


def list_components(session: Session) -> list[Component]:
    return list(
        session.scalars(
            select(Component)
            .options(selectinload(Component.versions), selectinload(Component.capabilities))
            .order_by(Component.name)
        ).all()
    )


def get_component(session: Session, name: str) -> Component:
    """The component with this name; NotFound otherwise."""
    component = session.scalar(
        select(Component)
        .where(Component.name == name)
        .options(selectinload(Component.versions), selectinload(Component.capabilities))
    )
    if component is None:
        raise NotFound(f"no component {name!r}", [{"field": "name", "value": name}])
    return component


def topics(session: Session) -> list[str]:
    rows = session.scalars(
        select(Module.topic).where(Module.topic.is_not(None)).distinct().order_by(Module.topic)
    )
    return [row for row in rows if row]


def newest_release(module: Module) -> Release | None:
    """The newest release neither yanked nor withdrawn (a prerelease only if nothing else)."""
    live = [r for r in sorted_releases(module.releases) if not r.yanked and not r.withdrawn]
    stable = [r for r in live if not r.prerelease]
    return (stable or live or [None])[0]
