"""Compatibility answers from the database: the pure engine (``registry.compat``) wired to the
registry's data, with caches that are never stale.

- The engine's ``Catalog`` is built from the database and cached under the ``catalog`` data
  version.  When that counter moves, the rows are read again but only releases whose content
  changed are converted anew; the modules whose releases changed are remembered per rebuild.
- Verdicts are cached per ``DeploymentState`` (the deployment's inputs, so deployments with
  identical inputs share one entry and an edited deployment is a new key) together with the
  catalog version they were computed for.  After a catalog change only the modules the change
  touches (the changed modules and, transitively, the modules depending on them) are
  evaluated again; a change of component versions or capabilities re-evaluates everything.
- The counter is read before the rows: the data seen is at least as new as the version it is
  filed under, so a later request never keeps an older answer.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from packaging.version import InvalidVersion
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from registry.compat import (
    Catalog,
    ComponentRequirement,
    ComponentState,
    ComponentUpgradeReport,
    DeploymentState,
    Evaluator,
    InvalidRange,
    KnownState,
    ModuleRequirement,
    Notice,
    Policy,
    Range,
    Release,
    Verdict,
    affected_modules,
    describe_notice,
    describe_step,
    explain,
    normalize_version,
    parse_range,
    parse_version,
    plan_component_upgrade,
)
from registry.compat.upgrades import moved_deployment
from registry.config import Settings
from registry.errors import InvalidInput, NotFound
from registry.metadata import capabilities_from_introspection
from registry.models import Component, ComponentCapability, ComponentVersion, Module
from registry.models import Release as ReleaseRow
from registry.services.deployments import validated_document
from registry.services.events import bump, data_versions
from registry.services.summary import summarize

log = logging.getLogger(__name__)

_RowKey = tuple[Any, ...]
END_OF_LIFE_SUPPORT = "eol"  # ``ComponentVersion.support`` of a version past its support
# A catalog data version: the counter and the time of its last bump.  The time tells apart a
# bump that was rolled back from a later one that reached the same counter value.
Stamp = tuple[int, datetime | None]


def policy_from_settings(settings: Settings) -> Policy:
    """The engine's license policy from the ``[policy]`` settings."""
    return Policy(
        default_allowed_licenses=frozenset(settings.policy.allowed_licenses),
        require_known_license=settings.policy.require_known_license,
    )


def state_from_document(document: Mapping[str, Any]) -> DeploymentState:
    """The engine's view of a (validated) deployment document."""
    components = []
    for name, value in (document.get("components") or {}).items():
        if isinstance(value, dict):
            components.append(
                ComponentState(
                    name=name,
                    version=value.get("version"),
                    commit=value.get("commit"),
                    capabilities=frozenset(value.get("capabilities") or ()),
                )
            )
        else:
            components.append(ComponentState(name=name, version=str(value)))
    licenses = document.get("licenses")
    return DeploymentState.build(
        components,
        {slug: str(version) for slug, version in (document.get("modules") or {}).items()},
        channel="prerelease" if document.get("channel") == "prerelease" else "stable",
        allowed_licenses=None if licenses is None else licenses,
    )


@dataclass(frozen=True)
class CatalogSnapshot:
    """The engine's catalog at one ``catalog`` data version, with an evaluator for it."""

    version: int
    changed_at: datetime | None
    catalog: Catalog
    evaluator: Evaluator
    listed: tuple[str, ...]  # modules answered for "all modules": not hidden, by slug
    row_memo: Mapping[_RowKey, Release] = field(repr=False)

    @property
    def stamp(self) -> Stamp:
        return (self.version, self.changed_at)

    def has_module(self, slug: str) -> bool:
        return slug in self.catalog.releases


@dataclass
class CacheStats:
    """What the verdict cache did (for tests and benchmarks)."""

    catalog_builds: int = 0
    releases_converted: int = 0
    hits: int = 0
    full: int = 0
    partial: int = 0
    modules_recomputed: int = 0
    modules_evaluated: int = 0  # module verdicts computed, by every path


