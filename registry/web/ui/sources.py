"""Names of the sources of module data, in the visitor's language."""

from __future__ import annotations

from registry.metadata import provenance
from registry.web.i18n import lazy_gettext

_TITLES = {
    provenance.ADMIN: lazy_gettext("admin edit"),
    provenance.SVA_MODULE: lazy_gettext("the module's sva-module.yml"),
    provenance.STUDIO_MANIFEST: lazy_gettext("Studio plugin manifest"),
    provenance.PUBLICCODE: lazy_gettext("publiccode.yml"),
    provenance.ADMIN_DOKU: lazy_gettext("admin-doku"),
    provenance.EXPORT: lazy_gettext("registry export"),
    provenance.DEMO: lazy_gettext("demo data"),
}


def source_title(source: str | None) -> str:
    """A source code (``admin-doku``, ...) as the page shows it."""
    return str(_TITLES.get(source or "", source or ""))
