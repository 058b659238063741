"""Which source may set a module field: the precedence rule, as one pure function.

Many sources describe one module. Highest first: an admin's edit, the module's own
``sva-module.yml``, a Studio plugin manifest, ``publiccode.yml``, the community's admin-doku,
a registry export, the bundled demo data. ``decide`` compares what a field holds with what a
source offers and says whether the offer is taken, and why (docs/sources.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

ADMIN = "admin"
SVA_MODULE = "sva-module"
STUDIO_MANIFEST = "studio-manifest"
PUBLICCODE = "publiccode"
ADMIN_DOKU = "admin-doku"
EXPORT = "export"
DEMO = "demo"
# Highest first. Values stored before provenance was recorded count as a registry export.
SOURCES = (ADMIN, SVA_MODULE, STUDIO_MANIFEST, PUBLICCODE, ADMIN_DOKU, EXPORT, DEMO)
UNKNOWN_SOURCE = EXPORT
SOURCE_TITLES = {
    ADMIN: "admin edit",
    SVA_MODULE: "sva-module.yml",
    STUDIO_MANIFEST: "Studio manifest",
    PUBLICCODE: "publiccode.yml",
    ADMIN_DOKU: "admin-doku",
    EXPORT: "registry export",
    DEMO: "demo data",
}
PLACEHOLDER_PREFIX = "[TODO"

# Decision actions and reasons (codes; sentences are made at the edges).
SET = "set"
KEPT = "kept"
SAME = "same"
ABSENT = "absent"


def rank(source: str | None) -> int:
    """Higher is stronger; an unknown or missing source ranks as a registry export."""
    name = source if source in SOURCES else UNKNOWN_SOURCE
    return len(SOURCES) - SOURCES.index(name)


def is_blank(value: Any) -> bool:
    """Whether a value says nothing: None, empty text, an empty list or mapping, False."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or value is False or value in ([], {})


def is_placeholder(value: Any) -> bool:
    """A ``[TODO: ...]`` text (admin-doku stubs carry them), anywhere in a list too."""
    if isinstance(value, str):
        return value.strip().startswith(PLACEHOLDER_PREFIX)
    if isinstance(value, list):
        return bool(value) and all(is_placeholder(item) for item in value)
    return False


@dataclass(frozen=True)
class Held:
    """What a field holds now and who set it (``source`` None: recorded before provenance)."""

    value: Any
    source: str | None = None
    at: datetime | None = None
    weak: bool = False


@dataclass(frozen=True)
class Claim:
    """What a source offers for a field. ``weak``: from an unfinished (STUB/DRAFT) file, so it
    fills a blank field but never replaces a value."""

    value: Any
    source: str
    at: datetime | None = None
    weak: bool = False


@dataclass(frozen=True)
class Decision:
    """``action``: set, kept, same (the value is there already) or absent (not carried).

    ``reason`` is a code: new, blank, admin-clear, weak-held, same-source, higher-source,
    same-value, not-carried, placeholder, admin-only, weak-claim, lower-source, older. ``by``
    names the source that holds the field when the offer is not taken.
    """

    action: str
    reason: str
    by: str | None = None

    @property
    def takes(self) -> bool:
        """Whether the field's provenance becomes the claim's (its value may be equal)."""
        return self.action == SET or (self.action == SAME and self.reason != "lower-source")


def decide(held: Held | None, claim: Claim, *, structural: bool = False) -> Decision:
    """Whether ``claim`` replaces what the field holds (``held`` None: a new module).

    ``structural`` fields (repository, kind, host, tag prefix) decide what is crawled: once
    set, only an admin changes them; another source's different value is kept aside (a
    repository URL becomes a mirror).
    """
    if is_blank(claim.value):
        # An admin's explicit empty value clears a field; any other source just lacks it.
        admin_clear = claim.source == ADMIN and held is not None and not is_blank(held.value)
        return Decision(SET, "admin-clear") if admin_clear else Decision(ABSENT, "not-carried")
    if is_placeholder(claim.value):
        return Decision(ABSENT, "placeholder")
    if held is None:
        return Decision(SET, "new")
    if is_blank(held.value):
        return Decision(SET, "blank")
    return _against(held, claim, structural)


def _against(held: Held, claim: Claim, structural: bool) -> Decision:
    """A claim against a field that holds a value."""
    holder = held.source if held.source in SOURCES else UNKNOWN_SOURCE
    if held.value == claim.value:
        stronger = rank(claim.source) >= rank(holder) and not (claim.weak and not held.weak)
        return Decision(SAME, "same-value" if stronger else "lower-source", holder)
    if structural and claim.source != ADMIN:
        return Decision(KEPT, "admin-only", holder)
    if held.weak and not claim.weak:
        return Decision(SET, "weak-held")
    if claim.weak:
        return Decision(KEPT, "weak-claim", holder)
    return _by_rank(held, claim, holder)


def _by_rank(held: Held, claim: Claim, holder: str) -> Decision:
    """Two finished values: the higher source wins; within one source the newer value."""
    if rank(claim.source) > rank(holder):
        return Decision(SET, "higher-source")
    if rank(claim.source) < rank(holder):
        return Decision(KEPT, "lower-source", holder)
    if held.at is not None and claim.at is not None and claim.at < held.at:
        return Decision(KEPT, "older", holder)
    return Decision(SET, "same-source")


def source_of_kind(kind: str) -> str:
    """The precedence source of an importer's file kind (``admin-doku``, ``publiccode``, ...)."""
    if kind in SOURCES:
        return kind
    raise ValueError(f"no precedence source for file kind {kind!r}")