@dataclass
class _Entry:
    stamp: Stamp
    verdicts: dict[str, Verdict]
    complete: bool = False  # holds every module of the catalog, not only those asked about


class CompatibilityCache:
    """Catalog snapshots and per-deployment verdicts, keyed by the data versions they read.

    One instance per process (the web app keeps one in ``app.extensions``); safe to share
    between threads.  Every answer checks the current ``catalog`` counter first.
    """

    def __init__(self, policy: Policy, *, max_states: int = 20_000, history: int = 256) -> None:
        self.policy = policy
        self.max_states = max_states
        self.stats = CacheStats()
        self._history_size = history
        self._snapshot: CatalogSnapshot | None = None
        # (catalog version, modules changed since the previous build or None for "all").
        self._history: list[tuple[Stamp, frozenset[str] | None]] = []
        self._entries: OrderedDict[DeploymentState, _Entry] = OrderedDict()
        self._lock = threading.RLock()

    def snapshot(self, session: Session) -> CatalogSnapshot:
        """The catalog of the current ``catalog`` data version (rebuilt only when it moved)."""
        version, changed_at = data_versions(session)["catalog"]
        with self._lock:
            current = self._snapshot
            if current is not None and current.stamp == (version, changed_at):
                return current
            snapshot, changed = build_snapshot(session, version, changed_at, self.policy, current)
            self.stats.catalog_builds += 1
            self.stats.releases_converted += _converted(snapshot, current)
            self._snapshot = snapshot
            self._history.append((snapshot.stamp, changed))
            del self._history[: -self._history_size]
            return snapshot

    def verdicts(
        self, session: Session, state: DeploymentState, modules: Iterable[str] | None = None
    ) -> dict[str, Verdict]:
        """Verdicts of ``state`` for ``modules`` (default: every listed module), by slug."""
        snapshot = self.snapshot(session)
        wanted = None if modules is None else tuple(modules)
        with self._lock:
            known = self._answer(snapshot, state, wanted)
        slugs = snapshot.listed if wanted is None else wanted
        return {slug: known[slug] for slug in slugs if slug in known}

    def verdicts_many(
        self, session: Session, states: Sequence[DeploymentState]
    ) -> list[dict[str, Verdict]]:
        """``verdicts`` for many deployments (dashboards, feeds): one catalog check for all,
        identical inputs answered once."""
        snapshot = self.snapshot(session)
        with self._lock:
            answers = [self._answer(snapshot, state, None) for state in states]
        return [{slug: a[slug] for slug in snapshot.listed if slug in a} for a in answers]

    def notices(self, session: Session, state: DeploymentState) -> tuple[Notice, ...]:
        """The notices about ``state`` (unknown and end-of-life component versions)."""
        return self.snapshot(session).evaluator.notices(state)

    def component_upgrade(
        self, session: Session, state: DeploymentState, component: str, to: str
    ) -> ComponentUpgradeReport:
        """What happens to the installed modules of ``state`` when ``component`` moves to
        version ``to``."""
        _check_version("to", to)
        known = session.scalar(select(Component.id).where(Component.name == component))
        if known is None and state.component(component) is None:
            raise NotFound(
                f"no component {component!r}", [{"field": "component", "value": component}]
            )
        snapshot = self.snapshot(session)
        with self._lock:
            return plan_component_upgrade(
                state, snapshot.catalog, self.policy, component, to, evaluator=snapshot.evaluator
            )

    def _answer(
        self, snapshot: CatalogSnapshot, state: DeploymentState, wanted: tuple[str, ...] | None
    ) -> dict[str, Verdict]:
        """The cached verdicts of ``state``, brought up to ``snapshot`` and completed with the
        modules ``wanted`` (None: every module); computes only what is missing."""
        entry = self._current_entry(snapshot, state)
        if wanted is None and not entry.complete:
            if entry.verdicts:
                missing = [s for s in snapshot.catalog.releases if s not in entry.verdicts]
                entry.verdicts.update(self._evaluate(snapshot, state, missing))
            else:
                entry.verdicts = self._evaluate(snapshot, state, None)
                self.stats.full += 1
            entry.complete = True
        elif wanted is not None:
            missing = [s for s in wanted if s not in entry.verdicts and snapshot.has_module(s)]
            if missing:
                entry.verdicts.update(self._evaluate(snapshot, state, missing))
            elif entry.verdicts:
                self.stats.hits += 1
        else:
            self.stats.hits += 1
        self._entries[state] = entry
        self._entries.move_to_end(state)
        while len(self._entries) > self.max_states:
            self._entries.popitem(last=False)
        return entry.verdicts

    def _evaluate(
        self, snapshot: CatalogSnapshot, state: DeploymentState, modules: Iterable[str] | None
    ) -> dict[str, Verdict]:
        verdicts = snapshot.evaluator.evaluate(state, modules)
        self.stats.modules_evaluated += len(verdicts)
        return verdicts

    def _current_entry(self, snapshot: CatalogSnapshot, state: DeploymentState) -> _Entry:
        """The entry of ``state`` at ``snapshot``: kept when current, updated incrementally
        after a catalog change (only touched modules recomputed), else a new empty one."""
        entry = self._entries.get(state)
        if entry is not None and entry.stamp == snapshot.stamp:
            return entry
        changed = None if entry is None else self._changed_since(entry.stamp)
        if entry is None or changed is None:
            return _Entry(snapshot.stamp, {})
        touched = affected_modules(snapshot.catalog, changed)
        kept = {
            slug: verdict
            for slug, verdict in entry.verdicts.items()
            if slug not in touched and snapshot.has_module(slug)
        }
        if entry.complete:
            kept.update(self._evaluate(snapshot, state, touched))
            self.stats.partial += 1
            self.stats.modules_recomputed += len(touched & set(snapshot.catalog.releases))
        # A partial entry drops what the change touched; it is computed again when asked for.
        return _Entry(snapshot.stamp, kept, entry.complete)

    def _changed_since(self, stamp: Stamp) -> frozenset[str] | None:
        """Modules changed after catalog ``stamp``; None when unknown or "everything"."""
        stamps = [s for s, _ in self._history]
        if stamp not in stamps:
            return None
        changed: set[str] = set()
        for _s, modules in self._history[stamps.index(stamp) + 1 :]:
            if modules is None:
                return None
            changed |= modules
        return frozenset(changed)


