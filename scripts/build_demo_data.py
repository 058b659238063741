"""Build the bundled demo data ``registry/demo/sva-demo.json`` from the real SVA facts.

Usage::

    python scripts/build_demo_data.py --data /path/to/shared/data [--output FILE]

The data folder is the snapshot of the Smart Village App repositories (``sva-repos.json``,
``app-src-files-by-tag.json``, ``mainserver/introspection-2026-08.json``, ``studio-plugins/``,
``admin-doku/``).  The output is a registry export document (docs/export-format.md) with
``"demo": true``.  The script is deterministic: the same input gives byte-identical output
(sorted keys, fixed ``exportedAt``, no clock, no randomness).

What is real and what is invented:

- real: app tags, SHAs and dates; which app tag contains which module path; licenses per tag;
  mainserver capabilities (introspection 2026-08) and the public-repo subset (SVA-FACTS §4.2);
  humhub-ext, sva-apollo-server and sva-studio tags; Studio plugin manifests; admin-doku texts;
  municipality names.
- rules we chose (documented here): app support status, HumHub known versions (no repository in
  the snapshot, so no SHAs or dates), per-module capability requirements (read off the GraphQL
  operations each module uses, SVA-FACTS §4.2 and §5.1).
- invented: every deployment (app version, mainserver commit, installed modules, policy); they
  are named "<Kommune> (Demo)".
- the app versions' own requirements (the GraphQL root operations of each tag) and its
  CHANGELOG entries are read by the crawler, run against the GitHub stand-in of the test suite
  (which serves the real tags with reconstructed query documents and CHANGELOG, see
  tests/fixtures/github/README.md), exactly as a real crawl would; the curated content rule
  comes from ``registry/demo/sva-platform.yml``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from packaging.version import Version

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawlers.appsource import SourceRules
from crawlers.base import CrawlerSettings
from crawlers.github import GitHubCrawler
from registry.compat.versions import TagVersion, parse_tag
from registry.metadata import capabilities_from_introspection
from registry.metadata.profile import SOURCE_KEYS as PROFILE_KEYS
from registry.metadata.profile import profile_from_admin_doku
from registry.services.platform import crawled_platform
from tests.github_standin.app_sources import OTHER_ENDPOINTS
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import build_sva_repos

logger = logging.getLogger(__name__)

EXPORTED_AT = "2026-08-22T00:00:00Z"
SNAPSHOT = datetime(2026, 8, 22, tzinfo=UTC)
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "registry" / "demo" / "sva-demo.json"

APP_REPO = "smart-village-solutions/smart-village-app-app"
MAINSERVER_REPO = "smart-village-solutions/smart-village-app-mainserver"
CMS_REPO = "smart-village-solutions/smart-village-app-cms"
STUDIO_REPO = "smart-village-solutions/sva-studio"
HUMHUB_EXT_REPO = "smart-village-solutions/smart-village-app-humhub-ext"
APOLLO_REPO = "smart-village-solutions/sva-apollo-server"
BUS_REPO = "smart-village-solutions/sva-bus-server"

APP_LICENSE = "GPL-3.0-or-later"  # publiccode.yml legal.license of the app
STUDIO_LICENSE = "EUPL-1.2"
INTROSPECTION_SOURCE = "introspection-2026-08"
MAINSERVER_COMMITS = {"5b4ba192": "2026-05-04", "04d9eb41": "2026-08-10"}
# What the crawler reads of the app's source: its query documents (without those sent to other
# endpoints, SVA-FACTS §4.2) are mainserver root fields; its CHANGELOG.
APP_SOURCES = {
    "queries": "src/queries",
    "exclude": list(OTHER_ENDPOINTS),
    "changelog": "CHANGELOG.md",
    "capabilitiesOf": "mainserver",
}
CURATED_PLATFORM = Path(__file__).resolve().parents[1] / "registry" / "demo" / "sva-platform.yml"

# Root fields of the 2026 introspection that the public mainserver repository lacks
# (SVA-FACTS §4.2); the rest is the capability set of a server built from the public repo.
NOT_IN_PUBLIC_MAINSERVER = frozenset(
    {
        "directus", "getConversations", "getMessages", "reports", "resourceFilters", "search",
        "shouts", "voucher", "vouchers", "widget", "widgets",
        "createCategories", "createMessage", "createNewsItems", "createOrUpdateSurvey",
        "createPointsOfInterest", "createShout", "createTours", "createWastePickUpTimes",
        "deleteConversation", "destroyWastePickUpTime", "markMessagesAsRead",
        "redeemQuotaOfAnnouncement", "redeemQuotaOfVoucher", "submitSurvey", "toggleLike",
        "updateNotificationSettings", "updateShout",
    }
)  # fmt: skip

# HumHub is an external system without a repository in the snapshot: these are published HumHub
# release lines (the minimum 1.8.3 comes from humhub-ext's module.json), without SHAs or dates.
HUMHUB_VERSIONS = (
    "1.8.3", "1.9.0", "1.10.0", "1.11.0", "1.12.0", "1.13.0", "1.14.0", "1.15.0", "1.16.0",
    "1.17.0",
)  # fmt: skip
HUMHUB_SUPPORTED_FROM = Version("1.16.0")

STUDIO_CAPABILITY_SOURCE = "plugin.manifest.json"
MAINTAINER = {
    "name": "Smart Village Solutions SVS GmbH",
    "email": "operations@smart-village.app",
    "url": "https://smart-village.solutions",
}
STUDIO_PLUGIN_TAG_PREFIXES = {"waste-management": "waste-web-v"}
# Studio plugin ids mapped to the admin-doku topic list where one fits.
STUDIO_PLUGIN_TOPICS = {
    "news": "nachrichten",
    "events": "veranstaltungskalender",
    "surveys": "bürgerbeteiligung",
    "waste-management": "abfallkalender",
    "faq": "hilfe-und-faq",
    "poi": "tourismusinformationen",
}
STUDIO_PLUGIN_NAMES = {
    "categories": ("Kategorien", "Categories"),
    "cockpit-cards": ("Cockpit-Kacheln", "Cockpit cards"),
    "events": ("Veranstaltungen", "Events"),
    "faq": ("FAQ", "FAQ"),
    "generic-items": ("Generische Inhalte", "Generic items"),
    "news": ("Nachrichten", "News"),
    "poi": ("Orte (POI)", "Points of interest"),
    "projects": ("Projekte", "Projects"),
    "surveys": ("Umfragen", "Surveys"),
    "waste-management": ("Abfallwirtschaft", "Waste management"),
}
# admin-doku fields that have no column in the registry and are kept under ``extra``; the
# description sections (usage scenario, actors, cost, ...) become the module's ``profile``.
ADMIN_DOKU_EXTRA_FIELDS = (
    "dependencies", "technical_documentation", "deployed_in_municipalities", "last_update",
    "opencode_repository", "optional", "development_status", "short_description",
)  # fmt: skip
assert not PROFILE_KEYS & set(ADMIN_DOKU_EXTRA_FIELDS)


class DataError(Exception):
    """The data folder does not hold what the generator needs (``path`` names the file)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


