"""Onboarding checklists: the real case of Magdeburg (app 3.3.5) and the chatbot."""

from __future__ import annotations

from sqlalchemy import select

from registry.models import Deployment, Module
from registry.services import contacts, guides
from registry.services.tokens import Principal, create_token


def token(session, role, **scope) -> dict[str, str]:
    _row, secret = create_token(session, role, **scope)
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


def deployment(session, name: str) -> Deployment:
    return session.scalars(select(Deployment).where(Deployment.name == name)).one()


def module(session, slug: str) -> Module:
    return session.scalars(select(Module).where(Module.slug == slug)).one()


def test_magdeburg_chatbot_checklist_starts_with_the_app_update(client, demo):
    magdeburg = deployment(demo, "Magdeburg (Demo)")
    chatbot = module(demo, "chatbot")
    guide = guides.create_guide(
        demo, chatbot, {"title": "Chatbot", "body": "Text", "language": "de"}, Principal(1, "admin")
    )
    belzig = deployment(demo, "Bad Belzig (Demo)")
    contacts.offer_contact(demo, belzig, chatbot, {"name": "IT Bad Belzig", "email": "it@x.de"})
    demo.commit()
    url = f"/api/v1/deployments/{magdeburg.id}/onboarding/chatbot"
    body = client.get(url).get_json()
    steps = body["steps"]
    first = steps[0]
    assert first["kind"] == "update" and first["component"] == "app"
    assert (first["from"], first["to"]) == ("3.3.5", "4.3.0")
    assert body["version"] == "4.3.0" and body["adoptable"] is False
    kinds = [s["kind"] for s in steps]
    assert kinds[-3:] == ["read", "ask", "adopt"] and "license" in kinds
    license_step = next(s for s in steps if s["kind"] == "license")
    assert license_step["license"] == "GPL-3.0-or-later" and license_step["allowed"] is True
    read = next(s for s in steps if s["kind"] == "read")
    assert read["guide"] == guide.id
    ask = next(s for s in steps if s["kind"] == "ask")
    assert [c["deployment"]["name"] for c in ask["contacts"]] == ["Bad Belzig (Demo)"]
    assert ask["community"]["name"]
    assert not any(s["done"] for s in steps)
    assert body["progress"] == {"done": 0, "total": len(steps)}
    # Ids are stable: the same request gives the same ids.
    assert [s["id"] for s in client.get(url).get_json()["steps"]] == [s["id"] for s in steps]


def test_the_deployment_ticks_steps_with_its_own_token(
    client,
    demo,
):
    magdeburg = deployment(demo, "Magdeburg (Demo)")
    url = f"/api/v1/deployments/{magdeburg.id}/onboarding/chatbot"
    step = client.get(url).get_json()["steps"][0]["id"]
    own = token(demo, "deployment", deployment=magdeburg.id)
    other = token(demo, "deployment", deployment=deployment(demo, "Kiel (Demo)").id)
    assert client.put(f"{url}/steps/{step}", json={"done": True}).status_code == 401
    assert client.put(f"{url}/steps/{step}", json={"done": True}, headers=other).status_code == 403
    bad = client.put(f"{url}/steps/{step}", json={"done": "yes"}, headers=own)
    assert bad.status_code == 400
    assert client.put(f"{url}/steps/nope", json={"done": True}, headers=own).status_code == 404
    marked = client.put(f"{url}/steps/{step}", json={"done": True}, headers=own)
    assert marked.status_code == 200 and marked.get_json()["done"] is True
    body = client.get(url).get_json()
    assert body["steps"][0]["done"] is True and body["progress"]["done"] == 1
    client.put(f"{url}/steps/{step}", json={"done": False}, headers=own)
    assert client.get(url).get_json()["steps"][0]["done"] is False


def test_an_adoptable_module_has_no_plan_steps_and_adopt_is_done_when_running(client, demo):
    belzig = deployment(demo, "Bad Belzig (Demo)")
    body = client.get(f"/api/v1/deployments/{belzig.id}/onboarding/chatbot").get_json()
    assert body["adoptable"] is True
    assert [s["kind"] for s in body["steps"]] == ["license", "ask", "adopt"]
    assert body["steps"][-1]["done"] is True  # Bad Belzig runs the chatbot already


def test_a_studio_plugin_is_a_step_to_activate(client, demo):
    kiel = deployment(demo, "Kiel (Demo)")
    body = client.get(f"/api/v1/deployments/{kiel.id}/onboarding/studio-news").get_json()
    kinds = [s["kind"] for s in body["steps"]]
    assert "plugin" in kinds and kinds.index("plugin") > 0  # after adding Studio itself
    assert body["steps"][0]["component"] == "studio"


def test_private_and_unknown(client, demo):
    bernau = deployment(demo, "Bernau bei Berlin (Demo)")
    assert client.get(f"/api/v1/deployments/{bernau.id}/onboarding/chatbot").status_code == 404
    own = token(demo, "deployment", deployment=bernau.id)
    url = f"/api/v1/deployments/{bernau.id}/onboarding/chatbot"
    assert client.get(url, headers=own).status_code == 200
    assert client.get(f"{url[:-7]}nope", headers=own).status_code == 404
