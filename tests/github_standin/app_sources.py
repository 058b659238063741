"""Stand-in contents of the app's ``src/queries/**`` documents and its ``CHANGELOG.md``.

The real files are not in our data; only their paths and at which tags they exist are
(``tests/fixtures/github/app-src-files-by-tag.json``). What is real and what is reconstructed
is listed in ``tests/fixtures/github/README.md``. In short: the root operations the app sends at
v4.3.0 match SVA-FACTS §4.2 (every one is a mainserver root field; the nine that the public
mainserver lacks appear at v4.3.0); documents under ``BB-BUS``, ``SUE``, ``OParl``, ``consul``
and ``volunteer`` go to other endpoints; the CHANGELOG's breaking entries are the real ones.
"""

from __future__ import annotations

from packaging.version import Version

# The folders whose documents go to other GraphQL endpoints (SVA-FACTS §4.2).
OTHER_ENDPOINTS = (
    "src/queries/BB-BUS",
    "src/queries/SUE",
    "src/queries/OParl",
    "src/queries/consul",
    "src/queries/volunteer",
)

# The nine root fields the app sends at v4.3.0 that the public mainserver lacks.
NINE = (
    "createMessage", "deleteConversation", "getConversations", "getMessages",
    "markMessagesAsRead", "redeemQuotaOfVoucher", "resourceFilters", "search", "vouchers",
)  # fmt: skip

# Root fields of the 2026 introspection that the public mainserver repository lacks
# (SVA-FACTS §4.2).
NOT_IN_PUBLIC_MAINSERVER = (
    "directus", "getConversations", "getMessages", "reports", "resourceFilters", "search",
    "shouts", "voucher", "vouchers", "widget", "widgets",
    "createCategories", "createMessage", "createNewsItems", "createOrUpdateSurvey",
    "createPointsOfInterest", "createShout", "createTours", "createWastePickUpTimes",
    "deleteConversation", "destroyWastePickUpTime", "markMessagesAsRead",
    "redeemQuotaOfAnnouncement", "redeemQuotaOfVoucher", "submitSurvey", "toggleLike",
    "updateNotificationSettings", "updateShout",
)  # fmt: skip


def _js(*documents: tuple[str, str]) -> str:
    """A query module: one exported ``gql`` template per (constant, document)."""
    parts = ["import gql from 'graphql-tag';\n"]
    for name, body in documents:
        parts.append(f"export const {name} = gql`\n{body.strip()}\n`;\n")
    return "\n".join(parts)


_NEWS = _js(
    ("GET_NEWS_ITEMS", """
  query NewsItems($limit: Int, $offset: Int, $dataProvider: String) {
    newsItems(limit: $limit, skip: $offset, dataProvider: $dataProvider) {
      ...NewsItemFields
    }
  }
  fragment NewsItemFields on NewsItem { id title: mainTitle publishedAt }
"""),
    ("GET_NEWS_ITEM", """
  query NewsItem($id: ID!) { newsItem(id: $id) { id mainTitle contentBlocks { body } } }
"""),
)  # fmt: skip

_EVENTS_BEFORE_403 = _js(
    ("GET_EVENT_RECORDS", """
  query EventRecords($limit: Int, $listingWithoutDateFragment: Boolean) {
    eventRecords(limit: $limit, listingWithoutDateFragment: $listingWithoutDateFragment) {
      id title listDate
    }
  }
"""),
    ("GET_EVENT_RECORD", "query EventRecord($id: ID!) { eventRecord(id: $id) { id title } }"),
)  # fmt: skip
# v4.0.3: the onlyUniqEvents option of the main server (CHANGELOG 4.0.3, breaking).
_EVENTS_403 = _EVENTS_BEFORE_403.replace(
    "$listingWithoutDateFragment: Boolean)",
    "$listingWithoutDateFragment: Boolean, $onlyUniqEvents: Boolean)",
).replace(
    "listingWithoutDateFragment: $listingWithoutDateFragment)",
    "listingWithoutDateFragment: $listingWithoutDateFragment, onlyUniqEvents: $onlyUniqEvents)",
)
# v4.1.0: listingWithoutDateFragment removed entirely (CHANGELOG 4.1.0).
_EVENTS_410 = _js(
    ("GET_EVENT_RECORDS", """
  query EventRecords($limit: Int, $onlyUniqEvents: Boolean) {
    eventRecords(limit: $limit, onlyUniqEvents: $onlyUniqEvents) { id title listDate }
  }
"""),
    ("GET_EVENT_RECORD", "query EventRecord($id: ID!) { eventRecord(id: $id) { id title } }"),
)  # fmt: skip

