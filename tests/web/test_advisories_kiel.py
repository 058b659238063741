"""The real SVA case: an advisory on abfallkalender fixed in 4.2.0 reaches Kiel (Demo), which
runs 4.1.3: its deployment feed and the dashboard say so; Magdeburg (3.3.5) too; others not."""

import json
from pathlib import Path

import pytest
from packaging.version import Version
from sqlalchemy import select

from registry.models import Deployment
from registry.services.tokens import create_token

RECORD = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "advisories" / "SVA-2026-0001.json").read_text(
        "utf-8"
    )
)


@pytest.fixture()
def published(client, demo):
    _, admin = create_token(demo, "admin")
    demo.commit()
    answer = client.post(
        "/api/v1/advisories", json=RECORD, headers={"Authorization": f"Bearer {admin}"}
    )
    assert answer.status_code == 201
    return {d.name: d for d in demo.scalars(select(Deployment))}


def test_kiel_gets_a_feed_item_for_the_advisory(client, published):
    kiel = published["Kiel (Demo)"]
    assert kiel.document["modules"]["abfallkalender"] == "4.1.3"
    items = client.get(f"/api/v1/deployments/{kiel.id}/feed.json").get_json()["items"]
    advisory_items = [i for i in items if i["tags"] == ["advisory-published"]]
    assert len(advisory_items) == 1
    assert advisory_items[0]["title"] == "abfallkalender 4.1.3: security advisory SVA-2026-0001"
    assert advisory_items[0]["url"].endswith("/api/v1/advisories/SVA-2026-0001")
    # A deployment that does not run the waste calendar gets no such item.
    augsburg = published["Augsburg (Demo)"]
    items = client.get(f"/api/v1/deployments/{augsburg.id}/feed.json").get_json()["items"]
    assert not [i for i in items if i["tags"] == ["advisory-published"]]


def test_the_dashboard_counts_affected_deployments(client, published):
    running = {
        name: d.document.get("modules", {}).get("abfallkalender")
        for name, d in published.items()
        if d.visibility == "public"
    }
    affected = [
        n for n, v in running.items() if v and Version("1.6.0") <= Version(v) < Version("4.2.0")
    ]
    counts = client.get("/api/v1/dashboard.json").get_json()["advisories"]
    assert counts["open"] == 1
    assert counts["byModule"]["abfallkalender"]["advisories"] == ["SVA-2026-0001"]
    assert counts["byModule"]["abfallkalender"]["deploymentsAffected"] == len(affected) >= 2
    assert counts["deploymentsAffected"] == len(affected)


def test_the_public_feed_names_the_advisory(client, published):
    items = client.get("/api/v1/feed.json").get_json()["items"]
    assert items[0]["title"] == "Security advisory SVA-2026-0001 for abfallkalender"


def test_module_health_in_the_api_and_as_a_badge(client, published):
    health = client.get("/api/v1/modules/abfallkalender").get_json()["health"]
    assert set(health) == {"level", "maintenance", "security", "reuse"}
    # 4.2.0 was released before the advisory was published: fixed in no time
    assert {"code": "advisories-fixed-fast", "count": 1} in health["security"]["reasons"]
    assert health["reuse"]["level"] == 3  # demo deployments and admin-doku's named adopters
    badge = client.get("/badges/abfallkalender/health.svg")
    assert badge.status_code == 200 and badge.mimetype == "image/svg+xml"
    assert f"{health['level']}/3" in badge.get_data(as_text=True)
    assert client.get("/badges/no-such-module/health.svg").status_code == 404
