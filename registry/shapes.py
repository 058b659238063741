"""The shapes of the API, the export and the feeds: typed pydantic v2 models.

Each model is the one place its fields are written. ``registry.serialize`` builds the JSON of
the models from ORM rows with them, the web layer validates request bodies and query parameters
with them, and the OpenAPI document (``GET /api/v1/openapi.json``) is derived from their JSON
Schemas. Field names are snake_case in Python and camelCase on the wire (``yanked_reason`` is
``yankedReason``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel
from pydantic.alias_generators import to_camel

from registry.compat import CODES, NOTICE_CODES, STEP_KINDS
from registry.metadata.slugs import SLUG_PATTERN

SCHEMAS = Path(__file__).resolve().parent / "metadata" / "schemas"

#: A timestamp as ISO 8601 text (the registry's own format: ``2026-01-14T09:00:00+00:00``).
Timestamp = Annotated[str | None, Field(json_schema_extra={"format": "date-time"})]
Count = Annotated[int, Field(ge=0)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=63)]


class Shape(BaseModel):
    """Base of every shape: camelCase on the wire, unknown input fields refused."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )

    def dump(self) -> dict[str, Any]:
        """The JSON-ready dict (camelCase keys)."""
        # Unset: a field left out when the shape was built (e.g. ``sources`` of a component
        # no source names) stays out of the JSON instead of appearing as null.
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class Open(Shape):
    """A shape whose extra keys are kept (documents with free ``x-`` extensions)."""

    model_config = ConfigDict(extra="allow")


# ---- errors --------------------------------------------------------------------------------


class ErrorDetail(Shape):
    code: str = Field(examples=["not-found", "invalid-input"])
    message: str
    details: list[Any]


class Error(Shape):
    """Every error answer: ``{"error": {"code", "message", "details": [...]}}``."""

    error: ErrorDetail


# ---- catalogue -----------------------------------------------------------------------------


class Text(Shape):
    de: str | None
    en: str | None


class Host(Shape):
    component: str | None
    path: str | None


class Flags(Shape):
    hidden: bool
    deprecated: bool
    successor: str | None = None
    archived: bool
    gone: bool


class FieldSource(Open):
    source: str
    at: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    ref: str | None = None
    weak: bool | None = None


class Module(Shape):
    slug: Slug
    name: Text
    summary: Text
    description: Text | None = None
    topic: str | None = None
    kind: Literal["in-app", "standalone"]
    host: Host | None = None
    repository: str | None
    tag_prefix: str = ""
    license: str | None
    development_status: str | None = None
    maintainers: list[Any] = []
    platforms: list[Any] = []
    flags: Flags
    extra: dict[str, Any] = {}
    profile: dict[str, Any] = {}
    source: str | None = None
    provenance: dict[str, FieldSource] = Field(
        {}, description="per field path: the source that set it, when, from which file"
    )


class ModuleSummary(Module):
    """A module as the API lists it: with its newest release and how many it has."""

    newest: str | None = Field(description="newest release neither yanked nor withdrawn")
    release_count: Count = 0


class Mirror(Shape):
    url: str
    forge: str = Field(examples=["gitlab", "github"])
    status: Literal["in-sync", "behind", "unreachable", "unchecked"]
    missing_tags: list[str] = Field(
        description="tags of the primary repository the mirror lacks or has at another commit"
    )
    checked_at: Timestamp
    behind_since: Timestamp = None
    source: str = Field("", description="who named the mirror (admin, an import)")


class HealthReason(Open):
    code: str


class HealthAspect(Open):
    level: int = Field(ge=0, le=3)
    reasons: list[HealthReason]


class Health(Open):
    level: int = Field(ge=0, le=3)
    maintenance: HealthAspect
    security: HealthAspect
    reuse: HealthAspect


class Adopter(Open):
    name: str
    source: str
    reported_at: str | None
    deployment: int | None