_PUBLIC_JSON_BEFORE_250 = _js(
    ("GET_PUBLIC_JSON_FILE", """
  query PublicJsonFile($name: String!) { publicJsonFile(name: $name) { content } }
"""),
)  # fmt: skip
# v2.5.0: the app sends its version with the globalSettings query (CHANGELOG 2.5.0).
_PUBLIC_JSON_250 = _js(
    ("GET_PUBLIC_JSON_FILE", """
  query PublicJsonFile($name: String!, $version: String) {
    publicJsonFile(name: $name, version: $version) { content }
  }
"""),
)  # fmt: skip

_SURVEYS = _js(
    ("GET_SURVEYS", """
  query Surveys($ids: [ID]) {
    surveys(ids: $ids, archived: false) { ...SurveyFields }
    archived: surveys(archived: true) { ...SurveyFields }
  }
  fragment SurveyFields on Survey { id title questionTitle }
"""),
    ("GET_SURVEY_COMMENTS", """
  query SurveyComments($surveyId: ID!) { surveyComments(surveyId: $surveyId) { id message } }
"""),
    ("VOTE_FOR_SURVEY", """
  mutation VoteForSurvey($id: ID!, $responseOptionId: ID!) {
    voteForSurvey(id: $id, responseOptionId: $responseOptionId) { id }
  }
  mutation CommentSurvey($surveyId: ID!, $message: String!) {
    commentSurvey(surveyId: $surveyId, message: $message) { id }
  }
"""),
)  # fmt: skip

# Before v4.3.0 these features read GenericItems (reconstructed); at v4.3.0 they use the
# dedicated root fields (SVA-FACTS §4.2).
_VOUCHERS_BEFORE_430 = _js(
    ("GET_VOUCHERS", """
  query Vouchers($limit: Int) {
    vouchers: genericItems(genericType: "Voucher", limit: $limit) { id title }
  }
"""),
    ("REDEEM_VOUCHER", """
  mutation RedeemVoucher($id: ID!) { redeemed: createGenericItem(id: $id) { id } }
"""),
)  # fmt: skip
_VOUCHERS_430 = _js(
    ("GET_VOUCHERS", """
  query Vouchers($limit: Int, $categoryId: ID) {
    vouchers(limit: $limit, categoryId: $categoryId) { ...VoucherFields }
  }
  fragment VoucherFields on GenericItem { id title quota { maxQuantity } }
"""),
    ("REDEEM_QUOTA_OF_VOUCHER", """
  mutation RedeemQuotaOfVoucher($deviceToken: String!, $quantity: Int!, $voucherId: ID!) {
    redeemQuotaOfVoucher(deviceToken: $deviceToken, quantity: $quantity, voucherId: $voucherId) {
      id
    }
  }
"""),
)  # fmt: skip
_RESOURCE_FILTERS_BEFORE_430 = _js(
    ("GET_RESOURCE_FILTERS", """
  query ResourceFilters { resourceFilters: categories { id name } }
"""),
)  # fmt: skip
_RESOURCE_FILTERS_430 = _js(
    ("GET_RESOURCE_FILTERS", """
  query ResourceFilters { resourceFilters { dataResourceType config } }
"""),
)  # fmt: skip
_SEARCH_BEFORE_430 = _js(
    ("SEARCH", """
  query Search($query: String!) {
    ... on Query {
      news: newsItems(search: $query) { id }
      events: eventRecords(search: $query) { id }
    }
    places: pointsOfInterest(search: $query) { id }
  }
"""),
)  # fmt: skip
_SEARCH_430 = _js(
    ("SEARCH", """
  query Search($query: String!, $limit: Int) {
    results: search(query: $query, limit: $limit) { id title type }
  }
"""),
)  # fmt: skip
_CONVERSATIONS_BEFORE_430 = _js(
    ("GET_CONVERSATIONS", """
  query Conversations { conversations: genericItems(genericType: "Conversation") { id } }
"""),
    ("CREATE_MESSAGE", """
  mutation CreateMessage($id: ID!, $message: String!) {
    createGenericItemMessage(genericItemId: $id, message: $message) { id }
  }
"""),
)  # fmt: skip
_CONVERSATIONS_430 = _js(
    ("GET_CONVERSATIONS", """
  query Conversations { getConversations { ...ConversationFields } }
  fragment ConversationFields on Conversation { id lastMessage { body } }
"""),
    ("GET_MESSAGES", """
  query Messages($conversationId: ID!) { getMessages(conversationId: $conversationId) { id body } }
"""),
    ("MESSAGE_MUTATIONS", """
  mutation CreateMessage($conversationId: ID, $body: String!) {
    createMessage(conversationId: $conversationId, body: $body) { id }
  }
  mutation DeleteConversation($id: ID!) { deleteConversation(id: $id) { id } }
  mutation MarkMessagesAsRead($conversationId: ID!) {
    markMessagesAsRead(conversationId: $conversationId) { id }
  }
"""),
)  # fmt: skip

