"""Plain German or English sentences for reasons, plan steps and notices, for the CLI.

The engine returns codes and data only; this module is the CLI's edge that words them (the
web UI words the same codes through its gettext catalog, ``registry/web/ui/reasons.py``).
Steps and notices are read in their JSON shape (``to_dict()``), as the API sends them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from registry.compat.model import (
    CAPABILITY_MISSING,
    COMPONENT_MISSING,
    DEPENDENCY_UNSATISFIABLE,
    LICENSE_NOT_ALLOWED,
    METADATA_INVALID,
    MODULE_PINNED,
    PRERELEASE,
    VERSION_MISMATCH,
    VERSION_UNKNOWN,
    YANKED,
    Reason,
)

__all__ = ["describe_notice", "describe_range", "describe_step", "explain"]

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
    MODULE_PINNED: (
        "Das Modul {module} bleibt auf Version {required}, solange keine Aktualisierung "
        "gewünscht ist.",
        "Module {module} stays at version {required} unless upgrades are asked for.",
    ),
}
_NO_RELEASE = (
    "Keine bekannte Version des Moduls {module} passt zu {words}.",
    "No known release of module {module} matches {words}.",
)
_USABLE = (
    "nur zusammen mit den anderen Anforderungen nicht nutzbar",
    "not usable together with the other requirements",
)

_NOTHING = {"de": "keine", "en": "none"}


def explain(reason: Reason, lang: Lang = "de") -> str:
    """One sentence saying what blocks a release, e.g. "Die App muss mindestens Version 4.3.0
    haben (installiert: 4.2.1)."."""
    templates = _TEMPLATES.get(reason.code)
    if templates is None:
        return f"{reason.code}: {reason.required} / {reason.actual}"
    if reason.code == DEPENDENCY_UNSATISFIABLE and not reason.details:
        templates = _NO_RELEASE
    template = templates[0] if lang == "de" else templates[1]
    required = reason.required or _NOTHING[lang]
    sentence = template.format(
        subject=_subject(reason.component, lang),
        component=reason.component,
        module=reason.module,
        required=required,
        words=describe_range(required, lang),
        actual=reason.actual or _NOTHING[lang],
    )
    details = [
        f"{reason.module} {version}: "
        + (" ".join(explain(r, lang) for r in reasons) if reasons else _pick(_USABLE, lang) + ".")
        for version, reasons in reason.details
    ]
    return " ".join([sentence, *details])


_STEPS: dict[str, tuple[str, str]] = {
    "update": (
        "{component} von {old} auf {new} aktualisieren.",
        "Update {component} from {old} to {new}.",
    ),
    "downgrade": (
        "{component} von {old} auf die ältere Version {new} zurücksetzen.",
        "Downgrade {component} from {old} to the older version {new}.",
    ),
    "add": ("{component} {new} hinzufügen.", "Add {component} {new}."),
    "add-any": ("{component} hinzufügen (jede Version).", "Add {component} (any version)."),
    "capabilities": (
        "Sorgen Sie dafür, dass {component} Folgendes bietet: {capabilities}.",
        "Make sure {component} offers: {capabilities}.",
    ),
    "module": (
        "Modul {module} von {old} auf {new} umstellen.",
        "Move module {module} from {old} to {new}.",
    ),
    "module-new": ("Modul {module} {new} installieren.", "Install module {module} {new}."),
}
_IMPOSSIBLE: dict[str, tuple[str, str]] = {
    YANKED: (
        "Nicht möglich: diese Version wurde zurückgezogen.",
        "Not possible: this release was withdrawn.",
    ),
    PRERELEASE: (
        "Nicht möglich: das ist eine Vorabversion; die Installation bezieht nur stabile.",
        "Not possible: this is a prerelease and the deployment takes only stable releases.",
    ),
    METADATA_INVALID: (
        "Nicht möglich: die Metadaten dieser Version sind ungültig.",
        "Not possible: the metadata of this release is invalid.",
    ),
    LICENSE_NOT_ALLOWED: (
        "Nicht möglich: die Lizenz dieser Version erlaubt die Lizenzrichtlinie nicht.",
        "Not possible: the license policy does not allow the license of this release.",
    ),
    "no-known-version": (
        "Nicht möglich: keine bekannte Version von {component} erfüllt {required}.",
        "Not possible: no known version of {component} satisfies {required}.",
    ),
    "capability-unknown": (
        "Nicht möglich: keine bekannte Version von {component} bietet {capabilities}.",
        "Not possible: no known version of {component} offers {capabilities}.",
    ),
    DEPENDENCY_UNSATISFIABLE: (
        "Nicht möglich: das Modul {module} lässt sich in {words} nicht bereitstellen.",
        "Not possible: module {module} cannot be provided in {words}.",
    ),
}
_END_OF_LIFE = (" (Version {new} ist end of life)", " (version {new} is end of life)")
_OFFERED = {
    "introspection": (
        "angeboten laut Introspektion {source}",
        "offered according to introspection {source}",
    ),
    "deployment": (
        "angeboten von einer Installation (Commit {commit})",
        "offered by a deployment (commit {commit})",
    ),
    "version": ("angeboten von Version {version}", "offered by version {version}"),
}
_NOTICES: dict[str, tuple[str, str]] = {
    "version-not-known": (
        "Hinweis: {component} {actual} ist keine bekannte Version von {component}.",
        "Notice: {component} {actual} is no known version of {component}.",
    ),
    "end-of-life": (
        "Hinweis: {component} {actual} ist end of life (wird nicht mehr unterstützt).",
        "Notice: {component} {actual} is end of life (no longer supported).",
    ),
}


