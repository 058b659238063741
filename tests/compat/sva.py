"""Real SVA facts as engine inputs (copied from the shared SVA data, see SVA-FACTS.md §4-5)."""

from __future__ import annotations

from registry.compat import (
    ComponentRequirement,
    ComponentState,
    ModuleRequirement,
    Release,
    parse_range,
)

# Root query fields of the public mainserver repository (query_type.rb, up to 2024-11-06).
PUBLIC_MAINSERVER = frozenset(
    {
        "categories",
        "categoryTree",
        "eventRecord",
        "eventRecords",
        "eventRecordsAddresses",
        "genericItem",
        "genericItems",
        "lunches",
        "newsItem",
        "newsItems",
        "pointsOfInterest",
        "publicJsonFile",
        "surveys",
        "tours",
        "wasteAddresses",
        "weatherMap",
    }
)
# The 2026-08 introspection of a deployed mainserver adds these (among others).
INTROSPECTION_2026 = PUBLIC_MAINSERVER | {
    "wasteTourDates",
    "vouchers",
    "voucher",
    "redeemQuotaOfVoucher",
    "search",
    "getConversations",
}
VOUCHER_CAPABILITIES = frozenset({"vouchers", "redeemQuotaOfVoucher"})
PRODUCTION_SHA = "04d9eb41"  # production mainserver commit named in the v5 guide
APP_TAGS = ("v.3.2.6", "v3.1.3", "v4.0.0", "v4.1.0", "v4.2.0", "v4.2.1", "v4.3.0", "v5.0.0-rc.1")


def app(version: str) -> ComponentState:
    return ComponentState("app", version)


def mainserver(capabilities: frozenset[str], commit: str = PRODUCTION_SHA) -> ComponentState:
    return ComponentState("mainserver", None, commit, capabilities)


def voucher(version: str = "4.0.0") -> Release:
    """The in-app voucher module: the app at exactly that version plus mainserver fields."""
    return Release(
        "gutscheine",
        version,
        license="GPL-3.0-or-later",
        requires=(
            ComponentRequirement("app", parse_range(version)),
            ComponentRequirement("mainserver", None, VOUCHER_CAPABILITIES),
        ),
    )


def chatbot(version: str = "4.3.0", depends_on: tuple[ModuleRequirement, ...] = ()) -> Release:
    """The chatbot screen first exists at app v4.3.0."""
    return Release(
        "chatbot",
        version,
        license="GPL-3.0-or-later",
        requires=(ComponentRequirement("app", parse_range(">=4.3.0")),),
        depends_on=depends_on,
    )


def accessibility(version: str = "3.1.3") -> Release:
    """Barrierefreiheit: AccessibilityProvider.tsx from app v3.1.3."""
    return Release(
        "barrierefreiheit",
        version,
        license="GPL-3.0-or-later",
        requires=(ComponentRequirement("app", parse_range(">=3.1.3")),),
    )