_INDEX = "export * from './newsItems';\nexport * from './eventRecords';\n"
_NO_GQL = "// TypeScript types only: no GraphQL documents here.\nexport type Id = string;\n"

# path -> [(first version of this content, text)], oldest first.
MAINSERVER_DOCUMENTS: dict[str, list[tuple[str, str]]] = {
    "src/queries/appUserContent.js": [("0", _js(("CREATE_APP_USER_CONTENT", """
  mutation CreateAppUserContent($dataSource: String!, $content: String!) {
    createAppUserContent(dataSource: $dataSource, content: $content) { id }
  }
""")))],
    "src/queries/categories.js": [("0", _js(("GET_CATEGORIES", """
  query Categories { categories { id name upcomingEventRecordsCount } }
""")))],
    "src/queries/constructionSite.js": [("0", _js(("GET_CONSTRUCTION_SITES", """
  query ConstructionSites {
    constructionSites: genericItems(genericType: "ConstructionSite") { id title }
  }
""")))],
    "src/queries/eventRecords.js": [
        ("0", _EVENTS_BEFORE_403), ("4.0.3", _EVENTS_403), ("4.1.0", _EVENTS_410),
    ],
    "src/queries/genericItem.js": [("0", _js(
        ("GET_GENERIC_ITEMS", """
  query GenericItems($genericType: String) { genericItems(genericType: $genericType) { id } }
"""),
        ("GET_GENERIC_ITEM", "query GenericItem($id: ID!) { genericItem(id: $id) { id title } }"),
        ("CREATE_GENERIC_ITEM", """
  mutation CreateGenericItem($genericType: String!, $title: String!) {
    createGenericItem(genericType: $genericType, title: $title) { id }
  }
"""),
    ))],
    "src/queries/index.js": [("0", _INDEX)],
    "src/queries/lunch.js": [("0", _js(
        ("GET_LUNCHES", """
  query Lunches($dateRange: [String]) { lunches(dateRange: $dateRange) { id } }
"""),
        ("GET_LUNCH", "query Lunch($id: ID!) { lunch(id: $id) { id text } }"),
    ))],
    "src/queries/mediaContent.js": [("0", _js(("MEDIA_CONTENT_FRAGMENT", """
  fragment MediaContentFields on MediaContent { id captionText contentType sourceUrl { url } }
""")))],
    "src/queries/newsItems.js": [("0", _NEWS)],
    "src/queries/newsItemsDataProvider.js": [("0", _js(("GET_DATA_PROVIDERS", """
  query NewsItemsDataProviders($categoryId: ID) {
    newsItemsDataProviders(categoryId: $categoryId) { id name }
  }
""")))],
    "src/queries/pointsOfInterest.js": [("0", _js(
        ("GET_POINTS_OF_INTEREST", """
  query PointsOfInterest($limit: Int) { pointsOfInterest(limit: $limit) { id name } }
"""),
        ("GET_POINT_OF_INTEREST", """
  query PointOfInterest($id: ID!) { pointOfInterest(id: $id) { id name } }
"""),
    ))],
    "src/queries/pointsOfInterestAndTours.js": [("0", _js(("GET_POIS_AND_TOURS", """
  query PointsOfInterestAndTours($limit: Int) {
    pointsOfInterest(limit: $limit) { id name }
    tours(limit: $limit) { id name }
  }
""")))],
    "src/queries/profile/conversations.ts": [
        ("0", _CONVERSATIONS_BEFORE_430), ("4.3.0", _CONVERSATIONS_430),
    ],
    "src/queries/profile/index.ts": [("0", "export * from './conversations';\n")],
    "src/queries/profile/members.ts": [("0", _js(("MEMBER_FRAGMENT", """
  fragment MemberFields on Member { id email firstName lastName }
""")))],
    "src/queries/publicHtmlFiles.js": [("0", _js(("GET_PUBLIC_HTML_FILE", """
  query PublicHtmlFile($name: String!) { publicHtmlFile(name: $name) { content } }
""")))],
    "src/queries/publicJsonFiles.js": [
        ("0", _PUBLIC_JSON_BEFORE_250), ("2.5.0", _PUBLIC_JSON_250),
    ],
    "src/queries/resourceFilters.ts": [
        ("0", _RESOURCE_FILTERS_BEFORE_430), ("4.3.0", _RESOURCE_FILTERS_430),
    ],
    "src/queries/search.ts": [("0", _SEARCH_BEFORE_430), ("4.3.0", _SEARCH_430)],
    "src/queries/survey.js": [("0", _SURVEYS)],
    "src/queries/tours.js": [("0", _js(
        ("GET_TOURS", "query Tours($limit: Int) { tours(limit: $limit) { id name } }"),
        ("GET_TOUR", "query Tour($id: ID!) { tour(id: $id) { id name } }"),
    ))],
    "src/queries/types.js": [("0", _NO_GQL)],
    "src/queries/types.ts": [("0", _NO_GQL)],
    "src/queries/vouchers.ts": [("0", _VOUCHERS_BEFORE_430), ("4.3.0", _VOUCHERS_430)],
    "src/queries/wallet/fetchCardInfo.ts": [("0", (
        "// The card API is REST, not GraphQL.\n"
        "export const fetchCardInfo = (url: string) => fetch(url).then((r) => r.json());\n"
    ))],
    "src/queries/wallet/index.ts": [("0", "export * from './fetchCardInfo';\n")],
    "src/queries/waste.js": [("0", _js(
        ("GET_WASTE_ADDRESSES", """
  query WasteAddresses($search: String) { wasteAddresses(search: $search) { id street } }
"""),
        ("GET_WASTE_TOUR_DATES", """
  query WasteTourDates($addressId: ID!) {
    wasteTourDates(addressId: $addressId) { pickupDates { pickupDate } }
  }
"""),
    ))],
    "src/queries/waterTemperature.js": [("0", _js(("GET_WATER_TEMPERATURE", """
  query WaterTemperature {
    waterTemperatures: genericItems(genericType: "WaterTemperature") { id title }
  }
""")))],
    "src/queries/weather.js": [("0", _js(("GET_WEATHER", """
  query WeatherMap($currentOnly: Boolean) { weatherMap(currentOnly: $currentOnly) { current } }
""")))],
    "src/queries/whistleblow/auth.ts": [("0", (
        "// Whistleblower login goes to the reporting service's REST API.\n"
        "export const login = (url: string) => fetch(url, { method: 'POST' });\n"
    ))],
    "src/queries/whistleblow/index.ts": [("0", "export * from './whistleblower';\n")],
    "src/queries/whistleblow/whistleblower.ts": [("0", _js(("CREATE_REPORT", """
  mutation CreateReport($title: String!) {
    createGenericItem(genericType: "Whistleblow", title: $title) { id }
  }
""")))],
}  # fmt: skip