def build_snapshot(
    session: Session,
    version: int,
    changed_at: datetime | None,
    policy: Policy,
    previous: CatalogSnapshot | None = None,
) -> tuple[CatalogSnapshot, frozenset[str] | None]:
    """A catalog snapshot from the database, reusing ``previous``'s converted releases.

    Returns the snapshot and the modules whose releases differ from ``previous`` (None when
    there is no previous snapshot or component versions/capabilities changed: everything).
    """
    memo = {} if previous is None else previous.row_memo
    new_memo: dict[_RowKey, Release] = {}
    releases: dict[str, list[Release]] = {}
    listed = []
    for slug, hidden in session.execute(select(Module.slug, Module.hidden).order_by(Module.slug)):
        releases[slug] = []
        if not hidden:
            listed.append(slug)
    for row in session.execute(_release_rows()):
        key = tuple(row)
        release = memo.get(key) or new_memo.get(key) or _release_of_row(row)
        new_memo[key] = release
        releases[row.slug].append(release)
    versions, end_of_life = _component_versions(session)
    catalog = Catalog(
        releases={slug: tuple(items) for slug, items in releases.items()},
        component_versions=versions,
        component_capabilities=_component_capabilities(session),
        end_of_life=end_of_life,
        component_states=_imported_states(session),
    )
    snapshot = CatalogSnapshot(
        version=version,
        changed_at=changed_at,
        catalog=catalog,
        evaluator=Evaluator(catalog, policy),
        listed=tuple(listed),
        row_memo=new_memo,
    )
    return snapshot, _changed_modules(previous, catalog)


