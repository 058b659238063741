"""Plain-dict views of the models: the shapes of docs/export-format.md and of the API.

One place for these shapes, used by the export, the API and the feeds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from registry.compat.versions import version_key
from registry.models import (
    Component,
    ComponentVersion,
    Deployment,
    Event,
    Module,
    ModuleMirror,
    Release,
)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def component_dict(component: Component, with_versions: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": component.name,
        "title": {"de": component.title_de, "en": component.title_en},
        "description": {"de": component.description_de, "en": component.description_en},
        "repository": component.repository,
        "tagPrefix": component.tag_prefix,
        "versioning": component.versioning,
        **({"sources": dict(component.sources)} if component.sources else {}),
        "capabilities": [
            {"name": c.name, "source": c.source}
            for c in sorted(component.capabilities, key=lambda c: c.name)
        ],
    }
    if with_versions:
        data["versions"] = [component_version_dict(v) for v in sorted_versions(component.versions)]
    return data


def component_version_dict(version: ComponentVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "tag": version.tag,
        "sha": version.sha,
        "date": iso(version.date),
        "prerelease": version.prerelease,
        "support": version.support,
    }


def module_dict(module: Module, with_releases: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": module.slug,
        "name": {"de": module.name_de, "en": module.name_en},
        "summary": {"de": module.summary_de, "en": module.summary_en},
        "description": {"de": module.description_de, "en": module.description_en},
        "topic": module.topic,
        "kind": module.kind,
        "host": (
            {"component": module.host_component, "path": module.host_path}
            if module.kind == "in-app"
            else None
        ),
        "repository": module.repository,
        "tagPrefix": module.tag_prefix,
        "license": module.license,
        "developmentStatus": module.development_status,
        "maintainers": list(module.maintainers or []),
        "platforms": list(module.platforms or []),
        "flags": {
            "hidden": module.hidden,
            "deprecated": module.deprecated,
            "successor": module.successor,
            "archived": module.archived,
            "gone": module.gone,
        },
        "extra": dict(module.extra or {}),
        "profile": dict(module.profile or {}),
        "source": module.source,
        "provenance": dict(module.provenance or {}),
    }
    if with_releases:
        data["releases"] = [release_dict(r) for r in sorted_releases(module.releases)]
    return data


def mirror_dict(mirror: ModuleMirror) -> dict[str, Any]:
    """A mirror and its last check, as ``GET /api/v1/modules/<slug>`` shows it."""
    return {
        "url": mirror.url,
        "forge": mirror.forge,
        "status": mirror.status,
        "missingTags": list(mirror.missing_tags or []),
        "checkedAt": iso(mirror.checked_at),
        "behindSince": iso(mirror.behind_since),
        "source": mirror.source,
    }


def release_dict(release: Release) -> dict[str, Any]:
    """A release as the API and the export show it: raw ranges (normalized beside them)."""
    return {
        "version": release.version,
        "tag": release.tag,
        "tags": list(release.tags or []),
        "sha": release.sha,
        "date": iso(release.date),
        "prerelease": release.prerelease,
        "yanked": release.yanked,
        "yankedReason": release.yanked_reason,
        "withdrawn": release.withdrawn,
        "license": {"declared": release.license_declared, "detected": release.license_detected},
        "requires": {
            name: {
                "range": req.get("range"),
                "normalized": req.get("normalized"),
                "capabilities": list(req.get("capabilities") or []),
            }
            for name, req in sorted((release.requires or {}).items())
        },
        "dependsOn": {
            slug: {"range": dep.get("range"), "normalized": dep.get("normalized")}
            for slug, dep in sorted((release.depends_on or {}).items())
        },
        "metadataSource": release.metadata_source,
        "sourceRepository": release.source_repository,
        "problems": list(release.problems or []),
    }


def deployment_dict(deployment: Deployment) -> dict[str, Any]:
    data = dict(deployment.document)
    data["id"] = deployment.id
    data["demo"] = deployment.demo
    data["createdAt"] = iso(deployment.created_at)
    data["updatedAt"] = iso(deployment.updated_at)
    return data


def event_dict(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "module": event.module_slug,
        "version": event.version,
        "deployment": event.deployment_id,
        "createdAt": iso(event.created_at),
        "data": dict(event.data or {}),
    }


def sorted_releases(releases: list[Release]) -> list[Release]:
    """Newest first, by PEP 440 order."""
    return sorted(releases, key=lambda r: version_key(r.version), reverse=True)


def sorted_versions(versions: list[ComponentVersion]) -> list[ComponentVersion]:
    """Newest first, by PEP 440 order."""
    return sorted(versions, key=lambda v: version_key(v.version), reverse=True)
