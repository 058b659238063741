"""The module page's matrix: which release works with which known component version.

A cell answers only the component's version range of the release (capabilities are listed
beside the matrix): the question a developer asks is "which app versions does release X fit".
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import InvalidVersion

from registry.compat.ranges import InvalidRange, Range, parse_range
from registry.models import Component, ComponentVersion, Release
from registry.serialize import sorted_versions

MAX_COLUMNS = 10


@dataclass(frozen=True)
class Column:
    component: str
    version: ComponentVersion


@dataclass(frozen=True)
class Matrix:
    """Rows are releases (newest first), columns known component versions (newest first);
    ``cells[i][j]`` is True, False, or None when release i does not constrain that component."""

    releases: list[Release]
    columns: list[Column]
    cells: list[list[bool | None]]


def build_matrix(releases: list[Release], components: list[Component]) -> Matrix:
    """The matrix for these releases over the versioned components they give a range for."""
    ranges = [_ranges(release) for release in releases]
    columns: list[Column] = []
    for component in components:
        wanted = [r.get(component.name) for r in ranges]
        if not any(wanted) or not component.versions:
            continue
        columns.extend(_columns(component, [w for w in wanted if w is not None]))
    cells = [[_cell(row.get(col.component), col) for col in columns] for row in ranges]
    return Matrix(releases, columns, cells)


def _ranges(release: Release) -> dict[str, Range]:
    found = {}
    for name, requirement in (release.requires or {}).items():
        text = (requirement or {}).get("range")
        if not text:
            continue
        try:
            found[name] = parse_range(text)
        except InvalidRange:
            continue  # shown as a metadata problem of the release, not guessed at here
    return found


def _columns(component: Component, ranges: list[Range]) -> list[Column]:
    # The versions that matter: those some shown release accepts, and the supported ones.
    versions = [v for v in sorted_versions(component.versions) if not v.prerelease]
    chosen = [v for v in versions if v.support == "supported" or _any_contains(ranges, v)]
    return [Column(component.name, v) for v in chosen[:MAX_COLUMNS]]


def _any_contains(ranges: list[Range], version: ComponentVersion) -> bool:
    return any(_contains(r, version) for r in ranges)


def _contains(range_: Range, version: ComponentVersion) -> bool:
    try:
        return range_.contains(version.version)
    except InvalidVersion:
        return False


def _cell(range_: Range | None, column: Column) -> bool | None:
    if range_ is None:
        return None
    return _contains(range_, column.version)
