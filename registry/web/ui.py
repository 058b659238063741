"""Server-rendered pages (German by default)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from registry.services import catalog
from registry.web.common import get_session

ui = Blueprint("ui", __name__)


@ui.get("/")
def index() -> str:
    session = get_session()
    page = catalog.list_modules(
        session,
        q=request.args.get("q", ""),
        topic=request.args.get("topic") or None,
        status=request.args.get("status") or None,
        limit=500,
    )
    rows = [(m, catalog.newest_release(m)) for m in page.items]
    return render_template(
        "ui/index.html",
        rows=rows,
        total=page.total,
        topics=catalog.topics(session),
        q=request.args.get("q", ""),
        topic=request.args.get("topic", ""),
        status=request.args.get("status", ""),
    )


@ui.get("/healthz")
def healthz() -> Response:
    from sqlalchemy import text

    get_session().execute(text("SELECT 1"))
    return jsonify({"status": "ok"})
