"""Routes of the hooks blueprint (see README)."""

from __future__ import annotations

from flask import Blueprint

hooks = Blueprint("hooks", __name__)