class ModuleAdoption(Open):
    """Reported adopters are named by admin-doku or publiccode.yml (versions unknown);
    takenOver ones are registered as a deployment."""

    registered_deployments: Count = Field(description="public deployments that state they run it")
    reported_adopters: list[Adopter]
    taken_over: list[Adopter]


class ModuleDetail(ModuleSummary):
    """One module as ``GET /api/v1/modules/<slug>`` shows it: with mirrors, health, adoption."""

    mirrors: list[Mirror]
    health: Health
    adoption: ModuleAdoption


class Range(Shape):
    range: str | None
    normalized: str | None


class Requirement(Range):
    capabilities: list[str] = []


class License(Shape):
    declared: str | None
    detected: str | None


class Release(Shape):
    version: str
    tag: str | None
    tags: list[str] = []
    sha: str | None
    date: Timestamp
    prerelease: bool
    yanked: bool
    yanked_reason: str | None = None
    withdrawn: bool = False
    license: License
    requires: dict[str, Requirement]
    depends_on: dict[str, Range]
    metadata_source: str | None = None
    source_repository: str | None = Field(
        None, description="the repository whose tag made this release"
    )
    problems: list[Any]


class Capability(Shape):
    name: str
    source: str | None = None


class ComponentVersion(Shape):
    version: str
    tag: str | None
    sha: str | None
    date: Timestamp
    prerelease: bool
    support: str | None


class Component(Shape):
    name: str
    title: Text
    description: Text | None = None
    repository: str | None
    tag_prefix: str = ""
    versioning: str | None = None
    sources: dict[str, Any] | None = Field(
        None, description="where the component's facts come from"
    )
    capabilities: list[Capability]


class ComponentSummary(Component):
    version_count: Count = 0
    newest: str | None


class ComponentWithVersions(Component):
    """A component as the export writes it: with every known version, newest first."""

    versions: list[ComponentVersion]


class ModuleWithReleases(Module):
    """A module as the export writes it: with every release, newest first."""

    releases: list[Release]


class CrawlRequest(Shape):
    id: int
    repository: str
    reason: str = ""
    requested_at: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    done_at: Timestamp = None


class Event(Shape):
    id: int
    kind: str
    module: str | None
    version: str | None
    deployment: int | None
    created_at: Timestamp
    data: dict[str, Any]


# ---- pages ---------------------------------------------------------------------------------


class Page(Shape):
    total: Count
    limit: int
    offset: int
    next: str | None = Field(None, description="relative URL of the next page")


class ModulePage(Page):
    items: list[ModuleSummary]


class Releases(Shape):
    module: str
    items: list[Release]


class Components(Shape):
    items: list[ComponentSummary]


class ComponentVersions(Shape):
    component: str
    items: list[ComponentVersion]


class ModuleRegistration(Shape):
    """``POST /api/v1/modules``: a repository URL and, optionally, how to file it."""

    repository: str = Field(
        max_length=300,
        description="https://<configured forge>/OWNER/NAME; nothing else is accepted",
        examples=["https://github.com/smart-village-solutions/smart-village-app-humhub-ext"],
        pattern=r"^https://[^/?#@:\s]+/[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}/?$",
    )
    slug: Slug | None = None
    kind: Literal["standalone", "in-app"] = "standalone"
    host: Annotated[Host, Field(description="in-app modules: host component and path")] | None = (
        None
    )
    tag_prefix: str = Field(
        "", max_length=100, description="tags of this module start with it (Studio plugins)"
    )


class PartialText(Shape):
    de: str | None = None
    en: str | None = None


