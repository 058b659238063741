"""Advisories API: post (validated, every problem listed, replace by modified), read, export."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from registry.services.tokens import create_token

FIXTURES = Path(__file__).parents[1] / "fixtures" / "advisories"
RECORD = json.loads((FIXTURES / "SVA-2026-0001.json").read_text("utf-8"))
SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "osv.schema.json").read_text("utf-8"))


@pytest.fixture()
def tokens(demo):
    _, admin = create_token(demo, "admin")
    _, own = create_token(demo, "publisher", module="abfallkalender")
    _, other = create_token(demo, "publisher", module="karten")
    demo.commit()
    return {"admin": admin, "own": own, "other": other}


def post(client, record, token):
    return client.post(
        "/api/v1/advisories", json=record, headers={"Authorization": f"Bearer {token}"}
    )


def test_admin_posts_a_record_and_reads_it_back_as_valid_osv(client, tokens):
    created = post(client, RECORD, tokens["admin"])
    assert created.status_code == 201, created.get_json()
    assert created.headers["Location"] == "/api/v1/advisories/SVA-2026-0001"
    body = client.get("/api/v1/advisories/SVA-2026-0001").get_json()
    jsonschema.Draft202012Validator(SCHEMA).validate(body)
    covered = body["database_specific"]["affectedReleases"]
    assert "4.1.3" in covered and "1.6.0" in covered
    assert "4.2.0" not in covered and "1.5.5" not in covered
    assert body["aliases"] == ["GHSA-7m2x-5q3r-abfk"]
    listed = client.get("/api/v1/advisories?module=abfallkalender").get_json()["items"]
    assert [item["id"] for item in listed] == ["SVA-2026-0001"]
    assert listed[0]["severity"] == "moderate"  # CVSS 3.1 base score 5.3
    assert client.get("/api/v1/advisories?module=karten").get_json()["items"] == []
    by_module = client.get("/api/v1/modules/abfallkalender/advisories").get_json()
    assert [item["id"] for item in by_module["items"]] == ["SVA-2026-0001"]


def test_a_later_modified_replaces_an_older_one_is_refused(client, tokens):
    assert post(client, RECORD, tokens["admin"]).status_code == 201
    assert post(client, RECORD, tokens["admin"]).status_code == 200  # the same: unchanged
    newer = copy.deepcopy(RECORD)
    newer["modified"] = "2026-09-02T08:00:00Z"
    newer["withdrawn"] = "2026-09-02T08:00:00Z"
    assert post(client, newer, tokens["admin"]).status_code == 200
    assert client.get("/api/v1/advisories/SVA-2026-0001").get_json()["withdrawn"]
    refused = post(client, RECORD, tokens["admin"])
    assert refused.status_code == 409
    assert refused.get_json()["error"]["details"][0]["field"] == "modified"
    since = client.get("/api/v1/advisories?since=2026-09-02T00:00:00Z").get_json()["items"]
    assert [item["id"] for item in since] == ["SVA-2026-0001"]
    assert client.get("/api/v1/advisories?since=2026-10-01").get_json()["items"] == []


def test_publishers_post_only_for_their_own_modules(client, tokens):
    assert post(client, RECORD, tokens["other"]).status_code == 403
    assert post(client, RECORD, tokens["own"]).status_code == 201
    assert client.post("/api/v1/advisories", json=RECORD).status_code == 401


def test_every_problem_is_listed(client, tokens):
    bad = copy.deepcopy(RECORD)
    bad["id"] = "GHSA-7m2x-5q3r-abfk"  # the registry's ids start with SVA-
    bad["modified"] = "yesterday"
    bad["affected"][0]["ranges"][0]["events"] = [{"introduced": "1.0", "fixed": "2.0"}]
    answer = post(client, bad, tokens["admin"])
    assert answer.status_code == 400
    fields = {d["field"] for d in answer.get_json()["error"]["details"]}
    assert {"id", "modified", "affected[0].ranges[0].events[0]"} <= fields


def test_semantic_problems_and_unknown_modules(client, tokens):
    bad = copy.deepcopy(RECORD)
    bad["affected"][0]["ranges"][0]["events"] = [{"introduced": "0"}, {"fixed": "soon"}]
    answer = post(client, bad, tokens["admin"])
    assert answer.status_code == 400
    assert answer.get_json()["error"]["details"][0]["field"] == (
        "affected[0].ranges[0].events[1].fixed"
    )
    unknown = copy.deepcopy(RECORD)
    unknown["affected"][0]["package"]["name"] = "no-such-module"
    answer = post(client, unknown, tokens["admin"])
    assert answer.status_code == 400
    assert "no module 'no-such-module'" in json.dumps(answer.get_json())


def test_reads_of_unknown_things_are_404(client, demo):
    assert client.get("/api/v1/advisories/SVA-2026-9999").status_code == 404
    assert client.get("/api/v1/modules/no-such/advisories").status_code == 404
    assert client.get("/api/v1/advisories?since=never").status_code == 400
