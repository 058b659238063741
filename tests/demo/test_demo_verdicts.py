"""The demo data loaded and answered by the compatibility API: it tells a consistent story.

Each demo deployment can adopt what it runs today, and the blocked cases the demo is meant to
show (capabilities of the public mainserver, license policy, missing HumHub) come out as reasons.
"""

from __future__ import annotations

from typing import Any


def _ids(client: Any) -> dict[str, int]:
    body = client.get("/api/v1/deployments?limit=500").get_json()
    return {item["name"]: item["id"] for item in body["items"]}


def _entry(client: Any, deployment: int, slug: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/deployments/{deployment}/compatibility/{slug}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _codes(entry: dict[str, Any], version: str) -> set[str]:
    blocked = next(b for b in entry["blocked"] if b["version"] == version)
    return {reason["code"] for reason in blocked["reasons"]}


def test_every_public_deployment_can_adopt_what_it_runs(
    client: Any, demo: Any, demo_document: dict[str, Any]
) -> None:
    ids = _ids(client)
    checked = 0
    for deployment in demo_document["deployments"]:
        document = deployment["document"]
        if document["visibility"] != "public":
            continue
        answer = client.get(f"/api/v1/deployments/{ids[document['name']]}/compatibility")
        modules = {m["module"]: m for m in answer.get_json()["modules"]}
        for slug, version in document["modules"].items():
            assert version in modules[slug]["adoptable"], (document["name"], slug)
            checked += 1
    assert checked > 50


# (deployment, module, version, reason codes expected among the blocking ones)
BLOCKED_CASES = [
    # public-repo mainserver: no vouchers capability, and the app is older
    ("Kiel (Demo)", "gutscheine", "4.3.0", {"version-mismatch", "capability-missing"}),
    # OParl needs sva-apollo-server, GPL-3.0-only is outside Guben's policy
    ("Guben (Demo)", "rathaus-informationssystem", "4.2.0", {"dependency-unsatisfiable"}),
    # volunteering needs HumHub, which Bad Belzig does not run
    ("Bad Belzig (Demo)", "gruppen-soziales-netzwerk", "4.3.0", {"component-missing"}),
]


def test_demo_shows_blocked_and_adoptable_cases(client: Any, demo: Any) -> None:
    # One test for the whole table: importing the demo costs seconds per test.
    ids = _ids(client)
    for name, slug, version, codes in BLOCKED_CASES:
        entry = _entry(client, ids[name], slug)
        assert version not in entry["adoptable"], (name, slug)
        assert codes <= _codes(entry, version), (name, slug)
    vouchers = _entry(client, ids["Bad Belzig (Demo)"], "gutscheine")
    assert vouchers["adoptable"] == ["4.3.0"]
    assert vouchers["newest"] == "4.3.0"
