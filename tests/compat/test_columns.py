"""The column store (interned reasons and columns, combined cell by cell)."""

from __future__ import annotations

from registry.compat import Reason
from registry.compat.columns import ColumnStore

APP = (Reason("version-mismatch", component="app", required="==5.0.0", actual="4.2.1"),)
CAPS = (Reason("capability-missing", component="mainserver", required="vouchers"),)
LICENSE = (Reason("license-not-allowed", required="MIT", actual="AGPL-3.0-only"),)


def test_reasons_are_interned_by_value() -> None:
    store = ColumnStore()
    first = store.reasons(tuple(APP))
    again = store.reasons((Reason(**vars(APP[0])),))
    assert first is again and first == APP


def test_intern_says_whether_a_value_is_new_here() -> None:
    """The engine skips looking up columns that hold reasons new to the store."""
    store = ColumnStore()
    first, new = store.intern(tuple(APP))
    assert new and first == APP
    again, new = store.intern((Reason(**vars(APP[0])),))
    assert again is first and not new
    assert store.intern(())[1] is False  # no reasons: never makes a column new
    assert store.reasons(tuple(CAPS)) == CAPS
    assert store.intern(tuple(CAPS))[1] is False


def test_a_column_without_reasons_is_none_and_equal_cells_give_one_column() -> None:
    store = ColumnStore()
    assert store.column([(), ()]) is None
    column = store.column([APP, ()])
    assert column == (APP, ())
    assert store.column([APP, ()]) is column


def test_combine_concatenates_cells_in_column_order() -> None:
    store = ColumnStore()
    app = store.column([APP, (), APP])
    caps = store.column([CAPS, CAPS, ()])
    license_ = store.column([(), LICENSE, LICENSE])
    assert app and caps and license_
    cells = store.combine(3, [app, caps, license_])
    assert cells == (APP + CAPS, CAPS + LICENSE, APP + LICENSE)
    # A cell with reasons from one column only is that column's object.
    assert store.combine(2, [store.column([APP, ()]) or (), store.column([(), CAPS]) or ()]) == (
        APP,
        CAPS,
    )
    assert store.combine(3, [app, caps, license_]) is cells
    assert store.combine(2, []) == ((), ())
    assert store.combine(3, [app]) is app


def test_join_reads_releases_one_by_one() -> None:
    store = ColumnStore()
    assert store.join([(), ()]) == ()
    assert store.join([APP, ()]) is APP
    joined = store.join([APP, CAPS])
    assert joined == APP + CAPS and store.join([APP, (), CAPS]) is joined
