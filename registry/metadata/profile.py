"""A module's profile: the community's description sections (from admin-doku), as data.

One table names every section: its admin-doku key, its key in the export and API (``profile``
of a module) and its shape. ``text`` is Markdown, ``texts`` a list of short texts, ``named``
a list of ``{name, role|description, url}`` entries. Importers, the export and the module page
all read this table; nothing else lists the sections.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Shape = Literal["text", "texts", "named"]


@dataclass(frozen=True)
class ProfileField:
    source: str  # admin-doku key
    key: str  # key in the module's ``profile`` (export, API)
    shape: Shape
    detail: str = ""  # the second field of a "named" entry (role, description)


PROFILE_FIELDS: tuple[ProfileField, ...] = (
    ProfileField("usage_scenario", "usageScenario", "text"),
    ProfileField("involved_actors", "involvedActors", "named", "role"),
    ProfileField("interfaces", "interfaces", "texts"),
    ProfileField("external_services", "externalServices", "named", "description"),
    ProfileField("customization_options", "customizationOptions", "texts"),
    ProfileField("cost", "cost", "text"),
    ProfileField("roadmap", "roadmap", "texts"),
)
SOURCE_KEYS = frozenset(f.source for f in PROFILE_FIELDS)


def _is_placeholder(text: str) -> bool:
    return text.strip().startswith("[TODO")


def _clean_text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip() or _is_placeholder(value):
        return None
    return value.strip()


def _clean(field: ProfileField, value: Any) -> Any:
    """The value in the field's shape, or None when it has no usable content."""
    if field.shape == "text":
        return _clean_text(value)
    if not isinstance(value, list):
        return None
    if field.shape == "texts":
        items = [text for text in (_clean_text(v) for v in value) if text]
        return items or None
    entries = []
    for item in value:
        if isinstance(item, str) and _clean_text(item):
            # Some files write plain texts where the schema wants {name, ...}: keep the text.
            entries.append({"name": item.strip()})
            continue
        if not isinstance(item, dict) or not _clean_text(item.get("name")):
            continue
        entry = {"name": str(item["name"]).strip()}
        for key in (field.detail, "url"):
            text = _clean_text(item.get(key))
            if text:
                entry[key] = text
        entries.append(entry)
    return entries or None


def profile_from_admin_doku(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The profile sections of an admin-doku module and the names of the keys mapped."""
    profile: dict[str, Any] = {}
    mapped = []
    for field in PROFILE_FIELDS:
        value = _clean(field, data.get(field.source))
        if value is not None:
            profile[field.key] = value
            mapped.append(f"{field.source} -> profile.{field.key}")
    return profile, mapped


def normalized_profile(data: Any) -> dict[str, Any]:
    """A profile (export/API shape) with only known sections in their shapes."""
    if not isinstance(data, dict):
        return {}
    profile = {}
    for field in PROFILE_FIELDS:
        value = _clean(field, data.get(field.key))
        if value is not None:
            profile[field.key] = value
    return profile
