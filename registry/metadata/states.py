"""Nearness of German states (Länder): how many state borders lie between two of them.

Contacts are listed nearest first: a municipality in the same state is nearest (0), then the
neighbouring states (1), then the states beyond those (2, 3, ...), counted on the graph of
land borders below (a border along the Elbe counts, as between Lower Saxony and Schleswig-
Holstein). A deployment that states no state comes after every one that does.
"""

from __future__ import annotations

from collections import deque
from functools import cache

from registry.metadata.checks import STATES

# Land borders between the 16 states, each listed once (the table is made symmetric below).
_BORDERS = {
    "BB": ("BE", "MV", "NI", "SN", "ST"),
    "BW": ("BY", "HE", "RP"),
    "BY": ("HE", "SN", "TH"),
    "HB": ("NI",),
    "HE": ("NI", "NW", "RP", "TH"),
    "HH": ("NI", "SH"),
    "MV": ("NI", "SH"),
    "NI": ("NW", "SH", "ST", "TH"),
    "RP": ("NW", "SL"),
    "SN": ("ST", "TH"),
    "ST": ("TH",),
}
UNKNOWN_DISTANCE = 99


@cache
def neighbours() -> dict[str, frozenset[str]]:
    """Each state's neighbouring states."""
    table: dict[str, set[str]] = {state: set() for state in STATES}
    for state, others in _BORDERS.items():
        for other in others:
            table[state].add(other)
            table[other].add(state)
    return {state: frozenset(others) for state, others in table.items()}


@cache
def state_distance(origin: str | None, other: str | None) -> int:
    """Borders to cross from ``origin`` to ``other`` (0: the same state); a large number when
    either is unknown, so that those come last."""
    if origin not in STATES or other not in STATES:
        return UNKNOWN_DISTANCE
    seen = {origin: 0}
    queue = deque([origin])
    while queue:
        state = queue.popleft()
        if state == other:
            return seen[state]
        for next_state in sorted(neighbours()[state]):
            if next_state not in seen:
                seen[next_state] = seen[state] + 1
                queue.append(next_state)
    return UNKNOWN_DISTANCE
