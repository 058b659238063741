"""The read API of the core issue: modules, releases, components, health and error shapes."""

import pytest

from registry.services.transfer import upsert_component, upsert_module

APP = {
    "name": "app",
    "title": {"de": "Smart Village App", "en": "Smart Village App"},
    "repository": "smart-village-solutions/smart-village-app-app",
    "versions": [
        {"version": "4.2.0", "tag": "v4.2.0", "sha": "a" * 40, "date": "2025-12-19T10:00:00+01:00"},
        {"version": "4.3.0", "tag": "v4.3.0", "sha": "b" * 40, "date": "2026-01-14T10:00:00+01:00"},
        {"version": "3.2.6", "tag": "v3.2.6", "sha": "c" * 40, "date": "2023-05-02T10:00:00+02:00"},
    ],
    "capabilities": [],
}
CHATBOT = {
    "slug": "chatbot",
    "name": {"de": "Chatbot", "en": "Chatbot"},
    "summary": {"de": "Fragen an die Verwaltung im Chat", "en": "Ask the administration in a chat"},
    "topic": "chatbot",
    "kind": "in-app",
    "host": {"component": "app", "path": "src/screens/ChatbotScreen.tsx"},
    "license": "GPL-3.0-or-later",
    "developmentStatus": "beta",
    "releases": [
        {
            "version": "4.3.0",
            "tag": "v4.3.0",
            "sha": "b" * 40,
            "date": "2026-01-14T10:00:00+01:00",
            "license": {"declared": "GPL-3.0-or-later", "detected": "GPL-3.0"},
            "requires": {"app": {"range": "==4.3.0"}},
        }
    ],
}
HUMHUB_EXT = {
    "slug": "humhub-ext",
    "name": {"de": "HumHub-Erweiterung", "en": "HumHub extension"},
    "summary": {"de": "Ehrenamt", "en": "Volunteer"},
    "topic": "ehrenamt",
    "kind": "standalone",
    "developmentStatus": "stable",
    "releases": [
        {"version": "0.1", "tag": "v0.1", "requires": {"humhub": {"range": ">=1.8.3"}}},
        {"version": "0.2", "tag": "v0.2", "requires": {"humhub": "^1.8.3"}},
        {"version": "0.3rc1", "tag": "v0.3-rc.1", "prerelease": True},
    ],
}


@pytest.fixture()
def catalogue(session):
    upsert_component(session, APP)
    for module in (CHATBOT, HUMHUB_EXT):
        upsert_module(session, module)
    session.commit()
    return session


def test_list_modules_with_search_filters_and_paging(client, catalogue):
    body = client.get("/api/v1/modules").get_json()
    assert [m["slug"] for m in body["items"]] == ["chatbot", "humhub-ext"]
    assert body["total"] == 2
    assert client.get("/api/v1/modules?q=VOLUNT").get_json()["items"][0]["slug"] == "humhub-ext"
    assert client.get("/api/v1/modules?topic=chatbot").get_json()["total"] == 1
    assert client.get("/api/v1/modules?status=stable").get_json()["total"] == 1
    first = client.get("/api/v1/modules?limit=1").get_json()
    assert "offset=1" in first["next"] and "limit=1" in first["next"]
    second = client.get(first["next"]).get_json()
    assert [m["slug"] for m in second["items"]] == ["humhub-ext"]
    assert "next" not in second


def test_module_and_newest_stable_release(client, catalogue):
    body = client.get("/api/v1/modules/humhub-ext").get_json()
    assert body["newest"] == "0.2"  # the 0.3rc1 prerelease is not the newest for stable users
    assert body["kind"] == "standalone"


def test_releases_are_newest_first_with_raw_and_normalized_ranges(client, catalogue):
    body = client.get("/api/v1/modules/humhub-ext/releases").get_json()
    assert [r["version"] for r in body["items"]] == ["0.3rc1", "0.2", "0.1"]
    npm = body["items"][1]["requires"]["humhub"]
    assert npm == {"range": "^1.8.3", "normalized": ">=1.8.3,<2.0.0", "capabilities": []}
    release = client.get("/api/v1/modules/chatbot/releases").get_json()["items"][0]
    for key in (
        "version",
        "tag",
        "sha",
        "date",
        "prerelease",
        "yanked",
        "license",
        "requires",
        "dependsOn",
        "problems",
    ):
        assert key in release
    assert release["license"] == {"declared": "GPL-3.0-or-later", "detected": "GPL-3.0"}


def test_components_and_versions_newest_first(client, catalogue):
    body = client.get("/api/v1/components").get_json()
    assert body["items"][0]["name"] == "app"
    assert body["items"][0]["newest"] == "4.3.0"
    versions = client.get("/api/v1/components/app/versions").get_json()["items"]
    assert [v["version"] for v in versions] == ["4.3.0", "4.2.0", "3.2.6"]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/modules/nope", 404, "not-found"),
        ("/api/v1/modules/nope/releases", 404, "not-found"),
        ("/api/v1/components/nope/versions", 404, "not-found"),
        ("/api/v1/nothing-here", 404, "not-found"),
        ("/api/v1/modules?limit=zero", 400, "invalid-input"),
        ("/api/v1/modules?limit=100000", 400, "invalid-input"),  # above the page size cap
    ],
)
def test_error_shape(client, catalogue, path, status, code):
    response = client.get(path)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["details"], list)


def test_method_not_allowed_has_error_shape(client):
    response = client.delete("/api/v1/components")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method-not-allowed"
    assert "GET" in response.headers["Allow"]


def test_internal_error_has_error_shape(app, client):
    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("kaputt")

    response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.get_json()["error"] == {
        "code": "internal-error",
        "message": "internal server error",
        "details": [],
    }


def test_conditional_get_answers_304(client, catalogue):
    first = client.get("/api/v1/modules")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/api/v1/modules", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_module_list_page(client, catalogue):
    page = client.get("/?q=chat").get_data(as_text=True)
    assert "Chatbot" in page
    assert "HumHub" not in page
    assert '<html lang="de">' in page


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_ids_beyond_the_integer_column_are_404_not_500(client, method):
    # PostgreSQL's integer is 32 bits: 2**31 overflowed inside the query (found by schemathesis).
    response = getattr(client, method)(f"/api/v1/deployments/{2**31}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not-found"
