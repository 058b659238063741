"""Verdict reasons and upgrade-plan steps as plain German or English sentences."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from registry.web.i18n import gettext as _
from registry.web.i18n import ngettext
from registry.web.ui.labels import capability_label, has_label


def explain_reason(reason: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """One blocking reason (``{"code", "component"|"module", "required", "actual"}``) in words;
    ``names`` gives display names of components and modules.  A dependency that cannot be
    satisfied lists its releases in range with their own reasons (``details``)."""
    names = names or {}
    code = reason.get("code", "")
    values = {
        "component": _name(names, reason.get("component")),
        "module": _name(names, reason.get("module")),
        "required": range_words(reason.get("required") or "")
        if code
        in ("version-mismatch", "version-unknown", "component-missing", "dependency-unsatisfiable")
        else (
            capability_words(reason.get("component"), reason.get("required") or "")
            if code == "capability-missing"
            else reason.get("required") or ""
        ),
        "actual": reason.get("actual") or _("nothing"),
    }
    if code == "dependency-unsatisfiable":
        return _dependency_sentence(values, reason.get("details") or [], names)
    template = _reason_templates().get(code)
    if template is None:
        return _("Blocked (%(code)s).", code=code)
    return template % values


def _dependency_sentence(
    values: dict[str, str], details: list[dict[str, Any]], names: dict[str, str]
) -> str:
    """A dependency that cannot be provided: no release in range, or each one and why."""
    if not details:
        return _("Needs the module %(module)s %(required)s; no known release matches.") % values
    parts = [_("Needs the module %(module)s %(required)s:") % values]
    for entry in details:
        reasons = entry.get("reasons") or []
        why = " ".join(explain_reason(r, names) for r in reasons) or _(
            "usable alone, but not together with the other requirements."
        )
        parts.append(_("%(version)s: %(why)s", version=entry.get("version"), why=why))
    return " ".join(parts)


def _reason_templates() -> dict[str, str]:
    return {
        "yanked": _("This version was withdrawn by its maintainers."),
        "prerelease": _("This is a pre-release; the deployment takes only stable versions."),
        "component-missing": _(
            "Needs the component %(component)s (%(required)s), which the deployment does not list."
        ),
        "version-unknown": _(
            "Needs %(component)s %(required)s; the deployment states only a commit "
            "(%(actual)s), so the version cannot be checked."
        ),
        "version-mismatch": _("Needs %(component)s %(required)s; the deployment runs %(actual)s."),
        "capability-missing": _(
            "Needs the %(component)s feature \u201c%(required)s\u201d, which the deployment "
            "does not offer."
        ),
        "license-not-allowed": _(
            "Its license %(actual)s is not allowed by the deployment's license policy "
            "(%(required)s)."
        ),
        "metadata-invalid": _("Its metadata has errors, so it cannot be checked."),
        "module-pinned": _(
            "The deployment keeps %(module)s at %(required)s unless upgrades are asked for."
        ),
    }


def _name(names: dict[str, str], key: str | None) -> str:
    return names.get(key or "", key or "")


def explain_step(step: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """One upgrade-plan step in words, from its ``kind`` and fields."""
    names = names or {}
    kind = step.get("kind")
    values = {
        "name": _name(names, step.get("component") or step.get("module")),
        "old": step.get("from") or "",
        "new": step.get("to") or "",
        "capabilities": capability_list(
            step.get("component"), step.get("capabilities") or [], raw=True
        ),
    }
    if kind == "impossible":
        return _impossible_sentence(step, values, names)
    if kind == "capabilities":
        sentence = _("Make sure %(name)s offers: %(capabilities)s.") % values
        offered = step.get("offeredBy")
        return sentence if not offered else f"{sentence} {_offered_by(offered)}"
    templates = {
        "update": _("Update %(name)s from %(old)s to %(new)s."),
        "downgrade": _("Go back with %(name)s from %(old)s to the older version %(new)s."),
        "add": _("Add %(name)s %(new)s to the deployment.")
        if step.get("to")
        else _("Add %(name)s (any version) to the deployment."),
        "module": _("Update the module %(name)s from %(old)s to %(new)s.")
        if step.get("from")
        else _("Install the module %(name)s %(new)s."),
    }
    sentence = templates.get(kind or "", _("Step %(kind)s.", kind=kind)) % values
    if step.get("endOfLife"):
        sentence += " " + _("Version %(new)s is end of life: no supported version fits.") % values
    return sentence


def _offered_by(state: dict[str, Any]) -> str:
    """Where a known state offering the capabilities comes from."""
    if state.get("kind") == "introspection":
        return _("The imported state %(source)s offers them.", source=state.get("source") or "")
    if state.get("kind") == "version":
        return _("Version %(version)s offers them.", version=state.get("version") or "")
    return _(
        "A registered deployment offers them (commit %(commit)s).", commit=state.get("commit") or ""
    )


def _impossible_sentence(
    step: dict[str, Any], values: dict[str, str], names: dict[str, str]
) -> str:
    code = step.get("code") or ""
    if code == "dependency-unsatisfiable":
        reason = {**step, "code": code}
        return _("Not possible with known releases:") + " " + explain_reason(reason, names)
    templates = {
        "yanked": _("Not possible: this version was withdrawn."),
        "prerelease": _(
            "Not possible: this is a pre-release and the deployment takes only stable versions."
        ),
        "metadata-invalid": _("Not possible: the metadata of this version has errors."),
        "license-not-allowed": _("Not possible: the license policy does not allow its license."),
        "no-known-version": _("Not possible: no known version of %(name)s satisfies %(required)s."),
        "capability-unknown": _(
            "Not possible: no known state of %(name)s offers %(capabilities)s."
        ),
    }
    values = {**values, "required": " & ".join(map(range_words, step.get("required") or []))}
    return templates.get(code, _("Not possible (%(code)s).", code=code)) % values


def explain_notice(notice: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """One notice about a deployment (``{"code", "component", "actual"}``) in words."""
    values = {"name": _name(names or {}, notice.get("component")), "actual": notice.get("actual")}
    templates = {
        "version-not-known": _("%(name)s %(actual)s is no known version of %(name)s."),
        "end-of-life": _("%(name)s %(actual)s is end of life: it is no longer supported."),
    }
    code = notice.get("code") or ""
    return templates.get(code, _("Notice (%(code)s).", code=code)) % values


def describe_event(event: Any, names: dict[str, str] | None = None) -> str:
    """One event of the log as a sentence (unknown kinds show their code)."""
    module = _name(names or {}, event.module_slug)
    version = event.version or ""
    data = event.data or {}
    texts = {
        "module-added": _("Module %(module)s was added.", module=module),
        "release-published": _(
            "%(module)s %(version)s was published.", module=module, version=version
        ),
        "release-yanked": _(
            "%(module)s %(version)s was withdrawn.", module=module, version=version
        ),
        "release-withdrawn": _(
            "%(module)s %(version)s was withdrawn.", module=module, version=version
        ),
        "repository-archived": _("The repository of %(module)s was archived.", module=module),
        "guide-published": _(
            "A guide for %(module)s was published: %(title)s",
            module=module,
            title=data.get("title", ""),
        ),
        "report-published": _(
            "An experience report on %(module)s was published: %(title)s",
            module=module,
            title=data.get("title", ""),
        ),
        "metadata-invalid": _(
            "The metadata of %(module)s %(version)s has problems.", module=module, version=version
        ),
        "crawl-failed": _(
            "Crawling %(module)s failed.", module=module or data.get("repository", "")
        ),
        "repository-renamed": _("The repository of %(module)s was renamed.", module=module),
        "repository-gone": _("The repository of %(module)s can no longer be found.", module=module),
        "deployment-added": _(
            "A deployment was registered: %(name)s.", name=data.get("name") or _("private")
        ),
        "deployment-options-changed": _(
            "A deployment changed its options: %(name)s.", name=data.get("name") or _("private")
        ),
        "deployment-removed": _(
            "A deployment was removed: %(name)s.", name=data.get("name") or _("private")
        ),
    }
    return texts.get(event.kind) or f"{event.kind} {module} {version}".strip()


_SPECIFIER = re.compile(r"^\s*(===|==|!=|~=|>=|<=|>|<|\^|~)?\s*v?([0-9A-Za-z.*+!-]+)\s*$")


def range_words(text: str) -> str:
    """A version range in words: ``==4.3.0`` -> ``4.3.0``, ``>=1.2`` -> ``from 1.2`` ("ab
    1.2"), ``>=1.2,<2`` -> ``from 1.2, below 2``, ``*`` -> ``any version``; alternatives
    (``a || b``) joined by "or". Text it cannot read is shown as it is."""
    text = (text or "").strip()
    if text in ("", "*", "x"):
        return _("any version")
    alternatives = [part for part in text.split("||") if part.strip()]
    worded = []
    for alternative in alternatives:
        parts = [p for p in re.split(r"[,\s]+(?=[<>=!~^]|$)|,", alternative) if p.strip()]
        phrases = [_specifier_words(part) for part in parts]
        if None in phrases:
            return text
        worded.append(", ".join(p for p in phrases if p))
    return _(" or ").join(worded)


def _specifier_words(part: str) -> str | None:
    match = _SPECIFIER.match(part)
    if match is None:
        return None
    operator, version = match.group(1) or "==", match.group(2)
    if version.endswith((".*", ".x")):
        return _("any %(version)s version", version=version[:-2])
    words: dict[str, Callable[[str], str]] = {
        "==": str,
        "===": str,
        "!=": lambda v: _("not %(version)s", version=v),
        ">=": lambda v: _("from %(version)s", version=v),
        ">": lambda v: _("above %(version)s", version=v),
        "<=": lambda v: _("up to %(version)s", version=v),
        "<": lambda v: _("below %(version)s", version=v),
        "~=": lambda v: _("compatible with %(version)s", version=v),
        "^": lambda v: _("compatible with %(version)s", version=v),
        "~": lambda v: _("%(version)s with bug fixes", version=v),
    }
    return words[operator](version)


def capability_words(component: str | None, name: str) -> str:
    """A capability by its readable name with the technical name second:
    ``Gutscheine (vouchers)``; the name alone when no label is known."""
    label = capability_label(component, name)
    return f"{label} ({name})" if has_label(component, name) else name


def capability_list(component: str | None, names: list[str], *, raw: bool = False) -> str:
    """Capabilities by their readable names (``vouchers`` -> "Gutscheine"), comma separated;
    with ``raw`` the technical name follows each label."""
    word = capability_words if raw else capability_label
    return ", ".join(word(component, name) for name in names)


def fix_words(steps: list[dict[str, Any]], names: dict[str, str] | None = None) -> str:
    """What one group's plan asks for, as one phrase: "Update the app to 4.3.0 and offer
    the mainserver feature Vouchers"."""
    names = names or {}
    return _(" and ").join(_step_phrase(step, names) for step in steps)


def _step_phrase(step: dict[str, Any], names: dict[str, str]) -> str:
    kind = step.get("kind")
    name = _name(names, step.get("component") or step.get("module"))
    version = step.get("to") or ""
    capabilities = step.get("capabilities") or []
    if kind == "impossible":
        return (
            _("no known version is enough (%(name)s)", name=name)
            if name
            else _("nothing known unblocks it")
        )
    if kind == "module":
        return _("install the module %(name)s %(version)s", name=name, version=version)
    phrase = {
        "update": _("update %(name)s to %(version)s", name=name, version=version),
        "downgrade": _("go back to %(name)s %(version)s", name=name, version=version),
        "add": _("add %(name)s %(version)s", name=name, version=version),
    }.get(str(kind), "")
    if capabilities:
        offer = ngettext(
            "%(name)s must offer the feature %(features)s",
            "%(name)s must offer the features %(features)s",
            len(capabilities),
            name=name,
            features=capability_list(step.get("component"), capabilities),
        )
        phrase = _("%(first)s; %(then)s", first=phrase, then=offer) if phrase else offer
    return phrase


def group_words(group: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """One group of the summary as a sentence: "Update the app to 4.3.0: unlocks 23 modules"."""
    count = len(group["modules"])
    fix = fix_words(group["steps"], names)
    if not group.get("possible"):
        text = ngettext(
            "Not solvable yet (%(fix)s): %(num)s module",
            "Not solvable yet (%(fix)s): %(num)s modules",
            count,
            fix=fix,
        )
    else:
        text = ngettext(
            "%(fix)s: unlocks %(num)s module", "%(fix)s: unlocks %(num)s modules", count, fix=fix
        )
    return text[:1].upper() + text[1:]
