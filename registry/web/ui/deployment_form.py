"""The deployment form: text fields <-> the deployment document (schemas/README.md).

The form only turns text into the document's shape (lines of ``name = version``, lists split
at commas); whether the document is valid is decided by the deployments service, whose
problems are shown beside the field they concern.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
    "content",
    "licenses",
)
_QUOTED = re.compile(r"'([^']*)'")
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
    values = dict.fromkeys(TEXT_FIELDS, "")
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
        "content": "\n".join(
            f"{name} = {', '.join(versions)}"
            for name, versions in (document.get("content") or {}).items()
        ),
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
    content = _content(form)
    if content is not None:
        document["content"] = content
    licenses = _words(v["licenses"])
    if licenses:
        document["licenses"] = licenses
    return document


def apply_problems(form: DeploymentForm, problems: list[Any]) -> None:
    """Put each problem of the deployments service beside the form field it concerns."""
    for problem in problems:
        data = problem if isinstance(problem, dict) else {"message": str(problem)}
        data = data if isinstance(data, dict) else data.to_dict()
        path = str(data.get("field") or "")
        text = _coded_text(data) or _problem_text(path, str(data.get("message") or ""))
        if text not in form.errors.get(field_of(path), []):
            form.add_error(field_of(path), text)
    # The summary lists problems in the order of the fields on the page.
    order = {name: i for i, name in enumerate(("form", *TEXT_FIELDS))}
    form.errors = dict(sorted(form.errors.items(), key=lambda item: order.get(item[0], 0)))


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


def _coded_text(problem: dict[str, Any]) -> str | None:
    """The sentence for a problem the service gives a code (checks against the registry)."""
    sentence = _CODED_SENTENCES.get(str(problem.get("code") or ""))
    return None if sentence is None else sentence(problem)


def _did_you_mean(text: str, problem: dict[str, Any]) -> str:
    if problem.get("suggestion"):
        return text + " " + _("Did you mean: %(names)s?", names=problem["suggestion"])
    return text


def _module_unknown(problem: dict[str, Any]) -> str:
    text = _("There is no module “%(value)s” in the registry.", value=problem.get("value"))
    return _did_you_mean(text, problem)


def _module_twice(problem: dict[str, Any]) -> str:
    return _("The module “%(value)s” is listed twice.", value=problem.get("value"))


def _release_unknown(problem: dict[str, Any]) -> str:
    text = _(
        "%(module)s has no release %(value)s. A build of your own is written as %(value)s+local.",
        module=problem.get("module", ""),
        value=problem.get("value", ""),
    )
    if problem.get("newest"):
        text += " " + _("The newest release is %(version)s.", version=problem["newest"])
    return text


def _license_unknown(problem: dict[str, Any]) -> str:
    text = _("“%(value)s” is no SPDX license id.", value=problem.get("value"))
    return _did_you_mean(text, problem)


def _ags_taken(problem: dict[str, Any]) -> str:
    if problem.get("other"):
        return _(
            "The AGS %(value)s is already used by the deployment “%(name)s”.",
            value=problem.get("value"),
            name=problem["other"],
        )
    return _("The AGS %(value)s is already used by another deployment.", value=problem.get("value"))


_CODED_SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    "module-unknown": _module_unknown,
    "module-twice": _module_twice,
    "release-unknown": _release_unknown,
    "license-unknown": _license_unknown,
    "ags-taken": _ags_taken,
}


def _problem_text(path: str, message: str) -> str:
    """A plain sentence for the problems people make in this form; the service's own text
    (with the exact place) for anything else."""
    by_field = _field_sentences().get(field_of(path))
    if by_field is not None:
        return by_field
    quoted = _QUOTED.search(message)
    value = quoted.group(1) if quoted else ""
    if "is no version" in message:
        # In the list fields the entry is named: "abfallkalender: ..."
        entry = path.split(".")[1] + ": " if "." in path and field_of(path) != "app" else ""
        return _(
            "%(entry)s“%(value)s” is no version number (e.g. 4.2.1).", entry=entry, value=value
        )
    if "must be a slug" in message:
        return _("“%(value)s” is no module name (lower case letters, digits and -).", value=value)
    return f"{path}: {message}" if path else message


def _field_sentences() -> dict[str, str]:
    # Fields with one kind of mistake get one sentence that says what is expected.
    return {
        "name": _("Enter the name of the deployment."),
        "ags": _("The AGS has 8 digits; the first two are the state code 01–16."),
        "state": _("Give the state as two capital letters, e.g. BB."),
        "mainserver_commit": _("A commit has 7 to 40 characters 0–9 and a–f, e.g. 04d9eb41."),
    }


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


def _content(form: DeploymentForm) -> dict[str, list[str]] | None:
    """Lines ``globalSettings = 4.2.0, 5.0.0`` (``globalSettings =``: none); empty: unknown."""
    found: dict[str, list[str]] = {}
    for number, line in _lines(form.values["content"]):
        name, equals, versions = line.partition("=")
        if not equals or not name.strip() or " " in name.strip():
            form.add_error(
                "content",
                _(
                    'Line %(line)s: write "record = version, version", not "%(text)s".',
                    line=number,
                    text=line.strip(),
                ),
            )
            continue
        found[name.strip()] = _words(versions)
    return found or None


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
