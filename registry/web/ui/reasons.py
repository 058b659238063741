"""Verdict reasons and upgrade-plan steps as plain German or English sentences."""

from __future__ import annotations

from typing import Any

from registry.web.i18n import gettext as _


def explain_reason(reason: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """One blocking reason (``{"code", "component"|"module", "required", "actual"}``) in words;
    ``names`` gives display names of components and modules."""
    names = names or {}
    code = reason.get("code", "")
    values = {
        "component": _name(names, reason.get("component")),
        "module": _name(names, reason.get("module")),
        "required": reason.get("required") or "",
        "actual": reason.get("actual") or _("nothing"),
    }
    template = _reason_templates().get(code)
    if template is None:
        return _("Blocked (%(code)s).", code=code)
    return template % values


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
        "dependency-unsatisfiable": _(
            "Needs the module %(module)s %(required)s, which cannot be provided together "
            "with what runs today (%(actual)s)."
        ),
        "metadata-invalid": _("Its metadata has errors, so it cannot be checked."),
    }


def _name(names: dict[str, str], key: str | None) -> str:
    return names.get(key or "", key or "")


def explain_step(step: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """One upgrade-plan step in words."""
    name = _name(names or {}, step.get("component") or step.get("module"))
    capabilities = ", ".join(step.get("capabilities") or [])
    if "to" in step and step["to"] is None:
        return _(
            "No known version of %(name)s is enough: %(message)s",
            name=name,
            message=step.get("message") or "",
        )
    if step.get("module"):
        if step.get("from"):
            return _(
                "Update the module %(name)s from %(old)s to %(new)s.",
                name=name,
                old=step["from"],
                new=step.get("to"),
            )
        return _("Install the module %(name)s %(new)s.", name=name, new=step.get("to"))
    parts = []
    if step.get("to") and step.get("from"):
        parts.append(
            _(
                "Update %(name)s from %(old)s to %(new)s.",
                name=name,
                old=step["from"],
                new=step["to"],
            )
        )
    elif step.get("to"):
        parts.append(_("Add %(name)s %(new)s to the deployment.", name=name, new=step["to"]))
    if capabilities:
        parts.append(
            _("Make sure %(name)s offers: %(capabilities)s.", name=name, capabilities=capabilities)
        )
    return " ".join(parts) or (step.get("message") or "")


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
