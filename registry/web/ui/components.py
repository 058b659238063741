"""The components page: the platform parts modules build on, their versions and support."""

from __future__ import annotations

from flask import render_template

from registry.serialize import sorted_versions
from registry.services import catalog
from registry.web.common import get_session
from registry.web.ui import queries


def components_page() -> str:
    """GET /components."""
    session = get_session()
    components = catalog.list_components(session)
    return render_template(
        "ui/components.html",
        components=[(c, sorted_versions(c.versions)) for c in components],
        usage=queries.component_usage(session),
    )
