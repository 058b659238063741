"""Mirrors on ``GET /api/v1/modules/<slug>``: recorded once per URL, shown with their check."""

from datetime import UTC, datetime

import pytest

from registry.errors import InvalidInput
from registry.services import catalog
from registry.services.mirrors import forge_of, mirror_url, record_mirror
from registry.services.transfer import upsert_module

PRIMARY = "https://github.com/smart-village-solutions/smart-village-app-app"
OPENCODE = "https://gitlab.opencode.de/bad-belzig/smart-village-app-app"


@pytest.fixture()
def module(session):
    upsert_module(session, {"slug": "chatbot", "repository": PRIMARY}, source="test")
    session.commit()
    return catalog.get_module(session, "chatbot")


def test_module_without_mirrors_shows_an_empty_list(client, module):
    body = client.get("/api/v1/modules/chatbot").get_json()
    assert body["mirrors"] == []


def test_recorded_mirror_is_shown_unchecked(client, session, module):
    record_mirror(session, module, OPENCODE + ".git/", source="admin-doku")
    session.commit()
    body = client.get("/api/v1/modules/chatbot").get_json()
    assert body["mirrors"] == [
        {
            "url": OPENCODE,
            "forge": "gitlab",
            "status": "unchecked",
            "missingTags": [],
            "checkedAt": None,
            "behindSince": None,
            "source": "admin-doku",
        }
    ]


def test_checked_mirror_shows_status_and_missing_tags(client, session, module):
    mirror = record_mirror(session, module, OPENCODE, source="admin")
    checked = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    mirror.status, mirror.missing_tags, mirror.checked_at = "behind", ["v4.3.0"], checked
    session.commit()
    (shown,) = client.get("/api/v1/modules/chatbot").get_json()["mirrors"]
    assert shown["status"] == "behind"
    assert shown["missingTags"] == ["v4.3.0"]
    assert shown["checkedAt"] == "2026-12-01T03:00:00+00:00"


def test_a_mirror_is_recorded_once_and_the_primary_never(session, module):
    first = record_mirror(session, module, OPENCODE, source="admin-doku")
    again = record_mirror(session, module, OPENCODE.upper().replace("HTTPS", "https"), source="x")
    assert again is first and first.source == "admin-doku"
    assert record_mirror(session, module, PRIMARY + "/", source="admin-doku") is None
    assert [m.url for m in module.mirrors] == [OPENCODE]


@pytest.mark.parametrize(
    "url",
    [
        "http://gitlab.opencode.de/a/b",  # not https
        "https://gitlab.opencode.de/only-one",  # no owner/name
        "gitlab.opencode.de/a/b",  # no scheme
        "",
    ],
)
def test_bad_mirror_urls_are_refused(url):
    with pytest.raises(InvalidInput) as raised:
        mirror_url(url)
    assert raised.value.problems[0]["field"] == "mirrors"


def test_forge_of_known_hosts():
    assert forge_of(OPENCODE) == "gitlab"
    assert forge_of(PRIMARY) == "github"
    assert forge_of("https://codeberg.org/a/b") == ""
    assert forge_of("https://git.example.org/a/b", {"git.example.org": "gitlab"}) == "gitlab"