@dataclass(frozen=True)
class InApp:
    """An in-app module of the app repository: where it lives and what it needs."""

    slug: str
    path: str
    name: tuple[str, str]
    summary: tuple[str, str]
    backend: tuple[str, str]
    topic: str | None
    status: str
    admin_doku: str | None = None
    capabilities: tuple[str, ...] = ()
    components: dict[str, str] = field(default_factory=dict)
    depends_on: dict[str, str] = field(default_factory=dict)


# The module inventory of SVA-FACTS §5.1.  Slugs and topics follow admin-doku where a file exists.
# Capabilities are mainserver root fields the module's queries use.
IN_APP_MODULES: tuple[InApp, ...] = (
    InApp("nachrichten", "src/queries/newsItems.js",
          ("Nachrichten", "News"),
          ("Aktuelle Meldungen der Kommune", "Current news of the municipality"),
          ("Mainserver newsItems, Rolle role_news_item",
           "mainserver newsItems, role role_news_item"),
          "nachrichten", "stable", "yml/nachrichten.yml", ("newsItems",)),
    InApp("veranstaltungen", "src/queries/eventRecords.js",
          ("Veranstaltungen", "Events"),
          ("Veranstaltungskalender der Kommune und ihrer Vereine",
           "Event calendar of the municipality and its associations"),
          ("Mainserver eventRecords, Rolle role_event_record",
           "mainserver eventRecords, role role_event_record"),
          "veranstaltungskalender", "stable", "yml/veranstaltungen.yml", ("eventRecords",)),
    InApp("karten", "src/components/map",
          ("Karten", "Maps"),
          ("Orte, Touren und Karten (ab v4.2.0 mit MapLibre)",
           "Points of interest, tours and maps (MapLibre from v4.2.0)"),
          ("Mainserver pointsOfInterest und tours", "mainserver pointsOfInterest and tours"),
          "tourismusinformationen", "stable", "yml/karten.yml", ("pointsOfInterest", "tours")),
    InApp("wetter", "src/screens/WeatherScreen.js",
          ("Wetter", "Weather"),
          ("Wetterbericht und Unwetterwarnungen", "Weather forecast and weather alerts"),
          ("Mainserver weatherMap", "mainserver weatherMap"),
          "wetterinformationen", "stable", "yml/modules/STUB-wetter.yml", ("weatherMap",)),
    InApp("baustellen-verkehrsstoerungen", "src/screens/ConstructionSiteOverviewScreen.js",
          ("Baustellen", "Construction sites"),
          ("Baustellen und Verkehrsstörungen im Ort", "Construction sites and traffic disruptions"),
          ("GenericItem ConstructionSite, Rolle role_construction_site",
           "GenericItem ConstructionSite, role role_construction_site"),
          "notfallwarnungen", "stable", "yml/modules/STUB-baustellen-verkehrsstoerungen.yml",
          ("genericItems",)),
    InApp("gastro-angebote", "src/screens/LunchScreen.js",
          ("Mittagstisch", "Lunch offers"),
          ("Tagesangebote der örtlichen Gastronomie", "Daily offers of local restaurants"),
          ("Mainserver lunches, Rolle role_lunch", "mainserver lunches, role role_lunch"),
          "tourismusinformationen", "stable", "yml/modules/STUB-gastro-angebote.yml", ("lunches",)),
    InApp("abfallkalender", "src/screens/WasteCollectionScreen.js",
          ("Abfallkalender", "Waste calendar"),
          ("Abfuhrtermine je Adresse mit Erinnerungen",
           "Waste collection dates per address with reminders"),
          ("Mainserver wasteAddresses/wasteTourDates, Rolle role_waste_calendar; "
           "Studio-Plugin waste-management",
           "mainserver wasteAddresses/wasteTourDates, role role_waste_calendar; "
           "Studio plugin waste-management"),
          "abfallkalender", "stable", "yml/abfallkalender.yml",
          ("wasteAddresses", "wasteTourDates")),
    InApp("rathaus-informationssystem", "src/screens/OParl",
          ("Ratsinformationen (OParl)", "Council information (OParl)"),
          ("Sitzungen, Gremien und Vorlagen aus dem Ratsinformationssystem",
           "Meetings, committees and papers from the council information system"),
          ("sva-apollo-server (OParl 1.0/1.1)", "sva-apollo-server (OParl 1.0/1.1)"),
          "kontaktverzeichnis", "stable", "yml/modules/STUB-rathaus-informationssystem.yml",
          depends_on={"sva-apollo-server": ">=1.0.0"}),
    InApp("umfragen", "src/screens/SurveyOverviewScreen.tsx",
          ("Umfragen", "Surveys"),
          ("Umfragen und Abstimmungen der Kommune", "Surveys and polls of the municipality"),
          ("Mainserver surveys/voteForSurvey, Rolle role_survey; Studio-Plugin surveys",
           "mainserver surveys/voteForSurvey, role role_survey; Studio plugin surveys"),
          "bürgerbeteiligung", "stable", "yml/modules/STUB-umfragen.yml",
          ("surveys", "voteForSurvey")),
    InApp("encounter", "src/screens/EncounterHomeScreen.tsx",
          ("Begegnungen", "Encounter"),
          ("Digitaler Handschlag per QR-Code", "Digital handshake by QR code"),
          ("eigene Encounter-API (encounterApi)", "separate encounter API (encounterApi)"),
          None, "stable"),
    InApp("feedback-formular", "src/screens/FeedbackScreen.js",
          ("Feedback", "Feedback"),
          ("Rückmeldungen an die Verwaltung per Formular", "Feedback form to the administration"),
          ("E-Mail-Versand über den Mainserver", "mail sent by the mainserver"),
          "feedbackmodul", "stable", "yml/modules/STUB-feedback-formular.yml"),
    InApp("gruppen-soziales-netzwerk", "src/screens/volunteer",
          ("Ehrenamt", "Volunteering"),
          ("Gruppen, Termine und Nachrichten für Ehrenamtliche",
           "Groups, dates and messages for volunteers"),
          ("HumHub ab 1.8.3 mit smart-village-app-humhub-ext",
           "HumHub 1.8.3 or newer with smart-village-app-humhub-ext"),
          "sozialdienste", "stable", "yml/modules/STUB-gruppen-soziales-netzwerk.yml",
          components={"humhub": ">=1.8.3"}, depends_on={"humhub-ext": ">=0.1"}),
    InApp("buergerbeteiligung-consul", "src/screens/consul",
          ("Bürgerbeteiligung (Consul)", "Citizen participation (Consul)"),
          ("Debatten, Vorschläge und Abstimmungen über Consul",
           "Debates, proposals and votes through Consul"),
          ("externe Consul-GraphQL-API", "external Consul GraphQL API"),
          "bürgerbeteiligung", "stable", "yml/modules/STUB-buergerbeteiligung-consul.yml"),
    InApp("augmented-reality", "src/screens/augmentedReality",
          ("Augmented Reality", "Augmented reality"),
          ("3D-Objekte und Geschichte vor Ort erleben",
           "Experience 3D objects and history on site"),
          ("@viro-community/react-viro, Konfiguration in globalSettings",
           "@viro-community/react-viro, configured in globalSettings"),
          "tourismusinformationen", "beta", "yml/modules/STUB-augmented-reality.yml",
          ("publicJsonFile",)),
    InApp("schwarzes-brett", "src/screens/Noticeboard",
          ("Schwarzes Brett", "Noticeboard"),
          ("Aushänge und Mitfahrgelegenheiten von Bürger:innen",
           "Notices and carpool offers by citizens"),
          ("GenericItem Noticeboard, Rolle role_noticeboard",
           "GenericItem Noticeboard, role role_noticeboard"),
          "nachrichten", "stable", "yml/modules/STUB-schwarzes-brett.yml",
          ("genericItems", "createGenericItem")),
    InApp("maengelmelder-einfach", "src/screens/DefectReport",
          ("Mängelmelder (einfach)", "Defect report (simple)"),
          ("Mängel im öffentlichen Raum per Formular an die Verwaltung melden",
           "Report defects in public space to the administration by form"),
          ("GenericItem DefectReport, Rolle role_defect_report",
           "GenericItem DefectReport, role role_defect_report"),
          "maengelmelder", "stable", "yml/modules/STUB-maengelmelder-einfach.yml",
          ("genericItems", "createGenericItem")),
    InApp("barrierefreiheit", "src/AccessibilityProvider.tsx",
          ("Barrierefreiheit", "Accessibility"),
          ("Barrierefreiheits-Einstellungen der App (ab v5 einzeln schaltbar)",
           "Accessibility settings of the app (single features switchable from v5)"),
          ("globalSettings", "globalSettings"),
          "barrierefreiheit", "stable", None, ("publicJsonFile",)),
    InApp("persoenliches-profil-bund-id", "src/screens/profile",
          ("Persönliches Profil", "Personal profile"),
          ("Anmeldung, Profil und Nachrichten der Nutzer:innen (Keycloak ab v4.2.0)",
           "Login, profile and messages of users (Keycloak from v4.2.0)"),
          ("Mainserver-Konversationen, Keycloak", "mainserver conversations, Keycloak"),
          "bürgerservices", "stable", "yml/modules/STUB-persoenliches-profil-bund-id.yml",
          ("getConversations", "getMessages", "createMessage", "markMessagesAsRead",
           "deleteConversation")),
    InApp("maengelmelder", "src/screens/SUE",
          ("Mängelmelder", "Defect reporter"),
          ("Bürger:innen melden Mängel im öffentlichen Raum (SUE, Sag's uns einfach)",
           "Citizens report defects in public space (SUE, Sag's uns einfach)"),
          ("externe Open311-artige API (settings.sue.apiConfig); eigene Version extra.sueVersion",
           "external Open311-style API (settings.sue.apiConfig); own label extra.sueVersion"),
          "maengelmelder", "beta", "yml/maengelmelder.yml"),
    InApp("gutscheine", "src/screens/Voucher",
          ("Gutscheine", "Vouchers"),
          ("Gutscheine lokaler Anbieter einlösen", "Redeem vouchers of local businesses"),
          ("Mainserver vouchers und redeemQuotaOfVoucher (nicht im öffentlichen Mainserver)",
           "mainserver vouchers and redeemQuotaOfVoucher (not in the public mainserver)"),
          "marktplatz", "stable", "yml/modules/STUB-gutscheine.yml",
          ("vouchers", "redeemQuotaOfVoucher")),
    InApp("hinweisgebersystem", "src/screens/whistleblow",
          ("Hinweisgebersystem", "Whistleblower system"),
          ("Vertrauliche Hinweise an die Verwaltung", "Confidential reports to the administration"),
          ("globalSettings.whistleblow", "globalSettings.whistleblow"),
          "maengelmelder", "stable", "yml/modules/STUB-hinweisgebersystem.yml",
          ("publicJsonFile",)),
    InApp("suche", "src/screens/SearchScreen.tsx",
          ("Suche", "Search"),
          ("Volltextsuche über alle App-Inhalte", "Full-text search across all app content"),
          ("Mainserver search (nicht im öffentlichen Mainserver); extra.searchVersion 0.0.1-beta",
           "mainserver search (not in the public mainserver); extra.searchVersion 0.0.1-beta"),
          "hilfe-und-faq", "beta", "yml/suche.yml", ("search",)),
    InApp("ortsauswahl", "src/screens/CitySelectionScreen.tsx",
          ("Ortsauswahl", "City selection"),
          ("Auswahl des Ortes in Apps für mehrere Kommunen",
           "Choose the town in apps that serve several municipalities"),
          ("globalSettings", "globalSettings"),
          None, "stable", None, ("publicJsonFile",)),
    InApp("chatbot", "src/screens/ChatbotScreen.tsx",
          ("Chatbot", "Chatbot"),
          ("Beantwortet Fragen der Bürger:innen im Chat", "Answers citizens' questions in a chat"),
          ("Viind SDP über socket.io (docs/CHATBOT.md)",
           "Viind SDP over socket.io (docs/CHATBOT.md)"),
          "hilfe-und-faq", "beta", "yml/modules/STUB-chatbot.yml"),
    InApp("wallet", "src/screens/Wallet",
          ("Wallet (Stadtkarten)", "Wallet (city cards)"),
          ("Stadt- und Kundenkarten in der App", "City and loyalty cards in the app"),
          ("externe Karten-API, statischer Inhalt walletCardTypes",
           "external card API, static content walletCardTypes"),
          "marktplatz", "beta", None, ("publicJsonFile",)),
    InApp("entdeckertouren", "src/components/screens/TourStopDetail.tsx",
          ("Entdeckertouren", "Discovery tours"),
          ("Touren mit Stationen zum Entdecken des Ortes", "Tours with stops to explore the town"),
          ("Mainserver tours", "mainserver tours"),
          "tourismusinformationen", "beta", None, ("tours",)),
    InApp("zustaendigkeitsfinder", "src/screens/BUS",
          ("Bürger- und Unternehmensservice (BUS)", "Citizen and business service (BUS)"),
          ("Zuständigkeiten und Leistungen der Verwaltung finden",
           "Find responsible offices and public services"),
          ("sva-bus-server (REST-Proxy), ab App v5", "sva-bus-server (REST proxy), from app v5"),
          "bürgerservices", "development", "yml/modules/STUB-zustaendigkeitsfinder.yml"),
    InApp("beteiligungsprojekte", "src/screens/ParticipationProject",
          ("Beteiligungsprojekte", "Participation projects"),
          ("Projekte der Bürgerbeteiligung vorstellen", "Present citizen participation projects"),
          ("GenericItem ParticipationProject", "GenericItem ParticipationProject"),
          "bürgerbeteiligung", "development"),
)  # fmt: skip


