"""Rules 1-3 for every release of a module at once, as columns of reasons (an optimization).

A *cell* is the tuple of reasons one source gives against one release, ``()`` when it gives
none.  A *column* is the tuple of the cells of one source for each release of a module (newest
first): its state (rule 1), its requirements on one component (rule 2) or its license (rule 3).
When a module's releases state their requirements in one order (``index``), the reasons of a
release are its cells concatenated across the columns in that order, so the reasons of all
releases are the column-wise concatenation of the columns: ``combine``.

``ColumnStore`` interns reason tuples and columns, so that an object's identity stands for its
value, and caches combinations of columns by identity: environments and modules that share
columns share the work done on them.  Every object it keys by identity is kept alive by the
store, so an identity is never reused while the store lives.  Columns are combined by C-level
``map`` over the cells, and only what is kept is allocated: every object the store keeps is
one more object for Python's cyclic garbage collector to traverse now and then.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import add

from registry.compat.model import Reason

__all__ = ["Cells", "ColumnStore", "concatenated"]

# Per release (newest first), its reasons: () when nothing blocks it.
Cells = tuple[tuple[Reason, ...], ...]


class ColumnStore:
    """Interned reason tuples and columns, and the cached combinations of columns."""

    def __init__(self) -> None:
        self._reasons: dict[tuple[Reason, ...], tuple[Reason, ...]] = {}
        self._joined: dict[tuple[int, ...], tuple[Reason, ...]] = {}
        self._columns: dict[tuple[int, ...], Cells] = {}
        self._combined: dict[tuple[int, ...], Cells] = {}
        self._empty: dict[int, Cells] = {}

    def reasons(self, reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
        """The one object of this value."""
        return self._reasons.setdefault(reasons, reasons)

    def intern(self, reasons: tuple[Reason, ...]) -> tuple[tuple[Reason, ...], bool]:
        """The one object of this value, and whether it is new here (a non-empty value never
        interned before: no interned column holds it)."""
        found = self._reasons.get(reasons)
        if found is not None:
            return found, False
        self._reasons[reasons] = reasons
        return reasons, bool(reasons)

    def join(self, parts: Sequence[tuple[Reason, ...]]) -> tuple[Reason, ...]:
        """The concatenation of interned ``parts``, one object per sequence of parts."""
        parts = [part for part in parts if part]
        if not parts:
            return ()
        if len(parts) == 1:
            return parts[0]
        key = tuple(map(id, parts))
        found = self._joined.get(key)
        if found is None:
            found = self._joined[key] = tuple(reason for part in parts for reason in part)
        return found

    def column(self, cells: Sequence[tuple[Reason, ...]]) -> Cells | None:
        """The interned column of these (interned) cells; None when no cell has a reason."""
        if not any(cells):
            return None
        key = tuple(map(id, cells))
        found = self._columns.get(key)
        if found is None:
            found = self._columns[key] = tuple(cells)
        return found

    def empty(self, size: int) -> Cells:
        """The column of ``size`` releases that nothing blocks."""
        found = self._empty.get(size)
        if found is None:
            found = self._empty[size] = ((),) * size
        return found

    def combine(self, size: int, columns: Sequence[Cells]) -> Cells:
        """The reasons of each of ``size`` releases: its cells of ``columns`` concatenated in
        order.  Equal inputs (by identity) give the same object."""
        if not columns:
            return self.empty(size)
        if len(columns) == 1:
            return columns[0]
        key = tuple(map(id, columns))
        found = self._combined.get(key)
        if found is None:
            found = self._combined[key] = concatenated(columns)
        return found


def concatenated(columns: Sequence[Sequence[tuple[Reason, ...]]]) -> Cells:
    """Per row, its cells of (at least one, equally long) ``columns`` concatenated in order.
    Chained C-level maps: the partial concatenations are freed at once, only the final cells
    are kept (``() + b`` is ``b`` itself, so most cells are shared)."""
    if len(columns) == 1:
        return tuple(columns[0])
    merged = map(add, columns[0], columns[1])
    for column in columns[2:]:
        merged = map(add, merged, column)
    return tuple(merged)
