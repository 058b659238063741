"""Readable names for technical values shown on pages: topics and the capabilities modules
ask for.

Topics are the community's topic list (the ``topic`` enum of the admin-doku module schema, with
its German labels); a page never shows the slug (``hilfe-und-faq``) but "Hilfe & FAQ".

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


TOPIC_LABELS = {
    "veranstaltungskalender": _l("Event calendar"),
    "maengelmelder": _l("Defect reporting"),
    "nachrichten": _l("News"),
    "bürgerbeteiligung": _l("Citizen participation"),
    "bürgerservices": _l("Citizen services"),
    "abfallkalender": _l("Waste calendar"),
    "oepnv-auskunft": _l("Public transport information"),
    "parkinformationen": _l("Parking information"),
    "mobilitätsdienste": _l("Mobility services"),
    "notfallwarnungen": _l("Emergency warnings"),
    "wetterinformationen": _l("Weather information"),
    "formularservice": _l("Forms service"),
    "terminbuchung": _l("Appointment booking"),
    "kontaktverzeichnis": _l("Contact directory"),
    "recyclinginformationen": _l("Recycling information"),
    "umweltmonitoring": _l("Environmental monitoring"),
    "feedbackmodul": _l("Feedback"),
    "branchenverzeichnis": _l("Business directory"),
    "stellenangebote": _l("Job offers"),
    "tourismusinformationen": _l("Tourist information"),
    "kulturveranstaltungen": _l("Cultural events"),
    "bildungsinformationen": _l("Education information"),
    "kinder-und-jugendangebote": _l("Offers for children and young people"),
    "seniorenangebote": _l("Offers for senior citizens"),
    "sozialdienste": _l("Social services"),
    "push-benachrichtigungen": _l("Push notifications"),
    "hilfe-und-faq": _l("Help and FAQ"),
    "barrierefreiheit": _l("Accessibility"),
    "sprachwahl": _l("Language selection"),
    "marktplatz": _l("Marketplace"),
    "raumbuchung": _l("Room booking"),
}


def topic_label(topic: str | None) -> str:
    """The readable name of a topic of the community's list; an unknown topic is shown with
    its dashes as spaces and a capital letter, never as a slug."""
    if not topic:
        return ""
    label = TOPIC_LABELS.get(topic)
    if label is not None:
        return str(label)
    words = topic.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def capability_label(component: str | None, name: str) -> str:
    """The readable name of a capability, or the name itself when none is known."""
    label = CAPABILITY_LABELS.get(component or "", {}).get(name)
    return str(label) if label is not None else name


def has_label(component: str | None, name: str) -> bool:
    """Whether ``capability_label`` says more than the raw name."""
    return name in CAPABILITY_LABELS.get(component or "", {})
