"""Plain German or English sentences for reasons, for the web UI and the CLI."""

from __future__ import annotations

from typing import Literal

from registry.compat.model import (
    CAPABILITY_MISSING,
    COMPONENT_MISSING,
    DEPENDENCY_UNSATISFIABLE,
    LICENSE_NOT_ALLOWED,
    METADATA_INVALID,
    PRERELEASE,
    VERSION_MISMATCH,
    VERSION_UNKNOWN,
    YANKED,
    Reason,
)

__all__ = ["describe_range", "explain"]

Lang = Literal["de", "en"]

_SUBJECT = {
    "de": {
        "app": "Die App",
        "mainserver": "Der Mainserver",
        "cms": "Das CMS",
        "studio": "SVA Studio",
    },
    "en": {
        "app": "The app",
        "mainserver": "The mainserver",
        "cms": "The CMS",
        "studio": "SVA Studio",
    },
}


_TEMPLATES: dict[str, tuple[str, str]] = {
    YANKED: ("Diese Version wurde zurückgezogen.", "This release was withdrawn."),
    PRERELEASE: (
        "Das ist eine Vorabversion; die Installation bezieht nur stabile Versionen.",
        "This is a prerelease; the deployment only takes stable releases.",
    ),
    METADATA_INVALID: (
        "Die Metadaten dieser Version sind ungültig: {actual}.",
        "The metadata of this release is invalid: {actual}.",
    ),
    COMPONENT_MISSING: (
        "{subject} fehlt in der Installation (benötigt: {required}).",
        "{subject} is missing from the deployment (required: {required}).",
    ),
    VERSION_UNKNOWN: (
        "Die Version von {component} ist unbekannt (nur Commit {actual}); benötigt wird {words}.",
        "The version of {component} is unknown (only commit {actual}); {words} is required.",
    ),
    VERSION_MISMATCH: (
        "{subject} muss {words} haben (installiert: {actual}).",
        "{subject} must have {words} (installed: {actual}).",
    ),
    CAPABILITY_MISSING: (
        "{subject} bietet die Fähigkeit „{required}“ nicht.",
        "{subject} does not offer the capability '{required}'.",
    ),
    LICENSE_NOT_ALLOWED: (
        "Die Lizenz {actual} ist nach der Lizenzrichtlinie nicht erlaubt (erlaubt: {required}).",
        "The license {actual} is not allowed by the license policy (allowed: {required}).",
    ),
    DEPENDENCY_UNSATISFIABLE: (
        "Das Modul {module} wird in {words} benötigt; das ist nicht erfüllbar "
        "(installiert: {actual}).",
        "Module {module} is needed in {words}; that cannot be satisfied (installed: {actual}).",
    ),
}

_NOTHING = {"de": "keine", "en": "none"}


def explain(reason: Reason, lang: Lang = "de") -> str:
    """One sentence saying what blocks a release, e.g. "Die App muss mindestens Version 4.3.0
    haben (installiert: 4.2.1)."."""
    templates = _TEMPLATES.get(reason.code)
    if templates is None:
        return f"{reason.code}: {reason.required} / {reason.actual}"
    template = templates[0] if lang == "de" else templates[1]
    required = reason.required or _NOTHING[lang]
    return template.format(
        subject=_subject(reason.component, lang),
        component=reason.component,
        module=reason.module,
        required=required,
        words=describe_range(required, lang),
        actual=reason.actual or _NOTHING[lang],
    )


def describe_range(normalized: str, lang: Lang = "de") -> str:
    """Words for a normalized range: ">=4.3.0" -> "mindestens Version 4.3.0"."""
    de = lang == "de"
    parts = normalized.split(",")
    lower = [p[2:] for p in parts if p.startswith(">=")]
    upper = [p[1:] for p in parts if p.startswith("<") and not p.startswith("<=")]
    if "||" not in normalized and len(parts) == 1 and normalized.startswith("=="):
        return f"genau Version {normalized[2:]}" if de else f"exactly version {normalized[2:]}"
    if "||" not in normalized and len(parts) == 1 and lower:
        return f"mindestens Version {lower[0]}" if de else f"at least version {lower[0]}"
    if "||" not in normalized and len(parts) == 2 and lower and upper:
        return (
            f"eine Version ab {lower[0]} und unter {upper[0]}"
            if de
            else f"a version from {lower[0]} and below {upper[0]}"
        )
    return f"eine Version passend zu {normalized}" if de else f"a version matching {normalized}"


def _subject(component: str | None, lang: Lang) -> str:
    if component is None:
        return ""
    default = f"Die Komponente {component}" if lang == "de" else f"The component {component}"
    return _SUBJECT[lang].get(component, default)
