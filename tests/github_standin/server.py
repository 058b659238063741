"""A local HTTP server that speaks the GitHub REST shapes the crawler and PyGithub read.

Real HTTP on loopback (``ThreadingHTTPServer`` in a thread): ETag/If-None-Match -> 304, Link
pagination with ``per_page``/``page``, ``X-RateLimit-*`` headers with a budget that 304s do not
spend, 301 for renamed repositories, and faults on demand (any status, with headers, a number
of times, for one repository or path), slow answers, a required token. Every request is logged.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.github_standin.model import Commit, Release, Repo, fake_sha

logger = logging.getLogger(__name__)

REPO_PATH = re.compile(r"^/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)(?P<rest>/.*)?$")
ID_PATH = re.compile(r"^/repositories/(?P<id>\d+)(?P<rest>/.*)?$")

DEFAULT_MESSAGES = {
    401: "Bad credentials",
    403: "API rate limit exceeded for 127.0.0.1.",
    404: "Not Found",
    429: "You have exceeded a secondary rate limit. "
    "Please wait a few minutes before you try again.",
    500: "Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class LoggedRequest:
    """One request the stand-in answered."""

    method: str
    path: str
    status: int
    repo: str | None
    if_none_match: str | None
    authorization: str | None


@dataclass
class _Fault:
    status: int
    repo: str | None
    path: str | None
    times: int | None
    headers: dict[str, str]
    body: Any
    delay: float = 0.0

    def matches(self, repo: str | None, path: str) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.repo is not None and (repo or "").lower() != self.repo.lower():
            return False
        return self.path is None or self.path in path


@dataclass
class _RateLimit:
    limit: int = 5000
    remaining: int = 5000
    reset: int = field(default_factory=lambda: int(time.time()) + 3600)


class GitHubStandIn:
    """The stand-in server. ``start()``, point a crawler at ``url``, ``stop()``.

    Test controls: ``add_repo``, ``repo``, ``rename``, ``remove``, ``fail``, ``slow``,
    ``require_token``, ``set_rate_limit``; observation: ``request_log``, ``requests_for``,
    ``clear_log``.
    """

    def __init__(self, repos: Iterable[Repo] = ()) -> None:
        self._lock = threading.RLock()
        self._repos: dict[str, Repo] = {}
        self._aliases: dict[str, str] = {}
        self._gone: set[str] = set()
        self._faults: list[_Fault] = []
        self._log: list[LoggedRequest] = []
        self._token: str | None = None
        self.rate_limit = _RateLimit()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        for repo in repos:
            self.add_repo(repo)

    # lifecycle -------------------------------------------------------------------------------
    def start(self, port: int = 0) -> GitHubStandIn:
        """Start serving on a loopback port (0: a free one); returns ``self``."""
        handler = type("Handler", (self._handler_base(),), {"standin": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def _handler_base(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class (the GitLab stand-in brings its own)."""
        return _Handler

    def stop(self) -> None:
        """Stop serving and release the port (slow answers are cut short)."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> GitHubStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The API base URL to configure (like ``https://api.github.com``)."""
        assert self._server is not None, "start() the stand-in first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # repositories ----------------------------------------------------------------------------
    def add_repo(self, repo: Repo) -> Repo:
        with self._lock:
            self._repos[repo.full_name.lower()] = repo
            return repo

    def repo(self, full_name: str) -> Repo:
        """The (mutable) repository; change it between crawls to simulate pushes."""
        return self._repos[full_name.lower()]

    @property
    def repos(self) -> list[Repo]:
        return list(self._repos.values())

    def rename(self, old: str, new: str) -> None:
        """Rename like GitHub: the old name answers 301 to ``/repositories/{id}``."""
        with self._lock:
            repo = self._repos.pop(old.lower())
            repo.full_name = new
            self._repos[new.lower()] = repo
            self._aliases[old.lower()] = new.lower()

    def remove(self, full_name: str) -> None:
        """Delete a repository: it answers 404 from now on."""
        with self._lock:
            self._gone.add(full_name.lower())

    def add_tag(self, full_name: str, tag: str, commit: Commit) -> None:
        """Push a new commit with a tag (bumps ``pushed_at`` so the repository's ETag changes)."""
        with self._lock:
            repo = self.repo(full_name)
            repo.commits[commit.sha] = commit
            repo.tags.insert(0, (tag, commit.sha))
            repo.touch()

    def add_release(self, full_name: str, release: Release) -> None:
        """Publish a release (does not touch the repository, like editing one on GitHub)."""
        with self._lock:
            self.repo(full_name).releases.insert(0, release)

    # faults ----------------------------------------------------------------------------------
    def fail(
        self,
        repo: str | None,
        status: int,
        *,
        times: int | None = 1,
        path: str | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """Answer ``status`` to the next ``times`` requests (``None``: forever) for ``repo``
        (``None``: any) whose path contains ``path``."""
        message = body if body is not None else {"message": DEFAULT_MESSAGES.get(status, "Error")}
        with self._lock:
            self._faults.append(_Fault(status, repo, path, times, dict(headers or {}), message))

    def slow(
        self, repo: str | None, seconds: float, *, times: int | None = 1, path: str | None = None
    ) -> None:
        """Delay the next ``times`` answers for ``repo``/``path`` by ``seconds``."""
        with self._lock:
            self._faults.append(_Fault(0, repo, path, times, {}, None, delay=seconds))

    def require_token(self, token: str | None) -> None:
        """Answer 401 unless ``Authorization`` carries ``token`` (``None``: no check)."""
        self._token = token

    def set_rate_limit(
        self, remaining: int, *, limit: int = 5000, reset: int | None = None
    ) -> None:
        """Set the rate-limit budget; at 0 every non-conditional request answers 403."""
        with self._lock:
            self.rate_limit = _RateLimit(limit, remaining, reset or int(time.time()) + 3600)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # observation -----------------------------------------------------------------------------
    @property
    def request_log(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def requests_for(self, full_name: str) -> list[LoggedRequest]:
        """The logged requests that concerned ``full_name`` (also under an old name)."""
        wanted = full_name.lower()
        return [r for r in self.request_log if r.repo == wanted]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # internals used by the handler -----------------------------------------------------------
    def _take_fault(self, repo: str | None, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(repo, path):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    def _record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    standin: GitHubStandIn
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without this, Nagle + delayed ACK add 40 ms each.
    disable_nagle_algorithm = True
    server_version = "GitHubStandIn/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(format, *args)

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        repo_key = _repo_key(self.standin, split.path)
        status, headers, body = self._answer(split.path, query, repo_key)
        self._send(status, headers, body, repo_key)

    def _answer(
        self, path: str, query: dict[str, str], repo_key: str | None
    ) -> tuple[int, dict[str, str], Any]:
        standin = self.standin
        if standin._token is not None and not _has_token(
            self.headers.get("Authorization"), standin._token
        ):
            return 401, {}, {"message": "Bad credentials"}
        fault = standin._take_fault(repo_key, self.path)
        if fault is not None and fault.delay:
            standin._wait(fault.delay)
        elif fault is not None:
            return fault.status, fault.headers, fault.body
        if standin.rate_limit.remaining <= 0:
            return 403, {}, {"message": DEFAULT_MESSAGES[403]}
        return _route(standin, path, query, self._base())

    def _base(self) -> str:
        return self.standin.url

    def _send(self, status: int, headers: dict[str, str], body: Any, repo_key: str | None) -> None:
        payload = b"" if body is None else json.dumps(body, sort_keys=True).encode()
        all_headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        inm = self.headers.get("If-None-Match")
        if status == 200:
            etag = 'W/"' + hashlib.sha1(payload).hexdigest() + '"'
            all_headers["ETag"] = etag
            if inm and inm == etag:
                status, payload = 304, b""
        limit = self.standin.rate_limit
        with self.standin._lock:
            # GitHub: a conditional request answered 304 costs nothing.
            if status != 304 and limit.remaining > 0:
                limit.remaining -= 1
            rate_headers = {
                "X-RateLimit-Limit": str(limit.limit),
                "X-RateLimit-Remaining": str(limit.remaining),
                "X-RateLimit-Used": str(limit.limit - limit.remaining),
                "X-RateLimit-Reset": str(limit.reset),
                "X-RateLimit-Resource": "core",
            }
        all_headers = {**rate_headers, **all_headers}
        self.standin._record(
            LoggedRequest(
                method=self.command,
                path=self.path,
                status=status,
                repo=repo_key,
                if_none_match=inm,
                authorization=self.headers.get("Authorization"),
            )
        )
        try:
            self.send_response(status)
            for key, value in all_headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout test); nothing to answer to.
            self.close_connection = True


def _has_token(header: str | None, token: str) -> bool:
    return header is not None and header.split(" ", 1)[-1] == token


def _repo_key(standin: GitHubStandIn, path: str) -> str | None:
    match = REPO_PATH.match(path)
    if match:
        return f"{match['owner']}/{match['name']}".lower()
    match = ID_PATH.match(path)
    if match:
        repo = next((r for r in standin.repos if r.id == int(match["id"])), None)
        return repo.full_name.lower() if repo else None
    return None


def _route(
    standin: GitHubStandIn, path: str, query: dict[str, str], base: str
) -> tuple[int, dict[str, str], Any]:
    if path == "/rate_limit":
        limit = standin.rate_limit
        core = {"limit": limit.limit, "remaining": limit.remaining, "reset": limit.reset}
        return 200, {}, {"resources": {"core": core}, "rate": core}
    repo, rest, redirect = _find_repo(standin, path)
    if redirect is not None:
        return 301, {"Location": f"{base}{redirect}"}, {"message": "Moved Permanently"}
    if repo is None:
        return 404, {}, {"message": "Not Found"}
    return _repo_route(repo, rest, query, base, path)


def _find_repo(standin: GitHubStandIn, path: str) -> tuple[Repo | None, str, str | None]:
    with standin._lock:
        match = REPO_PATH.match(path)
        if match:
            key = f"{match['owner']}/{match['name']}".lower()
            rest = match["rest"] or ""
            if key in standin._gone:
                return None, rest, None
            if key in standin._aliases:
                repo = standin._repos[standin._aliases[key]]
                return None, rest, f"/repositories/{repo.id}{rest}"
            return standin._repos.get(key), rest, None
        match = ID_PATH.match(path)
        if match:
            repo = next((r for r in standin._repos.values() if r.id == int(match["id"])), None)
            if repo is not None and repo.full_name.lower() in standin._gone:
                repo = None
            return repo, match["rest"] or "", None
        return None, path, None


def _repo_route(
    repo: Repo, rest: str, query: dict[str, str], base: str, path: str
) -> tuple[int, dict[str, str], Any]:
    api = f"{base}/repos/{repo.full_name}"
    if rest in ("", "/"):
        return 200, {}, _repo_json(repo, base)
    if rest == "/tags":
        items = [_tag_json(repo, name, sha, api) for name, sha in repo.tags]
        return _page(items, query, base, path)
    if rest == "/releases":
        items = [_release_json(repo, r, api) for r in repo.releases]
        return _page(items, query, base, path)
    if rest == "/license":
        return _license(repo, query, api)
    if rest == "/security-advisories":
        return _advisories(repo, query, base, path)
    if rest == "/commits":
        return _commit_list(repo, query, api, base, path)
    parts = [unquote(p) for p in rest.strip("/").split("/")]
    if parts[:2] == ["git", "trees"] and len(parts) >= 3:
        return _tree(repo, "/".join(parts[2:]), query, api)
    if parts[:2] == ["git", "blobs"] and len(parts) == 3:
        return _blob(repo, parts[2], api)
    if parts[0] == "commits" and len(parts) == 2:
        return _commit(repo, parts[1], api)
    if parts[0] == "contents" and len(parts) >= 2:
        return _contents(repo, "/".join(parts[1:]), query, api)
    return 404, {}, {"message": "Not Found"}


def _page(
    items: list[Any], query: dict[str, str], base: str, path: str
) -> tuple[int, dict[str, str], Any]:
    per_page = max(1, min(100, int(query.get("per_page", 30))))
    page = max(1, int(query.get("page", 1)))
    last = max(1, -(-len(items) // per_page))
    links = []
    if page < last:
        links.append(f'<{base}{path}?per_page={per_page}&page={page + 1}>; rel="next"')
        links.append(f'<{base}{path}?per_page={per_page}&page={last}>; rel="last"')
    if page > 1:
        links.append(f'<{base}{path}?per_page={per_page}&page=1>; rel="first"')
        links.append(f'<{base}{path}?per_page={per_page}&page={page - 1}>; rel="prev"')
    headers = {"Link": ", ".join(links)} if links else {}
    return 200, headers, items[(page - 1) * per_page : page * per_page]


def _repo_json(repo: Repo, base: str) -> dict[str, Any]:
    owner, name = repo.full_name.split("/")
    license_json = (
        {"key": repo.license_spdx.lower(), "spdx_id": repo.license_spdx, "name": repo.license_spdx}
        if repo.license_spdx
        else None
    )
    return {
        "id": repo.id,
        "node_id": f"R_{repo.id}",
        "name": name,
        "full_name": repo.full_name,
        "owner": {"login": owner, "id": int(fake_sha(owner)[:6], 16), "type": "Organization"},
        "private": False,
        "html_url": f"https://github.com/{repo.full_name}",
        "description": repo.description,
        "url": f"{base}/repos/{repo.full_name}",
        "tags_url": f"{base}/repos/{repo.full_name}/tags",
        "default_branch": repo.default_branch,
        "archived": repo.archived,
        "disabled": False,
        "pushed_at": repo.pushed_at,
        "license": license_json,
    }


def _tag_json(repo: Repo, name: str, sha: str, api: str) -> dict[str, Any]:
    return {
        "name": name,
        "commit": {"sha": sha, "url": f"{api}/commits/{sha}"},
        "zipball_url": f"{api}/zipball/refs/tags/{name}",
        "tarball_url": f"{api}/tarball/refs/tags/{name}",
        "node_id": f"T_{sha[:12]}",
    }


def _release_json(repo: Repo, release: Release, api: str) -> dict[str, Any]:
    number = int(fake_sha(str(repo.id), release.tag)[:7], 16)
    return {
        "id": number,
        "url": f"{api}/releases/{number}",
        "tag_name": release.tag,
        "name": release.name,
        "body": release.body,
        "draft": release.draft,
        "prerelease": release.prerelease,
        "published_at": None if release.draft else release.published_at,
        "created_at": release.published_at,
    }


def _tree(repo: Repo, ref: str, query: dict[str, str], api: str) -> tuple[int, dict, Any]:
    commit = repo.resolve(ref)
    if commit is None:
        return 404, {}, {"message": "Not Found"}
    recursive = query.get("recursive") not in (None, "", "0", "false")
    tree = commit.tree_entries(recursive=recursive)
    for entry in tree:
        kind = "blobs" if entry["type"] == "blob" else "trees"
        entry["url"] = f"{api}/git/{kind}/{entry['sha']}"
    sha = commit.tree_sha
    return 200, {}, {"sha": sha, "url": f"{api}/git/trees/{sha}", "tree": tree, "truncated": False}


def _blob(repo: Repo, sha: str, api: str) -> tuple[int, dict, Any]:
    content = repo.blobs.get(sha)
    if content is None:
        return 404, {}, {"message": "Not Found"}
    return (
        200,
        {},
        {
            "sha": sha,
            "node_id": f"B_{sha[:12]}",
            "size": len(content),
            "url": f"{api}/git/blobs/{sha}",
            "content": base64.b64encode(content).decode(),
            "encoding": "base64",
        },
    )


def _commit(repo: Repo, ref: str, api: str) -> tuple[int, dict, Any]:
    commit = repo.resolve(ref)
    if commit is None:
        return 404, {}, {"message": "No commit found for SHA: " + ref}
    person = {"name": "SVA", "email": "dev@example.org", "date": commit.date}
    return (
        200,
        {},
        {
            "sha": commit.sha,
            "url": f"{api}/commits/{commit.sha}",
            "commit": {
                "author": person,
                "committer": person,
                "message": commit.message,
                "tree": {"sha": commit.tree_sha, "url": f"{api}/git/trees/{commit.tree_sha}"},
            },
            "parents": [],
            "files": [],
        },
    )


def _advisories(
    repo: Repo, query: dict[str, str], base: str, path: str
) -> tuple[int, dict[str, str], Any]:
    # GitHub lists them newest published first; ``state`` filters (triage, draft, published...).
    state = query.get("state")
    items = [a for a in repo.advisories if state is None or a.get("state") == state]
    items.sort(key=lambda a: str(a.get("published_at") or ""), reverse=True)
    return _page(items, query, base, path)


def _commit_list(
    repo: Repo, query: dict[str, str], api: str, base: str, path: str
) -> tuple[int, dict[str, str], Any]:
    # The commits of the default branch (here: every commit of the model), newest first;
    # ``since`` keeps those at or after it.
    since = _when(query["since"]) if query.get("since") else None
    commits = sorted(repo.commits.values(), key=lambda c: _when(c.date), reverse=True)
    if since is not None:
        commits = [c for c in commits if _when(c.date) >= since]
    items = [_commit(repo, c.sha, api)[2] for c in commits]
    return _page(items, query, base, path)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _contents(repo: Repo, file_path: str, query: dict[str, str], api: str) -> tuple[int, dict, Any]:
    commit = repo.resolve(query.get("ref") or repo.default_branch)
    sha = commit.files.get(file_path) if commit else None
    if sha is None:
        return 404, {}, {"message": "Not Found"}
    return 200, {}, _file_json(repo, file_path, sha, api)


def _file_json(repo: Repo, file_path: str, sha: str, api: str) -> dict[str, Any]:
    content = repo.blobs.get(sha, b"")
    return {
        "type": "file",
        "encoding": "base64",
        "size": len(content),
        "name": file_path.rsplit("/", 1)[-1],
        "path": file_path,
        "content": base64.b64encode(content).decode(),
        "sha": sha,
        "url": f"{api}/contents/{file_path}",
        "html_url": f"https://github.com/{repo.full_name}/blob/main/{file_path}",
        "download_url": None,
    }


def _license(repo: Repo, query: dict[str, str], api: str) -> tuple[int, dict, Any]:
    commit = repo.resolve(query.get("ref") or repo.default_branch)
    found = repo.license_file(commit) if commit else None
    if found is None:
        return 404, {}, {"message": "Not Found"}
    file_path, sha = found
    spdx = repo.licenses.get(sha, "NOASSERTION")
    license_json = {"key": spdx.lower(), "name": spdx, "spdx_id": spdx}
    return 200, {}, {**_file_json(repo, file_path, sha, api), "license": license_json}
