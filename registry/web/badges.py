"""Shields-style SVG badges: ``/badges/<slug>.svg`` shows the newest version and its app range."""

from __future__ import annotations

from html import escape

from flask import Blueprint, Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.db import utcnow
from registry.models import Module
from registry.services.catalog import newest_release
from registry.services.health import module_health
from registry.web.caching import (
    NEVER_CHANGED,
    bytes_entry,
    current_versions,
    entry_response,
    response_cache,
)
from registry.web.common import get_session
from registry.web.contract import operation

badges = Blueprint("badges", __name__)

LABEL = "SVA"
GREEN = "#2e7d32"
BLUE = "#1565c0"
ORANGE = "#b35900"
GREY = "#6e6e6e"
LABEL_COLOUR = "#444"
#: Browsers and shields.io revalidate badges every few minutes; READMEs embed them a lot.
CACHE_CONTROL = "public, max-age=300"
SVG_MIMETYPE = "image/svg+xml"


def badge_operation(summary: str):  # type: ignore[no-untyped-def]
    """The contract of a badge: an SVG, 304 when unchanged, a grey 'not found' badge (404)."""
    return operation(
        summary,
        tag="badges",
        media=SVG_MIMETYPE,
        raw_schema={"type": "string"},
        cached=True,
        extra_responses={404: (None, "A grey 'not found' badge.")},
        parameters={"slug": "module slug"},
    )


@badges.get("/badges/<slug>.svg")
@badge_operation("Shields-style badge: newest version and the app range it needs")
def badge(slug: str) -> Response:
    key = ("badge", slug, current_versions()["catalog"][0])
    cache = response_cache()
    entry = cache.get(key)
    if entry is None:
        message, colour, found = badge_message(slug)
        svg = render_badge(LABEL, message, colour).encode()
        changed_at = current_versions()["catalog"][1] or NEVER_CHANGED
        entry = bytes_entry(svg, changed_at, SVG_MIMETYPE, status=200 if found else 404)
        cache.put(key, entry)
    return entry_response(entry, cache_control=CACHE_CONTROL)


@badges.get("/badges/<slug>/health.svg")
@badge_operation("Shields-style badge: the module's health level (0-3) and its aspects")
def health_badge(slug: str) -> Response:
    versions = current_versions()
    # Health reads deployments and the clock ("recent" activity) too: keyed by day as well.
    key = ("health", slug, versions["catalog"][0], versions["deployments"][0], utcnow().date())
    cache = response_cache()
    entry = cache.get(key)
    if entry is None:
        message, colour, found = health_message(slug)
        svg = render_badge("health", message, colour).encode()
        changed_at = versions["catalog"][1] or NEVER_CHANGED
        entry = bytes_entry(svg, changed_at, SVG_MIMETYPE, status=200 if found else 404)
        cache.put(key, entry)
    return entry_response(entry, cache_control=CACHE_CONTROL)


HEALTH_COLOURS = (GREY, ORANGE, BLUE, GREEN)


def health_message(slug: str) -> tuple[str, str, bool]:
    """``"2/3 (m3 s2 r2)"`` and a colour per level, and whether the module exists."""
    module = _visible_module(slug)
    if module is None:
        return "not found", GREY, False
    health = module_health(get_session(), module)
    parts = " ".join(f"{aspect[0]}{health[aspect]['level']}" for aspect in ASPECTS)
    return f"{health['level']}/3 ({parts})", HEALTH_COLOURS[health["level"]], True


ASPECTS = ("maintenance", "security", "reuse")


def _visible_module(slug: str) -> Module | None:
    if "\x00" in slug:  # no slug has one, and PostgreSQL refuses NUL in text
        return None
    module = get_session().scalar(
        select(Module).where(Module.slug == slug).options(selectinload(Module.releases))
    )
    return None if module is None or module.hidden else module


def badge_message(slug: str) -> tuple[str, str, bool]:
    """The badge text and colour for a module, and whether the module exists."""
    module = _visible_module(slug)
    if module is None:
        return "not found", GREY, False
    release = newest_release(module)
    if release is None:
        return "no release", BLUE, True
    app_range = (release.requires or {}).get("app") or {}
    text = release.version
    if app_range.get("range") or app_range.get("normalized"):
        text += f" | app {app_range.get('range') or app_range.get('normalized')}"
    colour = ORANGE if module.deprecated or module.archived or module.gone else GREEN
    return text, colour, True


def text_width(text: str) -> int:
    """Approximate width in pixels of ``text`` in 11px Verdana (what shields.io measures)."""
    narrow, wide = set("ijlt.,:;|!'()[] "), set("mwMW@%")
    width = 0.0
    for char in text:
        width += 3.5 if char in narrow else 10.0 if char in wide else 7.0
    return int(width + 0.5)


def render_badge(label: str, message: str, colour: str) -> str:
    """A flat two-part badge; both texts are XML-escaped."""
    left = text_width(label) + 12
    right = text_width(message) + 12
    total = left + right
    label_x, message_x = left * 5, (left + right / 2) * 10
    title = escape(f"{label}: {message}")
    label_text, message_text = escape(label), escape(message)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{title}"><title>{title}</title>'
        f'<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" '
        f'stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="{LABEL_COLOUR}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        f'<rect width="{total}" height="20" fill="url(#s)"/></g>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
        f'font-size="110">'
        f'<text x="{label_x}" y="140" transform="scale(.1)">{label_text}</text>'
        f'<text x="{message_x:.0f}" y="140" transform="scale(.1)">{message_text}</text></g></svg>'
    )