def _release_rows() -> Any:
    # JSON columns are read as their stored text: comparing texts finds unchanged releases
    # without decoding them; only new or changed ones are decoded and converted.
    return (
        select(
            Module.slug,
            ReleaseRow.version,
            ReleaseRow.prerelease,
            ReleaseRow.yanked,
            ReleaseRow.withdrawn,
            ReleaseRow.license_declared,
            ReleaseRow.license_detected,
            cast(ReleaseRow.requires, Text).label("requires"),
            cast(ReleaseRow.depends_on, Text).label("depends_on"),
            cast(ReleaseRow.problems, Text).label("problems"),
        )
        .join(Module, ReleaseRow.module_id == Module.id)
        .order_by(Module.slug, ReleaseRow.id)
    )


def _release_of_row(row: Any) -> Release:
    return engine_release(
        row.slug,
        row.version,
        prerelease=bool(row.prerelease),
        yanked=bool(row.yanked or row.withdrawn),
        license=row.license_declared or row.license_detected,
        requires=_json(row.requires) or {},
        depends_on=_json(row.depends_on) or {},
        problems=_json(row.problems) or [],
    )


@lru_cache(maxsize=65_536)
def _range(text: str) -> Range:
    # Catalogs repeat few range texts (in-app modules: one per host version), and a Range is
    # frozen, so releases share parsed ranges.
    return parse_range(text)


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def engine_release(
    module: str,
    version: str,
    *,
    prerelease: bool = False,
    yanked: bool = False,
    license: str | None = None,
    requires: Mapping[str, Any] | None = None,
    depends_on: Mapping[str, Any] | None = None,
    problems: Sequence[Any] = (),
) -> Release:
    """The engine's view of one stored release (``requires``/``depends_on``/``problems`` as
    stored in the release row; a withdrawn release is passed as yanked).

    A stored range the engine cannot parse becomes a metadata problem of the release, so it is
    blocked with ``metadata-invalid`` instead of breaking every answer.
    """
    texts = [_problem_text(p) for p in problems]
    components = []
    for name, req in sorted((requires or {}).items()):
        raw = req.get("range") if isinstance(req, dict) else req
        capabilities = req.get("capabilities") if isinstance(req, dict) else None
        range_ = None
        if raw not in (None, ""):
            try:
                range_ = _range(str(raw))
            except InvalidRange as error:
                texts.append(f"requires.{name}: {error.reason}")
        components.append(ComponentRequirement(name, range_, frozenset(capabilities or ())))
    modules = []
    for slug, dep in sorted((depends_on or {}).items()):
        raw = dep.get("range") if isinstance(dep, dict) else dep
        try:
            modules.append(ModuleRequirement(slug, _range(str(raw or "*"))))
        except InvalidRange as error:
            texts.append(f"dependsOn.{slug}: {error.reason}")
    return Release(
        module=module,
        version=version,
        prerelease=prerelease,
        yanked=yanked,
        license=license,
        requires=tuple(components),
        depends_on=tuple(modules),
        problems=tuple(texts),
    )


def _problem_text(problem: Any) -> str:
    if isinstance(problem, dict):
        where = problem.get("field") or ""
        message = problem.get("message") or json.dumps(problem, sort_keys=True)
        return f"{where}: {message}" if where else str(message)
    return str(problem)


def _component_versions(
    session: Session,
) -> tuple[dict[str, tuple[str, ...]], dict[str, frozenset[str]]]:
    """Per component its known versions (normalized, as deployments state them) and those
    of them past their support."""
    found: dict[str, list[str]] = {}
    ended: dict[str, set[str]] = {}
    rows = session.execute(
        select(Component.name, ComponentVersion.version, ComponentVersion.support)
        .join(Component, ComponentVersion.component_id == Component.id)
        .order_by(Component.name, ComponentVersion.id)
    )
    for name, version, support in rows:
        normalized = normalize_version(version)
        found.setdefault(name, []).append(normalized)
        if support == END_OF_LIFE_SUPPORT:
            ended.setdefault(name, set()).add(normalized)
    return (
        {name: tuple(versions) for name, versions in found.items()},
        {name: frozenset(versions) for name, versions in ended.items()},
    )


