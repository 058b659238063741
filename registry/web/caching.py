"""Cached JSON answers: bodies keyed by the data-version counters, ETag/304 and gzip.

A cache entry is keyed by the request (endpoint, path, sorted query), the counters of the data
scopes the answer depends on and, for answers that depend on who asks, the caller's token id.
Every write bumps a counter, so a changed counter simply misses: entries are never stale, old
ones age out of the bounded LRU. Each process (gunicorn worker) has its own cache.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, g, request
from sqlalchemy import select

from registry.models import DataVersion
from registry.services.events import SCOPES
from registry.web.common import get_session

EXTENSION = "registry.response_cache"
MAX_ENTRIES = 512
GZIP_MIN_BYTES = 512
NEVER_CHANGED = datetime(1970, 1, 1, tzinfo=UTC)
#: Types worth compressing; images other than SVG are compressed already.
COMPRESSIBLE = ("application/json", "application/feed+json", "image/svg+xml", "text/")


@dataclass(frozen=True)
class Entry:
    """One serialized answer, with its gzip form made once."""

    body: bytes
    gzipped: bytes | None
    etag: str
    last_modified: datetime | None
    mimetype: str
    status: int = 200


class ResponseCache:
    """A small thread-safe LRU of serialized answers."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Any, ...]) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def init_cache(app: Flask) -> None:
    app.extensions.setdefault(EXTENSION, ResponseCache())


def response_cache() -> ResponseCache:
    cache: ResponseCache | None = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(EXTENSION, ResponseCache())
    return cache


def current_versions() -> dict[str, tuple[int, datetime | None]]:
    """The data-version counters, read once per request (one small query, no ORM objects)."""
    if "data_versions" not in g:
        # Every cached answer pays for this query, so it skips the ORM's entity loading; the
        # values are those of services.events.data_versions.
        rows = get_session().connection().execute(_VERSIONS).all()
        found = {scope: (counter, _utc(changed)) for scope, counter, changed in rows}
        g.data_versions = {scope: found.get(scope, (0, None)) for scope in SCOPES}
    versions: dict[str, tuple[int, datetime | None]] = g.data_versions
    return versions


_VERSIONS = select(DataVersion.scope, DataVersion.counter, DataVersion.changed_at)


def _utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def cached_json(
    scopes: Iterable[str],
    build: Callable[[], Any],
    *,
    principal_key: Any = None,
    extra_key: Any = None,
    mimetype: str = "application/json",
    last_modified: datetime | None = None,
    text: bool = False,
) -> Response:
    """Answer GET with the JSON of ``build()``, from cache when the data has not changed.

    With ``text`` ``build()`` returns the body as text (YAML, ...), sent as it is.

    ``scopes`` name the data the answer depends on; ``principal_key`` (e.g. a token id) must be
    given for answers that depend on the caller, so they are never served to anyone else;
    ``extra_key`` adds anything else the answer depends on that no counter tracks;
    ``last_modified`` replaces the scopes' change time for answers that depend on no data.
    """
    # Counters first, data second: a write landing in between then caches new data under the
    # old counter (never served again) instead of old data under the new counter (stale).
    versions = current_versions()
    scopes = tuple(scopes)
    key = (
        request.endpoint,
        request.path,
        tuple(sorted(request.args.items(multi=True))),
        principal_key,
        extra_key,
        # Counter and change time: a bump rolled back in one process and redone elsewhere can
        # reach the same counter value with other data, never at the same time as well.
        tuple(versions[scope] for scope in scopes),
    )
    cache = response_cache()
    entry = cache.get(key)
    if entry is None:
        changed_at = last_modified or _changed_at(versions, scopes)
        data = build()
        if text:
            entry = bytes_entry(data.encode(), changed_at, mimetype)
        else:
            entry = make_entry(data, changed_at, mimetype)
        cache.put(key, entry)
    return entry_response(entry, private=principal_key is not None)


def make_entry(data: Any, last_modified: datetime | None, mimetype: str) -> Entry:
    """Serialize ``data`` once (and gzip it when it is worth it)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return bytes_entry(body, last_modified, mimetype)


def bytes_entry(
    body: bytes, last_modified: datetime | None, mimetype: str, status: int = 200
) -> Entry:
    gzipped = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
    etag = hashlib.sha256(body).hexdigest()[:32]
    if last_modified is not None:
        last_modified = last_modified.astimezone(UTC).replace(microsecond=0)
    return Entry(body, gzipped, etag, last_modified, mimetype, status)


def entry_response(
    entry: Entry, *, private: bool = False, cache_control: str | None = None
) -> Response:
    """The answer for a cache entry: 304 on a matching conditional request, gzip if accepted."""
    headers = {
        "Cache-Control": cache_control or ("private, no-cache" if private else "no-cache"),
        "Vary": "Accept-Encoding, Authorization, Cookie" if private else "Accept-Encoding",
    }
    status = entry.status
    if status == 200 and _not_modified(entry):
        response = Response(status=304, headers=headers)
    elif entry.gzipped is not None and accepts_gzip() and status == 200:
        response = Response(entry.gzipped, status=status, mimetype=entry.mimetype, headers=headers)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(entry.body, status=status, mimetype=entry.mimetype, headers=headers)
    # Weak: the gzip and the identity form carry the same tag (same content, other bytes).
    response.set_etag(entry.etag, weak=True)
    if entry.last_modified is not None:
        response.last_modified = entry.last_modified
    return response


def accepts_gzip() -> bool:
    # Accept["gzip"] is the quality given to gzip (or to "*"); 0 when refused or not named.
    return bool(request.accept_encodings["gzip"] > 0)


def _not_modified(entry: Entry) -> bool:
    if request.if_none_match:
        # RFC 9110 §13.1.2: If-None-Match uses weak comparison and wins over If-Modified-Since.
        return request.if_none_match.contains_weak(entry.etag) or request.if_none_match.star_tag
    since = request.if_modified_since
    if since is not None and entry.last_modified is not None:
        return entry.last_modified <= since
    return False


def _changed_at(
    versions: dict[str, tuple[int, datetime | None]], scopes: tuple[str, ...]
) -> datetime | None:
    times = [versions[scope][1] for scope in scopes if versions[scope][1] is not None]
    # No write has ever happened in these scopes: the data is unchanged since the epoch.
    return max(times) if times else NEVER_CHANGED  # type: ignore[type-var]


def compress_response(response: Response) -> Response:
    """gzip an uncompressed answer when the client accepts it (after_request hook)."""
    if (
        response.status_code != 200
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
        or not accepts_gzip()
    ):
        return response
    body = response.get_data()
    if len(body) < GZIP_MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    if response.headers.get("ETag") and not response.headers["ETag"].startswith("W/"):
        # The compressed bytes differ, so a strong tag of the identity body no longer fits.
        response.headers["ETag"] = "W/" + response.headers["ETag"]
    return response
