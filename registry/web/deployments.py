"""Routes of the deployments blueprint (see README)."""

from __future__ import annotations

from flask import Blueprint

deployments = Blueprint("deployments", __name__)
