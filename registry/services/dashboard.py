"""Summary numbers for dashboards (``GET /api/v1/dashboard.json``; fields in docs/dashboard.md).

Only public deployments count; private ones never show up here, not even as a number.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.models import Component, CrawlState, Deployment, Event, Module, Release
from registry.serialize import iso, sorted_releases
from registry.services.advisories import coverage_by_advisory, list_advisories

DASHBOARD_VERSION = 1

#: For a deployment and what it runs: slug -> reason codes for each installed version that the
#: compatibility rules block for it (the compatibility service answers this).
BlockedCheck = Callable[[Deployment, dict[str, str]], dict[str, list[str]]]


def dashboard(
    session: Session, *, now: datetime | None = None, blocked: BlockedCheck | None = None
) -> dict[str, Any]:
    """The dashboard document: counts, adoption, deployments at risk and crawl health."""
    modules = session.scalars(
        select(Module).where(Module.hidden.is_(False)).options(selectinload(Module.releases))
    ).all()
    deployments = session.scalars(
        select(Deployment).where(Deployment.visibility == "public").order_by(Deployment.id)
    ).all()
    releases = {
        (module.slug, release.version): release for module in modules for release in module.releases
    }
    running = [(d.id, slug, version) for d in deployments for slug, version in installed(d).items()]
    blocked_codes = _blocked(deployments, blocked)
    return {
        "dashboardVersion": DASHBOARD_VERSION,
        "counts": _counts(session, modules, deployments),
        "adoption": _adoption(modules, running, releases),
        "atRisk": _at_risk(running, releases, blocked_codes, len(deployments)),
        "crawlHealth": _crawl_health(session, now),
        "advisories": advisory_counts(session, running),
    }


def advisory_counts(session: Session, running: list[tuple[int, str, str]]) -> dict[str, Any]:
    """``open`` (not withdrawn advisories), ``deploymentsAffected`` (public deployments running
    a covered release) and ``byModule`` (slug -> its open advisories and affected deployments)."""
    covered = coverage_by_advisory(session)
    open_ids = {row.id for row in list_advisories(session) if row.withdrawn is None}
    by_module: dict[str, dict[str, Any]] = {}
    versions_covered: dict[str, set[str]] = defaultdict(set)
    for (slug, advisory), versions in sorted(covered.items()):
        entry = by_module.setdefault(slug, {"advisories": [], "deploymentsAffected": 0})
        entry["advisories"].append(advisory)
        versions_covered[slug] |= versions
    affected: dict[str, set[int]] = defaultdict(set)
    for deployment_id, slug, version in running:
        if version in versions_covered.get(slug, ()):
            affected[slug].add(deployment_id)
    for slug, ids in affected.items():
        by_module[slug]["deploymentsAffected"] = len(ids)
    return {
        "open": len(open_ids),
        "deploymentsAffected": len(set().union(*affected.values())) if affected else 0,
        "byModule": by_module,
    }


def crawl_marker(session: Session) -> tuple[Any, ...]:
    """A cheap fingerprint of the crawl states (count and latest attempt) for cache keys."""
    row = session.execute(
        select(func.count(CrawlState.id), func.max(CrawlState.last_attempt))
    ).one()
    return tuple(row)


def installed(deployment: Deployment) -> dict[str, str]:
    """slug -> version of what a deployment runs (its document's ``modules``)."""
    modules = (deployment.document or {}).get("modules") or {}
    result = {}
    for slug, value in modules.items():
        version = value.get("version") if isinstance(value, dict) else value
        if version is not None:
            result[str(slug)] = str(version)
    return result


def release_status(release: Release | None) -> str:
    """``ok``, ``yanked``, ``withdrawn``, ``invalid`` (metadata problems) or ``unknown``."""
    if release is None:
        return "unknown"
    if release.yanked:
        return "yanked"
    if release.withdrawn:
        return "withdrawn"
    if release.problems:
        return "invalid"
    return "ok"


def _counts(session: Session, modules: Any, deployments: Any) -> dict[str, int]:
    return {
        "modules": len(modules),
        "releases": sum(len(m.releases) for m in modules),
        "components": session.scalar(select(func.count(Component.id))) or 0,
        "deployments": len(deployments),
        "events": session.scalar(select(func.count(Event.id))) or 0,
    }


def _adoption(
    modules: Any, running: list[tuple[int, str, str]], releases: dict[tuple[str, str], Release]
) -> list[dict[str, Any]]:
    per_version: dict[str, Counter[str]] = defaultdict(Counter)
    for _deployment, slug, version in running:
        per_version[slug][version] += 1
    items = []
    for module in sorted(modules, key=lambda m: m.slug):
        counts = per_version.get(module.slug, Counter())
        ordered = [r.version for r in sorted_releases(module.releases) if counts[r.version]]
        ordered += sorted(v for v in counts if (module.slug, v) not in releases)
        newest = next(
            (
                r.version
                for r in sorted_releases(module.releases)
                if not (r.yanked or r.withdrawn or r.prerelease)
            ),
            None,
        )
        items.append(
            {
                "module": module.slug,
                "newest": newest,
                "deployments": sum(counts.values()),
                "onNewest": counts[newest] if newest else 0,
                "versions": [
                    {
                        "version": version,
                        "deployments": counts[version],
                        "status": release_status(releases.get((module.slug, version))),
                    }
                    for version in ordered
                ],
            }
        )
    return items


def _blocked(deployments: Any, check: BlockedCheck | None) -> dict[tuple[int, str], list[str]]:
    """(deployment, slug) -> reason codes, yanked aside (counted as yanked already)."""
    found: dict[tuple[int, str], list[str]] = {}
    if check is None:
        return found
    for deployment in deployments:
        for slug, codes in check(deployment, installed(deployment)).items():
            rest = sorted(set(codes) - {"yanked"})
            if rest:
                found[(deployment.id, slug)] = rest
    return found


def _at_risk(
    running: list[tuple[int, str, str]],
    releases: dict[tuple[str, str], Release],
    blocked: dict[tuple[int, str], list[str]],
    deployments: int,
) -> dict[str, Any]:
    risky: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    reasons: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for deployment, slug, version in running:
        status = release_status(releases.get((slug, version)))
        if status in {"yanked", "withdrawn", "invalid"}:
            risky[(slug, version, status)].append(deployment)
        if (deployment, slug) in blocked:
            risky[(slug, version, "blocked")].append(deployment)
            reasons[(slug, version, "blocked")].update(blocked[(deployment, slug)])
    by_status: dict[str, set[int]] = defaultdict(set)
    for (_slug, _version, status), ids in risky.items():
        by_status[status].update(ids)
    at_risk = len(set().union(*by_status.values())) if by_status else 0
    items = []
    for key, ids in sorted(risky.items()):
        item: dict[str, Any] = {"module": key[0], "version": key[1], "status": key[2]}
        item["deployments"] = sorted(ids)
        if key in reasons:
            item["reasons"] = sorted(reasons[key])
        items.append(item)
    return {
        "deploymentsOnYankedOrWithdrawn": len(by_status["yanked"] | by_status["withdrawn"]),
        "deploymentsOnInvalid": len(by_status["invalid"]),
        "deploymentsOnBlocked": len(by_status["blocked"]),
        "deploymentsAtRisk": at_risk,
        "shareAtRisk": round(at_risk / deployments, 4) if deployments else 0.0,
        "items": items,
    }


def _crawl_health(session: Session, now: datetime | None) -> dict[str, Any]:
    states = session.scalars(select(CrawlState).order_by(CrawlState.repository)).all()
    items = [
        {
            "repository": state.repository,
            "lastAttempt": iso(state.last_attempt),
            "lastSuccess": iso(state.last_success),
            "lastError": state.last_error,
            "resumeAfter": iso(state.resume_after),
            "gone": state.gone,
            "status": _crawl_status(state, now),
        }
        for state in states
    ]
    summary = Counter(item["status"] for item in items)
    return {
        "repositories": len(items),
        "ok": summary["ok"],
        "failing": summary["failing"],
        "rateLimited": summary["rate-limited"],
        "gone": summary["gone"],
        "neverCrawled": summary["never-crawled"],
        "items": items,
    }


def _crawl_status(state: CrawlState, now: datetime | None) -> str:
    if state.gone:
        return "gone"
    if state.resume_after is not None and (now is None or state.resume_after > now):
        return "rate-limited"
    failed_last = state.last_error and (
        state.last_success is None
        or (state.last_attempt is not None and state.last_attempt > state.last_success)
    )
    if failed_last:
        return "failing"
    if state.last_success is None:
        return "never-crawled"
    return "ok"
