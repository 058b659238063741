"""Module health reasons (codes from registry.services.health) as German or English sentences."""

from __future__ import annotations

from typing import Any

from registry.web.i18n import gettext as _


def health_reason(reason: dict[str, Any]) -> str:
    """One reason of a health aspect in words; an unknown code is shown as the code."""
    values = {key: value for key, value in reason.items() if key != "code"}
    template = _templates().get(reason.get("code", ""))
    return reason.get("code", "") if template is None else template % values


def _templates() -> dict[str, str]:
    return {
        "archived": _("The repository is archived or gone."),
        "recent-releases": _("%(count)s releases in the last 6 months."),
        "no-recent-release": _("No release in the last 6 months."),
        "recent-commits": _("Changes on the main branch in the last 6 months."),
        "no-recent-commit": _("No change on the main branch in the last 6 months."),
        "activity-unknown": _("Changes on the main branch are not known yet."),
        "advisory-without-fix": _("%(advisory)s covers the newest release: no fix released."),
        "security-policy": _("A SECURITY.md tells how to report vulnerabilities."),
        "no-security-policy": _("No SECURITY.md on the main branch."),
        "security-policy-unknown": _("Whether there is a SECURITY.md is not known yet."),
        "license-consistent": _("The declared license matches the license file."),
        "license-inconsistent": _("The declared license differs from the license file."),
        "license-unknown": _("The license could not be compared."),
        "no-advisories": _("No security advisory is known."),
        "advisories-fixed-fast": _("All %(count)s advisories were fixed within 30 days."),
        "advisories-fixed": _("%(fixed)s of %(of)s advisories fixed, not all within 30 days."),
        "deployments": _("%(count)s registered deployments run it."),
        "named-adopters": _("%(count)s municipalities are reported as users."),
        "experience-reports": _("%(count)s deployments wrote an experience report."),
    }