class ModuleEdit(Shape):
    """``PUT /api/v1/modules/<slug>``: an admin's edit; the fields given (at least one) get the
    source ``admin``. The service checks each value (``registry.services.modules``)."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    name: PartialText | None = None
    summary: PartialText | None = None
    description: PartialText | None = None
    topic: str | None = Field(None, max_length=200)
    license: str | None = Field(None, max_length=200)
    development_status: str | None = Field(None, max_length=100)
    maintainers: list[Any] | None = None
    platforms: list[Any] | None = None
    flags: dict[str, Any] | None = None
    kind: Literal["in-app", "standalone"] | None = None
    host: dict[str, Any] | None = None
    repository: str | None = Field(None, max_length=300)
    tag_prefix: str | None = Field(None, max_length=100)


class RegisteredModule(ModuleSummary):
    crawl: CrawlRequest


class QueuedCrawl(Shape):
    module: str
    crawl: CrawlRequest


# ---- deployments ---------------------------------------------------------------------------


@cache
def deployment_document_schema() -> dict[str, Any]:
    """The deployment file's JSON Schema (draft 2020-12, as OpenAPI 3.1 uses)."""
    schema: dict[str, Any] = json.loads(
        (SCHEMAS / "deployment.schema.json").read_text(encoding="utf-8")
    )
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    return schema


class DeploymentDocument(RootModel[dict[str, Any]]):
    """A deployment file as JSON; its rules are those of ``deployment.schema.json``."""

    model_config = ConfigDict(
        json_schema_extra=lambda schema, _model: _replace(schema, deployment_document_schema())
    )


@cache
def osv_schema() -> dict[str, Any]:
    """The registry's OSV JSON Schema, its ``$defs`` referred to where the document puts it."""
    schema: dict[str, Any] = json.loads((SCHEMAS / "osv.schema.json").read_text(encoding="utf-8"))
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    text = json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/OsvRecord/$defs/')
    result: dict[str, Any] = json.loads(text)
    return result


class OsvRecord(RootModel[dict[str, Any]]):
    """An advisory as an OSV record (the service checks it against ``osv.schema.json``)."""

    model_config = ConfigDict(
        json_schema_extra=lambda schema, _model: _replace(schema, osv_schema())
    )


def _replace(schema: dict[str, Any], new: dict[str, Any]) -> None:
    schema.clear()
    schema.update(new)


class Deployment(Open):
    """The stored deployment: its document (see DeploymentDocument) with id and timestamps."""

    id: int
    name: str
    visibility: Literal["public", "private"] = "public"
    demo: bool = False
    created_at: Timestamp = None
    updated_at: Timestamp = None


class DeploymentPage(Page):
    items: list[Deployment]


class CapabilitiesBody(Open):
    """``{"capabilities": [...]}``, or a GraphQL introspection result (``{"data": ...}``)."""

    capabilities: list[Annotated[str, Field(max_length=200)]] | None = Field(
        None, max_length=1000, description="the capability names"
    )
    data: dict[str, Any] | None = Field(
        None, description="an introspection result: its root fields count as capabilities"
    )


# ---- compatibility -------------------------------------------------------------------------


class Reason(Open):
    code: str = Field(
        description="module-pinned: in details only",
        json_schema_extra={"enum": [*CODES, "module-pinned"]},
    )
    details: list[BlockedVersion] | None = Field(
        None,
        description="dependency-unsatisfiable: each release of the module in the range, newest "
        "first, with its own reasons (none: usable alone, not together)",
    )


class BlockedVersion(Open):
    version: str
    reasons: list[Reason]


Reason.model_rebuild()  # its details hold blocked versions, which hold reasons


class KnownState(Open):
    kind: Literal["version", "deployment", "introspection"]
    version: str | None = None
    commit: str | None = None
    source: str | None = None


class PlanStep(Open):
    kind: str = Field(json_schema_extra={"enum": list(STEP_KINDS)})
    end_of_life: bool | None = Field(
        None, description="update/downgrade/add to an end-of-life version"
    )
    offered_by: KnownState | None = None
    code: str | None = Field(
        None,
        description="impossible: yanked, prerelease, metadata-invalid, license-not-allowed, "
        "no-known-version, capability-unknown or dependency-unsatisfiable",
    )


