"""``publiccode.yml`` (the standard used by openCode.de): import, and export per module."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

import yaml
from packaging.version import InvalidVersion

from registry.compat.ranges import parse_version
from registry.metadata.checks import license_error, range_error
from registry.metadata.loader import Document, PathKey, parse_text, read_file_text
from registry.metadata.problems import MetadataError, Problem, sort_problems
from registry.metadata.slugs import is_valid_slug, normalize_slug

from .report import ImportReport, new_module, new_release

KIND = "publiccode"
PUBLICCODE_VERSION = "0.4"
# Components the registry seeds (the domain model); a publiccode dependency with one of these names
# is a component requirement, any other name a dependency on a module.
DEFAULT_COMPONENTS = frozenset({"app", "mainserver", "cms", "studio", "humhub"})
SHORT_DESCRIPTION_MAX = 150
LONG_DESCRIPTION_MIN = 150
LONG_DESCRIPTION_MAX = 10_000
LANGUAGES = ("de", "en")

_STATUS_IN = {
    "concept": "concept",
    "development": "development",
    "beta": "beta",
    "stable": "stable",
    "obsolete": "deprecated",
}
_STATUS_OUT = {value: key for key, value in _STATUS_IN.items()}
_PLATFORMS = ("ios", "android", "web", "linux", "windows", "mac")
_REQUIRED = (
    "publiccodeYmlVersion",
    "name",
    "url",
    "platforms",
    "developmentStatus",
    "softwareType",
    "description",
    "legal",
    "maintenance",
    "localisation",
)
# Top-level keys kept verbatim in ``extra`` (no column in the registry).
_EXTRA_KEYS = (
    "applicationSuite",
    "categories",
    "softwareType",
    "softwareVersion",
    "releaseDate",
    "usedBy",
    "landingURL",
    "roadmap",
    "logo",
    "intendedAudience",
    "localisation",
    "inputTypes",
    "outputTypes",
    "isBasedOn",
    "fundedBy",
    "organisation",
)
# Stored extra keys the export writes back as read (categories, softwareType, softwareVersion,
# releaseDate, localisation, legal and description are written by their own rules).
_PASSED_THROUGH = (
    "applicationSuite",
    "usedBy",
    "roadmap",
    "logo",
    "intendedAudience",
    "inputTypes",
    "outputTypes",
    "isBasedOn",
    "fundedBy",
    "organisation",
)
# Keys the 0.2 standard had at the top level that belong under description.<lang> since 0.3.
_MISPLACED = ("features", "screenshots", "videos", "documentation", "apiDocumentation", "scope")
# admin-doku topics -> publiccode categories; others fall back to digital-citizenship.
_TOPIC_CATEGORIES = {
    "veranstaltungskalender": "event-management",
    "kulturveranstaltungen": "event-management",
    "maengelmelder": "it-service-management",
    "nachrichten": "communications",
    "push-benachrichtigungen": "communications",
    "bürgerbeteiligung": "survey",
    "terminbuchung": "appointment-scheduling",
    "raumbuchung": "online-booking",
    "kontaktverzeichnis": "contact-management",
    "feedbackmodul": "feedback-and-reviews-management",
    "stellenangebote": "applicant-tracking",
    "hilfe-und-faq": "help-desk",
    "marktplatz": "e-commerce",
    "formularservice": "data-collection",
}


def import_publiccode_file(
    path: str | Path,
    display_name: str | None = None,
    components: frozenset[str] = DEFAULT_COMPONENTS,
) -> ImportReport:
    """Import one ``publiccode.yml`` file (see ``import_publiccode_text``)."""
    name = display_name or str(path)
    text, problems = read_file_text(path, name)
    if text is None:
        return ImportReport(name, KIND, problems=problems)
    return import_publiccode_text(text, name, components)


def import_publiccode_text(
    text: str, filename: str, components: frozenset[str] = DEFAULT_COMPONENTS
) -> ImportReport:
    """Import ``publiccode.yml`` text into one standalone module.

    The slug is the repository name of ``url`` (else the name). ``dependsOn.open[]`` entries
    become ranges (``versionMin`` -> ``>=``, ``versionMax`` -> ``<=``, ``version`` -> ``==``): a
    requirement on a component when the name is one of ``components``, else a module dependency.
    They sit on a release for ``softwareVersion``, the only version a publiccode.yml names.
    """
    document, problems = parse_text(text, filename)
    if document is None:
        return ImportReport(filename, KIND, problems=problems)
    if not isinstance(document.data, dict):
        problems.append(document.problem((), "expected a mapping at the top level"))
        return ImportReport(filename, KIND, problems=problems)
    return _Importer(document, components).run(problems)


class _Importer:
    def __init__(self, document: Document, components: frozenset[str]) -> None:
        self.document = document
        self.data: dict[str, Any] = document.data
        self.components = components
        self.mapped: list[str] = []
        self.unmapped: list[str] = []
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def run(self, problems: list[Problem]) -> ImportReport:
        self._check_required()
        texts = self._texts()
        module = new_module(
            self._slug(),
            "publiccode.yml",
            **texts,
            kind="standalone",
            repository=self._string(("url",), "url -> repository"),
            license=self._license(),
            developmentStatus=self._status(),
            maintainers=self._maintainers(),
            platforms=self._platforms(),
            extra=self._extra(),
        )
        release = self._release(module["license"])
        if release:
            module["releases"] = [release]
        self._note_unmapped()
        return ImportReport(
            self.document.filename,
            KIND,
            [module],
            [],
            self.mapped,
            self.unmapped,
            sort_problems([*problems, *self.problems]),
            sort_problems(self.warnings),
        )

    def _problem(self, path: PathKey, message: str) -> None:
        self.problems.append(self.document.problem(path, message))

    def _get(self, path: PathKey) -> Any:
        value: Any = self.data
        for key in path:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    def _string(self, path: PathKey, note: str | None = None) -> str | None:
        value = self._get(path)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self._problem(path, "expected a non-empty text")
            return None
        if note:
            self.mapped.append(note)
        return value.strip()

    def _check_required(self) -> None:
        # Keys the standard requires but the registry can do without are warnings; a missing
        # license is simply an unknown license for the registry.
        for key in _REQUIRED:
            if key not in self.data:
                self.warnings.append(
                    self.document.problem(
                        (key,), f"missing required key '{key}' (publiccode.yml standard)"
                    )
                )
        if self._get(("legal",)) is not None and self._get(("legal", "license")) is None:
            self.warnings.append(
                self.document.problem(("legal", "license"), "missing required key 'license'")
            )

    def _slug(self) -> str:
        url = self._get(("url",))
        name = self._get(("name",))
        source = ""
        if isinstance(url, str) and urlparse(url).path.strip("/"):
            source = PurePosixPath(urlparse(url).path).name.removesuffix(".git")
            self.mapped.append("url (repository name) -> slug")
        elif isinstance(name, str):
            source = name
            self.mapped.append("name -> slug")
        slug = normalize_slug(source)
        if not is_valid_slug(slug):
            self._problem(("url",), f"no valid slug can be made from url or name: {slug!r}")
        return slug

    def _texts(self) -> dict[str, dict[str, str | None]]:
        name = self._string(("name",), "name -> name.de, name.en")
        texts: dict[str, dict[str, str | None]] = {
            "name": {"de": name, "en": name},
            "summary": {"de": None, "en": None},
            "description": {"de": None, "en": None},
        }
        description = self._get(("description",))
        if description is not None and not isinstance(description, dict):
            self._problem(("description",), "expected a mapping of language to description")
            return texts
        for given, block in (description or {}).items():
            language = _language_of(given, description)
            if language is None:
                self.unmapped.append(f"description.{given}: only de and en are kept")
                continue
            short = self._string(("description", given, "shortDescription"))
            long = self._string(("description", given, "longDescription"))
            texts["summary"][language] = short
            texts["description"][language] = long
            self.mapped.append(
                f"description.{language}.shortDescription/longDescription -> "
                f"summary.{language}/description.{language}"
            )
            if isinstance(block, dict):
                rest = sorted(set(block) - {"shortDescription", "longDescription"})
                if rest:
                    self.mapped.append(f"description.{language}.{{{', '.join(rest)}}} -> extra")
        return texts

    def _license(self) -> str | None:
        license_text = self._string(("legal", "license"), "legal.license -> license")
        if license_text:
            reason = license_error(license_text)
            if reason:
                self._problem(("legal", "license"), reason)
        return license_text

    def _status(self) -> str | None:
        status = self._get(("developmentStatus",))
        if status is None:
            return None
        if not isinstance(status, str) or status not in _STATUS_IN:
            allowed = ", ".join(_STATUS_IN)
            self._problem(("developmentStatus",), f"{status!r} is not one of: {allowed}")
            return None
        self.mapped.append(f"developmentStatus {status} -> {_STATUS_IN[status]}")
        return _STATUS_IN[status]

    def _maintainers(self) -> list[dict[str, str | None]]:
        contacts = self._get(("maintenance", "contacts"))
        if contacts is None:
            return []
        if not isinstance(contacts, list):
            self._problem(("maintenance", "contacts"), "expected a list of contacts")
            return []
        maintainers = []
        for index, contact in enumerate(contacts):
            if not isinstance(contact, dict) or not isinstance(contact.get("name"), str):
                self._problem(("maintenance", "contacts", index), "a contact needs a name")
                continue
            email = contact.get("email")
            maintainers.append(
                {
                    "name": contact["name"],
                    "email": email if isinstance(email, str) else None,
                    "url": None,
                }
            )
        self.mapped.append("maintenance.contacts -> maintainers (name, email)")
        return maintainers

    def _platforms(self) -> list[str]:
        platforms = self._get(("platforms",))
        if platforms is None:
            return []
        if not isinstance(platforms, list):
            self._problem(("platforms",), "expected a list")
            return []
        known = [p for p in platforms if p in _PLATFORMS]
        other = [str(p) for p in platforms if p not in _PLATFORMS]
        if known:
            self.mapped.append("platforms -> platforms")
        if other:
            self.unmapped.append(f"platforms {other}: not one of {', '.join(_PLATFORMS)}")
        return known

    def _extra(self) -> dict[str, Any]:
        extra = {key: self.data[key] for key in _EXTRA_KEYS if key in self.data}
        for key in ("legal", "maintenance"):
            block = self._get((key,))
            if isinstance(block, dict):
                kept = {k: v for k, v in block.items() if k not in ("license", "contacts")}
                if kept:
                    extra[key] = kept
        description = self._get(("description",))
        if isinstance(description, dict):
            more = {
                _language_of(given, description) or given: {
                    k: v
                    for k, v in block.items()
                    if k not in ("shortDescription", "longDescription")
                }
                for given, block in description.items()
                if isinstance(block, dict)
            }
            more = {language: block for language, block in more.items() if block}
            if more:
                extra["description"] = more
        misplaced = {key: self.data[key] for key in _MISPLACED if key in self.data}
        if misplaced:
            extra.update(misplaced)
        if extra:
            self.mapped.append("to extra: " + ", ".join(extra))
        return extra

    def _release(self, license_text: str | None) -> dict[str, Any] | None:
        requires, depends = self._requirements()
        raw = self._get(("softwareVersion",))
        if raw is None:
            if requires or depends:
                self.unmapped.append("dependsOn: no softwareVersion to attach requirements to")
            return None
        try:
            version = str(parse_version(str(raw)))
        except InvalidVersion:
            # The standard only displays softwareVersion ("dev", "latest"): kept in extra as
            # text, but no release is made of it.
            self.unmapped.append(f"softwareVersion {raw!r}: no version, no release made")
            return None
        self.mapped.append("softwareVersion -> release version")
        date = self._get(("releaseDate",))
        return new_release(
            version,
            "publiccode.yml",
            date=date if isinstance(date, str) else None,
            license={"declared": license_text, "detected": None},
            requires=requires,
            dependsOn=depends,
        )

    def _requirements(self) -> tuple[dict[str, Any], dict[str, str]]:
        requires: dict[str, Any] = {}
        depends: dict[str, str] = {}
        entries = self._get(("dependsOn", "open"))
        for kind in ("proprietary", "hardware"):
            if self._get(("dependsOn", kind)):
                self.unmapped.append(f"dependsOn.{kind}: not tracked by the registry")
        if entries is None:
            return requires, depends
        if not isinstance(entries, list):
            self._problem(("dependsOn", "open"), "expected a list")
            return requires, depends
        for index, entry in enumerate(entries):
            path: PathKey = ("dependsOn", "open", index)
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                self._problem(path, "a dependency needs a name")
                continue
            target = normalize_slug(entry["name"])
            if entry.get("optional") is True:
                # An optional dependency (MySQL or PostgreSQL) must never block adoption.
                self.unmapped.append(
                    f"dependsOn.open[{index}] {entry['name']}: optional, not required"
                )
                continue
            range_text = _range_from_entry(entry, self.document, path)
            reason = range_error(range_text) if range_text != "*" else None
            if reason:
                self._problem(path, reason)
                continue
            if target in self.components:
                requires[target] = {"range": range_text, "capabilities": []}
            else:
                depends[target] = range_text
        self.mapped.append("dependsOn.open -> requires (components) / dependsOn (modules)")
        return requires, depends

    def _note_unmapped(self) -> None:
        self.unmapped.append("topic: publiccode categories do not name an admin-doku topic")
        self.unmapped.append("tagPrefix: publiccode.yml names no tag scheme")
        for key in _MISPLACED:
            if key in self.data:
                self.unmapped.append(
                    f"{key}: belongs under description.<lang> since publiccode 0.3; kept in extra"
                )


def _language_of(given: Any, description: dict[str, Any]) -> str | None:
    """The registry language of a description key, None when it keeps none.

    "en-GB", "de-DE" are the standard's BCP 47 tags: a region folds into its language unless
    the plain language is given as well.
    """
    language = str(given).split("-", 1)[0].lower()
    if language not in LANGUAGES or (given != language and language in description):
        return None
    return language


def _range_from_entry(entry: dict[str, Any], document: Document, path: PathKey) -> str:
    def text(key: str) -> str | None:
        if entry.get(key) is None:
            return None
        # `versionMin: 1.10` is read by YAML as 1.1; the source text is what the author meant.
        return document.number_texts.get((*path, key), str(entry[key]))

    exact = text("version")
    if exact is not None:
        return f"=={exact}"
    parts = []
    if (minimum := text("versionMin")) is not None:
        parts.append(f">={minimum}")
    if (maximum := text("versionMax")) is not None:
        parts.append(f"<={maximum}")
    return ",".join(parts) or "*"


def to_publiccode(module: dict[str, Any]) -> str:
    """A ``publiccode.yml`` (standard 0.4) for a module dict of the export format.

    Raises MetadataError when the module lacks what the standard requires and cannot be
    derived (a repository URL, a license). The long description is padded from the summary
    and a generated sentence to reach the standard's 150 character minimum.
    """
    problems = _export_problems(module)
    if problems:
        raise MetadataError(problems)
    name = _first_text(module.get("name")) or module["slug"]
    languages = [lang for lang in LANGUAGES if _has_text(module, lang)] or ["de"]
    platforms = list(module.get("platforms") or []) or _default_platforms(module)
    document: dict[str, Any] = {
        "publiccodeYmlVersion": PUBLICCODE_VERSION,
        "name": name,
        "url": module["repository"],
    }
    extra = module.get("extra") or {}
    if isinstance(extra.get("landingURL"), str):
        document["landingURL"] = extra["landingURL"]
    release = _newest_release(module)
    if release:
        document["softwareVersion"] = release["version"]
    elif isinstance(extra.get("softwareVersion"), str | int | float):
        # "dev", "latest": the standard only displays it; kept as read.
        document["softwareVersion"] = str(extra["softwareVersion"])
    release_date = _release_date(module, release)
    if release_date:
        document["releaseDate"] = release_date
    document.update(
        {
            "platforms": platforms,
            "categories": _categories(module),
            "developmentStatus": _STATUS_OUT.get(
                module.get("developmentStatus") or "", "development"
            ),
            "softwareType": _software_type(module, platforms),
            "description": {lang: _description(module, name, lang) for lang in languages},
            "legal": {**_kept_block(extra, "legal"), "license": module["license"]},
            "maintenance": _maintenance(module),
            "localisation": _localisation(extra, languages),
        }
    )
    for key in _PASSED_THROUGH:
        if extra.get(key) not in (None, "", [], {}):
            document[key] = extra[key]
    dependencies = _dependencies(release)
    if dependencies:
        document["dependsOn"] = {"open": dependencies}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _kept_block(extra: dict[str, Any], key: str) -> dict[str, Any]:
    block = extra.get(key)
    return dict(block) if isinstance(block, dict) else {}


def _localisation(extra: dict[str, Any], languages: list[str]) -> dict[str, Any]:
    # What the file said is kept (a German-only app may still be localisation-ready); only a
    # module that never had a publiccode.yml gets the registry's own languages.
    stored = _kept_block(extra, "localisation")
    ready = stored.get("localisationReady")
    available = stored.get("availableLanguages")
    return {
        **stored,
        "localisationReady": ready if isinstance(ready, bool) else len(languages) > 1,
        "availableLanguages": available if isinstance(available, list) and available else languages,
    }


def _export_problems(module: dict[str, Any]) -> list[Problem]:
    source = f"module {module.get('slug')}"
    problems = []
    if not module.get("repository"):
        problems.append(
            Problem(source, None, None, "repository", "publiccode.yml needs a repository URL")
        )
    if not module.get("license"):
        problems.append(Problem(source, None, None, "license", "publiccode.yml needs a license"))
    return problems


def _first_text(texts: Any) -> str | None:
    if not isinstance(texts, dict):
        return None
    return next((texts[lang] for lang in LANGUAGES if texts.get(lang)), None)


def _has_text(module: dict[str, Any], language: str) -> bool:
    return any((module.get(key) or {}).get(language) for key in ("summary", "description"))


def _default_platforms(module: dict[str, Any]) -> list[str]:
    # Modules inside the app run where the app runs; other modules are assumed web services.
    host = module.get("host") or {}
    return ["ios", "android"] if host.get("component") == "app" else ["web"]


def _categories(module: dict[str, Any]) -> list[str]:
    categories = (module.get("extra") or {}).get("categories")
    if isinstance(categories, list) and categories:
        return [str(c) for c in categories]
    return [_TOPIC_CATEGORIES.get(module.get("topic") or "", "digital-citizenship")]


def _software_type(module: dict[str, Any], platforms: list[str]) -> str:
    software_type = (module.get("extra") or {}).get("softwareType")
    if isinstance(software_type, str):
        return software_type
    if module.get("kind") == "in-app":
        return "addon"
    return "standalone/mobile" if {"ios", "android"} & set(platforms) else "standalone/web"


def _description(module: dict[str, Any], name: str, language: str) -> dict[str, Any]:
    summary = (module.get("summary") or {}).get(language) or ""
    long = (module.get("description") or {}).get(language) or ""
    short = summary or long or name
    if len(short) > SHORT_DESCRIPTION_MAX:
        short = short[: SHORT_DESCRIPTION_MAX - 1].rstrip() + "…"
    extra = module.get("extra") or {}
    kept = (extra.get("description") or {}).get(language)
    # Keys a 0.2 file had at the top level go where the standard has them since 0.3.
    misplaced = {key: extra[key] for key in _MISPLACED if extra.get(key) not in (None, "", [])}
    return {
        **misplaced,
        **(kept if isinstance(kept, dict) else {}),
        "shortDescription": short,
        "longDescription": _long_description(name, summary, long, language),
        "features": _features(module, language) or [summary or name],
    }


def _features(module: dict[str, Any], language: str) -> list[str]:
    extra = module.get("extra") or {}
    per_language = ((extra.get("description") or {}).get(language) or {}).get("features")
    features = per_language if isinstance(per_language, list) else extra.get("features")
    return [str(f) for f in features] if isinstance(features, list) else []


def _long_description(name: str, summary: str, long: str, language: str) -> str:
    text = long
    if len(text) < LONG_DESCRIPTION_MIN and summary and summary not in text:
        text = f"{text}\n\n{summary}" if text else summary
    if len(text) < LONG_DESCRIPTION_MIN:
        # The standard asks for at least 150 characters; say what the module is rather than
        # repeating words, so the padding is still true.
        filler = {
            "de": f"{name} ist ein Modul der Smart Village App, des quelloffenen App-Baukastens "
            "für Kommunen. Einzelheiten zu Versionen, Voraussetzungen und Einsatz in den "
            "Kommunen stehen im Modulregister der SVA-Community.",
            "en": f"{name} is a module of the Smart Village App, the open-source app builder "
            "for municipalities. Details on its versions, requirements and use in "
            "municipalities are in the SVA community's module registry.",
        }[language]
        text = f"{text}\n\n{filler}" if text else filler
    return text[:LONG_DESCRIPTION_MAX]


def _maintenance(module: dict[str, Any]) -> dict[str, Any]:
    maintainers = [m for m in module.get("maintainers") or [] if m.get("name")]
    contacts = []
    for maintainer in maintainers:
        contact = {"name": maintainer["name"]}
        if maintainer.get("email"):
            contact["email"] = maintainer["email"]
        contacts.append(contact)
    imported = (module.get("extra") or {}).get("maintenance")
    # A maintenance contract read from a publiccode.yml survives the round trip.
    if (
        isinstance(imported, dict)
        and imported.get("type") == "contract"
        and imported.get("contractors")
    ):
        result: dict[str, Any] = {"type": "contract", "contractors": imported["contractors"]}
        if contacts:
            result["contacts"] = contacts
        return result
    if not contacts:
        return {"type": "none"}
    return {"type": "community", "contacts": contacts}


def _newest_release(module: dict[str, Any]) -> dict[str, Any] | None:
    candidates = []
    for release in module.get("releases") or []:
        if release.get("yanked") or release.get("prerelease"):
            continue
        try:
            candidates.append((parse_version(str(release["version"])), release))
        except (InvalidVersion, KeyError):
            continue
    return max(candidates, key=lambda pair: pair[0])[1] if candidates else None


def _release_date(module: dict[str, Any], release: dict[str, Any] | None) -> str | None:
    extra = module.get("extra") or {}
    for value in ((release or {}).get("date"), extra.get("releaseDate"), extra.get("last_update")):
        if isinstance(value, str) and len(value) >= 10:
            return value[:10]
    return None


def _dependencies(release: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not release:
        return []
    entries = []
    requirements = [
        (name, (req or {}).get("range")) for name, req in (release.get("requires") or {}).items()
    ] + list((release.get("dependsOn") or {}).items())
    for name, range_text in requirements:
        entry: dict[str, Any] = {"name": name}
        entry.update(_bounds(range_text))
        entries.append(entry)
    return entries


def _bounds(range_value: Any) -> dict[str, str]:
    # publiccode can only say min/max/exact; a range it cannot express keeps just the name.
    # A stored module holds {"range", "normalized"}; the importer's own dict the plain text.
    range_text = range_value.get("range") if isinstance(range_value, dict) else range_value
    if not isinstance(range_text, str) or not range_text.strip() or range_text.strip() == "*":
        return {}
    parts = [p.strip() for p in range_text.split(",")]
    if len(parts) == 1 and parts[0].startswith("=="):
        return {"version": parts[0][2:]}
    bounds = {}
    for part in parts:
        if part.startswith(">="):
            bounds["versionMin"] = part[2:]
        elif part.startswith("<="):
            bounds["versionMax"] = part[2:]
        else:
            return {}
    return bounds


def is_publiccode_document(filename: str, data: Any) -> bool:
    """Whether a file is a publiccode.yml, by name or by its ``publiccodeYmlVersion`` key."""
    name = PurePosixPath(filename).name.lower()
    by_name = name in ("publiccode.yml", "publiccode.yaml") or name.endswith(
        (".publiccode.yml", ".publiccode.yaml")
    )
    return by_name or (isinstance(data, dict) and "publiccodeYmlVersion" in data)
