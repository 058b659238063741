"""The registry's JSON Feed 1.1: validity, order, stable ids, since, paging and privacy."""

import gzip
import json
from datetime import UTC, datetime, timedelta

import jsonschema
import pytest

from registry.models import Deployment
from registry.services.events import bump, record_event
from registry.services.transfer import upsert_module

# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) as a schema: the required members and
# the types of those the registry writes.
JSON_FEED_SCHEMA = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"},
        "next_url": {"type": "string", "format": "uri"},
        "description": {"type": "string"},
        "language": {"type": "string"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_text"]}, {"required": ["content_html"]}],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "url": {"type": "string", "format": "uri"},
                    "title": {"type": "string"},
                    "content_text": {"type": "string"},
                    "date_published": {"type": "string", "format": "date-time"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def validate_feed(feed):
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    jsonschema.Draft202012Validator(JSON_FEED_SCHEMA, format_checker=checker).validate(feed)
    for item in feed["items"]:
        datetime.fromisoformat(item["date_published"])  # RFC 3339 with an offset


def all_items(client, url):
    items = []
    while url:
        feed = client.get(url).get_json()
        validate_feed(feed)
        items.extend(feed["items"])
        url = feed.get("next_url", "").removeprefix("http://localhost")
    return items


def test_feed_of_the_demo_is_valid_newest_first(client, demo):
    response = client.get("/api/v1/feed.json")
    assert response.status_code == 200
    assert response.mimetype == "application/feed+json"
    feed = response.get_json()
    validate_feed(feed)
    assert feed["feed_url"] == "http://localhost/api/v1/feed.json"
    dates = [datetime.fromisoformat(i["date_published"]) for i in feed["items"]]
    assert dates == sorted(dates, reverse=True)
    assert len(feed["items"]) == 50 and "next_url" in feed
    kinds = {item["tags"][0] for item in feed["items"]}
    assert kinds <= {"module-added", "release-published"}


def test_paging_walks_every_event_once_with_stable_ids(client, demo):
    items = all_items(client, "/api/v1/feed.json?limit=17")
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) == 136  # every event of the bundled demo data
    assert all(i.startswith("tag:registry.smart-village.app,2026:event/") for i in ids)
    again = client.get("/api/v1/feed.json?limit=17").get_json()["items"]
    assert [i["id"] for i in again] == ids[:17]


def test_new_event_comes_first_and_is_described(client, demo):
    record_event(
        demo, "release-yanked", module="chatbot", version="4.3.0", data={"reason": "crash"}
    )
    demo.commit()
    first = client.get("/api/v1/feed.json").get_json()["items"][0]
    assert first["title"] == "chatbot 4.3.0 yanked"
    assert "reason: crash" in first["content_text"]
    assert first["url"] == "http://localhost/api/v1/modules/chatbot"
    assert first["_sva"]["kind"] == "release-yanked"


def test_since_filters_by_time(client, session):
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    for days in (3, 2, 1):
        record_event(session, "module-added", module=f"m{days}", at=now - timedelta(days=days))
    session.commit()
    items = client.get("/api/v1/feed.json?since=2026-02-27T00:00:00Z").get_json()["items"]
    assert [i["_sva"]["module"] for i in items] == ["m1", "m2"]
    naive = client.get("/api/v1/feed.json?since=2026-02-28T00:00:00").get_json()["items"]
    assert [i["_sva"]["module"] for i in naive] == ["m1"]  # a time without offset means UTC
    offset = client.get("/api/v1/feed.json?since=2026-02-28T00:30:00%2B01:00").get_json()
    assert [i["_sva"]["module"] for i in offset["items"]] == ["m1"]


@pytest.mark.parametrize(
    "query",
    [
        "since=yesterday",
        "since=2026-13-01",
        "since=0001-01-01T00:00:00%2B01:00",  # before year 1 in UTC
        "cursor=%%%",
        "cursor=bm9wZQ",
        # a well-formed cursor whose id is beyond any database integer
        "cursor=MDAwMS0wMS0wMVQwMDowMDowMCswMDowMHw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5",
        "limit=0",
        "limit=x",
    ],
)
def test_bad_query_is_400(client, query):
    response = client.get(f"/api/v1/feed.json?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid-input"
    assert response.get_json()["error"]["details"][0]["field"] == query.split("=")[0]


def test_private_deployments_and_hidden_modules_never_appear(client, session):
    private = Deployment(name="Geheim", visibility="private", document={"name": "Geheim"})
    public = Deployment(name="Offen", visibility="public", document={"name": "Offen"})
    session.add_all([private, public])
    session.flush()
    upsert_module(session, {"slug": "versteckt", "flags": {"hidden": True}})
    record_event(session, "deployment-changed", deployment=private.id, data={"name": "Geheim"})
    record_event(session, "deployment-changed", deployment=public.id, data={"name": "Offen"})
    session.commit()
    body = client.get("/api/v1/feed.json").get_data(as_text=True)
    assert "Geheim" not in body and "versteckt" not in body
    assert "Offen" in body
    # Turning the public one private removes it from the feed at once (no stale cache).
    public.visibility = "private"
    bump(session, "deployments")
    session.commit()
    assert "Offen" not in client.get("/api/v1/feed.json").get_data(as_text=True)


def test_feed_is_cached_conditional_and_gzipped(app, client, demo):
    first = client.get("/api/v1/feed.json", headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first.headers["Vary"]
    validate_feed(json.loads(gzip.decompress(first.data)))
    etag = first.headers["ETag"]
    not_modified = client.get("/api/v1/feed.json", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    since = client.get(
        "/api/v1/feed.json", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304
    cache = app.extensions["registry.response_cache"]
    hits = cache.hits
    plain = client.get("/api/v1/feed.json")
    assert plain.headers.get("Content-Encoding") is None
    assert plain.headers["ETag"] == etag  # the same content in either encoding
    assert cache.hits == hits + 1  # served from the cache, not rebuilt
    record_event(demo, "module-added", module="neu")
    demo.commit()
    changed = client.get("/api/v1/feed.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["items"][0]["_sva"]["module"] == "neu"