@dataclass(frozen=True)
class Deployment:
    """An invented demo deployment of a real SVA municipality."""

    name: str
    ags: str
    state: str
    app: str
    mainserver_commit: str
    full_capabilities: bool
    modules: tuple[str, ...]
    extra_modules: dict[str, str] = field(default_factory=dict)
    components: dict[str, Any] = field(default_factory=dict)
    visibility: str = "public"
    channel: str = "stable"
    licenses: tuple[str, ...] = ()


STUDIO = {"version": "0.0.1", "capabilities": ["iam", "navigation", "routing"]}
STUDIO_FULL = {
    "version": "0.0.1",
    "capabilities": ["exports", "iam", "imports", "jobs", "navigation", "routing"],
}
CORE = ("nachrichten", "veranstaltungen")

# AGS: official municipality keys (Landkreis Prignitz: its district key padded with zeros).
# Everything else about these deployments is invented demo data.
DEPLOYMENTS: tuple[Deployment, ...] = (
    Deployment("Bad Belzig (Demo)", "12069020", "BB", "4.3.0", "04d9eb41", True,
               (*CORE, "abfallkalender", "maengelmelder", "gutscheine", "suche", "chatbot",
                "barrierefreiheit", "karten"),
               {"studio-news": "0.0.1", "studio-waste-management": "0.1.11"},
               {"studio": STUDIO_FULL}),
    Deployment("Guben (Demo)", "12071160", "BB", "4.2.0", "5b4ba192", True,
               (*CORE, "abfallkalender", "maengelmelder-einfach", "umfragen", "barrierefreiheit"),
               {"studio-events": "0.0.1"}, {"studio": STUDIO},
               licenses=("GPL-3.0-or-later", "EUPL-1.2", "MIT")),
    Deployment("Landkreis Prignitz (Demo)", "12070000", "BB", "4.1.4", "5b4ba192", True,
               (*CORE, "karten", "baustellen-verkehrsstoerungen", "wetter", "ortsauswahl"),
               {"studio-poi": "0.0.1"}, {"studio": STUDIO}),
    Deployment("Kiel (Demo)", "01002000", "SH", "4.1.3", "5b4ba192", False,
               (*CORE, "abfallkalender", "karten", "hinweisgebersystem")),
    Deployment("Detmold (Demo)", "05766020", "NW", "4.0.3", "5b4ba192", False,
               (*CORE, "maengelmelder", "karten", "wetter")),
    Deployment("Augsburg (Demo)", "09761000", "BY", "4.3.0", "04d9eb41", True,
               (*CORE, "chatbot", "wallet", "suche", "persoenliches-profil-bund-id"),
               channel="prerelease"),
    Deployment("Magdeburg (Demo)", "15003000", "ST", "3.3.5", "5b4ba192", False,
               (*CORE, "abfallkalender", "schwarzes-brett", "maengelmelder-einfach"),
               licenses=("GPL-3.0-or-later", "EUPL-1.2")),
    Deployment("Eberswalde (Demo)", "12060052", "BB", "4.1.0", "5b4ba192", True,
               (*CORE, "gruppen-soziales-netzwerk", "umfragen"),
               {"humhub-ext": "0.5"}, {"humhub": "1.15.0"},
               licenses=("GPL-3.0-or-later", "EUPL-1.2", "MIT")),
    Deployment("Bernau bei Berlin (Demo)", "12060020", "BB", "3.2.7", "5b4ba192", False,
               (*CORE, "abfallkalender", "rathaus-informationssystem"),
               {"sva-apollo-server": "1.0.0"}, visibility="private"),
    Deployment("MeinQuartier Bremen (Demo)", "04011000", "HB", "4.2.0", "04d9eb41", True,
               (*CORE, "gruppen-soziales-netzwerk", "schwarzes-brett"),
               {"humhub-ext": "0.5"}, {"humhub": "1.17.0", "studio": STUDIO}),
    Deployment("Frankfurt (Oder) (Demo)", "12053000", "BB", "2.6.1", "5b4ba192", False,
               (*CORE, "abfallkalender", "wetter", "buergerbeteiligung-consul")),
)  # fmt: skip