class Notice(Open):
    code: str = Field(json_schema_extra={"enum": list(NOTICE_CODES)})
    component: str | None
    actual: str | None


class UpgradePlan(Open):
    version: str
    steps: list[PlanStep]
    possible: bool


class Verdict(Open):
    module: str
    adoptable: list[str] = Field(description="newest first")
    newest: str | None
    blocked: list[BlockedVersion]
    upgrade_plan: UpgradePlan | None
    notices: list[Notice] | None = Field(
        None, description="the deployment's notices (one-module answer)"
    )


class SummaryGroup(Open):
    steps: list[dict[str, Any]] = Field(description="plan steps, each with its kind")
    possible: bool
    modules: list[str]


class CompatibilitySummary(Open):
    runs: int = Field(description="modules the deployment runs")
    adoptable_now: int = Field(description="modules it does not run and could adopt now")
    blocked: int = Field(description="modules with no adoptable release")
    groups: list[SummaryGroup]
    best: SummaryGroup | None = Field(
        description="the one component upgrade that unlocks the most modules"
    )


class Compatibility(Shape):
    deployment: int | None = Field(description="null for a what-if query")
    modules: list[Verdict]
    notices: list[Notice]
    summary: CompatibilitySummary | None = Field(
        None, description="the answer about all modules: what it runs, can adopt, is blocked"
    )
    query: dict[str, Any] | None = Field(
        None, description="the hypothetical deployment (what-if only)"
    )


class ComponentUpgrade(Open):
    deployment: int
    component: str
    from_: str | None = Field(alias="from")
    to: str
    ok: list[dict[str, Any]]
    update: list[dict[str, Any]]
    blocked: list[dict[str, Any]]
    notices: list[Notice] = Field(description="about the deployment after the change")


# ---- advisories ----------------------------------------------------------------------------


class AdvisorySummary(Open):
    id: str = Field(pattern="^SVA-[0-9]{4}-[0-9]{4,}$")
    aliases: list[str]
    summary: str
    severity: Literal["low", "moderate", "high", "critical"] | None
    modified: str
    published: str | None = None
    withdrawn: str | None = None
    modules: list[str]
    affected_releases: dict[str, list[str]] = Field(
        description="slug -> the registry's releases the advisory covers"
    )
    source: str | None = None


class Advisories(Shape):
    items: list[AdvisorySummary]


class ModuleAdvisories(Advisories):
    module: str


# ---- feeds and dashboard -------------------------------------------------------------------


class FeedItem(Open):
    model_config = ConfigDict(alias_generator=None)

    id: str = Field(description="stable tag: URI of the event")
    url: str
    title: str
    content_text: str
    date_published: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    tags: list[str] = []
    sva: dict[str, Any] | None = Field(
        None, alias="_sva", description="the event as data (kind, module, version, ...)"
    )


