"""The precedence rule as a table: every source pair, blanks, placeholders, stubs, structure."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import permutations

import pytest

from registry.metadata.provenance import (
    ABSENT,
    KEPT,
    SAME,
    SET,
    SOURCES,
    Claim,
    Held,
    decide,
    is_placeholder,
    rank,
)

EARLY = datetime(2026, 1, 1, tzinfo=UTC)
LATE = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(("holder", "claimant"), list(permutations(SOURCES, 2)))
def test_every_source_pair_the_higher_one_wins(holder: str, claimant: str) -> None:
    decision = decide(Held("old", holder, EARLY), Claim("new", claimant, LATE))
    if SOURCES.index(claimant) < SOURCES.index(holder):
        assert (decision.action, decision.reason) == (SET, "higher-source")
    else:
        assert (decision.action, decision.reason, decision.by) == (KEPT, "lower-source", holder)


@pytest.mark.parametrize("source", SOURCES)
def test_a_source_updates_its_own_value(source: str) -> None:
    assert decide(Held("old", source, EARLY), Claim("new", source, LATE)).action == SET
    # ...but an older value of the same source (an old export) does not replace a newer one.
    assert decide(Held("new", source, LATE), Claim("old", source, EARLY)).reason == "older"


def test_the_documented_order() -> None:
    assert SOURCES == (
        "admin",
        "sva-module",
        "studio-manifest",
        "publiccode",
        "admin-doku",
        "export",
        "demo",
    )
    assert [rank(s) for s in SOURCES] == sorted((rank(s) for s in SOURCES), reverse=True)


@pytest.mark.parametrize(
    ("held", "claim", "action", "reason"),
    [
        # A source that does not carry a field never blanks it.
        (Held("GPL-3.0-or-later", "demo"), Claim(None, "sva-module"), ABSENT, "not-carried"),
        (Held("Abfall", "demo"), Claim("  ", "admin-doku"), ABSENT, "not-carried"),
        (Held(["ios"], "demo"), Claim([], "publiccode"), ABSENT, "not-carried"),
        (Held({"a": 1}, "demo"), Claim({}, "publiccode"), ABSENT, "not-carried"),
        (Held(True, "demo"), Claim(False, "publiccode"), ABSENT, "not-carried"),
        # ...only an admin's explicit empty value clears it.
        (Held("MIT", "sva-module"), Claim(None, "admin"), SET, "admin-clear"),
        # Placeholders are no values, even from a high source or for an empty field.
        (Held("Chatbot", "demo"), Claim("[TODO: Name]", "sva-module"), ABSENT, "placeholder"),
        (None, Claim("[TODO: Beschreibung]", "admin-doku"), ABSENT, "placeholder"),
        (Held("", None), Claim(["[TODO: x]"], "admin-doku"), ABSENT, "placeholder"),
        # Empty fields and new modules take any value, even from the lowest source.
        (None, Claim("beta", "demo"), SET, "new"),
        (Held(None, "sva-module"), Claim("Abfall", "demo"), SET, "blank"),
        # A STUB/DRAFT file fills only empty fields ...
        (Held("beta", "demo"), Claim("concept", "admin-doku", weak=True), KEPT, "weak-claim"),
        (None, Claim("concept", "admin-doku", weak=True), SET, "new"),
        # ... and what it filled gives way to any finished source, even a lower one.
        (Held("concept", "admin-doku", weak=True), Claim("beta", "demo"), SET, "weak-held"),
        # Values stored before provenance was recorded count as a registry export.
        (Held("old", None), Claim("new", "admin-doku"), SET, "higher-source"),
        (Held("old", None), Claim("new", "demo"), KEPT, "lower-source"),
        # The same value: provenance moves up to the stronger source, never down.
        (Held("MIT", "demo"), Claim("MIT", "sva-module"), SAME, "same-value"),
        (Held("MIT", "sva-module"), Claim("MIT", "demo"), SAME, "lower-source"),
        (Held("MIT", "demo"), Claim("MIT", "admin-doku", weak=True), SAME, "lower-source"),
    ],
)
def test_rules(held: Held | None, claim: Claim, action: str, reason: str) -> None:
    decision = decide(held, claim)
    assert (decision.action, decision.reason) == (action, reason)


@pytest.mark.parametrize("source", [s for s in SOURCES if s != "admin"])
def test_structural_fields_change_only_by_an_admin(source: str) -> None:
    held = Held("https://github.com/smart-village-solutions/smart-village-app-app", "demo")
    mirror = Claim("https://gitlab.opencode.de/bad-belzig/smart-village-app-app", source)
    decision = decide(held, mirror, structural=True)
    assert (decision.action, decision.reason) == (KEPT, "admin-only")
    # An empty one is set by anyone (a new module, a module without a repository).
    assert decide(Held(None, "demo"), mirror, structural=True).action == SET
    assert decide(held, Claim(mirror.value, "admin"), structural=True).action == SET


def test_takes_means_the_provenance_moves() -> None:
    assert decide(Held("a", "demo"), Claim("a", "admin-doku")).takes
    assert not decide(Held("a", "admin-doku"), Claim("a", "demo")).takes
    assert not decide(Held("a", "demo"), Claim(None, "admin-doku")).takes


@pytest.mark.parametrize(
    ("value", "expected"),
    [("[TODO: Kurzbeschreibung]", True), ("  [TODO", True), ("Abfall [TODO]", False), (3, False)],
)
def test_is_placeholder(value: object, expected: bool) -> None:
    assert is_placeholder(value) is expected