def _imported_states(session: Session) -> dict[str, tuple[KnownState, ...]]:
    """Per component, the capability sets known after each import (an introspection file, a
    manifest), newest import first.  An import records only names not known before, so the
    state after an import is its names and every name recorded before it."""
    rows = session.execute(
        select(Component.name, ComponentCapability.source, ComponentCapability.name)
        .join(Component, ComponentCapability.component_id == Component.id)
        .order_by(Component.name, ComponentCapability.id)
    )
    groups: dict[str, dict[str, set[str]]] = {}
    for component, source, capability in rows:
        groups.setdefault(component, {}).setdefault(source or "", set()).add(capability)
    states: dict[str, tuple[KnownState, ...]] = {}
    for component, by_source in groups.items():
        known: set[str] = set()
        found = []
        for source, names in by_source.items():  # in the order of their first record
            known |= names
            found.append(KnownState("introspection", frozenset(known), source=source or None))
        states[component] = tuple(reversed(found))
    return states


def _component_capabilities(session: Session) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    rows = session.execute(
        select(Component.name, ComponentCapability.name).join(
            Component, ComponentCapability.component_id == Component.id
        )
    )
    for component, capability in rows:
        found.setdefault(component, set()).add(capability)
    return {name: frozenset(names) for name, names in found.items()}


def _changed_modules(previous: CatalogSnapshot | None, catalog: Catalog) -> frozenset[str] | None:
    if previous is None:
        return None
    old = previous.catalog
    if (
        old.component_versions != catalog.component_versions
        or old.component_capabilities != catalog.component_capabilities
        or old.end_of_life != catalog.end_of_life
        or old.component_states != catalog.component_states
    ):
        return None
    slugs = set(old.releases) | set(catalog.releases)
    return frozenset(s for s in slugs if old.releases.get(s) != catalog.releases.get(s))


def _converted(snapshot: CatalogSnapshot, previous: CatalogSnapshot | None) -> int:
    if previous is None:
        return len(snapshot.row_memo)
    old = set(map(id, previous.row_memo.values()))
    return sum(1 for release in snapshot.row_memo.values() if id(release) not in old)


def _check_version(field_name: str, text: str) -> None:
    try:
        parse_version(text)
    except InvalidVersion:
        raise InvalidInput(
            f"{field_name} must be a version",
            [{"field": field_name, "message": f"{text!r} is no version (PEP 440 / SemVer)"}],
        ) from None


# ---- answers ------------------------------------------------------------------------------


def compatibility_answer(
    cache: CompatibilityCache,
    session: Session,
    state: DeploymentState,
    deployment_id: int | None,
    modules: Sequence[str] | None = None,
) -> dict[str, Any]:
    """``{"deployment": id, "modules": [verdict, ...]}`` of the API (unknown slugs: NotFound);
    the answer about all modules also has ``summary`` (``registry.services.summary``)."""
    if modules is not None:
        require_modules(cache.snapshot(session), modules)
    verdicts = cache.verdicts(session, state, modules)
    answers = [v.to_dict() for v in verdicts.values()]
    body: dict[str, Any] = {
        "deployment": deployment_id,
        "modules": answers,
        "notices": notices_json(cache.notices(session, state)),
    }
    if modules is None:
        body["summary"] = summarize(answers, dict(state.modules))
    return body


def module_answer(
    cache: CompatibilityCache, session: Session, state: DeploymentState, slug: str
) -> dict[str, Any]:
    """One module's verdict entry of the HTTP contract with the deployment's ``notices``; NotFound
    for an unknown module."""
    require_modules(cache.snapshot(session), [slug])
    entry = cache.verdicts(session, state, [slug])[slug].to_dict()
    entry["notices"] = notices_json(cache.notices(session, state))
    return entry


def upgrade_plan_answer(
    cache: CompatibilityCache,
    session: Session,
    state: DeploymentState,
    deployment_id: int | None,
    *,
    component: str,
    to: str,
) -> dict[str, Any]:
    """What moving ``component`` to ``to`` means for the installed modules, with the notices
    about the deployment after that move (an unknown or end-of-life ``to`` among them)."""
    report = cache.component_upgrade(session, state, component, to)
    moved = moved_deployment(state, component, to)
    return {
        "deployment": deployment_id,
        **report.to_dict(),
        "notices": notices_json(cache.notices(session, moved)),
    }