class Feed(Open):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), newest first."""

    model_config = ConfigDict(alias_generator=None)

    version: Literal["https://jsonfeed.org/version/1.1"]
    title: str
    home_page_url: str | None = None
    feed_url: str | None = None
    next_url: str | None = None
    description: str | None = None
    language: str | None = None
    items: list[FeedItem]


class Counts(Open):
    modules: Count
    releases: Count
    components: Count
    deployments: Count
    events: Count


class VersionAdoption(Open):
    version: str
    deployments: Count
    status: Literal["ok", "yanked", "withdrawn", "invalid", "unknown"]


class Adoption(Open):
    module: str
    newest: str | None
    deployments: Count
    on_newest: Count
    versions: list[VersionAdoption]


class RiskItem(Open):
    module: str
    version: str
    status: Literal["yanked", "withdrawn", "invalid", "blocked"]
    deployments: list[int]
    reasons: list[str] | None = Field(None, description="reason codes (status blocked only)")


class AtRisk(Open):
    deployments_on_yanked_or_withdrawn: Count
    deployments_on_invalid: Count
    deployments_on_blocked: Count = Field(
        description="running a version the compatibility rules block for them"
    )
    deployments_at_risk: Count
    share_at_risk: float = Field(ge=0, le=1, description="deploymentsAtRisk / counts.deployments")
    items: list[RiskItem]


class CrawlState(Open):
    repository: str
    last_attempt: Timestamp = None
    last_success: Timestamp
    last_error: str | None
    resume_after: Timestamp
    gone: bool = False
    status: Literal["ok", "failing", "rate-limited", "gone", "never-crawled"]


class CrawlHealth(Open):
    repositories: Count
    ok: Count
    failing: Count
    rate_limited: Count
    gone: Count
    never_crawled: Count
    items: list[CrawlState]


class ModuleAdvisoryCount(Open):
    advisories: list[str]
    deployments_affected: Count


class AdvisoryCounts(Open):
    open: Count
    deployments_affected: Count
    by_module: dict[str, ModuleAdvisoryCount]


class Dashboard(Open):
    dashboard_version: Literal[1]
    counts: Counts
    adoption: list[Adoption]
    at_risk: AtRisk
    advisories: AdvisoryCounts
    crawl_health: CrawlHealth


class HookPayload(Open):
    """A webhook delivery: any JSON object (only its repository fields are read)."""


class QueuedRepository(Open):
    id: int
    repository: str


class HookResult(Open):
    event: str
    queued: list[QueuedRepository] = []
    ignored: bool = False
    ok: bool = False
    hook_id: Any = None
    duplicate: bool = Field(False, description="this delivery id was handled before")


class Liveness(Shape):
    status: Literal["ok"]


class OpenApiDocument(Open):
    """This document."""

    openapi: str


# ---- query parameters ----------------------------------------------------------------------

QueryText = Annotated[str, Field(max_length=200)]


class Query(BaseModel):
    """Base of query parameter models: names as written, unknown parameters ignored."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)


class Paging(Query):
    limit: int = Field(50, ge=1, le=500, description="page size")
    offset: int = Field(0, ge=0, le=10**9, description="items to skip (see `next`)")


class ModuleQuery(Paging):
    q: QueryText = Field("", description="free text in slug, names, summaries, topic")
    topic: QueryText | None = Field(None, description="topic")
    status: QueryText | None = Field(None, description="development status")


class DeploymentQuery(Paging):
    state: QueryText | None = Field(None, description="state code, e.g. BB")


class UpgradeQuery(Query):
    component: QueryText = Field(description="component to upgrade")
    to: QueryText = Field(description="target version")


class ModulesQuery(Query):
    module: list[QueryText] = Field(
        [], description="only these modules (comma-separated or repeated)"
    )


class WhatIfQuery(ModulesQuery):
    """The hypothetical deployment: ``<component>=<version>`` and
    ``<component>.capabilities=a,b`` for any component, plus the policy parameters."""

    model_config = ConfigDict(extra="allow")

    app: QueryText | None = Field(
        None, description="a component version, e.g. app=4.2.1 (any component name works)"
    )
    mainserver_capabilities: QueryText | None = Field(
        None,
        alias="mainserver.capabilities",
        description="comma-separated capabilities of a component (<component>.capabilities)",
    )
    # Checked by the service with the component versions, so one answer lists every problem.
    channel: QueryText | None = Field(None, description="release channel: stable or prerelease")
    licenses: QueryText | None = Field(None, description="allowed SPDX ids, comma-separated")


class AdvisoryQuery(Query):
    module: QueryText | None = Field(None, description="only those naming this module")
    since: QueryText | None = Field(
        None, description="only those modified at or after this time (ISO 8601)"
    )


class FeedQuery(Query):
    since: QueryText | None = Field(
        None, description="only events at or after this time (ISO 8601)"
    )
    cursor: QueryText | None = Field(None, description="opaque position from `next_url`")
    limit: int = Field(50, ge=1, le=200, description="page size")
