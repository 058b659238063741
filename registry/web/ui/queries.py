"""Read helpers the pages share: who runs what (public deployments), crawl states, licenses.

These are plain reads for display; the compatibility answers come from the compatibility
service, never from here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.compat.model import normalize_version
from registry.models import Component, CrawlState, Deployment, Module
from registry.services.deployments import is_visible
from registry.services.tokens import Principal
from registry.web.i18n import localized


@dataclass(frozen=True)
class Adopter:
    deployment: Deployment
    version: str


def public_deployments(session: Session) -> list[Deployment]:
    """Public deployments, by name."""
    query = select(Deployment).where(Deployment.visibility == "public").order_by(Deployment.name)
    return list(session.scalars(query).all())


def visible_deployments(session: Session, principal: Principal | None) -> list[Deployment]:
    """Public deployments plus the private ones the caller's token may see, by name."""
    rows = session.scalars(select(Deployment).order_by(Deployment.name)).all()
    return [d for d in rows if is_visible(d, principal)]


def chosen_deployment(deployments: list[Deployment], wanted: str | None) -> Deployment | None:
    """The deployment whose id the query names, if the caller may see it."""
    if not wanted or not wanted.isdigit():
        return None
    return next((d for d in deployments if d.id == int(wanted)), None)


def installed_modules(deployment: Deployment) -> dict[str, str]:
    """slug -> version the deployment runs today (from its document)."""
    modules = (deployment.document or {}).get("modules") or {}
    return {str(slug): str(version) for slug, version in modules.items()}


def adoption_counts(session: Session) -> Counter[str]:
    """Number of public deployments running each module."""
    counts: Counter[str] = Counter()
    for deployment in public_deployments(session):
        counts.update(installed_modules(deployment).keys())
    return counts


def adoption_by_version(session: Session) -> Counter[tuple[str, str]]:
    """Number of public deployments running each (module, version)."""
    counts: Counter[tuple[str, str]] = Counter()
    for deployment in public_deployments(session):
        counts.update(installed_modules(deployment).items())
    return counts


def component_usage(session: Session) -> Counter[tuple[str, str]]:
    """Number of public deployments running each (component, version)."""
    counts: Counter[tuple[str, str]] = Counter()
    for deployment in public_deployments(session):
        for name, value in ((deployment.document or {}).get("components") or {}).items():
            version = value.get("version") if isinstance(value, dict) else value
            if version:
                counts[(str(name), normalize_version(str(version)))] += 1
    return counts


def adopters(session: Session, slug: str) -> list[Adopter]:
    """Public deployments running module ``slug``, with their version."""
    found = []
    for deployment in public_deployments(session):
        version = installed_modules(deployment).get(slug)
        if version is not None:
            found.append(Adopter(deployment, version))
    return found


def modules_by_slug(session: Session) -> dict[str, Module]:
    return {m.slug: m for m in session.scalars(select(Module)).all()}


def display_names(session: Session) -> dict[str, str]:
    """Display names of components and modules in the request's language, by name/slug."""
    components = session.scalars(select(Component)).all()
    names = {c.name: localized(c, "title") or c.name for c in components}
    names.update(
        {slug: localized(m, "name") or slug for slug, m in modules_by_slug(session).items()}
    )
    return names


def crawl_state(session: Session, repository: str | None) -> CrawlState | None:
    """The crawl state of a repository (also found under an old name), or None."""
    if not repository:
        return None
    state = session.scalar(select(CrawlState).where(CrawlState.repository == repository))
    if state is not None:
        return state
    for candidate in session.scalars(select(CrawlState)).all():
        if repository in (candidate.aliases or []):
            return candidate
    return None


def crawl_states(session: Session) -> list[CrawlState]:
    return list(session.scalars(select(CrawlState).order_by(CrawlState.repository)).all())


def licenses(session: Session) -> list[str]:
    """Distinct module licenses, for the catalogue's filter."""
    rows = session.scalars(
        select(Module.license)
        .where(Module.license.is_not(None))
        .distinct()
        .order_by(Module.license)
    )
    return [row for row in rows if row]
