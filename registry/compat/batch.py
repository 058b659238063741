"""Rules 1-3 for many modules at once, for an environment with a component version nobody ran
(an optimization).

Reasons name the version they find (``actual``), so when a deployment runs a version that no
environment of the evaluator ran before (an app build the catalog does not know, say), no column
computed before holds its reasons: every module's cells are new.  Instead of combining columns
module by module (``columns``), the modules whose columns have one layout (the same components
in the same order, one requirement per component and release) are laid end to end in a *group*:
one C-level pass per column over the releases of all of them, then one slice per module.

The cells are equal in value to those of the column path, in the same order (state, components
in layout order, license); they are not interned: they hold new reasons, so nothing the
evaluator computed before equals them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from registry.compat.columns import Cells, ColumnStore, concatenated
from registry.compat.index import Layout
from registry.compat.model import Reason
from registry.compat.prepared import ModuleIndex

__all__ = ["Group", "group_cells", "groups_of"]

Parts = Callable[[tuple[int, ...]], Sequence[tuple[Reason, ...]]]
LicenseParts = Callable[[tuple[str | None, ...]], Sequence[tuple[Reason, ...]]]


@dataclass(frozen=True)
class Group:
    """Modules whose columns have one layout, their releases end to end."""

    components: tuple[str, ...]
    slugs: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]  # per module, its rows
    tokens: tuple[tuple[int, ...], ...]  # per component, the requirement token of each row
    licenses: tuple[str | None, ...]  # per row
    on_stable: Cells | None  # state reasons per row on each channel, None when none
    on_prerelease: Cells | None


def groups_of(index: Mapping[str, ModuleIndex]) -> tuple[Group, ...]:
    """The modules of ``index`` that have a column layout, grouped by its components."""
    members: dict[tuple[str, ...], list[ModuleIndex]] = {}
    for module in index.values():
        if module.layout is not None and None not in module.column_tokens:
            members.setdefault(module.layout.components, []).append(module)
    return tuple(_group(components, modules) for components, modules in members.items())


def _group(components: tuple[str, ...], modules: list[ModuleIndex]) -> Group:
    spans, start = [], 0
    for module in modules:
        spans.append((start, start + len(module.versions)))
        start += len(module.versions)
    tokens = tuple(
        tuple(t for module in modules for t in module.column_tokens[position] or ())
        for position in range(len(components))
    )
    return Group(
        components=components,
        slugs=tuple(module.slug for module in modules),
        spans=tuple(spans),
        tokens=tokens,
        licenses=tuple(text for module in modules for text in _layout(module).licenses),
        on_stable=_joined([(m.state_on_stable, len(m.versions)) for m in modules]),
        on_prerelease=_joined([(m.state_on_prerelease, len(m.versions)) for m in modules]),
    )


def _layout(module: ModuleIndex) -> Layout:
    assert module.layout is not None  # only modules with a layout are grouped
    return module.layout


def _joined(columns: list[tuple[Cells | None, int]]) -> Cells | None:
    """Columns end to end (None stands for ``size`` empty cells); None when all are None."""
    if all(column is None for column, _ in columns):
        return None
    return tuple(cell for column, size in columns for cell in (column or ((),) * size))


def group_cells(
    group: Group,
    stable: bool,
    requirement_parts: Parts,
    license_parts: LicenseParts,
    store: ColumnStore,
) -> Iterator[tuple[str, Cells]]:
    """Per module of ``group``, its cells: ``requirement_parts`` gives the reasons of each
    requirement token, ``license_parts`` those of each license, in the environment."""
    columns: list[Sequence[tuple[Reason, ...]]] = []
    state = group.on_stable if stable else group.on_prerelease
    if state is not None:
        columns.append(state)
    for tokens in group.tokens:
        column = requirement_parts(tokens)
        if any(column):
            columns.append(column)
    column = license_parts(group.licenses)
    if any(column):
        columns.append(column)
    rows = concatenated(columns) if columns else ((),) * len(group.licenses)
    for slug, (start, end) in zip(group.slugs, group.spans, strict=True):
        cells = rows[start:end]
        yield slug, cells if any(cells) else store.empty(end - start)
