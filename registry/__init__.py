"""SVA Module Registry: module registry and compatibility tracker of the Smart Village App.

Importing the package imports nothing else, so the pure engine (``registry.compat``) can be
used without Flask or SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from registry.config import Settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask application (see registry/app.py)."""
    from registry.app import create_app as build

    return build(settings)
