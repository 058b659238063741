"""Column layout of a module's releases, so rules 1-3 can be evaluated one component at a time.

The reasons of a release are, in order: its state reasons (rule 1), the reasons of each of its
component requirements in declared order (rule 2), and its license reason (rule 3).  When every
release of a module states its requirements grouped by component, in one order shared by all
releases, those reasons are also the concatenation of one *column* per component: the column of
``app`` lists, per release, the reasons of its requirements on ``app``.  A column depends only
on the state of its component, so the evaluator computes it once per (module, component state)
and combines columns instead of re-reading every requirement for every environment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from registry.compat.model import ComponentRequirement, Reason

__all__ = ["Layout", "Requirements", "layout_of"]

# The requirements of one release, each with the evaluator's token for it.
Requirements = tuple[tuple[int, ComponentRequirement], ...]


@dataclass(frozen=True)
class Layout:
    """A module's releases (newest first) as columns."""

    versions: tuple[str, ...]
    licenses: tuple[str | None, ...]
    # State reasons per release on each channel; None when no release has any.
    on_stable: tuple[tuple[Reason, ...], ...] | None
    on_prerelease: tuple[tuple[Reason, ...], ...] | None
    # Components in the order the releases state them, and per component the requirements
    # of each release on it.
    components: tuple[str, ...]
    columns: tuple[tuple[Requirements, ...], ...]


def layout_of(
    versions: Sequence[str],
    requirements: Sequence[Requirements],
    licenses: Sequence[str | None],
    on_stable: Sequence[tuple[Reason, ...]],
    on_prerelease: Sequence[tuple[Reason, ...]],
) -> Layout | None:
    """The column layout of releases given per release (newest first), or None when some
    release interleaves its requirements in an order the others contradict (then the reasons
    are no concatenation of columns and the evaluator reads releases one by one)."""
    order = _component_order(requirements)
    if order is None:
        return None
    columns = tuple(
        tuple(tuple(item for item in reqs if item[1].component == name) for reqs in requirements)
        for name in order
    )
    return Layout(
        versions=tuple(versions),
        licenses=tuple(licenses),
        on_stable=tuple(on_stable) if any(on_stable) else None,
        on_prerelease=tuple(on_prerelease) if any(on_prerelease) else None,
        components=order,
        columns=columns,
    )


def _component_order(requirements: Sequence[Requirements]) -> tuple[str, ...] | None:
    """One order of components in which every release's requirements are grouped, or None."""
    before: dict[str, set[str]] = {}  # component -> components some release states after it
    for reqs in requirements:
        groups = [
            name
            for i, (_, r) in enumerate(reqs)
            for name in [r.component]
            if i == 0 or reqs[i - 1][1].component != name
        ]
        if len(groups) != len(set(groups)):
            return None  # a component stated twice with another in between
        for i, name in enumerate(groups):
            before.setdefault(name, set()).update(groups[i + 1 :])
    order: list[str] = []
    remaining = dict(before)
    while remaining:
        # A component no remaining component must precede; sorted for a stable result.
        ready = sorted(
            n for n in remaining if not any(n in after for m, after in remaining.items() if m != n)
        )
        if not ready:
            return None  # releases contradict each other's order
        order.append(ready[0])
        del remaining[ready[0]]
    return tuple(order)
