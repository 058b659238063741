"""Caching of reads: ETag and Last-Modified everywhere, 304, gzip, invalidation, privacy."""

import gzip
import json
from email.utils import parsedate_to_datetime

import pytest

from registry.services.events import bump
from registry.services.transfer import upsert_module

READS = [
    "/api/v1/modules",
    "/api/v1/modules/chatbot",
    "/api/v1/modules/chatbot/releases",
    "/api/v1/components",
    "/api/v1/components/app/versions",
    "/api/v1/feed.json",
    "/api/v1/dashboard.json",
    "/api/v1/openapi.json",
    "/badges/chatbot.svg",
    "/api/v1/deployments",
    "/api/v1/deployments/1",
    "/api/v1/deployments/1/feed.json",
]


@pytest.mark.parametrize("path", READS)
def test_every_read_is_conditional(client, demo, path):
    first = client.get(path)
    assert first.status_code == 200
    assert first.headers["ETag"]
    assert parsedate_to_datetime(first.headers["Last-Modified"])
    by_tag = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert by_tag.status_code == 304 and by_tag.data == b""
    assert by_tag.headers["ETag"] == first.headers["ETag"]
    by_date = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_empty_database_still_sends_last_modified(client):
    response = client.get("/api/v1/modules")
    assert parsedate_to_datetime(response.headers["Last-Modified"]).year == 1970
    assert (
        client.get(
            "/api/v1/modules", headers={"If-Modified-Since": response.headers["Last-Modified"]}
        ).status_code
        == 304
    )


def test_gzip_only_when_accepted_and_worth_it(client, demo):
    zipped = client.get("/api/v1/modules", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    plain = client.get("/api/v1/modules")
    assert "Content-Encoding" not in plain.headers
    assert json.loads(gzip.decompress(zipped.data)) == plain.get_json()
    refused = client.get("/api/v1/modules", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers
    tiny = client.get("/api/v1/components/nope/versions", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in tiny.headers  # a small error body is not worth it


def test_a_write_invalidates_the_cached_answer(app, client, session):
    upsert_module(session, {"slug": "eins"})
    session.commit()
    first = client.get("/api/v1/modules")
    assert first.get_json()["total"] == 1
    cache = app.extensions["registry.response_cache"]
    client.get("/api/v1/modules")
    hits = cache.hits
    upsert_module(session, {"slug": "zwei"})  # bumps the catalog counter
    session.commit()
    second = client.get("/api/v1/modules", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.get_json()["total"] == 2
    assert cache.hits == hits  # a miss: rebuilt, not served from the old entry


def test_the_cache_stays_bounded(app, client, session):
    cache = app.extensions["registry.response_cache"]
    cache.max_entries = 5
    for page in range(12):
        client.get(f"/api/v1/modules?offset={page}")
    assert len(cache) == 5


def test_unrelated_write_keeps_catalogue_entries(app, client, session):
    upsert_module(session, {"slug": "eins"})
    session.commit()
    client.get("/api/v1/modules")
    cache = app.extensions["registry.response_cache"]
    hits = cache.hits
    bump(session, "deployments")  # the module list does not depend on deployments
    session.commit()
    client.get("/api/v1/modules")
    assert cache.hits == hits + 1
