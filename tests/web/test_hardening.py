"""Each finding of the probe of the running registry, tried again as the attack it was.

Every test here failed on the code before the fix: it names the attack, sends it, and checks
for a 4xx in the documented shape (or the safe behaviour) with nothing written.
"""

from __future__ import annotations

import re
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry import create_app
from registry.errors import ConfigError
from registry.keys import check_serving
from registry.models import ApiToken, CrawlRequest, Deployment, Event, WebSession
from registry.server import control_socket_options
from registry.services import deployments as service
from registry.services.events import record_event
from registry.services.tokens import create_token, hash_token, revoke_token
from registry.services.transfer import upsert_module
from tests.ui.conftest import csrf_from, login
from tests.web.test_hooks import deliver, repo

DOCUMENT = {"schemaVersion": 1, "name": "Bad Belzig", "components": {"app": "4.2.1"}}
HUMHUB = "https://github.com/smart-village-solutions/smart-village-app-humhub-ext"


def count(session, table):
    return session.scalar(select(func.count()).select_from(table))


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def assert_error(response, status=400):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert set(response.get_json()["error"]) == {"code", "message", "details"}


@pytest.fixture()
def admin_secret(session):
    _row, secret = create_token(session, "admin")
    session.commit()
    return secret


# ---- sessions and secrets ------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\n/x", "//evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(client, admin_secret, target):
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"token": admin_secret, "csrf_token": csrf_from(page), "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/deployments"


def test_the_session_cookie_holds_a_random_id_only(client, session, admin_secret):
    login(client, admin_secret)
    cookie = client.get_cookie("sva_session")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie.value)
    assert admin_secret not in cookie.value
    assert cookie.http_only and cookie.same_site == "Lax"
    stored = session.scalars(select(WebSession)).all()
    assert [row.token_hash for row in stored] == [hash_token(admin_secret)]
    assert all(cookie.value not in (row.id_hash, row.token_hash) for row in stored)


def test_the_cookie_is_secure_over_https(client):
    response = client.get("/login", base_url="https://registry.example")
    assert "Secure" in response.headers["Set-Cookie"]


def test_logout_ends_the_session_for_a_replayed_cookie(client, session, admin_secret):
    login(client, admin_secret)
    stolen = client.get_cookie("sva_session").value
    page = client.get("/deployments").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert count(session, WebSession) == 0
    client.set_cookie("sva_session", stolen)
    assert "/logout" not in client.get("/deployments").get_data(as_text=True)


def test_revoking_the_token_ends_its_sessions(client, session, admin_secret):
    login(client, admin_secret)
    assert "/logout" in client.get("/deployments").get_data(as_text=True)
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(admin_secret)))
    revoke_token(session, token.id)
    session.commit()
    assert count(session, WebSession) == 0
    assert "/logout" not in client.get("/deployments").get_data(as_text=True)


@pytest.mark.parametrize("content_type", ["text/plain", "application/json"])
def test_a_login_cookie_alone_never_authorizes_an_api_write(
    client, session, admin_secret, content_type
):
    login(client, admin_secret)
    before = count(session, Deployment)
    response = client.post(
        "/api/v1/deployments",
        data='{"schemaVersion": 1, "name": "CSRF"}',
        content_type=content_type,
    )
    assert_error(response, 401)
    assert count(session, Deployment) == before


def test_workers_without_a_configured_key_share_one(settings, session_factory, admin_secret):
    """Two workers (two apps, as gunicorn forks them) and no [server] secret_key: a login made
    in one worker is a login in the other, and the form of one is accepted by the other."""
    unset = replace(settings, server=replace(settings.server, secret_key=""))
    workers = [create_app(unset), create_app(unset)]
    for app in workers:
        app.extensions["registry.sessions"] = session_factory
    assert workers[0].secret_key == workers[1].secret_key
    key_file = Path(unset.instance_path) / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first, second = (app.test_client() for app in workers)
    page = first.get("/login").get_data(as_text=True)
    second.set_cookie("sva_session", first.get_cookie("sva_session").value)
    # The form came from worker 1, the login lands on worker 2, the pages on both.
    answer = second.post("/login", data={"token": admin_secret, "csrf_token": csrf_from(page)})
    assert answer.status_code == 302
    first.set_cookie("sva_session", second.get_cookie("sva_session").value)
    for client in (first, second) * 10:
        assert "/logout" in client.get("/deployments").get_data(as_text=True)


