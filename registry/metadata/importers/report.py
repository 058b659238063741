"""What an importer returns: the modules/components it read, what mapped, what did not, problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from registry.metadata.problems import Problem

DEVELOPMENT_STATUSES = ("concept", "development", "beta", "stable", "deprecated")


@dataclass(frozen=True)
class ImportReport:
    """The result of importing one file.

    ``modules`` and ``components`` are dicts in the shape of docs/export-format.md; ``mapped``
    names the source fields that found a place, ``unmapped`` the ones that did not (with why);
    ``problems`` make the imported data unusable or wrong (syntax, no slug, an invalid range,
    version or license): a caller should not store the file's modules. ``warnings`` are places
    where the file breaks its own standard (admin-doku's schema, publiccode's required keys)
    but what was imported is sound; they are reported and do not block the import.
    """

    file: str
    kind: str
    modules: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    mapped: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return {
            "file": self.file,
            "kind": self.kind,
            "modules": self.modules,
            "components": self.components,
            "mapped": self.mapped,
            "unmapped": self.unmapped,
            "problems": [p.to_dict() for p in self.problems],
            "warnings": [p.to_dict() for p in self.warnings],
        }


def new_module(slug: str, source: str, **fields: Any) -> dict[str, Any]:
    """A module dict of the export format with every key present; ``fields`` override defaults."""
    module: dict[str, Any] = {
        "slug": slug,
        "name": {"de": None, "en": None},
        "summary": {"de": None, "en": None},
        "description": {"de": None, "en": None},
        "topic": None,
        "kind": "standalone",
        "host": None,
        "repository": None,
        "tagPrefix": "",
        "license": None,
        "developmentStatus": None,
        "maintainers": [],
        "platforms": [],
        "flags": {
            "hidden": False,
            "deprecated": False,
            "successor": None,
            "archived": False,
            "gone": False,
        },
        "extra": {},
        "profile": {},
        "source": source,
        "releases": [],
    }
    module.update(fields)
    module["flags"]["deprecated"] = module["developmentStatus"] == "deprecated"
    return module


def new_release(version: str, metadata_source: str, **fields: Any) -> dict[str, Any]:
    """A release dict of the export format (no tag/sha: importers read files, not repositories)."""
    release: dict[str, Any] = {
        "version": version,
        "tag": None,
        "tags": [],
        "sha": None,
        "date": None,
        "prerelease": False,
        "yanked": False,
        "yankedReason": None,
        "withdrawn": False,
        "license": {"declared": None, "detected": None},
        "requires": {},
        "dependsOn": {},
        "metadataSource": metadata_source,
        "problems": [],
    }
    release.update(fields)
    return release
