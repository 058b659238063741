"""Verdicts: for a deployment and a module, which releases are adoptable and why the others are
not (docs/compatibility.md), plus an upgrade plan for the newest release when it is blocked.

``Evaluator`` prepares a catalog once (``prepared``) and shares work at every level:
- a module's verdict depends only on what its releases (and their dependencies) read of a
  deployment (its *projection*), so deployments that agree on that share one ``Verdict``;
- rules 1-3 are evaluated per column (``index``, ``columns``): the reasons from the release
  states, from each component and from the licenses are computed once per state of that input
  and shared by every module with equal requirements, then combined cell by cell;
- plans of releases without dependencies are shared by the values they read (``plan.py``
  makes every plan; this file only caches).
Every cache belongs to the evaluator and dies with it.  Caches here are keyed by values or by
numbers interned from values (projections, candidate sets, component states); the column store
(``columns``) interns reasons, columns and combined cells (equal values are one object, so
equal inputs share work) and keys its combinations by the identities of the objects it keeps
alive itself.  Cells that hold reasons new to the evaluator (a version nobody ran, ``batch``)
are not interned: nothing made before equals them.

Definitions decided here:
- ``newest`` is the highest release the deployment could ever be offered: not yanked, and no
  prerelease unless the deployment follows prereleases.  None when there is none.
- ``blocked`` lists every release that is not adoptable, newest first, with its reasons: all
  reasons of rules 1-3, or, when those pass, the reasons of rule 4 (dependencies are resolved
  only for releases that rules 1-3 allow; resolving is the expensive part).  The upgrade plan
  always looks at dependencies.
- The upgrade plan is computed for ``newest`` when it is blocked; otherwise it is None.
- For rule 4 the modules the deployment runs are kept at their installed version (which must
  itself be adoptable by rules 1-3) unless ``allow_upgrades``.  The release's own module is
  pinned to the release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import compress
from operator import not_
from typing import TypeVar

from packaging.version import Version

from registry.compat.batch import Group, group_cells, groups_of
from registry.compat.columns import Cells, ColumnStore
from registry.compat.index import Layout, Requirements
from registry.compat.licenses import license_allowed
from registry.compat.model import (
    Blocked,
    Catalog,
    Channel,
    ComponentRequirement,
    ComponentState,
    DeploymentState,
    ModuleRequirement,
    Notice,
    Policy,
    Reason,
    Release,
    UpgradePlan,
    Verdict,
)
from registry.compat.notices import deployment_notices
from registry.compat.plan import (
    COMPONENT_CODES,
    UNFIXABLE,
    nearest_version,
    plan_candidates,
    plan_release,
    version_pool,
)
from registry.compat.prepared import CompiledRelease, ModuleIndex, build_index
from registry.compat.ranges import Range, range_contains
from registry.compat.resolver import (
    Resolution,
    failure_reasons,
    matching_candidates,
    resolve_dependencies,
)
from registry.compat.rules import (
    candidate_reasons,
    component_reasons,
    effective_licenses,
    license_reasons,
    release_reasons,
)

__all__ = ["Evaluator", "affected_modules", "evaluate", "evaluate_many"]

_Key = TypeVar("_Key")
# Adoptable versions, blocked versions, the reasons of each blocked version.
_Listing = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[Reason, ...], ...]]
_EnvKey = tuple[tuple[ComponentState, ...], Channel, frozenset[str] | None]


def evaluate(
    deployment: DeploymentState,
    catalog: Catalog,
    policy: Policy,
    modules: Iterable[str] | None = None,
    allow_upgrades: bool = False,
) -> dict[str, Verdict]:
    """Verdicts of ``deployment`` for ``modules`` (default: every module of the catalog)."""
    return Evaluator(catalog, policy).evaluate(deployment, modules, allow_upgrades)


def evaluate_many(
    deployments: Sequence[DeploymentState],
    catalog: Catalog,
    policy: Policy,
    modules: Iterable[str] | None = None,
    allow_upgrades: bool = False,
) -> list[dict[str, Verdict]]:
    """Verdicts for many deployments at once (the full matrix), sharing work between them."""
    return Evaluator(catalog, policy).evaluate_many(deployments, modules, allow_upgrades)


def affected_modules(catalog: Catalog, changed: Iterable[str]) -> frozenset[str]:
    """The modules whose verdicts can change when releases of ``changed`` modules change:
    those modules and every module that depends on them, transitively.  A caller that caches
    verdicts per deployment re-evaluates only these after a new release or a yank."""
    dependents: dict[str, set[str]] = {}
    for slug, releases in catalog.releases.items():
        for release in releases:
            for requirement in release.depends_on:
                dependents.setdefault(requirement.module, set()).add(slug)
    result = set(changed)
    todo = list(result)
    while todo:
        for parent in dependents.get(todo.pop(), ()):
            if parent not in result:
                result.add(parent)
                todo.append(parent)
    return frozenset(result)


@dataclass
class _Env:
    """The part of a deployment that rules 1-3 read, with per-environment caches."""

    key: _EnvKey
    deployment: DeploymentState  # without installed modules: those are no part of the key
    components: dict[str, ComponentState] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)  # component -> interned state
    versions: dict[str, int] = field(default_factory=dict)  # component -> its version, commit
    allowed_token: int = 0
    projections: dict[int, int] = field(default_factory=dict)  # per reads key, its token
    stable: bool = True
    unseen: bool = False  # runs a version nobody ran of a component some range reads
    cells: dict[tuple[str, int], tuple[Reason, ...]] = field(default_factory=dict)  # per release
    module_cells: dict[str, Cells] = field(default_factory=dict)  # per module
    # Per requirement token (-1: no requirement), its reasons here.
    requirements: dict[int, tuple[Reason, ...]] = field(default_factory=lambda: {-1: ()})
    licenses: dict[str | None, tuple[Reason, ...]] = field(default_factory=dict)
    fresh: set[int] = field(default_factory=set)  # requirement tokens with reasons new here
    candidate_tokens: dict[tuple[str, str | None], int] = field(default_factory=dict)
    ordered: dict[tuple[str, str | None], tuple[Release, ...]] = field(default_factory=dict)
    candidates: dict[tuple[str, str | None], tuple[Release, ...]] = field(default_factory=dict)
    matches: dict[tuple[object, ...], tuple[Release, ...]] = field(default_factory=dict)
    details: dict[tuple[str, str, str | None], tuple[Blocked, ...]] = field(default_factory=dict)
    shared: dict[str, Verdict] | None = None  # verdicts of modules without dependencies
    dependents: list[tuple[str, tuple[str, ...], int]] | None = None  # see ``_dependents``


class Evaluator:
    """Evaluates deployments against one catalog and policy, caching shared work.

    Build one per catalog version and reuse it: it answers repeated and similar deployments
    from its caches.  The caches only memoize pure results (a race between threads costs a
    duplicate computation, never a wrong answer) and grow with the number of distinct
    deployment shapes, not with the number of deployments.  After a catalog change build a new
    one and re-evaluate ``affected_modules``.
    """

    def __init__(self, catalog: Catalog, policy: Policy) -> None:
        self.catalog = catalog
        self.policy = policy
        self._tokens: dict[object, int] = {}
        self._store = ColumnStore()
        self._index = build_index(catalog, self._tokens, self._store)
        self._compiled = {
            (c.release.module, c.release.version): c
            for m in self._index.values()
            for c in m.compiled
        }
        # Interned component states and allowed-license sets, so that requirement and license
        # results are shared between environments under small integer keys.
        self._state_tokens: dict[object, int] = {}  # states, (version, commit) pairs
        self._allowed_tokens: dict[frozenset[str] | None, int] = {}
        self._requirement_cache: dict[tuple[int, object], tuple[Reason, ...]] = {}
        self._license_cache: dict[tuple[str | None, int], tuple[Reason, ...]] = {}
        self._failures: dict[tuple[object, ...], tuple[ModuleRequirement, ...]] = {}
        self._ranges: dict[tuple[str, str], tuple[int, ...]] = {}  # see ``_in_range``
        self._plans: dict[tuple[object, ...], UpgradePlan] = {}  # of releases without deps
        self._pools: dict[tuple[object, ...], tuple[tuple[Version, ...], bool]] = {}
        # (column key, state token, or for a column without ranges the capabilities it reads)
        self._columns: dict[tuple[int, object], Cells | None] = {}
        self._column_caps = _column_capabilities(self._index.values())
        self._license_columns: dict[tuple[int, int], Cells | None] = {}
        self._requirement_of = {
            token: requirement
            for module in self._index.values()
            for compiled in module.compiled
            for token, requirement in compiled.requirements
        }
        self._no_deps = tuple(s for s, m in self._index.items() if not m.closure)
        self._ranged = frozenset(r.component for r in self._requirement_of.values() if r.range)
        self._groups: tuple[Group, ...] | None = None  # built when first needed
        self._with_deps = tuple(s for s, m in self._index.items() if m.closure)
        self._envs: dict[_EnvKey, _Env] = {}
        self._projections: dict[tuple[object, ...], int] = {}
        self._capabilities: dict[frozenset[str], frozenset[str]] = {}
        self._bodies: dict[tuple[object, int], Verdict] = {}  # per body and projection token
        self._verdicts: dict[tuple[str, int], Verdict] = {}  # the same, named per module
        self._dependent: dict[tuple[object, ...], Verdict] = {}  # of modules with dependencies

    @property
    def modules(self) -> tuple[str, ...]:
        """Every module slug of the catalog."""
        return tuple(self._index)

    def evaluate(
        self,
        deployment: DeploymentState,
        modules: Iterable[str] | None = None,
        allow_upgrades: bool = False,
    ) -> dict[str, Verdict]:
        """Verdicts of ``deployment`` for ``modules`` (default: all); unknown slugs are
        skipped."""
        env = self._env(deployment)
        installed = dict(deployment.modules)
        if modules is not None:
            wanted = [s for s in modules if s in self._index]
            return {s: self._verdict(env, s, installed, allow_upgrades) for s in wanted}
        if env.unseen and not env.module_cells:
            self._batch(env)
        result = dict(self._shared(env))
        # The common path of a national matrix, so the cache is read here directly.
        cached, get = self._dependent, installed.get
        for slug, closure, part in self._dependents(env):
            verdict = cached.get(_dependent_key(slug, part, allow_upgrades, map(get, closure)))
            if verdict is None:
                verdict = self._verdict(env, slug, installed, allow_upgrades)
            result[slug] = verdict
        return result

    def evaluate_many(
        self,
        deployments: Sequence[DeploymentState],
        modules: Iterable[str] | None = None,
        allow_upgrades: bool = False,
    ) -> list[dict[str, Verdict]]:
        """``evaluate`` for each deployment, in order; identical deployments share work."""
        wanted = None if modules is None else tuple(modules)
        done: dict[DeploymentState, dict[str, Verdict]] = {}
        results = []
        for deployment in deployments:
            known = done.get(deployment)
            if known is None:
                known = done[deployment] = self.evaluate(deployment, wanted, allow_upgrades)
                results.append(known)
            else:
                results.append(dict(known))  # each deployment gets its own dict
        return results

    def release_reasons(
        self, release: Release, deployment: DeploymentState, allow_upgrades: bool = False
    ) -> tuple[Reason, ...]:
        """The reasons blocking ``release`` in ``deployment``: those of rules 1-3, else those
        of rule 4."""
        env = self._env(deployment)
        reasons = self._base(env, release)
        if release.depends_on and not reasons:
            installed = dict(deployment.modules)
            reasons = self._resolve(env, release, installed, allow_upgrades).reasons
        return reasons

    def notices(self, deployment: DeploymentState) -> tuple[Notice, ...]:
        """The notices about ``deployment`` (``notices.deployment_notices``)."""
        return deployment_notices(deployment, self.catalog)

    def resolve_for_plan(self, deployment: DeploymentState, release: Release) -> Resolution:
        """Resolve ``release``'s dependencies with upgrades allowed, preferring each module's
        installed version, then the lowest adoptable one (``plan.plan_candidates``)."""
        env = self._env(deployment)
        installed = dict(deployment.modules)

        def candidates(slug: str) -> tuple[Release, ...]:
            key = (slug, installed.get(slug))
            found = env.ordered.get(key)
            if found is None:
                allowed = self._candidates(env, slug, None)
                found = env.ordered[key] = plan_candidates(allowed, installed.get(slug))
            return found

        return resolve_dependencies(
            release, candidates, installed.get, explain=partial(self._details, env, None)
        )

    def _env(self, deployment: DeploymentState) -> _Env:
        key: _EnvKey = (
            deployment.components,
            deployment.channel,
            effective_licenses(deployment, self.policy),
        )
        env = self._envs.get(key)
        if env is None:
            # A version (or commit) no environment ran, of a component some range reads: its
            # reasons are all new (they name it), so cells are built for all modules at once.
            unseen = any(
                (state.version, state.commit) not in self._state_tokens
                and state.name in self._ranged
                for state in deployment.components
            )
            env = self._envs[key] = _Env(
                key=key,
                deployment=replace(deployment, modules=()),
                components={state.name: state for state in deployment.components},
                tokens={
                    state.name: self._state_tokens.setdefault(state, len(self._state_tokens))
                    for state in deployment.components
                },
                # Version and commit of each component: the upgrade plan of a release without
                # dependencies reads no more of a state than that and its reasons.
                versions={
                    state.name: self._state_tokens.setdefault(
                        (state.version, state.commit), len(self._state_tokens)
                    )
                    for state in deployment.components
                },
                allowed_token=self._allowed_tokens.setdefault(key[2], len(self._allowed_tokens)),
                stable=deployment.channel == "stable",
                unseen=unseen,
            )
        return env

    def _dependents(self, env: _Env) -> list[tuple[str, tuple[str, ...], int]]:
        """Per module with dependencies: its slug, its closure and the number of its
        projection in ``env``."""
        if env.dependents is None:
            env.dependents = []
            for slug in self._with_deps:
                index = self._index[slug]
                env.dependents.append((slug, index.closure, self._projection(env, index)))
        return env.dependents

    def _shared(self, env: _Env) -> dict[str, Verdict]:
        if env.shared is None:
            env.shared = {slug: self._verdict(env, slug, {}, False) for slug in self._no_deps}
        return env.shared

    def _verdict(
        self, env: _Env, slug: str, installed: Mapping[str, str], allow_upgrades: bool
    ) -> Verdict:
        index = self._index[slug]
        part = self._projection(env, index)
        if index.closure:
            key = _dependent_key(slug, part, allow_upgrades, map(installed.get, index.closure))
            verdict = self._dependent.get(key)
            if verdict is None:
                verdict = self._compute(env, index, installed, allow_upgrades)
                self._dependent[key] = verdict
            return verdict
        verdict = self._verdicts.get((slug, part))
        if verdict is None:
            body = self._bodies.get((index.body, part))
            if body is None:
                body = self._compute(env, index, installed, False)
                self._bodies[(index.body, part)] = body
            # A body may come from a module whose releases read the same: rename it.
            verdict = body if body.module == slug else _renamed(body, slug)
            self._verdicts[(slug, part)] = verdict
        return verdict

    def _projection(self, env: _Env, index: ModuleIndex) -> int:
        """The parts of an environment a module's verdict reads, as an interned number: with
        equal projections (and equal bodies, and equal installed versions of its dependencies)
        its verdicts are equal.  Modules that read the same (``index.reads``) share it."""
        found = env.projections.get(index.reads)
        if found is not None:
            return found
        states: list[tuple[str | None, str | None, frozenset[str]] | None] = []
        for name in index.components:
            state = env.components.get(name)
            if state is None:
                states.append(None)
            else:
                seen = state.capabilities & index.capabilities.get(name, frozenset())
                seen = self._capabilities.setdefault(seen, seen)  # one object per value
                states.append((state.version, state.commit, seen))
        allowed = env.key[2]
        licenses_matter = not all(
            license_allowed(text, allowed, self.policy.require_known_license)
            for text in index.licenses
        )
        projection = (
            tuple(states),
            env.deployment.channel if index.reads_channel else None,
            # The allowed list only shows in reasons when it blocks something.
            allowed if licenses_matter else None,
        )
        # Interned by value: environments that agree on what a module reads share the number.
        found = env.projections[index.reads] = self._projections.setdefault(
            projection, len(self._projections)
        )
        return found

    def _compute(
        self, env: _Env, index: ModuleIndex, installed: Mapping[str, str], allow_upgrades: bool
    ) -> Verdict:
        cells = self._cells_of(env, index)
        if index.closure or index.dependent_rows:  # (a module may depend on itself)
            return self._build(env, index, cells, installed, allow_upgrades)
        # Without dependencies a verdict reads only rules 1-3 (its versions and cells), the
        # channel (its newest row) and the upgrade plan of its newest release: modules and
        # environments that agree on those share it.
        row = index.newest_on_stable if env.stable else index.newest_on_prerelease
        plan = None
        if row is not None and cells[row]:
            plan = self._plan(env, index.releases[row], cells[row], {})
        adoptable, versions, reasons = _listing(index.versions, cells)
        newest = None if row is None else index.versions[row]
        return Verdict(index.slug, adoptable, newest, versions, reasons, plan)

    def _build(
        self,
        env: _Env,
        index: ModuleIndex,
        cells: Cells,
        installed: Mapping[str, str],
        allow_upgrades: bool,
    ) -> Verdict:
        """The verdict from the reasons of rules 1-3, resolving dependencies (rule 4) for the
        releases they allow, and the upgrade plan of the newest release when it is blocked."""
        final = cells
        if index.dependent_rows:
            changed: list[tuple[Reason, ...]] | None = None
            for row in index.dependent_rows:
                if not cells[row]:
                    compiled = index.compiled[row]
                    reasons = self._dependency_reasons(
                        env, (index.slug, row), compiled, installed, allow_upgrades
                    )
                    if reasons:
                        changed = list(cells) if changed is None else changed
                        changed[row] = reasons
            final = cells if changed is None else tuple(changed)
        newest = index.newest_on_stable if env.stable else index.newest_on_prerelease
        plan = None
        if newest is not None and final[newest]:
            release = index.releases[newest]
            plan = self._plan(env, release, final[newest], installed)
        listing = _listing(index.versions, final)
        at = None if newest is None else index.versions[newest]
        return Verdict(index.slug, listing[0], at, listing[1], listing[2], plan)

    def _cells_of(self, env: _Env, index: ModuleIndex) -> Cells:
        """The reasons of rules 1-3 for every release of a module (newest first), kept per
        environment."""
        found = env.module_cells.get(index.slug)
        if found is None:
            if index.layout is not None:
                found = self._cells_by_columns(env, index, index.layout)
            else:
                cells = [self._release_cell(env, compiled) for compiled in index.compiled]
                found = self._store.column(cells) or self._store.empty(len(cells))
            # (``setdefault``: of two threads both use the object that is kept.)
            found = env.module_cells.setdefault(index.slug, found)
        return found

    def _batch(self, env: _Env) -> None:
        """The cells of every module with a column layout in ``env``, group by group
        (``batch``): for an environment whose reasons are new, so columns cannot be shared."""
        if self._groups is None:
            self._groups = groups_of(self._index)
        requirements = partial(
            _lookup, env.requirements, compute=partial(self._requirement_reasons, env)
        )
        licenses = partial(_lookup, env.licenses, compute=partial(self._license_part, env))
        for group in self._groups:
            for slug, cells in group_cells(group, env.stable, requirements, licenses, self._store):
                env.module_cells.setdefault(slug, cells)  # (see ``_cells_of``)

    def _cells_by_columns(self, env: _Env, index: ModuleIndex, layout: Layout) -> Cells:
        """Rules 1-3 for every release of a module, combining its columns (state, one per
        component, license) for this environment.  Columns without reasons are left out, so
        environments that differ only in what blocks nothing share the result object."""
        columns: list[Cells] = []
        state = index.state_on_stable if env.stable else index.state_on_prerelease
        if state is not None:
            columns.append(state)
        for key, name, tokens, requirements in zip(
            index.column_keys, layout.components, index.column_tokens, layout.columns, strict=True
        ):
            column = self._component_column(env, key, name, tokens, requirements)
            if column is not None:
                columns.append(column)
        column = self._license_column(env, index.license_key, layout.licenses)
        if column is not None:
            columns.append(column)
        return self._store.combine(len(index.versions), columns)

    def _component_column(
        self,
        env: _Env,
        key: int,
        name: str,
        tokens: tuple[int, ...] | None,
        requirements: tuple[Requirements, ...],
    ) -> Cells | None:
        """Per release, the reasons of its requirements on component ``name`` (None: none).
        ``key`` stands for the requirements: modules with equal ones share the column.  A
        column without ranges reads only whether the component is there and which of the
        capabilities it asks for it offers, so states that agree on those share it."""
        caps, state = self._column_caps.get(key), env.components.get(name)
        if caps is None or state is None:
            state_key: tuple[int, object] = (key, env.tokens.get(name, -1))
        else:
            state_key = (key, caps & state.capabilities)
        if state_key in self._columns:
            return self._columns[state_key]
        if tokens is None:  # some release has several requirements on the component
            cells = [
                self._store.join([self._requirement_reasons(env, t) for t, _ in items])
                for items in requirements
            ]
        else:
            cells = _lookup(env.requirements, tokens, partial(self._requirement_reasons, env))
            if not env.fresh.isdisjoint(tokens):
                # Reasons first made here (a version nobody ran, say): no column made before
                # can equal this one, so it is not looked up (nor interned) by value.
                # (``setdefault``: of two threads, both get the object that is kept.)
                return self._columns.setdefault(state_key, tuple(cells))
        found = self._columns[state_key] = self._store.column(cells)
        return found

    def _license_column(
        self, env: _Env, key_: int, licenses: tuple[str | None, ...]
    ) -> Cells | None:
        """Per release, the reasons of rule 3 (None: none).  ``key_`` stands for
        ``licenses``."""
        key = (key_, env.allowed_token)
        if key in self._license_columns:
            return self._license_columns[key]
        cells = _lookup(env.licenses, licenses, partial(self._license_part, env))
        found = self._license_columns[key] = self._store.column(cells)
        return found

    def _requirement_reasons(self, env: _Env, token: int) -> tuple[Reason, ...]:
        """Rule 2 for the requirement of ``token`` in ``env`` (cached in the environment)."""
        part = env.requirements.get(token)
        if part is None:
            requirement = self._requirement_of[token]
            part = env.requirements[token] = self._requirement_part(env, token, requirement)
        return part

    def _plan(
        self,
        env: _Env,
        release: Release,
        reasons: tuple[Reason, ...],
        installed: Mapping[str, str],
    ) -> UpgradePlan:
        """The upgrade plan for ``release`` blocked by ``reasons`` (``plan.plan_release``).
        A plan of a release without dependencies is shared by every release (of any module)
        and environment that agree on what it reads (``_plain_plan_key``)."""
        deployment = env.deployment
        if release.depends_on:
            if installed:
                deployment = replace(deployment, modules=tuple(sorted(installed.items())))
            return plan_release(
                release,
                reasons,
                deployment,
                self.catalog,
                self.resolve_for_plan,
                target=self._target,
            )
        key = _plain_plan_key(release, reasons, deployment)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = plan_release(
                release,
                reasons,
                deployment,
                self.catalog,
                self.resolve_for_plan,
                target=self._target,
            )
        return plan

    def _target(
        self, name: str, ranges: tuple[Range, ...], deployment: DeploymentState, catalog: Catalog
    ) -> tuple[str, bool] | None:
        """``plan.target_version`` with the versions that satisfy the ranges (``version_pool``)
        cached by the ranges, the component and the channel."""
        key = (name, tuple(r.normalized for r in ranges), deployment.channel)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = version_pool(
                name, ranges, deployment.channel == "prerelease", catalog
            )
        state = deployment.component(name)
        return nearest_version(pool, None if state is None else state.version)

    def _base(self, env: _Env, release: Release) -> tuple[Reason, ...]:
        """Rules 1-3 for any release (catalog releases take the fast, cached path)."""
        compiled = self._compiled.get((release.module, release.version))
        if compiled is None or compiled.release is not release:
            return release_reasons(release, env.deployment, self.policy)
        return self._release_cell(env, compiled)

    def _release_cell(self, env: _Env, compiled: CompiledRelease) -> tuple[Reason, ...]:
        """Rules 1-3 for a catalog release, read one requirement at a time.

        The reasons are the concatenation of cached parts (state, one per requirement,
        license), interned by the identities of the parts: environments that differ only in
        what this release does not read share the object.
        """
        found = env.cells.get(compiled.key)
        if found is None:
            state = compiled.on_stable if env.stable else compiled.on_prerelease
            parts = [state]
            for token, _ in compiled.requirements:
                parts.append(self._requirement_reasons(env, token))
            license_ = compiled.release.license
            part = env.licenses.get(license_)
            if part is None:
                part = env.licenses[license_] = self._license_part(env, license_)
            parts.append(part)
            found = env.cells[compiled.key] = self._store.join(parts)
        return found

    def _requirement_part(
        self, env: _Env, token: int, requirement: ComponentRequirement
    ) -> tuple[Reason, ...]:
        """Rule 2 for one requirement, shared between environments with the same state (or,
        for a requirement without a range, with the same of the capabilities it asks for)."""
        state = env.components.get(requirement.component)
        if requirement.range is None and state is not None:
            key: tuple[int, object] = (token, requirement.capabilities & state.capabilities)
        else:
            key = (token, env.tokens.get(requirement.component, -1))
        part = self._requirement_cache.get(key)
        if part is None:
            # Uncached: this cache already holds it per requirement and state.
            part, new = self._store.intern(component_reasons(requirement, state))
            self._requirement_cache[key] = part
            if new:
                env.fresh.add(token)
        return part

    def _license_part(self, env: _Env, license_: str | None) -> tuple[Reason, ...]:
        """Rule 3, shared between environments with the same allowed licenses."""
        key = (license_, env.allowed_token)
        part = self._license_cache.get(key)
        if part is None:
            part = self._license_cache[key] = self._store.reasons(
                license_reasons(license_, env.key[2], self.policy.require_known_license)
            )
        return part

    def _dependency_reasons(
        self,
        env: _Env,
        row: tuple[str, int],
        compiled: CompiledRelease,
        installed: Mapping[str, str],
        allow_upgrades: bool,
    ) -> tuple[Reason, ...]:
        """Rule 4 for the release at ``row`` (module, position).  Whether it resolves, and
        which requirements fail, depends only on the candidates of the modules it can reach
        and their installed versions: cached between environments by those values.  The
        reasons of a failure name installed versions and, in their details, the reasons of
        this environment (``_details``)."""
        versions = [installed.get(m) for m in compiled.closure]
        key = (
            row,
            allow_upgrades,
            *versions,
            *[
                self._candidate_token(env, m, None if allow_upgrades else v)
                for m, v in zip(compiled.closure, versions, strict=True)
            ],
        )
        failed = self._failures.get(key)
        if failed is None:
            failed = self._failures[key] = self._resolve(
                env, compiled.release, installed, allow_upgrades
            ).failed
        if not failed:
            return ()
        pinned = None if allow_upgrades else installed
        return failure_reasons(
            compiled.release, failed, installed.get, partial(self._details, env, pinned)
        )

    def _candidate_token(self, env: _Env, slug: str, pinned: str | None) -> int:
        """An interned number for the candidates of ``slug`` in ``env`` (their positions)."""
        key = (slug, pinned)
        token = env.candidate_tokens.get(key)
        if token is None:
            index = self._index.get(slug)
            chosen = set(self._candidates(env, slug, pinned))
            rows = (
                ()
                if index is None
                else tuple(i for i, r in enumerate(index.releases) if r in chosen)
            )
            token = env.candidate_tokens[key] = self._tokens.setdefault(
                ("candidates", slug, rows), len(self._tokens)
            )
        return token

    def _candidates(self, env: _Env, slug: str, pinned: str | None) -> tuple[Release, ...]:
        """Releases of ``slug`` adoptable by rules 1-3 (only ``pinned`` when given)."""
        key = (slug, pinned)
        found = env.candidates.get(key)
        if found is None:
            index = self._index.get(slug)
            if index is None:
                found = ()
            elif pinned is None:
                found = tuple(compress(index.releases, map(not_, self._cells_of(env, index))))
            else:
                found = tuple(r for r in self._candidates(env, slug, None) if r.version == pinned)
            env.candidates[key] = found
        return found

    def _resolve(
        self, env: _Env, release: Release, installed: Mapping[str, str], allow_upgrades: bool
    ) -> Resolution:
        def candidates(slug: str) -> tuple[Release, ...]:
            pinned = None if allow_upgrades else installed.get(slug)
            return self._candidates(env, slug, pinned)

        def matching(slug: str, requirements: tuple[ModuleRequirement, ...]) -> tuple[Release, ...]:
            pinned = None if allow_upgrades else installed.get(slug)
            key = (slug, pinned, requirements)
            found = env.matches.get(key)
            if found is None:
                found = env.matches[key] = matching_candidates(
                    self._candidates(env, slug, pinned), requirements
                )
            return found

        pinned = None if allow_upgrades else installed
        return resolve_dependencies(
            release, candidates, installed.get, matching, partial(self._details, env, pinned)
        )

    def _in_range(self, index: ModuleIndex, range_: Range) -> tuple[int, ...]:
        """The positions of the releases of a module whose versions are in ``range_``."""
        key = (index.slug, range_.normalized)
        found = self._ranges.get(key)
        if found is None:
            found = self._ranges[key] = tuple(
                i for i, version in enumerate(index.versions) if range_contains(range_, version)
            )
        return found

    def _details(
        self, env: _Env, pinned: Mapping[str, str] | None, slug: str, range_: Range
    ) -> tuple[Blocked, ...]:
        """The releases of ``slug`` in ``range_`` (newest first) with why each is no candidate
        of rule 4 in ``env`` (``pinned``: the installed versions modules are held at; None:
        upgrades allowed), cached in the environment."""
        held = None if pinned is None else pinned.get(slug)
        key = (slug, range_.normalized, held)
        found = env.details.get(key)
        if found is None:
            index = self._index.get(slug)
            if index is None:
                found = env.details[key] = ()
            else:
                cells = self._cells_of(env, index)
                versions = index.versions
                found = env.details[key] = tuple(
                    Blocked(versions[i], candidate_reasons(slug, versions[i], cells[i], held))
                    for i in self._in_range(index, range_)
                )
        return found


def _column_capabilities(modules: Iterable[ModuleIndex]) -> dict[int, frozenset[str] | None]:
    """Per column key, the capabilities its requirements ask for; None when one has a range
    (then the column reads the component's version or commit too)."""
    found: dict[int, frozenset[str] | None] = {}
    for module in modules:
        if module.layout is None:
            continue
        for key, rows in zip(module.column_keys, module.layout.columns, strict=True):
            requirements = [r for items in rows for _, r in items]
            ranged = any(r.range is not None for r in requirements)
            found[key] = (
                None if ranged else frozenset().union(*(r.capabilities for r in requirements))
            )
    return found


def _plain_plan_key(
    release: Release, reasons: tuple[Reason, ...], deployment: DeploymentState
) -> tuple[object, ...]:
    """What the plan of a release without dependencies reads (``plan.plan_release``): its
    version, the unfixable codes among its reasons, the channel, and per component the reasons
    name (in order): the ranges the release puts on it, whether it is stated, its version and
    commit, and the capabilities the release asks of it that it lacks."""
    codes = tuple(code for code in UNFIXABLE if any(r.code == code for r in reasons))
    parts = []
    for name in dict.fromkeys(r.component for r in reasons if r.code in COMPONENT_CODES):
        state = deployment.component(name or "")
        requirements = [r for r in release.requires if r.component == name]
        wanted = frozenset().union(*(r.capabilities for r in requirements))
        parts.append(
            (
                name,
                tuple(r.range.normalized for r in requirements if r.range is not None),
                None if state is None else (state.version, state.commit),
                wanted if state is None else wanted - state.capabilities,
            )
        )
    return (release.version, codes, deployment.channel, tuple(parts))


def _listing(versions: tuple[str, ...], cells: Cells) -> _Listing:
    """The adoptable versions, and the versions and reasons of the blocked releases, for
    releases with these reasons.  All C-level passes: nothing is built per release."""
    return (
        tuple(compress(versions, map(not_, cells))),
        tuple(compress(versions, cells)),
        tuple(filter(None, cells)),
    )


def _renamed(verdict: Verdict, slug: str) -> Verdict:
    """``verdict`` for module ``slug`` (``dataclasses.replace`` is slower)."""
    return Verdict(
        slug,
        verdict.adoptable,
        verdict.newest,
        verdict.blocked_versions,
        verdict.blocked_reasons,
        verdict.upgrade_plan,
    )


def _dependent_key(
    slug: str, part: int, allow_upgrades: bool, installed: Iterable[str | None]
) -> tuple[object, ...]:
    """The cache key of the verdict of module ``slug`` (with dependencies): the number of
    its projection and the installed versions of the modules it can reach."""
    return (slug, part, allow_upgrades, *installed)


def _lookup(
    parts: dict[_Key, tuple[Reason, ...]],
    keys: tuple[_Key, ...],
    compute: Callable[[_Key], tuple[Reason, ...]],
) -> list[tuple[Reason, ...]]:
    """``[parts[k] for k in keys]`` as a C-level ``map``, computing missing parts first."""
    found = list(map(parts.get, keys))
    if None not in found:
        return found  # type: ignore[return-value]  # no None in it
    for key in set(keys).difference(parts):
        parts[key] = compute(key)
    return list(map(parts.__getitem__, keys))
