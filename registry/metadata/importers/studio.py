"""SVA Studio ``plugin.manifest.json``: one standalone module ``studio-<pluginId>`` per plugin."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from packaging.version import InvalidVersion

from registry.compat.ranges import parse_version
from registry.metadata.checks import range_error
from registry.metadata.loader import Document, parse_text, read_file_text
from registry.metadata.problems import Problem, sort_problems
from registry.metadata.slugs import is_valid_slug, normalize_slug

from .report import ImportReport, new_module, new_release

KIND = "studio-manifest"
STUDIO_COMPONENT = "studio"
_KNOWN_KEYS = frozenset({"pluginId", "version", "sdkVersion", "hostCompatibility", "entryPoints"})


def import_studio_manifest_file(path: str | Path, display_name: str | None = None) -> ImportReport:
    """Import one ``plugin.manifest.json`` file (see ``import_studio_manifest_text``)."""
    name = display_name or str(path)
    text, problems = read_file_text(path, name)
    if text is None:
        return ImportReport(name, KIND, problems=problems)
    return import_studio_manifest_text(text, name)


def import_studio_manifest_text(text: str, filename: str) -> ImportReport:
    """Import a Studio plugin manifest.

    ``pluginId`` gives the slug ``studio-<pluginId>``; ``version`` becomes a release that
    requires the ``studio`` component in ``hostCompatibility.studioVersionRange`` with the
    ``requiredCapabilities``.
    """
    document, problems = parse_text(text, filename)
    if document is None:
        return ImportReport(filename, KIND, problems=problems)
    if not isinstance(document.data, dict):
        problems.append(document.problem((), "expected a JSON object at the top level"))
        return ImportReport(filename, KIND, problems=problems)
    return _import(document, problems)


def _import(document: Document, problems: list[Problem]) -> ImportReport:
    data: dict[str, Any] = document.data
    mapped: list[str] = []
    unmapped = ["repository, tagPrefix: the manifest names neither (plugins live in sva-studio)"]
    plugin_id = _required_text(document, data, "pluginId", problems)
    slug = normalize_slug(f"studio-{plugin_id or ''}")
    if plugin_id:
        mapped.append(f"pluginId -> slug {slug}, name")
        if not is_valid_slug(slug):
            problems.append(document.problem(("pluginId",), f"gives no valid slug: {slug!r}"))
    requirement = _host_requirement(document, data.get("hostCompatibility"), problems, mapped)
    extra = {key: data[key] for key in ("sdkVersion", "entryPoints") if key in data}
    if extra:
        mapped.append("to extra: " + ", ".join(extra))
    for key in sorted(set(data) - _KNOWN_KEYS):
        unmapped.append(f"{key}: unknown manifest key, ignored")
    module = new_module(
        slug,
        f"plugin.manifest.json:{PurePosixPath(document.filename).name}",
        name={"de": plugin_id, "en": plugin_id},
        kind="standalone",
        extra=extra,
    )
    version = _version(document, data, problems)
    if version:
        mapped.append("version -> release version")
        requires = {STUDIO_COMPONENT: requirement} if requirement else {}
        module["releases"] = [new_release(version, "plugin.manifest.json", requires=requires)]
    return ImportReport(
        document.filename, KIND, [module], [], mapped, unmapped, sort_problems(problems)
    )


def _required_text(
    document: Document, data: dict[str, Any], key: str, problems: list[Problem]
) -> str | None:
    value = data.get(key)
    if value is None:
        problems.append(document.problem((key,), f"missing required key '{key}'"))
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(document.problem((key,), "expected a non-empty text"))
        return None
    return value


def _version(document: Document, data: dict[str, Any], problems: list[Problem]) -> str | None:
    raw = _required_text(document, data, "version", problems)
    if raw is None:
        return None
    try:
        return str(parse_version(raw))
    except InvalidVersion:
        problems.append(document.problem(("version",), f"{raw!r} is no version (PEP 440 / SemVer)"))
        return None


def _host_requirement(
    document: Document, host: Any, problems: list[Problem], mapped: list[str]
) -> dict[str, Any] | None:
    if host is None:
        problems.append(
            document.problem(("hostCompatibility",), "missing required key 'hostCompatibility'")
        )
        return None
    if not isinstance(host, dict):
        problems.append(document.problem(("hostCompatibility",), "expected a JSON object"))
        return None
    range_text = host.get("studioVersionRange")
    path = ("hostCompatibility", "studioVersionRange")
    if not isinstance(range_text, str):
        problems.append(document.problem(path, "missing or not a text: the Studio version range"))
        range_text = None
    elif (reason := range_error(range_text)) is not None:
        problems.append(document.problem(path, reason))
    else:
        mapped.append("hostCompatibility.studioVersionRange -> requires.studio.range")
    capabilities = host.get("requiredCapabilities", [])
    if not isinstance(capabilities, list) or not all(isinstance(c, str) for c in capabilities):
        problems.append(
            document.problem(
                ("hostCompatibility", "requiredCapabilities"), "expected a list of texts"
            )
        )
        capabilities = []
    elif capabilities:
        mapped.append("hostCompatibility.requiredCapabilities -> requires.studio.capabilities")
    return {"range": range_text, "capabilities": list(capabilities)}


def is_studio_manifest(filename: str, data: Any) -> bool:
    """Whether a file is a Studio plugin manifest, by name or by its ``pluginId`` key."""
    name = PurePosixPath(filename).name.lower()
    return name == "plugin.manifest.json" or (
        isinstance(data, dict) and "pluginId" in data and "hostCompatibility" in data
    )
