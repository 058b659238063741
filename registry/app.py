"""The Flask application factory (wiring only)."""

from __future__ import annotations

from flask import Flask

from registry.config import Settings, load_settings
from registry.db import make_engine, make_session_factory
from registry.keys import secret_key
from registry.web import register_web


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask application: wiring only, nothing happens at import time."""
    settings = settings or load_settings()
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.config["SETTINGS"] = settings
    app.config["SECRET_KEY"] = secret_key(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    engine = make_engine(settings.database_url, echo=settings.database.echo)
    app.extensions["registry.engine"] = engine
    app.extensions["registry.sessions"] = make_session_factory(engine)

    register_web(app)
    return app