# BB-BUS documents go to the separate bb-bus GraphQL endpoint (``area``, ``publicServiceTypes``).
_BB_BUS = {
    "src/queries/BB-BUS/directus.js": _js(("GET_DIRECTUS", """
  query Directus($query: String!) { directus(query: $query) }
""")),
    "src/queries/BB-BUS/getAreasAndTop10.ts": _js(("GET_AREAS_AND_TOP_10", """
  query AreasAndTop10($areaId: ID!) {
    area(id: $areaId) { id name }
    top10: publicServiceTypes(areaId: $areaId, limit: 10) { id name }
  }
""")),
    "src/queries/BB-BUS/getService.ts": _js(("GET_SERVICE", """
  query Service($id: ID!) { publicServiceTypes(ids: [$id]) { id name description } }
""")),
    "src/queries/BB-BUS/getServices.ts": _js(("GET_SERVICES", """
  query Services($areaId: ID!) { publicServiceTypes(areaId: $areaId) { id name } }
""")),
    "src/queries/BB-BUS/getTop10Ids.js": _js(("GET_TOP_10_IDS", """
  query Top10Ids($areaId: ID!) { publicServiceTypes(areaId: $areaId, limit: 10) { id } }
""")),
}  # fmt: skip


def _other_endpoint_document(path: str) -> str:
    """A document of an endpoint other than the mainserver: its root field is the file's name
    (``consul/Debates/debates.js`` asks ``debates``), so none of them is a mainserver field."""
    if path in _BB_BUS:
        return _BB_BUS[path]
    stem = path.rsplit("/", 1)[-1].split(".", maxsplit=1)[0]
    if stem in ("index", "fragments"):
        return f"export * from './{stem}';\n"
    return _js((stem.upper(), f"query {stem[:1].upper()}{stem[1:]} {{ {stem} {{ id }} }}"))


