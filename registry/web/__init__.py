"""The web edge: blueprints for the API and the pages, and the one error mapping."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g
from sqlalchemy.exc import SQLAlchemyError

from registry.db import begin_write
from registry.services.tokens import touch_token
from registry.web.errors import register_error_handlers

log = logging.getLogger(__name__)


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
    token_id = g.pop("touch_token", None)
    if token_id is not None:
        _touch(token_id)


def _touch(token_id: int) -> None:
    """Record a token's use after the request, in its own short transaction (best effort)."""
    session = current_app.extensions["registry.sessions"]()
    try:
        begin_write(session)
        touch_token(session, token_id)
        session.commit()
    except SQLAlchemyError:
        # Only the last-used time is lost; the request it belongs to has been answered.
        log.warning("could not record the use of token %s", token_id, exc_info=True)
        session.rollback()
    finally:
        session.close()
