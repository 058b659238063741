"""``/badges/<slug>.svg``: shields-style SVG with the newest version and its app range."""

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from registry.models import Module
from registry.services.events import bump
from registry.services.transfer import upsert_module
from registry.web.badges import render_badge, text_width

SVG = "{http://www.w3.org/2000/svg}"


def texts(response):
    root = ET.fromstring(response.data)
    return [t.text for t in root.iter(f"{SVG}text")], root


def test_badge_of_an_in_app_module_shows_version_and_app_range(client, demo):
    response = client.get("/badges/chatbot.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    labels, root = texts(response)
    assert labels == ["SVA", "4.3.0 | app ==4.3.0"]
    assert root.get("aria-label") == "SVA: 4.3.0 | app ==4.3.0"


def test_badge_is_conditional(client, demo):
    first = client.get("/badges/chatbot.svg")
    assert (
        client.get(
            "/badges/chatbot.svg", headers={"If-None-Match": first.headers["ETag"]}
        ).status_code
        == 304
    )


def test_badge_follows_new_releases(client, session):
    upsert_module(session, {"slug": "bus", "releases": [{"version": "1.0", "tag": "v1.0"}]})
    session.commit()
    assert texts(client.get("/badges/bus.svg"))[0][1] == "1.0"  # no app requirement, no range
    upsert_module(
        session,
        {
            "slug": "bus",
            "releases": [{"version": "1.1", "tag": "v1.1", "requires": {"app": "^4.1.0"}}],
        },
    )
    session.commit()
    assert texts(client.get("/badges/bus.svg"))[0][1] == "1.1 | app ^4.1.0"


def test_module_without_release(client, session):
    upsert_module(session, {"slug": "leer"})
    session.commit()
    assert texts(client.get("/badges/leer.svg"))[0][1] == "no release"


@pytest.mark.parametrize("slug", ["nope", "versteckt"])
def test_unknown_or_hidden_module_gives_grey_not_found_badge(client, session, slug):
    upsert_module(
        session, {"slug": "versteckt", "flags": {"hidden": True}, "releases": [{"version": "1.0"}]}
    )
    session.commit()
    response = client.get(f"/badges/{slug}.svg")
    assert response.status_code == 404
    assert response.mimetype == "image/svg+xml"
    labels, _root = texts(response)
    assert labels == ["SVA", "not found"]
    assert "#6e6e6e" in response.get_data(as_text=True)


def test_text_is_escaped():
    svg = render_badge("SVA", '<script>"&', "#000")
    root = ET.fromstring(svg)  # still well-formed XML
    assert [t.text for t in root.iter(f"{SVG}text")] == ["SVA", '<script>"&']
    assert "<script>" not in svg


def test_width_grows_with_the_text():
    short = ET.fromstring(render_badge("SVA", "1.0", "#000"))
    long = ET.fromstring(render_badge("SVA", "12.10.3 | app >=4.1,<5", "#000"))
    assert int(long.get("width")) - int(short.get("width")) == text_width(
        "12.10.3 | app >=4.1,<5"
    ) - text_width("1.0")
    assert text_width("mmm") > text_width("iii")


def test_badge_change_invalidates_cache(client, session):
    upsert_module(session, {"slug": "bus", "releases": [{"version": "1.0"}]})
    session.commit()
    client.get("/badges/bus.svg")
    module = session.scalar(select(Module).where(Module.slug == "bus"))
    module.hidden = True
    bump(session, "catalog")
    session.commit()
    assert client.get("/badges/bus.svg").status_code == 404
