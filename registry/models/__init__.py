"""ORM models, one file per area. Every change comes with an Alembic revision (tests fail on drift).

Importing this package registers every table on ``Base.metadata``. A new area adds its own file
here and one import line below.
"""

from registry.models.adopters import ReportedAdopter
from registry.models.advisories import Advisory, AdvisoryModule
from registry.models.auth import ApiToken
from registry.models.catalog import (
    Component,
    ComponentCapability,
    ComponentVersion,
    Module,
    Release,
)
from registry.models.crawl import CrawlRequest, CrawlState, Lock, TagSnapshot
from registry.models.deployments import Deployment
from registry.models.events import DataVersion, Event
from registry.models.hooks import WebhookDelivery
from registry.models.knowledge import Contact, Guide, GuideRevision, OnboardingMark, Report
from registry.models.mirrors import ModuleMirror
from registry.models.platform import ComponentChange, PlatformRequirement
from registry.models.sessions import WebSession
from registry.models.types import JSONValue

__all__ = [
    "Advisory",
    "AdvisoryModule",
    "ApiToken",
    "Component",
    "ComponentCapability",
    "ComponentChange",
    "ComponentVersion",
    "Contact",
    "CrawlRequest",
    "CrawlState",
    "DataVersion",
    "Deployment",
    "Event",
    "Guide",
    "GuideRevision",
    "JSONValue",
    "Lock",
    "Module",
    "ModuleMirror",
    "OnboardingMark",
    "PlatformRequirement",
    "Release",
    "Report",
    "ReportedAdopter",
    "TagSnapshot",
    "WebSession",
    "WebhookDelivery",
]
