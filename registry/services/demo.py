"""The bundled demo data (built from the real SVA facts, see registry/demo/README.md)."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.demo import DEMO_PATH
from registry.models import Module
from registry.services.transfer import TransferReport, import_document


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Module))


def load_demo(session: Session) -> TransferReport:
    """Import the demo document (idempotent: a second load changes nothing)."""
    document = json.loads(DEMO_PATH.read_text(encoding="utf-8"))
    return import_document(session, document, source="demo")