def test_several_nodes_without_a_key_refuse_to_serve(settings):
    nodes = replace(settings, server=replace(settings.server, secret_key="", nodes=3))
    with pytest.raises(ConfigError, match="nodes is 3 but no \\[server\\] secret_key"):
        check_serving(nodes)
    check_serving(replace(nodes, server=replace(nodes.server, secret_key="k" * 64)))


def test_pages_shown_with_a_session_are_private(client, admin_secret):
    assert "private" not in client.get("/deployments").headers.get("Cache-Control", "")
    login(client, admin_secret)
    response = client.get("/deployments")
    assert response.headers["Cache-Control"].startswith("private")
    assert "Cookie" in response.headers["Vary"]


def test_an_authenticated_read_writes_nothing(client, session, admin_secret):
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(admin_secret)))
    client.get("/api/v1/deployments", headers=bearer(admin_secret))
    session.expire_all()
    first = session.get(ApiToken, token.id).last_used_at
    assert first is not None  # recorded once, after the request
    client.get("/api/v1/deployments", headers=bearer(admin_secret))
    session.expire_all()
    assert session.get(ApiToken, token.id).last_used_at == first  # not again within a minute


# ---- writes --------------------------------------------------------------------------------


def test_put_and_delete_honour_if_match(client, session, admin_secret):
    created = client.post("/api/v1/deployments", json=DOCUMENT, headers=bearer(admin_secret))
    url = created.headers["Location"]
    etag = client.get(url).headers["ETag"]
    changed = dict(DOCUMENT, name="Bad Belzig (neu)")
    first = client.put(url, json=changed, headers={**bearer(admin_secret), "If-Match": etag})
    assert first.status_code == 200
    stale = client.put(
        url, json=dict(DOCUMENT, name="lost"), headers={**bearer(admin_secret), "If-Match": etag}
    )
    assert_error(stale, 412)
    assert client.get(url).get_json()["name"] == "Bad Belzig (neu)"
    assert_error(client.delete(url, headers={**bearer(admin_secret), "If-Match": etag}), 412)
    fresh = first.headers["ETag"]
    assert (
        client.delete(url, headers={**bearer(admin_secret), "If-Match": fresh}).status_code == 204
    )


def test_a_bound_deployment_token_cannot_create_a_second_deployment(client, session):
    _row, secret = create_token(session, "deployment")
    session.commit()
    assert (
        client.post("/api/v1/deployments", json=DOCUMENT, headers=bearer(secret)).status_code == 201
    )
    before = count(session, Deployment)
    again = client.post("/api/v1/deployments", json=DOCUMENT, headers=bearer(secret))
    assert again.status_code in (403, 409)
    assert count(session, Deployment) == before


def test_a_module_scoped_publisher_cannot_register_modules(client, session):
    upsert_module(session, {"slug": "humhub-ext", "kind": "standalone", "repository": HUMHUB})
    _row, scoped = create_token(session, "publisher", module="humhub-ext")
    _row, unscoped = create_token(session, "publisher")
    session.commit()
    body = {"repository": "https://github.com/smart-village-solutions/sva-studio"}
    assert_error(client.post("/api/v1/modules", json=body, headers=bearer(scoped)), 403)
    assert client.post("/api/v1/modules", json=body, headers=bearer(unscoped)).status_code == 201


def test_a_webhook_delivery_is_handled_once(client, session):
    upsert_module(session, {"slug": "humhub-ext", "kind": "standalone", "repository": HUMHUB})
    session.commit()
    name = "smart-village-solutions/smart-village-app-humhub-ext"
    first = deliver(client, "push", repo(name), delivery="same-delivery")
    again = deliver(client, "push", repo(name), delivery="same-delivery")
    assert first.status_code == 202 and len(first.get_json()["queued"]) == 1
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert count(session, CrawlRequest) == 1


