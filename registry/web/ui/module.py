"""The module page: what it is, who maintains it, its releases and what they work with."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import render_template, request
from sqlalchemy.orm import Session

from registry.models import Release
from registry.serialize import sorted_releases
from registry.services import advisories, catalog
from registry.services.adopters import adoption
from registry.services.health import module_health
from registry.services.sources import field_sources
from registry.web.auth import current_principal
from registry.web.common import get_session, get_settings
from registry.web.ui import knowledge, queries, verdicts
from registry.web.ui.matrix import build_matrix

SHOWN_RELEASES = 12
FORGE_NAMES = {"github": "GitHub", "gitlab": "GitLab"}


def module_page(slug: str) -> str:
    """GET /modules/<slug> (``?releases=all``, ``?deployment=<id>`` answers for a deployment)."""
    session = get_session()
    module = catalog.get_module(session, slug)
    releases = sorted_releases(module.releases)
    show_all = request.args.get("releases") == "all"
    shown = releases if show_all else releases[:SHOWN_RELEASES]
    for_deployment = _for_deployment(session, slug)
    return render_template(
        "ui/module.html",
        module=module,
        newest=catalog.newest_release(module),
        releases=shown,
        total_releases=len(releases),
        show_all=show_all,
        matrix=build_matrix(shown, catalog.list_components(session)),
        license_mismatches=[r for r in releases if _license_differs(r)],
        problems=[(r, p) for r in releases for p in (r.problems or [])],
        adoption=adoption(
            session, module, [(a.deployment, a.version) for a in queries.adopters(session, slug)]
        ),
        provenance=field_sources(module),
        advisories=[
            advisories.summary_dict(session, a)
            for a in advisories.list_advisories(session, module=slug)
        ],
        health=module_health(session, module),
        crawl=queries.crawl_state(session, module.repository),
        forge=_forge(module.repository),
        badge_url=f"{request.url_root.rstrip('/')}/badges/{slug}.svg",
        modules={slug: module},
        names=queries.display_names(session),
        knowledge=knowledge.module_knowledge(session, module, for_deployment["chosen"]),
        **for_deployment,
    )


def _for_deployment(session: Session, slug: str) -> dict[str, Any]:
    """The deployments to choose from and, for the chosen one, this module's verdict."""
    deployments = queries.visible_deployments(session, current_principal())
    chosen = queries.chosen_deployment(deployments, request.args.get("deployment"))
    answer = None
    if chosen is not None:
        answers = verdicts.for_deployment(session, chosen)
        answer = next((a for a in answers if a["module"] == slug), None)
    return {
        "deployments": deployments,
        "chosen": chosen,
        "answer": answer,
        "installed": queries.installed_modules(chosen) if chosen is not None else {},
    }


def _forge(repository: str | None) -> dict[str, str] | None:
    """The forge a repository URL lives on, as the page names it (GitHub, GitLab)."""
    host = (urlsplit(repository or "").hostname or "").lower()
    kind = get_settings().forge_hosts.get(host)
    return {"name": FORGE_NAMES[kind], "host": host} if kind else None


def _license_differs(release: Release) -> bool:
    declared, detected = release.license_declared, release.license_detected
    return bool(declared and detected and declared != detected)
