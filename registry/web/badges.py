"""Routes of the badges blueprint (see README)."""

from __future__ import annotations

from flask import Blueprint

badges = Blueprint("badges", __name__)