# ---- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/compatibility?app=" + "9" * 4301,
        "/api/v1/deployments/{id}/upgrade-plan?component=app&to=" + "9" * 4301,
        "/api/v1/feed.json?cursor=" + "A" * 2000,
    ],
)
def test_huge_query_values_are_400(client, session, url):
    found = service.create_deployment(session, DOCUMENT)
    session.commit()
    assert_error(client.get(url.format(id=found.id)))


@pytest.mark.parametrize(
    "cursor",
    [
        "0001-01-01T00:00:00+14:00|1",  # before the first representable UTC time
        "2026-01-01T00:00:00+00:00|2147483648",  # 2^31: beyond PostgreSQL's integer
    ],
)
def test_forged_feed_cursors_are_400(client, cursor):
    import base64

    raw = base64.urlsafe_b64encode(cursor.encode()).decode().rstrip("=")
    assert_error(client.get(f"/api/v1/feed.json?cursor={raw}"))


@pytest.mark.parametrize(
    "name",
    ["a\x00b", "x" * 201, "\ud800x", "x" * 900_000],
    ids=["nul", "201-chars", "lone-surrogate", "900-KB"],
)
def test_bad_names_are_400_in_the_api(client, session, admin_secret, name):
    import json

    before = (count(session, Deployment), count(session, Event))
    body = json.dumps(dict(DOCUMENT, name=name)).encode("utf-8", "surrogatepass")
    response = client.post(
        "/api/v1/deployments",
        data=body,
        headers=bearer(admin_secret),
        content_type="application/json",
    )
    assert_error(response, 413 if len(body) > 1_048_576 else 400)
    assert (count(session, Deployment), count(session, Event)) == before


@pytest.mark.parametrize("name", ["a\x00b", "x" * 201], ids=["nul", "201-chars"])
def test_bad_names_are_refused_by_the_form(client, session, admin_secret, name):
    login(client, admin_secret)
    page = client.get("/deployments/new").get_data(as_text=True)
    before = count(session, Deployment)
    response = client.post(
        "/deployments/new",
        data={"csrf_token": csrf_from(page), "name": name, "schemaVersion": "1"},
    )
    assert response.status_code == 400
    assert count(session, Deployment) == before


# ---- privacy and addresses -----------------------------------------------------------------


def test_activity_hides_private_deployments_and_hidden_modules(client, session):
    found = service.create_deployment(session, dict(DOCUMENT, name="Geheimdorf"))
    upsert_module(
        session,
        {
            "slug": "versteckt",
            "kind": "standalone",
            "repository": HUMHUB,
            "flags": {"hidden": True},
        },
    )
    record_event(session, "release-added", module="versteckt", version="9.9.9")
    session.commit()
    assert "Geheimdorf" in client.get("/activity").get_data(as_text=True)
    service.update_deployment(
        session, found.id, dict(DOCUMENT, name="Geheimdorf", visibility="private")
    )
    session.commit()
    page = client.get("/activity").get_data(as_text=True)
    assert "Geheimdorf" not in page
    assert "9.9.9" not in page


def test_feed_links_follow_the_host_and_item_ids_do_not(client, session):
    record_event(session, "module-added", module="chatbot")
    session.commit()
    one = client.get("/api/v1/feed.json", base_url="http://registry.example").get_json()
    two = client.get("/api/v1/feed.json", base_url="https://other.example:8443").get_json()
    assert one["home_page_url"] == "http://registry.example/"
    assert two["home_page_url"] == "https://other.example:8443/"
    assert [i["id"] for i in one["items"]] == [i["id"] for i in two["items"]]


def test_a_configured_base_url_wins(app, client, session):
    server = app.config["SETTINGS"].server
    app.config["SETTINGS"] = replace(
        app.config["SETTINGS"], server=replace(server, base_url="https://registry.sva.example")
    )
    feed = client.get("/api/v1/feed.json", base_url="http://10.0.0.5").get_json()
    assert feed["home_page_url"] == "https://registry.sva.example/"


def test_no_shared_gunicorn_control_socket(settings, tmp_path):
    assert control_socket_options(settings, 8000) == {"control_socket_disable": True}
    enabled = replace(settings, server=replace(settings.server, control_socket=True))
    options = control_socket_options(enabled, 8001)
    assert options["control_socket"].startswith(str(tmp_path))
    assert options["control_socket"].endswith("gunicorn-8001.ctl")
