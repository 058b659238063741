"""Routes of the feed blueprint (see README)."""

from __future__ import annotations

from flask import Blueprint

feed = Blueprint("feed", __name__)
