"""The deployment form: text fields <-> the deployment document of DESIGN §3.

The form only turns text into the document's shape (lines of ``name = version``, lists split
at commas); whether the document is valid is decided by the deployments service, whose
problems are shown beside the field they concern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from registry.web.i18n import gettext as _

TEXT_FIELDS = (
    "name",
    "ags",
    "state",
    "visibility",
    "channel",
    "app",
    "mainserver_commit",
    "mainserver_capabilities",
    "components",
    "modules",
    "licenses",
)
_SPLIT = re.compile(r"[\s,;]+")
_PAIR = re.compile(r"^\s*([^=:\s]+)\s*[=:]\s*(\S+)\s*$")
# Other components: "studio = 0.0.1 (routing, media)"; the part in brackets is optional.
_COMPONENT = re.compile(r"^\s*([^=:\s]+)\s*[=:]\s*([^\s(]*)\s*(?:\(([^)]*)\))?\s*$")


@dataclass
class DeploymentForm:
    """What the user typed, and the problems to show: per field and in the summary."""

    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


def empty_form() -> DeploymentForm:
    values = {name: "" for name in TEXT_FIELDS}
    return DeploymentForm(values | {"visibility": "public", "channel": "stable"})


def form_from_request(form: Any) -> DeploymentForm:
    """The submitted values (missing fields are empty)."""
    return DeploymentForm({name: str(form.get(name, "")).strip() for name in TEXT_FIELDS})


def form_from_document(document: dict[str, Any]) -> DeploymentForm:
    """Values that show a stored deployment document in the form."""
    components = dict(document.get("components") or {})
    app = components.pop("app", None)
    mainserver = components.pop("mainserver", None)
    main_commit, main_caps = "", ""
    if isinstance(mainserver, dict):
        main_commit = str(mainserver.get("commit") or mainserver.get("version") or "")
        main_caps = "\n".join(mainserver.get("capabilities") or [])
    elif mainserver:
        main_commit = str(mainserver)
    values = {
        "name": document.get("name") or "",
        "ags": document.get("ags") or "",
        "state": document.get("state") or "",
        "visibility": document.get("visibility") or "public",
        "channel": document.get("channel") or "stable",
        "app": str(app.get("version") if isinstance(app, dict) else app or ""),
        "mainserver_commit": main_commit,
        "mainserver_capabilities": main_caps,
        "components": "\n".join(f"{k} = {_component_text(v)}" for k, v in components.items()),
        "modules": "\n".join(f"{k} = {v}" for k, v in (document.get("modules") or {}).items()),
        "licenses": ", ".join(document.get("licenses") or []),
    }
    return DeploymentForm(values)


def document_from_form(form: DeploymentForm) -> dict[str, Any]:
    """The deployment document the form describes; line syntax errors go into ``form.errors``."""
    v = form.values
    document: dict[str, Any] = {"schemaVersion": 1, "name": v["name"]}
    for key in ("ags", "state"):
        if v[key]:
            document[key] = v[key]
    document["visibility"] = v["visibility"] or "public"
    document["channel"] = v["channel"] or "stable"
    components: dict[str, Any] = {}
    if v["app"]:
        components["app"] = v["app"]
    mainserver = _mainserver(v)
    if mainserver:
        components["mainserver"] = mainserver
    components.update(_other_components(form))
    document["components"] = components
    document["modules"] = _pairs(form, "modules")
    licenses = _words(v["licenses"])
    if licenses:
        document["licenses"] = licenses
    return document


def apply_problems(form: DeploymentForm, problems: list[Any]) -> None:
    """Put each problem of the deployments service beside the form field it concerns."""
    for problem in problems:
        data = problem if isinstance(problem, dict) else {"message": str(problem)}
        path = str(data.get("field") or "")
        form.add_error(field_of(path), _problem_text(path, str(data.get("message") or "")))


def field_of(path: str) -> str:
    """The form field that shows a problem at document ``path`` (``components.app`` -> app)."""
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    if path.startswith("components.app"):
        return "app"
    if path.startswith("components.mainserver"):
        return "mainserver_capabilities" if "capabilities" in path else "mainserver_commit"
    if head in TEXT_FIELDS:
        return head
    return "form"


def _problem_text(path: str, message: str) -> str:
    # The service names the exact place; inside a list field the entry is worth repeating.
    if "." in path or "[" in path:
        return f"{path}: {message}"
    return message


def _component_text(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    text = str(value.get("version") or value.get("commit") or "")
    capabilities = value.get("capabilities") or []
    return f"{text} ({', '.join(capabilities)})" if capabilities else text


def _mainserver(values: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if values["mainserver_commit"]:
        data["commit"] = values["mainserver_commit"]
    capabilities = _words(values["mainserver_capabilities"])
    if capabilities:
        data["capabilities"] = capabilities
    return data


def _words(text: str) -> list[str]:
    return [word for word in _SPLIT.split(text) if word]


def _other_components(form: DeploymentForm) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for number, line in _lines(form.values["components"]):
        match = _COMPONENT.match(line)
        if match is None or not (match.group(2) or match.group(3)):
            form.add_error("components", _line_error(number, line))
            continue
        name, version, capabilities = match.groups()
        words = _words(capabilities or "")
        found[name] = {"version": version, "capabilities": words} if words else version
        if words and not version:
            found[name] = {"capabilities": words}
    return found


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _line_error(number: int, line: str) -> str:
    return _(
        'Line %(line)s: write "name = version", not "%(text)s".', line=number, text=line.strip()
    )


def _pairs(form: DeploymentForm, name: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for number, line in _lines(form.values[name]):
        match = _PAIR.match(line)
        if match is None:
            form.add_error(name, _line_error(number, line))
            continue
        pairs[match.group(1)] = match.group(2)
    return pairs
