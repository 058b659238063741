"""Token login, CSRF, and the deployment form: problems beside the fields, nothing stored."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import func, select

from registry.models import ApiToken, Deployment
from registry.services.tokens import hash_token, revoke_token
from tests.ui.conftest import csrf_from, deployment_id, login

GOOD = {
    "name": "Musterhausen",
    "ags": "12069017",
    "state": "BB",
    "visibility": "public",
    "channel": "stable",
    "app": "4.2.1",
    "mainserver_commit": "04d9eb41",
    "mainserver_capabilities": "vouchers, newsItems",
    "components": "studio = 0.0.1 (routing)",
    "modules": "nachrichten = 4.2.0",
    "licenses": "GPL-3.0-or-later, EUPL-1.2",
}


def _count(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(Deployment)) or 0


def test_login_rejects_a_bad_token_and_accepts_a_good_one(client, demo, token_for) -> None:
    page = client.get("/login").get_data(as_text=True)
    bad = client.post("/login", data={"token": "sva_nope", "csrf_token": csrf_from(page)})
    assert bad.status_code == 400
    assert "Dieses Token ist ungültig" in bad.get_data(as_text=True)
    good = client.post(
        "/login",
        data={"token": token_for("admin"), "csrf_token": csrf_from(page), "next": "/components"},
    )
    assert good.status_code == 302 and good.headers["Location"].endswith("/components")
    cookie = good.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Abmelden" in client.get("/").get_data(as_text=True)


def test_login_never_redirects_off_site(client, demo, token_for) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        data={
            "token": token_for("admin"),
            "csrf_token": csrf_from(page),
            "next": "//evil.example/",
        },
    )
    assert response.headers["Location"].endswith("/deployments")


def test_post_without_csrf_token_is_refused(client, demo, token_for) -> None:
    response = client.post(
        "/login", data={"token": token_for("admin")}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen" in response.get_data(as_text=True)


def test_logout_forgets_the_token(client, demo, token_for) -> None:
    login(client, token_for("admin"))
    page = client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert "Anmelden" in client.get("/").get_data(as_text=True)


def test_new_deployment_needs_a_login(client, demo) -> None:
    response = client.get("/deployments/new")
    assert response.status_code == 302
    assert "/login?next=/deployments/new" in response.headers["Location"]


def test_publisher_token_may_not_create_deployments(client, demo, token_for) -> None:
    login(client, token_for("publisher"))
    response = client.get("/deployments/new")
    assert response.status_code == 403
    assert "Mit Ihrem Token dürfen Sie das nicht." in response.get_data(as_text=True)


def test_bad_form_shows_every_problem_and_stores_nothing(client, demo, token_for) -> None:
    login(client, token_for("deployment"))
    before = _count(demo)
    page = client.get("/deployments/new").get_data(as_text=True)
    data = GOOD | {"name": "", "ags": "99", "app": "banana", "modules": "nachrichten 4.2.1"}
    response = client.post("/deployments/new", data=data | {"csrf_token": csrf_from(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nichts wurde gespeichert" in html
    for field in ("name", "ags", "app", "modules"):
        assert f'id="{field}-error"' in html, field
        assert f'href="#{field}"' in html, field
    assert 'aria-invalid="true"' in html
    assert 'value="banana"' in html  # what the user typed stays
    assert _count(demo) == before


def test_good_form_creates_the_deployment_and_binds_the_token(client, demo, token_for) -> None:
    login(client, token_for("deployment"))
    page = client.get("/deployments/new").get_data(as_text=True)
    response = client.post("/deployments/new", data=GOOD | {"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    new_id = deployment_id(demo, "Musterhausen")
    assert response.headers["Location"].endswith(f"/deployments/{new_id}?saved=1")
    stored = demo.get(Deployment, new_id)
    assert stored.document["components"] == {
        "app": "4.2.1",
        "mainserver": {"commit": "04d9eb41", "capabilities": ["vouchers", "newsItems"]},
        "studio": {"version": "0.0.1", "capabilities": ["routing"]},
    }
    assert stored.document["modules"] == {"nachrichten": "4.2.0"}
    # The token now belongs to this deployment: it may edit it.
    assert client.get(f"/deployments/{new_id}/edit").status_code == 200


def test_edit_form_shows_the_stored_values_and_saves_changes(client, demo, token_for) -> None:
    login(client, token_for("admin"))
    guben = deployment_id(demo, "Guben (Demo)")
    page = client.get(f"/deployments/{guben}/edit").get_data(as_text=True)
    assert 'value="4.2.0"' in page and "studio = 0.0.1 (" in page
    form = _form_values(page) | {
        "app": "4.3.0",
        "csrf_token": csrf_from(page),
    }
    response = client.post(f"/deployments/{guben}/edit", data=form)
    assert response.status_code == 302
    demo.expire_all()
    document = demo.get(Deployment, guben).document
    assert document["components"]["app"] == "4.3.0"
    assert len(document["components"]["mainserver"]["capabilities"]) == 78
    assert len(document["components"]["studio"]["capabilities"]) == 3


def test_other_deployment_token_may_not_edit(client, demo, token_for) -> None:
    guben = deployment_id(demo, "Guben (Demo)")
    kiel = deployment_id(demo, "Kiel (Demo)")
    login(client, token_for("deployment", deployment=kiel))
    assert client.get(f"/deployments/{guben}/edit").status_code == 403
    assert client.get(f"/deployments/{kiel}/edit").status_code == 200


def _form_values(html: str) -> dict[str, str]:
    values = {}
    for name, value in re.findall(
        r'<input id="[^"]+" name="([a-z_]+)" type="text" value="([^"]*)"', html
    ):
        values[name] = html_lib.unescape(value)
    for name, value in re.findall(
        r'<textarea id="[^"]+" name="([a-z_]+)"[^>]*>(.*?)</textarea>', html, re.S
    ):
        values[name] = html_lib.unescape(value)
    for name, value in re.findall(r'name="(visibility|channel)" value="([a-z]+)" checked', html):
        values[name] = value
    return values


def test_revoked_token_logs_the_visitor_out_instead_of_failing(client, demo, token_for) -> None:
    kiel = deployment_id(demo, "Kiel (Demo)")
    secret = token_for("deployment", deployment=kiel)
    login(client, secret)
    html = client.get("/").get_data(as_text=True)
    assert f'href="/deployments/{kiel}">Meine Installation' in html
    token = demo.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    revoke_token(demo, token.id)
    demo.commit()
    response = client.get("/")
    assert response.status_code == 200
    assert "Anmelden" in response.get_data(as_text=True)
    assert client.get(f"/deployments/{kiel}/edit").status_code == 302  # asked to log in again


@pytest.mark.parametrize(
    ("field", "typed", "sentence"),
    [
        (
            "modules",
            "chatbott = 4.3.0",
            "Ein Modul „chatbott“ gibt es im Verzeichnis nicht. Meinten Sie: chatbot",
        ),
        (
            "modules",
            "chatbot = 1.0",
            "chatbot hat keine Version 1.0. Eine eigene Anpassung schreiben Sie als 1.0+local.",
        ),
        ("licenses", "GPL", "„GPL“ ist keine SPDX-Lizenzkennung. Meinten Sie:"),
        ("ags", "12069020", "Der AGS 12069020 gehört schon zur Installation „Bad Belzig (Demo)“."),
    ],
)
def test_the_form_refuses_what_is_not_real_and_says_why(  # type: ignore[no-untyped-def]
    client, demo, token_for, field: str, typed: str, sentence: str
) -> None:
    login(client, token_for("deployment"))
    page = client.get("/deployments/new").get_data(as_text=True)
    data = GOOD | {field: typed, "csrf_token": csrf_from(page)}
    response = client.post("/deployments/new", data=data)
    assert response.status_code == 400
    html = html_lib.unescape(response.get_data(as_text=True))
    assert sentence in html
    assert (
        demo.scalar(
            select(func.count()).select_from(Deployment).where(Deployment.name == "Musterhausen")
        )
        == 0
    )


def test_the_form_takes_a_local_build_and_folds_the_slug(client, demo, token_for) -> None:  # type: ignore[no-untyped-def]
    login(client, token_for("deployment"))
    page = client.get("/deployments/new").get_data(as_text=True)
    data = GOOD | {"modules": "Nachrichten = 4.2.0+musterhausen", "csrf_token": csrf_from(page)}
    assert client.post("/deployments/new", data=data).status_code == 302
    stored = demo.get(Deployment, deployment_id(demo, "Musterhausen"))
    assert stored.document["modules"] == {"nachrichten": "4.2.0+musterhausen"}
