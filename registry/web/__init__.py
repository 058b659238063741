"""The web edge: blueprints for the API and the pages, and the one error mapping."""

from __future__ import annotations

from flask import Flask, g

from registry.web.errors import register_error_handlers


def register_web(app: Flask) -> None:
    from registry.web.advisories import advisories
    from registry.web.api import api
    from registry.web.badges import badges
    from registry.web.deployments import deployments
    from registry.web.feed import feed
    from registry.web.hooks import hooks
    from registry.web.knowledge import knowledge
    from registry.web.platform import platform
    from registry.web.ui import ui

    for blueprint in (api, advisories, deployments, feed, hooks, knowledge, badges, platform, ui):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    app.teardown_appcontext(_close_session)


def _close_session(_error: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