def describe_step(step: Mapping[str, Any], lang: Lang = "de") -> str:
    """One upgrade-plan step (its JSON) as a sentence, from its ``kind`` and fields."""
    kind = step.get("kind", "")
    values = {
        "subject": _subject(step.get("component"), lang),
        "component": step.get("component") or "",
        "module": step.get("module") or "",
        "old": step.get("from") or _NOTHING[lang],
        "new": step.get("to"),
        "capabilities": ", ".join(step.get("capabilities") or ()),
    }
    if kind == "impossible":
        required = step.get("required")
        values["required"] = " & ".join(required) if isinstance(required, list) else required or ""
        values["words"] = describe_range(str(values["required"] or "*"), lang)
        unknown = f"{{module}}{{component}} ({step.get('code')})"
        template = _pick(_IMPOSSIBLE.get(step.get("code") or "", (unknown, unknown)), lang)
        sentence = template.format(**values)
        details = step.get("details") or []
        parts = [
            f"{step.get('module')} {d['version']}: "
            + (
                " ".join(explain(_reason_of(r), lang) for r in d["reasons"])
                if d["reasons"]
                else _pick(_USABLE, lang) + "."
            )
            for d in details
        ]
        return " ".join([sentence, *parts])
    if kind == "add" and step.get("to") is None:
        kind = "add-any"
    if kind == "module" and not step.get("from"):
        kind = "module-new"
    pair = _STEPS.get(kind)
    if pair is None:
        return f"{kind}: {values}"
    sentence = _pick(pair, lang).format(**values)
    if step.get("endOfLife"):
        sentence = sentence[:-1] + _pick(_END_OF_LIFE, lang).format(**values) + "."
    offered = step.get("offeredBy")
    if offered:
        label = _pick(_OFFERED.get(offered.get("kind"), ("{source}", "{source}")), lang)
        sentence = sentence[:-1] + f" ({label.format(**offered)})."
    return sentence


def describe_notice(notice: Mapping[str, Any], lang: Lang = "de") -> str:
    """One notice (its JSON) as a sentence."""
    template = _NOTICES.get(notice.get("code", ""))
    if template is None:
        return f"{notice.get('code')}: {notice.get('component')} {notice.get('actual')}"
    return _pick(template, lang).format(**{k: notice.get(k) or "" for k in ("component", "actual")})


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "de" else pair[1]


def _reason_of(data: Mapping[str, Any]) -> Reason:
    """A reason from its JSON (for the details of a plan step)."""
    return Reason(
        data["code"],
        component=data.get("component"),
        module=data.get("module"),
        required=data.get("required"),
        actual=data.get("actual"),
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