def document_at(path: str, version: str) -> str:
    """The stand-in text of the query file at ``path`` at app ``version``."""
    if path.startswith(tuple(d + "/" for d in OTHER_ENDPOINTS)):
        return _other_endpoint_document(path)
    versions = MAINSERVER_DOCUMENTS[path]
    current = versions[0][1]
    for first, text in versions:
        if Version(version) >= Version(first):
            current = text
    return current


def is_query_document(path: str) -> bool:
    return path.startswith("src/queries/")


_CHANGELOG = """# Changelog

All notable changes to this project will be documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.0.0/),
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).

## [Unreleased]

## [5.0.0] - Unreleased

### Breaking Changes

- BUS moved from the main server GraphQL (`settings.busBb`) to the sva-bus-server REST proxy:
  configure `settings.bus`; `federalState` is required
- a versioned `5.0.0` globalSettings record is mandatory on each tenant's main server
  (no new mandatory Main-Server database migration)

### Added

- accessibility features can be switched one by one (`settings.accessibility.enabledFeatures`)
- participation projects

## [4.3.0] - 2026-05-04

### Added

- chatbot
- wallet for city cards
- discovery tours with tour stops

## [4.2.0] - 2025-12-19

### Breaking Changes

- the map moved to MapLibre: map configs and styles must be updated

### Added

- Keycloak login for the profile

## [4.1.0] - 2025-02-07

### Changed

- **Breaking**: as part of event request optimizations on the main server, the deprecated
  listingWithoutDateFragment option is removed entirely

## [4.0.3] - 2024-12-20

### Changed

- **Breaking**: a `onlyUniqEvents` option is used from the main-server, which version needs to
  correspond

## [3.1.0] - 2022-12-20

### Added

- deadline and action notifier

## [2.5.0] - 2022-02-17

### Changed

- **Breaking**: This mobile app version needs an updated version of the main server
  (Februar 17th)
- added app.json version to `queryVariables` of the `globalSettings` query

## [1.7.0] - 2021-05-04

### Added

- OParl 1.0/1.1 council information
"""


def changelog_text() -> str:
    """The stand-in ``CHANGELOG.md`` of the app's default branch (Keep a Changelog form)."""
    return _CHANGELOG
