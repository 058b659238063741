"""The bundled demo data (built from the real SVA facts, see registry/demo/README.md)."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.demo import DEMO_PATH
from registry.markdown import first_heading
from registry.models import Module
from registry.services.guides import add_demo_guide
from registry.services.transfer import TransferReport, import_document

# Guides of the demo: (module, language, file in registry/demo/guides/); each says its source.
DEMO_GUIDES = (("maengelmelder", "de", "maengelmelder-onboarding.md"),)


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Module))


def load_demo(session: Session) -> TransferReport:
    """Import the demo document (idempotent: a second load changes nothing)."""
    document = json.loads(DEMO_PATH.read_text(encoding="utf-8"))
    report = import_document(session, document, source="demo")
    for slug, language, filename in DEMO_GUIDES:
        module = session.scalar(select(Module).where(Module.slug == slug))
        body = (DEMO_PATH.parent / "guides" / filename).read_text(encoding="utf-8")
        title = first_heading(body) or filename
        if module is not None and add_demo_guide(session, module, title, body, language):
            report.add("guide", "created")
    return report
