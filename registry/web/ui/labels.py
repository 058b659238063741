"""Readable names for technical values shown on pages: the capabilities modules ask for.

Capabilities are GraphQL root fields of the mainserver and Studio capability names; a project
lead reads "Gutscheine", with the field name (``vouchers``) as the secondary line. Values
without a label are shown as they are.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CAPABILITY_LABELS = {
    "mainserver": {
        "createGenericItem": _l("Create general entries"),
        "createMessage": _l("Send messages"),
        "deleteConversation": _l("Delete conversations"),
        "eventRecords": _l("Events"),
        "genericItems": _l("General entries"),
        "getConversations": _l("Read conversations"),
        "getMessages": _l("Read messages"),
        "lunches": _l("Lunch menus"),
        "markMessagesAsRead": _l("Mark messages as read"),
        "newsItems": _l("News"),
        "pointsOfInterest": _l("Points of interest"),
        "publicJsonFile": _l("Public data files"),
        "redeemQuotaOfVoucher": _l("Redeem vouchers"),
        "search": _l("Search"),
        "surveys": _l("Surveys"),
        "tours": _l("Tours"),
        "voteForSurvey": _l("Vote in surveys"),
        "vouchers": _l("Vouchers"),
        "wasteAddresses": _l("Waste collection addresses"),
        "wasteTourDates": _l("Waste collection dates"),
        "weatherMap": _l("Weather"),
    },
    "studio": {
        "exports": _l("Exports"),
        "iam": _l("User and access management"),
        "imports": _l("Imports"),
        "jobs": _l("Background jobs"),
        "navigation": _l("Navigation"),
        "routing": _l("Page routing"),
    },
}


def capability_label(component: str | None, name: str) -> str:
    """The readable name of a capability, or the name itself when none is known."""
    label = CAPABILITY_LABELS.get(component or "", {}).get(name)
    return str(label) if label is not None else name


def has_label(component: str | None, name: str) -> bool:
    """Whether ``capability_label`` says more than the raw name."""
    return name in CAPABILITY_LABELS.get(component or "", {})
