"""Plain-dict views of the models: the shapes of docs/export-format.md and of the API.

The fields are those of the models in ``registry.shapes``; used by the export, the API and the
feeds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from registry import shapes
from registry.compat.versions import version_key
from registry.models import (
    Component,
    ComponentVersion,
    CrawlRequest,
    Deployment,
    Event,
    Module,
    ModuleMirror,
    Release,
)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def component_dict(component: Component, with_versions: bool = True) -> dict[str, Any]:
    return component_shape(component, with_versions).dump()


def component_shape(
    component: Component, with_versions: bool = False
) -> shapes.Component | shapes.ComponentWithVersions:
    fields: dict[str, Any] = {
        "name": component.name,
        "title": shapes.Text(de=component.title_de, en=component.title_en),
        "description": shapes.Text(de=component.description_de, en=component.description_en),
        "repository": component.repository,
        "tag_prefix": component.tag_prefix,
        "versioning": component.versioning,
        **({"sources": dict(component.sources)} if component.sources else {}),
        "capabilities": [
            shapes.Capability(name=c.name, source=c.source)
            for c in sorted(component.capabilities, key=lambda c: c.name)
        ],
    }
    if not with_versions:
        return shapes.Component(**fields)
    versions = [component_version_shape(v) for v in sorted_versions(component.versions)]
    return shapes.ComponentWithVersions(**fields, versions=versions)


def component_version_dict(version: ComponentVersion) -> dict[str, Any]:
    return component_version_shape(version).dump()


def component_version_shape(version: ComponentVersion) -> shapes.ComponentVersion:
    return shapes.ComponentVersion(
        version=version.version,
        tag=version.tag,
        sha=version.sha,
        date=iso(version.date),
        prerelease=version.prerelease,
        support=version.support,
    )


def module_dict(module: Module, with_releases: bool = False) -> dict[str, Any]:
    fields = module_fields(module)
    if with_releases:
        releases = [release_shape(r) for r in sorted_releases(module.releases)]
        return shapes.ModuleWithReleases(**fields, releases=releases).dump()
    return shapes.Module(**fields).dump()


def module_fields(module: Module) -> dict[str, Any]:
    """The fields of shapes.Module for ``module`` (subclasses add theirs)."""
    return {
        "slug": module.slug,
        "name": shapes.Text(de=module.name_de, en=module.name_en),
        "summary": shapes.Text(de=module.summary_de, en=module.summary_en),
        "description": shapes.Text(de=module.description_de, en=module.description_en),
        "topic": module.topic,
        "kind": module.kind,
        "host": (
            shapes.Host(component=module.host_component, path=module.host_path)
            if module.kind == "in-app"
            else None
        ),
        "repository": module.repository,
        "tag_prefix": module.tag_prefix,
        "license": module.license,
        "development_status": module.development_status,
        "maintainers": list(module.maintainers or []),
        "platforms": list(module.platforms or []),
        "flags": shapes.Flags(
            hidden=module.hidden,
            deprecated=module.deprecated,
            successor=module.successor,
            archived=module.archived,
            gone=module.gone,
        ),
        "extra": dict(module.extra or {}),
        "profile": dict(module.profile or {}),
        "source": module.source,
        "provenance": dict(module.provenance or {}),
    }


def mirror_dict(mirror: ModuleMirror) -> dict[str, Any]:
    """A mirror and its last check, as ``GET /api/v1/modules/<slug>`` shows it."""
    return shapes.Mirror(
        url=mirror.url,
        forge=mirror.forge,
        status=mirror.status,
        missing_tags=list(mirror.missing_tags or []),
        checked_at=iso(mirror.checked_at),
        behind_since=iso(mirror.behind_since),
        source=mirror.source,
    ).dump()


def release_dict(release: Release) -> dict[str, Any]:
    """A release as the API and the export show it: raw ranges (normalized beside them)."""
    return release_shape(release).dump()


def release_shape(release: Release) -> shapes.Release:
    return shapes.Release(
        version=release.version,
        tag=release.tag,
        tags=list(release.tags or []),
        sha=release.sha,
        date=iso(release.date),
        prerelease=release.prerelease,
        yanked=release.yanked,
        yanked_reason=release.yanked_reason,
        withdrawn=release.withdrawn,
        license=shapes.License(
            declared=release.license_declared, detected=release.license_detected
        ),
        requires={
            name: shapes.Requirement(
                range=req.get("range"),
                normalized=req.get("normalized"),
                capabilities=list(req.get("capabilities") or []),
            )
            for name, req in sorted((release.requires or {}).items())
        },
        depends_on={
            slug: shapes.Range(range=dep.get("range"), normalized=dep.get("normalized"))
            for slug, dep in sorted((release.depends_on or {}).items())
        },
        metadata_source=release.metadata_source,
        source_repository=release.source_repository,
        problems=list(release.problems or []),
    )


def deployment_dict(deployment: Deployment) -> dict[str, Any]:
    stored = {
        "id": deployment.id,
        "demo": deployment.demo,
        "createdAt": iso(deployment.created_at),
        "updatedAt": iso(deployment.updated_at),
    }
    return shapes.Deployment.model_validate({**deployment.document, **stored}).dump()


def crawl_dict(crawl: CrawlRequest) -> dict[str, Any]:
    return shapes.CrawlRequest(
        id=crawl.id,
        repository=crawl.repository,
        reason=crawl.reason,
        requested_at=iso(crawl.requested_at),
        done_at=iso(crawl.done_at),
    ).dump()


def event_dict(event: Event) -> dict[str, Any]:
    return shapes.Event(
        id=event.id,
        kind=event.kind,
        module=event.module_slug,
        version=event.version,
        deployment=event.deployment_id,
        created_at=iso(event.created_at),
        data=dict(event.data or {}),
    ).dump()


def sorted_releases(releases: list[Release]) -> list[Release]:
    """Newest first, by PEP 440 order."""
    return sorted(releases, key=lambda r: version_key(r.version), reverse=True)


def sorted_versions(versions: list[ComponentVersion]) -> list[ComponentVersion]:
    """Newest first, by PEP 440 order."""
    return sorted(versions, key=lambda v: version_key(v.version), reverse=True)