def load_json(data_dir: Path, relative: str) -> Any:
    """Read one JSON file of the data folder."""
    path = data_dir / relative
    if not path.is_file():
        raise DataError(relative, "missing from the data folder")
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def load_yaml(data_dir: Path, relative: str) -> dict[str, Any]:
    """Read one YAML mapping of the data folder."""
    path = data_dir / relative
    if not path.is_file():
        raise DataError(relative, "missing from the data folder")
    with path.open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    if not isinstance(loaded, dict):
        raise DataError(relative, "is not a YAML mapping")
    return loaded


def repos_by_name(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The repositories of ``sva-repos.json`` keyed by owner/name."""
    return {repo["repo"]: repo for repo in load_json(data_dir, "sva-repos.json")}


def utc(text: str | None) -> str | None:
    """An ISO timestamp with offset, converted to UTC (``+00:00``)."""
    if text is None:
        return None
    return datetime.fromisoformat(text).astimezone(UTC).isoformat()


@dataclass(frozen=True)
class TaggedVersion:
    """One normalized version of a repository and every tag that names it."""

    version: str
    tags: tuple[dict[str, Any], ...]

    @property
    def primary(self) -> dict[str, Any]:
        """The tag whose text is canonical (``v3.2.6`` over ``v.3.2.6``), else the oldest."""
        canonical = [t for t in self.tags if t["name"].endswith(f"v{self.version}")]
        return (canonical or list(self.tags))[0]

    @property
    def date(self) -> str | None:
        """Release date: the oldest tag (a re-tag years later does not move the release)."""
        return min(utc(t["date"]) or "" for t in self.tags) or None

    @property
    def prerelease(self) -> bool:
        return Version(self.version).is_prerelease


def tagged_versions(tags: Iterable[dict[str, Any]], prefix: str = "") -> list[TaggedVersion]:
    """Group tags by normalized version (PEP 440), sorted by version; non-versions are logged."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for tag in tags:
        parsed = parse_tag(tag["name"], prefix)
        if not isinstance(parsed, TagVersion):
            logger.info("skipping tag %s: %s", tag["name"], parsed.reason)
            continue
        grouped.setdefault(parsed.version, []).append(tag)
    ordered = sorted(grouped, key=Version)
    return [
        TaggedVersion(v, tuple(sorted(grouped[v], key=lambda t: (t["date"], t["name"]))))
        for v in ordered
    ]


def app_support(version: str, newest: Version) -> str:
    """Support rule for the app: the newest three minor lines of the newest major are supported
    (today 4.1, 4.2 and 4.3), everything older is end of life."""
    parsed = Version(version)
    if parsed.major == newest.major and parsed.minor >= newest.minor - 2:
        return "supported"
    return "eol"


def build_app_component(app_repo: dict[str, Any]) -> dict[str, Any]:
    """The app component with one version per normalized tag version."""
    versions = tagged_versions(app_repo["tags"])
    newest = Version(versions[-1].version)
    return {
        "name": "app",
        "title": {"de": "Smart Village App", "en": "Smart Village App"},
        "repository": APP_REPO,
        "tagPrefix": "",
        "versioning": "semver",
        "sources": APP_SOURCES,
        "description": {
            "de": "Die Bürger-App (React Native). Fast alle Module sind Bildschirme in diesem "
            "Repository und erscheinen mit dessen Tags. Unterstützt: die drei neuesten "
            "Minor-Linien der neuesten Major-Version, ältere sind end of life.",
            "en": "The citizen app (React Native). Almost every module is a set of screens in "
            "this repository and ships with its tags. Supported: the newest three minor lines "
            "of the newest major version; older ones are end of life.",
        },
        "versions": [
            {
                "version": tv.version,
                "tag": tv.primary["name"],
                "sha": tv.primary["sha"],
                "date": tv.date,
                "prerelease": tv.prerelease,
                "support": app_support(tv.version, newest),
            }
            for tv in versions
        ],
        "capabilities": [],
    }


def introspection_fields(introspection: dict[str, Any]) -> list[str]:
    """Root query and mutation field names of a GraphQL introspection result, sorted."""
    return sorted(capabilities_from_introspection(introspection, "introspection"))


def build_mainserver_component(capabilities: Sequence[str]) -> dict[str, Any]:
    """The mainserver: no tags, known by commit and by its introspected capabilities."""
    commits = ", ".join(f"{sha} ({day})" for sha, day in MAINSERVER_COMMITS.items())
    return {
        "name": "mainserver",
        "title": {"de": "Mainserver", "en": "Main server"},
        "repository": MAINSERVER_REPO,
        "tagPrefix": "",
        "versioning": "commit",
        "description": {
            "de": "GraphQL-Server (Ruby on Rails) ohne Versions-Tags: Installationen werden über "
            f"den Commit und ihre Fähigkeiten beschrieben. Bekannte Produktions-Commits: {commits}."
            " Fähigkeiten: Wurzelfelder der Introspektion vom August 2026.",
            "en": "GraphQL server (Ruby on Rails) without version tags: installations are "
            f"described by commit and capabilities. Known production commits: {commits}. "
            "Capabilities: root fields of the August 2026 introspection.",
        },
        "versions": [],
        "capabilities": [{"name": n, "source": INTROSPECTION_SOURCE} for n in capabilities],
    }


def build_cms_component() -> dict[str, Any]:
    """The legacy CMS (no tags, no versions)."""
    return {
        "name": "cms",
        "title": {"de": "SVA-CMS (alt)", "en": "SVA CMS (legacy)"},
        "repository": CMS_REPO,
        "tagPrefix": "",
        "versioning": "commit",
        "description": {
            "de": "Bisheriges Redaktionssystem (Rails), schreibt per GraphQL in den Mainserver; "
            "wird durch SVA Studio abgelöst. Keine Tags.",
            "en": "Legacy editorial system (Rails) writing to the mainserver over GraphQL; being "
            "replaced by SVA Studio. No tags.",
        },
        "versions": [],
        "capabilities": [],
    }


def build_studio_component(
    studio_repo: dict[str, Any], plugins: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """SVA Studio: untagged (its tags belong to the waste web app); root package.json 0.0.1."""
    capabilities = sorted(
        {c for p in plugins for c in p["hostCompatibility"].get("requiredCapabilities", [])}
    )
    return {
        "name": "studio",
        "title": {"de": "SVA Studio", "en": "SVA Studio"},
        "repository": STUDIO_REPO,
        # Studio itself has no release tags yet; this prefix matches none of the waste-web tags.
        "tagPrefix": "studio-v",
        "versioning": "semver",
        "description": {
            "de": "Das neue CMS mit Plugin-Plattform. Lizenz EUPL-1.2 (LICENSE-Datei seit "
            "2026-07). Noch ohne eigene Tags: bekannte Version ist package.json 0.0.1.",
            "en": "The new CMS with a plugin platform. License EUPL-1.2 (LICENSE file since "
            "2026-07). No tags of its own yet: the known version is package.json 0.0.1.",
        },
        "versions": [
            {
                "version": "0.0.1",
                "tag": None,
                "sha": studio_repo["head_sha"],
                "date": utc(studio_repo["head_commit_date"]),
                "prerelease": False,
                "support": "supported",
            }
        ],
        "capabilities": [{"name": c, "source": STUDIO_CAPABILITY_SOURCE} for c in capabilities],
    }


def build_humhub_component() -> dict[str, Any]:
    """HumHub: an external system; known versions only, no repository tracked."""
    return {
        "name": "humhub",
        "title": {"de": "HumHub", "en": "HumHub"},
        "repository": None,
        "tagPrefix": "",
        "versioning": "semver",
        "description": {
            "de": "Externes soziales Netzwerk, Grundlage des Ehrenamt-Moduls (humhub-ext braucht "
            "mindestens 1.8.3). Extern: die Versionen sind bekannte HumHub-Versionen, ohne "
            "Commit und Datum.",
            "en": "External social network behind the volunteering module (humhub-ext needs "
            "1.8.3 or newer). External: the versions are known HumHub releases, without commit "
            "or date.",
        },
        "versions": [
            {
                "version": v,
                "tag": f"v{v}",
                "sha": None,
                "date": None,
                "prerelease": False,
                "support": "supported" if Version(v) >= HUMHUB_SUPPORTED_FROM else "eol",
            }
            for v in HUMHUB_VERSIONS
        ],
        "capabilities": [],
    }


def path_presence(src_files: dict[str, Any], path: str) -> dict[str, bool]:
    """For each app tag, whether ``path`` (a file, or a folder: any file below it) exists."""
    tags: list[str] = src_files["tags"]
    matches = [
        present
        for name, present in src_files["present"].items()
        if name == path or name.startswith(path.rstrip("/") + "/")
    ]
    return {tag: any(p[i] == "1" for p in matches) for i, tag in enumerate(tags)}


def requirement(range_text: str | None, capabilities: Iterable[str] = ()) -> dict[str, Any]:
    """One component requirement in the export shape."""
    return {"range": range_text, "capabilities": sorted(capabilities)}


def admin_doku_texts(
    data_dir: Path, relative: str | None
) -> tuple[str | None, dict[str, Any], dict[str, Any]]:
    """Source label, extra fields and profile of an admin-doku module file (placeholders
    dropped)."""
    if relative is None:
        return None, {}, {}
    doc = load_yaml(data_dir, f"admin-doku/{relative}")
    profile = json.loads(json.dumps(profile_from_admin_doku(doc)[0], default=str))
    extra = {
        key: doc[key]
        for key in ADMIN_DOKU_EXTRA_FIELDS
        if key in doc and doc[key] not in (None, "", []) and "[TODO" not in str(doc[key])
    }
    # Keep dates as text so the JSON does not depend on how YAML typed them.
    return f"admin-doku:{relative}", json.loads(json.dumps(extra, default=str)), profile


def in_app_releases(
    module: InApp, app_versions: list[TaggedVersion], presence: dict[str, bool]
) -> list[dict[str, Any]]:
    """One release per app version whose tag contains the module path."""
    releases = []
    for tv in app_versions:
        tags = [t for t in tv.tags if presence.get(t["name"])]
        if not tags:
            continue
        primary = tv.primary if tv.primary in tags else tags[0]
        requires = {"app": requirement(f"=={tv.version}")}
        if module.capabilities:
            requires["mainserver"] = requirement(None, module.capabilities)
        for name, range_text in module.components.items():
            requires[name] = requirement(range_text)
        releases.append(
            {
                "version": tv.version,
                "tag": primary["name"],
                "tags": sorted(t["name"] for t in tags),
                "sha": primary["sha"],
                "date": tv.date,
                "prerelease": tv.prerelease,
                "yanked": False,
                "yankedReason": None,
                "withdrawn": False,
                "license": {"declared": APP_LICENSE, "detected": primary["license_file_at_tag"]},
                "requires": requires,
                "dependsOn": dict(module.depends_on),
                "metadataSource": "registry",
                "problems": [],
            }
        )
    return releases


def module_base(
    slug: str,
    name: tuple[str, str],
    summary: tuple[str, str],
    description: tuple[str, str],
    **fields: Any,
) -> dict[str, Any]:
    """The module fields shared by every kind, with defaults."""
    base: dict[str, Any] = {
        "slug": slug,
        "name": {"de": name[0], "en": name[1]},
        "summary": {"de": summary[0], "en": summary[1]},
        "description": {"de": description[0], "en": description[1]},
        "topic": None,
        "kind": "standalone",
        "host": None,
        "repository": None,
        "tagPrefix": "",
        "license": None,
        "developmentStatus": "stable",
        "maintainers": [dict(MAINTAINER)],
        "platforms": [],
        "flags": {"hidden": False, "deprecated": False, "successor": None, "archived": False,
                  "gone": False},
        "extra": {},
        "profile": {},
        "source": "registry",
        "releases": [],
    }  # fmt: skip
    base.update(fields)
    return base


def build_in_app_module(
    data_dir: Path, module: InApp, app_versions: list[TaggedVersion], src_files: dict[str, Any]
) -> dict[str, Any]:
    """An in-app module of the app with its releases detected from the app's file lists."""
    releases = in_app_releases(module, app_versions, path_presence(src_files, module.path))
    first = releases[0]["version"] if releases else None
    since_de = f"erstmals in App v{first}" if first else "in noch keinem App-Tag (unveröffentlicht)"
    since_en = f"first in app v{first}" if first else "in no app tag yet (unreleased)"
    source, extra, profile = admin_doku_texts(data_dir, module.admin_doku)
    description = (
        f"{module.summary[0]}. Im App-Repository unter {module.path}, {since_de}. "
        f"Backend: {module.backend[0]}.",
        f"{module.summary[1]}. In the app repository at {module.path}, {since_en}. "
        f"Backend: {module.backend[1]}.",
    )
    # admin-doku's own German short description wins where it has one (not a stub).
    summary = (str(extra.pop("short_description", module.summary[0])), module.summary[1])
    return module_base(
        module.slug,
        module.name,
        summary,
        description,
        topic=module.topic,
        kind="in-app",
        host={"component": "app", "path": module.path},
        repository=f"https://github.com/{APP_REPO}",
        license=APP_LICENSE,
        developmentStatus=module.status,
        platforms=["android", "ios"],
        extra=extra,
        profile=profile,
        source=source or "registry",
        releases=releases,
    )


def tag_releases(
    versions: list[TaggedVersion],
    declared: str | None,
    requires: dict[str, Any],
    source: str,
) -> list[dict[str, Any]]:
    """Releases of a standalone module from its repository's tags."""
    return [
        {
            "version": tv.version,
            "tag": tv.primary["name"],
            "tags": sorted(t["name"] for t in tv.tags),
            "sha": tv.primary["sha"],
            "date": tv.date,
            "prerelease": tv.prerelease,
            "yanked": False,
            "yankedReason": None,
            "withdrawn": False,
            "license": {"declared": declared, "detected": tv.primary.get("license_file_at_tag")},
            "requires": requires,
            "dependsOn": {},
            "metadataSource": source,
            "problems": [],
        }
        for tv in versions
    ]


def build_humhub_ext(repo: dict[str, Any]) -> dict[str, Any]:
    """humhub-ext: real two-part tags, no license file, needs HumHub 1.8.3."""
    releases = tag_releases(
        tagged_versions(repo["tags"]), None, {"humhub": requirement(">=1.8.3")}, "registry"
    )
    return module_base(
        "humhub-ext",
        ("HumHub-Erweiterung", "HumHub extension"),
        ("REST-Erweiterungen für HumHub, Backend des Ehrenamt-Moduls",
         "REST extensions for HumHub, backend of the volunteering module"),
        ("HumHub-Modul (PHP) für das Ehrenamt-Modul der App. Keine Lizenzdatei: Lizenz unbekannt. "
         "module.json nennt 0.5.1, dazu gibt es keinen Tag.",
         "HumHub module (PHP) for the app's volunteering module. No license file: license "
         "unknown. module.json says 0.5.1, which has no tag."),
        topic="sozialdienste",
        repository=f"https://github.com/{HUMHUB_EXT_REPO}",
        platforms=["web"],
        extra={"moduleJsonVersion": "0.5.1", "humhubMinVersion": "1.8.3"},
        releases=releases,
    )  # fmt: skip


def build_bus_server(repo: dict[str, Any]) -> dict[str, Any]:
    """sva-bus-server: versions only in its CHANGELOG, no tags, hence no releases."""
    return module_base(
        "sva-bus-server",
        ("BUS-Server", "BUS server"),
        ("REST-Proxy für den Bürger- und Unternehmensservice (BUS)",
         "REST proxy for the citizen and business service (BUS)"),
        ("NestJS-Proxy zur TSA-Infodienste-API, von App v5 für BUS benötigt. Versionen 0.1.0 bis "
         "0.7.0 stehen nur im CHANGELOG, es gibt keine Tags und damit keine Releases.",
         "NestJS proxy to the TSA Infodienste API, needed by app v5 for BUS. Versions 0.1.0 to "
         "0.7.0 exist only in the CHANGELOG; there are no tags, hence no releases."),
        topic="bürgerservices",
        repository=f"https://github.com/{BUS_REPO}",
        license=repo["license_spdx"],
        developmentStatus="development",
        platforms=["web"],
        extra={"packageJsonVersion": "0.7.0", "untaggedChangelogVersions": [
            "0.1.0", "0.2.0", "0.3.0", "0.4.0", "0.5.0", "0.6.0", "0.7.0"]},
    )  # fmt: skip


def build_apollo_server(repo: dict[str, Any]) -> dict[str, Any]:
    """sva-apollo-server: the OParl GraphQL server, one tag v1.0.0."""
    # The LICENSE is the GPLv3 text without an "or later" grant: GPL-3.0-only in SPDX terms.
    releases = tag_releases(tagged_versions(repo["tags"]), "GPL-3.0-only", {}, "registry")
    return module_base(
        "sva-apollo-server",
        ("OParl-Server", "OParl server"),
        ("GraphQL-Server für Ratsinformationen nach OParl 1.0/1.1",
         "GraphQL server for council information following OParl 1.0/1.1"),
        ("Apollo-Server (TypeScript, MongoDB), Backend des OParl-Moduls der App.",
         "Apollo server (TypeScript, MongoDB), backend of the app's OParl module."),
        topic="kontaktverzeichnis",
        repository=f"https://github.com/{APOLLO_REPO}",
        license="GPL-3.0-only",
        platforms=["web"],
        extra={"packageJsonLicense": "GPLv3"},
        releases=releases,
    )  # fmt: skip


def build_studio_plugin(
    manifest: dict[str, Any], studio_repo: dict[str, Any], manifest_file: str
) -> dict[str, Any]:
    """A Studio plugin: releases from its prefixed tags, else its manifest version."""
    plugin_id = manifest["pluginId"]
    compat = manifest["hostCompatibility"]
    requires = {
        "studio": requirement(compat["studioVersionRange"], compat.get("requiredCapabilities", []))
    }
    prefix = STUDIO_PLUGIN_TAG_PREFIXES.get(plugin_id)
    if prefix:
        prefixed = [t for t in studio_repo["tags"] if t["name"].startswith(prefix)]
        releases = tag_releases(
            tagged_versions(prefixed, prefix), STUDIO_LICENSE, requires, "plugin.manifest.json"
        )
    else:
        releases = [
            {
                "version": manifest["version"],
                "tag": None,
                "tags": [],
                "sha": studio_repo["head_sha"],
                "date": utc(studio_repo["head_commit_date"]),
                "prerelease": Version(manifest["version"]).is_prerelease,
                "yanked": False,
                "yankedReason": None,
                "withdrawn": False,
                "license": {"declared": STUDIO_LICENSE,
                            "detected": studio_repo["license_file_detected_spdx"]},
                "requires": requires,
                "dependsOn": {},
                "metadataSource": "plugin.manifest.json",
                "problems": [],
            }
        ]  # fmt: skip
    name_de, name_en = STUDIO_PLUGIN_NAMES.get(plugin_id, (plugin_id, plugin_id))
    return module_base(
        f"studio-{plugin_id}",
        (f"Studio: {name_de}", f"Studio: {name_en}"),
        (f"Redaktions-Plugin „{name_de}“ für SVA Studio",
         f"Editorial plugin '{name_en}' for SVA Studio"),
        (f"Plugin {plugin_id} aus packages/plugin-{plugin_id} von SVA Studio, SDK "
         f"{manifest['sdkVersion']}, Studio {compat['studioVersionRange']}.",
         f"Plugin {plugin_id} from SVA Studio packages/plugin-{plugin_id}, SDK "
         f"{manifest['sdkVersion']}, Studio {compat['studioVersionRange']}."),
        topic=STUDIO_PLUGIN_TOPICS.get(plugin_id),
        repository=f"https://github.com/{STUDIO_REPO}",
        # Without a tag prefix of its own, a prefix no tag has keeps the waste-web tags out.
        tagPrefix=prefix or f"{plugin_id}-v",
        license=STUDIO_LICENSE,
        developmentStatus="development",
        platforms=["web"],
        extra={"sdkVersion": manifest["sdkVersion"], "manifestVersion": manifest["version"]},
        source=f"plugin.manifest.json:{manifest_file}",
        releases=releases,
    )  # fmt: skip


def load_plugins(data_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    """The Studio plugin manifests, sorted by file name."""
    folder = data_dir / "studio-plugins"
    files = sorted(p.name for p in folder.glob("plugin-*.json"))
    if not files:
        raise DataError("studio-plugins", "holds no plugin-*.json manifests")
    return [(name, load_json(data_dir, f"studio-plugins/{name}")) for name in files]


def build_deployments(
    capabilities: Sequence[str], modules: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The demo deployments; every installed module version must be a known release."""
    public = [c for c in capabilities if c not in NOT_IN_PUBLIC_MAINSERVER]
    result = []
    for number, spec in enumerate(DEPLOYMENTS, start=1):
        installed = dict.fromkeys(spec.modules, spec.app) | spec.extra_modules
        for slug, version in installed.items():
            known = {r["version"] for r in modules[slug]["releases"]}
            if version not in known:
                raise DataError(spec.name, f"module {slug} has no release {version}")
        document: dict[str, Any] = {
            "schemaVersion": 1,
            "name": spec.name,
            "ags": spec.ags,
            "state": spec.state,
            "visibility": spec.visibility,
            "channel": spec.channel,
            "components": {
                "app": spec.app,
                "mainserver": {
                    "commit": spec.mainserver_commit,
                    "capabilities": list(capabilities if spec.full_capabilities else public),
                },
                **spec.components,
            },
            "modules": dict(sorted(installed.items())),
        }
        if spec.licenses:
            document["licenses"] = list(spec.licenses)
        result.append({"id": number, "demo": True, "document": document})
    return result


def build_events(
    modules: Sequence[dict[str, Any]], repos: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """module-added at each module's first release (or first commit), release-published for the
    releases of the last year before the snapshot (at least each module's newest)."""
    year_ago = SNAPSHOT.replace(year=SNAPSHOT.year - 1).isoformat()
    events = []
    for module in modules:
        releases = module["releases"]
        added = releases[0]["date"] if releases else _first_seen(module, repos)
        events.append(
            _event("module-added", module["slug"], None, added, {"source": module["source"]})
        )
        for index, release in enumerate(releases):
            newest = index == len(releases) - 1
            if release["date"] and (release["date"] >= year_ago or newest):
                events.append(
                    _event("release-published", module["slug"], release["version"],
                           release["date"], {"tag": release["tag"], "sha": release["sha"]})
                )  # fmt: skip
    events.sort(key=lambda e: (e["createdAt"], e["kind"], e["module"], e["version"] or ""))
    for number, event in enumerate(events, start=1):
        event["id"] = number
    return events


# First dates of modules without releases (SVA-FACTS §5.1 and sva-repos.json).
UNRELEASED_FIRST_SEEN = {
    "zustaendigkeitsfinder": "2026-05-11T00:00:00+00:00",
    "beteiligungsprojekte": "2026-08-06T00:00:00+00:00",
}


def _first_seen(module: dict[str, Any], repos: dict[str, dict[str, Any]]) -> str:
    if module["slug"] in UNRELEASED_FIRST_SEEN:
        return UNRELEASED_FIRST_SEEN[module["slug"]]
    repo = repos[module["repository"].removeprefix("https://github.com/")]
    first = utc(repo["first_commit_date"])
    assert first is not None
    return first


def _event(
    kind: str, slug: str, version: str | None, when: str, data: dict[str, Any]
) -> dict[str, Any]:
    return {"id": 0, "kind": kind, "module": slug, "version": version, "deployment": None,
            "createdAt": when, "data": data}  # fmt: skip


def build_platform() -> dict[str, Any]:
    """The app versions' own requirements and CHANGELOG entries as the crawler reads them from
    the GitHub stand-in, plus the curated requirements of ``sva-platform.yml``."""
    app = next(r for r in build_sva_repos() if r.full_name == APP_REPO)
    with GitHubStandIn([app]) as standin:
        crawler = GitHubCrawler(CrawlerSettings(api_url=standin.url))
        try:
            snapshot = crawler.crawl(APP_REPO, sources=SourceRules.from_dict(APP_SOURCES))
        finally:
            crawler.close()
    requirements, changes = crawled_platform("app", "", APP_SOURCES, snapshot)
    curated = yaml.safe_load(CURATED_PLATFORM.read_text(encoding="utf-8"))
    for name, entry in curated["components"].items():
        for item in entry.get("requirements") or []:
            requirements.insert(0, {"of": name, **item, "source": "curated", "origin": ""})
    return {"requirements": requirements, "changes": changes}


def build_document(data_dir: Path) -> dict[str, Any]:
    """The whole demo export document from the data folder."""
    repos = repos_by_name(data_dir)
    app_repo = repos[APP_REPO]
    studio_repo = repos[STUDIO_REPO]
    src_files = load_json(data_dir, "app-src-files-by-tag.json")
    if len(src_files["tags"]) != len(app_repo["tags"]):
        raise DataError("app-src-files-by-tag.json", "tag count differs from sva-repos.json")
    capabilities = introspection_fields(
        load_json(data_dir, "mainserver/introspection-2026-08.json")
    )
    plugins = load_plugins(data_dir)
    app_versions = tagged_versions(app_repo["tags"])

    components = [
        build_app_component(app_repo),
        build_cms_component(),
        build_humhub_component(),
        build_mainserver_component(capabilities),
        build_studio_component(studio_repo, [m for _, m in plugins]),
    ]
    modules = [build_in_app_module(data_dir, m, app_versions, src_files) for m in IN_APP_MODULES]
    modules += [
        build_humhub_ext(repos[HUMHUB_EXT_REPO]),
        build_bus_server(repos[BUS_REPO]),
        build_apollo_server(repos[APOLLO_REPO]),
    ]
    modules += [
        build_studio_plugin(
            manifest,
            studio_repo,
            f"sva-studio/packages/plugin-{manifest['pluginId']}/plugin.manifest.json",
        )
        for _, manifest in plugins
    ]
    modules.sort(key=lambda m: m["slug"])
    by_slug = {m["slug"]: m for m in modules}
    return {
        "format": "sva-registry-export",
        "formatVersion": 1,
        "exportedAt": EXPORTED_AT,
        "demo": True,
        "components": sorted(components, key=lambda c: c["name"]),
        "modules": modules,
        "deployments": build_deployments(capabilities, by_slug),
        "events": build_events(modules, repos),
        "platform": build_platform(),
    }


def render(document: dict[str, Any]) -> str:
    """The document as deterministic JSON text (sorted keys, one trailing newline)."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry: build the demo document and write it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="the shared SVA data folder")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        text = render(build_document(args.data))
    except DataError as error:
        logger.error("%s", error)
        return 1
    args.output.write_text(text, encoding="utf-8")
    logger.info("wrote %s (%d bytes)", args.output, len(text.encode("utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