def notices_json(notices: Iterable[Notice]) -> list[dict[str, Any]]:
    """Notices in their JSON shape."""
    return [notice.to_dict() for notice in notices]


def require_modules(snapshot: CatalogSnapshot, slugs: Iterable[str]) -> None:
    """NotFound naming every slug the catalog does not know."""
    missing = [slug for slug in slugs if not snapshot.has_module(slug)]
    if missing:
        raise NotFound(
            f"no module {', '.join(map(repr, missing))}",
            [{"field": "module", "value": slug, "message": "no such module"} for slug in missing],
        )


def document_answer(
    cache: CompatibilityCache,
    session: Session,
    data: Any,
    modules: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The what-if answer for a deployment document sent as a file (validated, not stored)."""
    document = validated_document(data)
    state = state_from_document(document)
    body = compatibility_answer(cache, session, state, None, modules)
    body["query"] = document
    return body


# ---- what-if ------------------------------------------------------------------------------

_COMPONENT_FIELDS = ("version", "commit", "capabilities")


@dataclass(frozen=True)
class WhatIf:
    """A hypothetical deployment from query parameters and the modules asked about."""

    document: dict[str, Any]
    modules: tuple[str, ...] | None


def what_if_from_query(pairs: Sequence[tuple[str, str]]) -> WhatIf:
    """Read ``app=4.2.1``, ``mainserver.capabilities=vouchers,search``,
    ``mainserver.commit=04d9eb41``, ``<component>.version=``, ``modules.<slug>=<version>``,
    ``channel=``, ``licenses=a,b`` and ``module=<slug>`` (repeatable or comma separated) into a
    validated deployment document; InvalidInput lists every problem."""
    components: dict[str, dict[str, Any]] = {}
    document: dict[str, Any] = {"schemaVersion": 1, "name": "what-if"}
    modules: list[str] | None = None
    problems: list[dict[str, Any]] = []
    for key, value in pairs:
        head, dot, rest = key.partition(".")
        if key == "module":
            modules = (modules or []) + _list(value)
        elif key in ("channel", "name"):
            document[key] = value
        elif key == "licenses":
            document["licenses"] = _list(value)
        elif head == "modules" and dot and rest:
            document.setdefault("modules", {})[rest] = value
        elif not dot:
            components.setdefault(key, {})["version"] = value
        elif rest in _COMPONENT_FIELDS:
            entry = components.setdefault(head, {})
            entry[rest] = _list(value) if rest == "capabilities" else value
        else:
            problems.append({"field": key, "message": "unknown query parameter"})
    if components:
        document["components"] = components
    try:
        document = validated_document(document, "<query>")
    except InvalidInput as error:
        problems.extend(_query_problem(p) for p in error.problems)
    if problems:
        raise InvalidInput(f"the what-if query has {len(problems)} problem(s)", problems)
    return WhatIf(document, None if modules is None else tuple(dict.fromkeys(modules)))


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _query_problem(problem: Any) -> dict[str, Any]:
    """A document problem named by its query parameter (``components.app`` -> ``app``)."""
    data = problem.to_dict() if hasattr(problem, "to_dict") else dict(problem)
    path = data.get("field", "")
    if path.startswith("components."):
        path = path[len("components.") :].removesuffix(".version")
    return {"field": path, "message": data.get("message", "")}


# ---- text for people ----------------------------------------------------------------------


def summary_line(name: str, verdicts: Mapping[str, Verdict], lang: str = "de") -> str:
    """One line: how many modules the deployment could adopt now, and how many not."""
    adoptable = sum(1 for v in verdicts.values() if v.adoptable)
    rest = len(verdicts) - adoptable
    if lang == "de":
        return f"{name}: {len(verdicts)} Module, {adoptable} übernehmbar, {rest} nicht"
    return f"{name}: {len(verdicts)} modules, {adoptable} adoptable, {rest} not"


def verdict_lines(verdict: Verdict, lang: str = "de") -> list[str]:
    """A verdict as plain lines: what can be adopted, what blocks the rest, the plan."""
    de = lang == "de"
    language: Literal["de", "en"] = "de" if de else "en"
    lines = [f"{verdict.module}:"]
    if verdict.adoptable:
        label = "übernehmbar" if de else "adoptable"
        lines.append(f"  {label}: {', '.join(verdict.adoptable)}")
    else:
        lines.append("  " + ("keine Version übernehmbar" if de else "no adoptable version"))
    if verdict.newest is not None:
        lines.append(f"  {'neueste' if de else 'newest'}: {verdict.newest}")
    newest_blocked = verdict.reasons_for(verdict.newest) if verdict.newest else ()
    if newest_blocked:
        lines.append(f"  {verdict.newest} " + ("ist blockiert:" if de else "is blocked:"))
        for reason in newest_blocked:
            lines.append(f"    - [{reason.code}] {explain(reason, language)}")
    others = [b for b in verdict.blocked if b.version != verdict.newest]
    if others:
        label = "weitere blockierte Versionen" if de else "other blocked versions"
        lines.append(f"  {label}: {len(others)}")
    plan = verdict.upgrade_plan
    if plan is not None:
        title = "Upgrade-Plan für" if de else "upgrade plan for"
        state = "" if plan.possible else (" (nicht möglich)" if de else " (not possible)")
        lines.append(f"  {title} {plan.version}{state}:")
        lines.extend(f"    - {describe_step(step.to_dict(), language)}" for step in plan.steps)
    return lines


def notice_lines(notices: Iterable[Notice], lang: str = "de") -> list[str]:
    """The notices about a deployment as plain lines."""
    language: Literal["de", "en"] = "de" if lang == "de" else "en"
    return [describe_notice(notice.to_dict(), language) for notice in notices]


# ---- capabilities from a GraphQL introspection ---------------------------------------------


def introspection_capabilities(introspection: Any) -> list[str]:
    """Root query and mutation field names of a GraphQL introspection result, sorted.

    Accepts the response as GraphQL servers send it (``{"data": {"__schema": ...}}``) or the
    bare ``{"__schema": ...}``; InvalidInput (a MetadataError) when it is neither.
    """
    return sorted(capabilities_from_introspection(introspection, "<request>"))


def capabilities_from_body(body: Any) -> list[str]:
    """Capability names from ``{"capabilities": [names]}`` or from an introspection result."""
    if isinstance(body, dict) and "capabilities" in body:
        names = body["capabilities"]
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise InvalidInput(
                "capabilities must be a list of names",
                [{"field": "capabilities", "message": "expected a list of non-empty texts"}],
            )
        return sorted(set(names))
    return introspection_capabilities(body)


def import_capabilities(
    session: Session, component: str, names: Iterable[str], source: str = ""
) -> tuple[int, int]:
    """Record ``names`` as capabilities the component is known to offer (used by upgrade
    plans); returns (added, already known).  Marks the catalog changed when any is added."""
    found = session.scalar(select(Component).where(Component.name == component))
    if found is None:
        raise NotFound(f"no component {component!r}", [{"field": "component", "value": component}])
    known = {c.name for c in found.capabilities}
    added = 0
    for name in sorted(set(names) - known):
        found.capabilities.append(ComponentCapability(name=name, source=source))
        added += 1
    if added:
        session.flush()
        bump(session, "catalog")
    return added, len(known & set(names))


def check_deployment(
    session: Session,
    document: Mapping[str, Any],
    policy: Policy,
    modules: Sequence[str] | None = None,
) -> tuple[dict[str, Verdict], tuple[Notice, ...]]:
    """Verdicts and notices for a validated deployment document against the database (the
    ``check`` CLI); NotFound names every unknown module asked about."""
    cache = CompatibilityCache(policy)
    if modules:
        require_modules(cache.snapshot(session), modules)
    state = state_from_document(document)
    return cache.verdicts(session, state, modules or None), cache.notices(session, state)
