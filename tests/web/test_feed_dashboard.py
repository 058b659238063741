"""``/api/v1/dashboard.json``: counts, adoption, deployments at risk, crawl health, privacy."""

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from registry.models import CrawlState, Deployment, Module
from registry.services.events import bump


def public_deployments(demo_document):
    return [d for d in demo_document["deployments"] if d["document"].get("visibility") != "private"]


def test_counts_match_the_demo_data(client, demo, demo_document):
    body = client.get("/api/v1/dashboard.json").get_json()
    assert body["dashboardVersion"] == 1
    counts = body["counts"]
    assert counts["modules"] == len(demo_document["modules"])
    assert counts["releases"] == sum(len(m.get("releases", [])) for m in demo_document["modules"])
    assert counts["components"] == len(demo_document["components"])
    assert counts["deployments"] == len(public_deployments(demo_document)) == 10
    assert counts["events"] == len(demo_document["events"])


def test_adoption_counts_public_deployments_per_version(client, demo, demo_document):
    expected = Counter(
        (slug, version)
        for d in public_deployments(demo_document)
        for slug, version in d["document"].get("modules", {}).items()
    )
    body = client.get("/api/v1/dashboard.json").get_json()
    seen = Counter()
    for module in body["adoption"]:
        assert module["deployments"] == sum(v["deployments"] for v in module["versions"])
        for version in module["versions"]:
            seen[(module["module"], version["version"])] = version["deployments"]
    assert seen == expected
    nachrichten = next(m for m in body["adoption"] if m["module"] == "nachrichten")
    assert nachrichten["newest"] == "4.3.0"
    assert nachrichten["onNewest"] == expected[("nachrichten", "4.3.0")]


def test_private_deployment_never_counts(client, demo):
    before = client.get("/api/v1/dashboard.json").get_json()
    secret = Deployment(
        name="Geheimdorf",
        visibility="private",
        document={"name": "Geheimdorf", "modules": {"chatbot": "4.3.0"}},
    )
    demo.add(secret)
    bump(demo, "deployments")
    demo.commit()
    after = client.get("/api/v1/dashboard.json")
    assert after.get_json() == before
    assert "Geheimdorf" not in after.get_data(as_text=True)


def test_yanked_and_invalid_versions_put_deployments_at_risk(client, demo, demo_document):
    chatbot = demo.scalar(select(Module).where(Module.slug == "chatbot"))
    release = next(r for r in chatbot.releases if r.version == "4.3.0")
    release.yanked = True
    karten = demo.scalar(select(Module).where(Module.slug == "karten"))
    invalid = next(r for r in karten.releases if r.version == "4.3.0")
    invalid.problems = [{"field": "requires", "message": "bad range"}]
    bump(demo, "catalog")
    demo.commit()
    public = public_deployments(demo_document)
    on_chatbot = sorted(
        d["id"] for d in public if d["document"]["modules"].get("chatbot") == "4.3.0"
    )
    on_karten = sorted(d["id"] for d in public if d["document"]["modules"].get("karten") == "4.3.0")
    assert on_chatbot  # the demo has adopters of chatbot 4.3.0
    risk = client.get("/api/v1/dashboard.json").get_json()["atRisk"]
    assert risk["deploymentsOnYankedOrWithdrawn"] == len(on_chatbot)
    assert risk["deploymentsOnInvalid"] == len(on_karten)
    assert risk["deploymentsAtRisk"] == len(set(on_chatbot) | set(on_karten))
    assert risk["shareAtRisk"] == round(risk["deploymentsAtRisk"] / len(public), 4)
    assert {
        "module": "chatbot",
        "version": "4.3.0",
        "status": "yanked",
        "deployments": on_chatbot,
    } in risk["items"]
    adoption = client.get("/api/v1/dashboard.json").get_json()["adoption"]
    chat = next(m for m in adoption if m["module"] == "chatbot")
    assert {"version": "4.3.0", "deployments": len(on_chatbot), "status": "yanked"} in chat[
        "versions"
    ]


def test_crawl_health(client, session):
    now = datetime.now(UTC)
    session.add_all(
        [
            CrawlState(repository="o/ok", last_attempt=now, last_success=now),
            CrawlState(
                repository="o/failing",
                last_attempt=now,
                last_success=now - timedelta(days=1),
                last_error="500 from GitHub",
            ),
            CrawlState(
                repository="o/limited", last_attempt=now, resume_after=now + timedelta(hours=1)
            ),
            CrawlState(repository="o/gone", last_attempt=now, gone=True),
            CrawlState(repository="o/new"),
        ]
    )
    session.commit()
    health = client.get("/api/v1/dashboard.json").get_json()["crawlHealth"]
    assert (health["repositories"], health["ok"], health["failing"], health["rateLimited"]) == (
        5,
        1,
        1,
        1,
    )
    assert (health["gone"], health["neverCrawled"]) == (1, 1)
    failing = next(i for i in health["items"] if i["repository"] == "o/failing")
    assert failing["lastError"] == "500 from GitHub" and failing["status"] == "failing"


def test_crawl_state_change_is_not_served_stale(client, session):
    assert client.get("/api/v1/dashboard.json").get_json()["crawlHealth"]["repositories"] == 0
    session.add(CrawlState(repository="o/new", last_attempt=datetime.now(UTC), last_error="boom"))
    session.commit()  # no counter bumped: the crawl-state fingerprint still changes the key
    assert client.get("/api/v1/dashboard.json").get_json()["crawlHealth"]["failing"] == 1


def test_dashboard_is_conditional(client, demo):
    first = client.get("/api/v1/dashboard.json")
    assert first.headers["Last-Modified"]
    assert (
        client.get(
            "/api/v1/dashboard.json", headers={"If-None-Match": first.headers["ETag"]}
        ).status_code
        == 304
    )
