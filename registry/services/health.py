"""Module health in the style of openCode's badges: ``maintenance``, ``security`` and ``reuse``,
each a level 0-3 with its reasons, computed only from facts the registry has (crawl data,
advisories, deployments). The thresholds are documented in docs/advisories.md.

``levels(facts)`` is pure (a table test checks it); ``module_health`` gathers the facts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from registry.compat.versions import version_key
from registry.db import utcnow
from registry.models import Component, CrawlState, Deployment, Module, Report
from registry.services.advisories import coverage_by_advisory, list_advisories
from registry.services.crawl import repository_url

#: The window of "recent" activity, as the crawler's activity window.
RECENT = timedelta(days=183)
#: An advisory fixed within this time of its publication counts as fixed fast.
FAST_FIX = timedelta(days=30)
#: Reuse: this many deployments or named adopters running it give level 3 (2: at least 2;
#: 2 or more with an experience report of one of them: 3 as well).
WIDE_REUSE = 5


@dataclass(frozen=True)
class HealthFacts:
    """What health is computed from (all optional facts may be unknown: None)."""

    releases_recent: int  # releases dated within RECENT
    last_commit_at: datetime | None  # newest default-branch commit within RECENT (crawler)
    activity_known: bool  # the crawler has asked for default-branch activity
    archived: bool
    unfixed_advisories: tuple[str, ...]  # open advisories covering the newest release
    advisories: int  # open or fixed, not withdrawn
    fixed_fast: int  # of those: a release outside it dated within FAST_FIX of publication
    security_policy: bool | None  # SECURITY.md at the default branch; None: not crawled
    license_consistent: bool | None  # declared == detected at the newest release; None: unknown
    deployments: int  # public registered deployments running it
    named_adopters: int  # municipalities reported by name (admin-doku) without a deployment
    now: datetime
    reports: int = 0  # deployments that wrote an experience report about it (not hidden)


def levels(facts: HealthFacts) -> dict[str, Any]:
    """``{"level": min of the three, "maintenance"|"security"|"reuse": {"level", "reasons"}}``."""
    aspects = {
        "maintenance": _maintenance(facts),
        "security": _security(facts),
        "reuse": _reuse(facts),
    }
    return {"level": min(a["level"] for a in aspects.values()), **aspects}


def _aspect(level: int, reasons: list[dict[str, Any]]) -> dict[str, Any]:
    return {"level": max(0, min(3, level)), "reasons": reasons}


def _maintenance(facts: HealthFacts) -> dict[str, Any]:
    if facts.archived:
        return _aspect(0, [{"code": "archived"}])
    reasons: list[dict[str, Any]] = []
    level = 0
    if facts.releases_recent:
        level += 2
        reasons.append({"code": "recent-releases", "count": facts.releases_recent})
    else:
        reasons.append({"code": "no-recent-release"})
    if facts.last_commit_at is not None:
        level += 1
        reasons.append({"code": "recent-commits", "last": facts.last_commit_at.isoformat()})
    elif facts.activity_known:
        reasons.append({"code": "no-recent-commit"})
    else:
        reasons.append({"code": "activity-unknown"})
    for advisory in facts.unfixed_advisories:
        level = min(level, 1)
        reasons.append({"code": "advisory-without-fix", "advisory": advisory})
    return _aspect(level, reasons)


def _check(value: bool | None, codes: tuple[str, str, str]) -> tuple[int, dict[str, Any]]:
    """One yes/no/unknown fact: (+1 or 0, its reason); ``codes`` = (yes, no, unknown)."""
    yes, no, unknown = codes
    if value:
        return 1, {"code": yes}
    return 0, {"code": unknown if value is None else no}


def _security(facts: HealthFacts) -> dict[str, Any]:
    checks = [
        _check(facts.security_policy, ("security-policy", "no-security-policy",
                                       "security-policy-unknown")),
        _check(facts.license_consistent, ("license-consistent", "license-inconsistent",
                                          "license-unknown")),
    ]  # fmt: skip
    level = sum(points for points, _ in checks)
    reasons = [reason for _, reason in checks]
    if facts.advisories == 0:
        level += 1
        reasons.append({"code": "no-advisories"})
    elif not facts.unfixed_advisories and facts.fixed_fast == facts.advisories:
        level += 1
        reasons.append({"code": "advisories-fixed-fast", "count": facts.advisories})
    else:
        fixed = facts.advisories - len(facts.unfixed_advisories)
        reasons.append({"code": "advisories-fixed", "fixed": fixed, "of": facts.advisories})
    if facts.unfixed_advisories:
        level = 0
        reasons += [
            {"code": "advisory-without-fix", "advisory": a} for a in facts.unfixed_advisories
        ]
    return _aspect(level, reasons)


def _reuse(facts: HealthFacts) -> dict[str, Any]:
    users = facts.deployments + facts.named_adopters
    reasons = [
        {"code": "deployments", "count": facts.deployments},
        {"code": "named-adopters", "count": facts.named_adopters},
        {"code": "experience-reports", "count": facts.reports},
    ]
    if users >= WIDE_REUSE or (users >= 2 and facts.reports):
        return _aspect(3, reasons)
    if users >= 2:
        return _aspect(2, reasons)
    return _aspect(users, reasons)


# ---- facts from the database ----------------------------------------------------------------


def module_health(session: Session, module: Module, now: datetime | None = None) -> dict[str, Any]:
    """The health of one module (``GET /api/v1/modules/<slug>`` carries it)."""
    return levels(module_facts(session, module, now or utcnow()))


def health_by_module(
    session: Session, modules: Iterable[Module], now: datetime | None = None
) -> dict[str, dict[str, Any]]:
    """slug -> health of many modules (the catalogue), reading shared facts once."""
    shared = _Shared(coverage_by_advisory(session), _deployment_counts(session))
    return {m.slug: levels(module_facts(session, m, now or utcnow(), shared)) for m in modules}


@dataclass(frozen=True)
class _Shared:
    coverage: Mapping[tuple[str, str], frozenset[str]]
    deployments: Mapping[str, int]


def module_facts(
    session: Session, module: Module, now: datetime, shared: _Shared | None = None
) -> HealthFacts:
    """Gather the facts of :class:`HealthFacts` for ``module``."""
    shared = shared or _Shared(coverage_by_advisory(session), _deployment_counts(session))
    known = _crawl_known(session, module)
    daily = known.get("daily") or {}
    head = known.get("head")
    releases = [r for r in module.releases if not r.withdrawn]
    newest = max(releases, key=lambda r: _sort_key(r.version), default=None)
    covered = {
        advisory: versions
        for (slug, advisory), versions in shared.coverage.items()
        if slug == module.slug
    }
    open_rows = [a for a in list_advisories(session, module=module.slug) if a.withdrawn is None]
    unfixed = tuple(
        sorted(a for a, versions in covered.items() if newest and newest.version in versions)
    )
    last_commit = daily.get("last_commit_at")
    return HealthFacts(
        releases_recent=sum(1 for r in releases if r.date and now - r.date <= RECENT),
        last_commit_at=datetime.fromisoformat(last_commit) if last_commit else None,
        activity_known=bool(daily),
        archived=module.archived or module.gone,
        unfixed_advisories=unfixed,
        advisories=len(open_rows),
        fixed_fast=sum(1 for a in open_rows if _fixed_fast(a, covered.get(a.id, ()), releases)),
        security_policy=None if head is None else bool(head.get("security_policy")),
        license_consistent=_license_consistent(module, newest),
        deployments=shared.deployments.get(module.slug, 0),
        named_adopters=len((module.extra or {}).get("deployed_in_municipalities") or ()),
        now=now,
        reports=_reporting_deployments(session, module),
    )


def _crawl_known(session: Session, module: Module) -> dict[str, Any]:
    """What the crawler knows of the module's repository (an in-app module: its host's)."""
    repository = module.repository
    if module.kind == "in-app" and module.host_component:
        repository = session.scalar(
            select(Component.repository).where(Component.name == module.host_component)
        )
    if not repository:
        return {}
    state = session.scalar(
        select(CrawlState).where(CrawlState.repository == repository_url(repository))
    )
    return dict(state.known or {}) if state is not None else {}


def _fixed_fast(advisory: Any, covered: Any, releases: list[Any]) -> bool:
    published = advisory.published or advisory.modified
    fixes = [r for r in releases if r.version not in covered and r.date is not None]
    later = [r for r in fixes if max(covered, key=_sort_key, default=None) is None
             or _sort_key(r.version) > _sort_key(max(covered, key=_sort_key))]  # fmt: skip
    first = min(later, key=lambda r: _sort_key(r.version), default=None)
    return first is not None and first.date - published <= FAST_FIX


def _license_consistent(module: Module, newest: Any) -> bool | None:
    if newest is None or not newest.license_detected:
        return None
    declared = newest.license_declared or module.license
    return None if not declared else declared == newest.license_detected


def _reporting_deployments(session: Session, module: Module) -> int:
    """Deployments that wrote a (not hidden) experience report about ``module``."""
    rows = select(func.count(distinct(Report.deployment_id))).where(
        Report.module_id == module.id, Report.hidden.is_(False)
    )
    return int(session.scalar(rows) or 0)


def _deployment_counts(session: Session) -> Counter[str]:
    """slug -> number of public deployments running the module."""
    counts: Counter[str] = Counter()
    for deployment in session.scalars(select(Deployment).where(Deployment.visibility == "public")):
        counts.update(((deployment.document or {}).get("modules") or {}).keys())
    return counts


def _sort_key(version: str) -> Any:
    try:
        return (0, version_key(version))
    except ValueError:
        return (1, version)
