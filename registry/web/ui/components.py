"""The components page: the platform parts modules build on, their versions and support."""

from __future__ import annotations

from flask import render_template

from registry.serialize import sorted_versions
from registry.services import catalog
from registry.web.common import get_session


def components_page() -> str:
    """GET /components."""
    components = catalog.list_components(get_session())
    return render_template(
        "ui/components.html",
        components=[(c, sorted_versions(c.versions)) for c in components],
    )
