"""The catalog prepared for evaluation: per module its releases (newest first, each compiled
for rules 1-3), the modules it can reach, what it reads of a deployment, and its releases as
columns (``index``, ``columns``).  Built once per ``Evaluator``; pure data afterwards.

Keys named ``*_key``, ``signature``, ``body`` and ``reads`` are interned numbers from the
evaluator's token table: equal numbers mean equal inputs, so caches keyed by them are shared
between modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version

from registry.compat.columns import Cells, ColumnStore
from registry.compat.index import Layout, Requirements, layout_of
from registry.compat.model import Catalog, ComponentRequirement, Reason, Release
from registry.compat.rules import is_offered, newest_first, state_reasons

__all__ = ["CompiledRelease", "ModuleIndex", "build_index"]


@dataclass(frozen=True)
class ModuleIndex:
    """What the engine precomputes per module."""

    slug: str
    releases: tuple[Release, ...]  # newest first
    closure: tuple[str, ...]  # modules reachable through dependencies, without itself
    components: tuple[str, ...]  # components read by it and its closure
    capabilities: Mapping[str, frozenset[str]]  # capabilities read, per component
    licenses: tuple[str | None, ...]  # license expressions in it and its closure
    reads_channel: bool  # a prerelease in it, its closure or its components' known versions
    reads: int  # interned key of the four fields above: modules with equal ones read the same
    compiled: tuple[CompiledRelease, ...] = ()  # aligned with releases
    versions: tuple[str, ...] = ()  # aligned with releases
    dependent_rows: tuple[int, ...] = ()  # positions of releases with dependencies
    # Position of the newest release offered on each channel (not yanked; no prerelease on
    # the stable channel), None when there is none.
    newest_on_stable: int | None = None
    newest_on_prerelease: int | None = None
    # Modules without dependencies whose releases have equal versions and signatures (in-app
    # modules released with the app, for example) get equal verdicts but for the slug.
    body: object = None
    layout: Layout | None = None  # its releases as columns (see ``index`` and ``columns``)
    # The state column on each channel (None: no state reasons).
    state_on_stable: Cells | None = None
    state_on_prerelease: Cells | None = None
    # Per component of the layout: an interned key of its requirements (modules with equal
    # ones share the column: the app column of in-app modules, say), and the token of each
    # release's requirement on it (-1: none), or None when some release has several.
    column_keys: tuple[int, ...] = ()
    column_tokens: tuple[tuple[int, ...] | None, ...] = ()
    license_key: int = -1  # an interned key of its releases' licenses


@dataclass(frozen=True)
class CompiledRelease:
    """A release prepared for fast evaluation of rules 1-3."""

    release: Release
    # Releases with equal requirements, license and state share a signature, and with it the
    # results of rules 1-3 (all in-app modules released at app version X, for example).
    signature: int
    on_stable: tuple[Reason, ...]  # state reasons on the stable channel
    on_prerelease: tuple[Reason, ...]  # state reasons on the prerelease channel
    requirements: tuple[tuple[int, ComponentRequirement], ...]  # (token, requirement)
    offered_on_stable: bool
    offered_on_prerelease: bool
    closure: tuple[str, ...] = ()  # modules its dependencies can reach (rule 4 reads them)
    key: tuple[str, int] = ("", 0)  # its module and position there (newest first)

    @classmethod
    def of(
        cls,
        release: Release,
        tokens: dict[object, int],
        closure: tuple[str, ...] = (),
        position: int = 0,
    ) -> CompiledRelease:
        requirements = tuple((tokens.setdefault(r, len(tokens)), r) for r in release.requires)
        signature = (
            tuple(token for token, _ in requirements),
            release.license,
            release.yanked,
            release.prerelease,
            release.problems,
        )
        return cls(
            release,
            tokens.setdefault(signature, len(tokens)),
            state_reasons(release, "stable"),
            state_reasons(release, "prerelease"),
            requirements,
            is_offered(release, "stable"),
            is_offered(release, "prerelease"),
            closure,
            (release.module, position),
        )


def _first(flags: Iterable[bool]) -> int | None:
    return next((i for i, flag in enumerate(flags) if flag), None)


def build_index(
    catalog: Catalog, tokens: dict[object, int], store: ColumnStore
) -> dict[str, ModuleIndex]:
    """Every module of ``catalog`` prepared; ``tokens`` interns keys, ``store`` columns."""
    versions_of: dict[tuple[str, ...], tuple[str, ...]] = {}  # equal tuples are one object
    direct: dict[str, set[str]] = {
        slug: {req.module for r in releases for req in r.depends_on}
        for slug, releases in catalog.releases.items()
    }
    index = {}
    for slug, releases in catalog.releases.items():
        closure = _closure(slug, direct)
        readers = [slug, *closure]
        every = [r for m in readers for r in catalog.releases.get(m, ())]
        capabilities: dict[str, set[str]] = {}
        for release in every:
            for requirement in release.requires:
                capabilities.setdefault(requirement.component, set()).update(
                    requirement.capabilities
                )
        known = [v for name in capabilities for v in catalog.component_versions.get(name, ())]
        ordered = newest_first(releases)
        compiled = tuple(
            CompiledRelease.of(r, tokens, _release_closure(r, direct), i)
            for i, r in enumerate(ordered)
        )
        versions = tuple(r.version for r in ordered)
        versions = versions_of.setdefault(versions, versions)
        layout = layout_of(
            versions,
            [c.requirements for c in compiled],
            [c.release.license for c in compiled],
            [c.on_stable for c in compiled],
            [c.on_prerelease for c in compiled],
        )
        components = tuple(sorted(capabilities))
        licenses = tuple(dict.fromkeys(r.license for r in every))
        reads_channel = any(r.prerelease for r in every) or any(map(_is_prerelease, known))
        wanted = tuple((name, frozenset(capabilities[name])) for name in components)
        index[slug] = ModuleIndex(
            slug=slug,
            releases=ordered,
            closure=tuple(sorted(closure)),
            components=components,
            capabilities={name: frozenset(caps) for name, caps in capabilities.items()},
            licenses=licenses,
            compiled=compiled,
            versions=versions,
            dependent_rows=tuple(i for i, r in enumerate(ordered) if r.depends_on),
            newest_on_stable=_first(c.offered_on_stable for c in compiled),
            newest_on_prerelease=_first(c.offered_on_prerelease for c in compiled),
            # (rule 4 results are no part of a signature: modules with dependencies, even on
            # themselves only, get their own body)
            body=slug
            if closure or any(r.depends_on for r in ordered)
            else tokens.setdefault(
                ("body", tuple((c.signature, c.release.version) for c in compiled)), len(tokens)
            ),
            reads_channel=reads_channel,
            reads=tokens.setdefault(("reads", wanted, licenses, reads_channel), len(tokens)),
            layout=layout,
            **_layout_columns(layout, tokens, store),
        )
    return index


def _layout_columns(
    layout: Layout | None, tokens: dict[object, int], store: ColumnStore
) -> dict[str, Any]:
    """The fields of ``ModuleIndex`` that describe its layout's columns."""
    if layout is None:
        return {}
    return {
        "state_on_stable": None if layout.on_stable is None else store.column(layout.on_stable),
        "state_on_prerelease": None
        if layout.on_prerelease is None
        else store.column(layout.on_prerelease),
        "column_keys": tuple(
            tokens.setdefault(
                ("column", name, tuple(tuple(t for t, _ in reqs) for reqs in rows)), len(tokens)
            )
            for name, rows in zip(layout.components, layout.columns, strict=True)
        ),
        "column_tokens": tuple(_row_tokens(rows) for rows in layout.columns),
        "license_key": tokens.setdefault(("licenses", layout.licenses), len(tokens)),
    }


def _row_tokens(rows: tuple[Requirements, ...]) -> tuple[int, ...] | None:
    """The token of each release's requirement (-1: none), or None when some has several."""
    if any(len(items) > 1 for items in rows):
        return None
    return tuple(items[0][0] if items else -1 for items in rows)


def _is_prerelease(version: str) -> bool:
    try:
        return Version(version).is_prerelease
    except InvalidVersion:
        return False


def _release_closure(release: Release, direct: Mapping[str, set[str]]) -> tuple[str, ...]:
    reach: set[str] = set()
    for requirement in release.depends_on:
        reach.add(requirement.module)
        reach |= _closure(requirement.module, direct)
    reach.discard(release.module)  # pinned to the release itself
    return tuple(sorted(reach))


def _closure(slug: str, direct: Mapping[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(direct.get(slug, ()))
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(direct.get(module, ()))
    seen.discard(slug)
    return seen
