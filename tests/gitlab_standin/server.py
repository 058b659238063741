"""A local HTTP server that speaks the GitLab REST v4 shapes the crawler reads.

Real HTTP on loopback, under ``/api/v4``: projects by numeric id or URL-encoded path (nested
groups), tags newest commit first with ``commit.id``/``target``/``release``, releases, paginated
repository trees, raw blobs, commits, ``/version``. Pagination like GitLab: ``X-Page``,
``X-Per-Page``, ``X-Next-Page``, ``X-Total``, ``X-Total-Pages`` and ``Link``. Every answer carries
``RateLimit-*`` headers; an exhausted budget answers 429 with ``Retry-After``. No ETags, no 304
(GitLab answers few conditional requests). Faults, slow answers and a required token as in the
GitHub stand-in, whose bookkeeping (repositories, faults, log) this server shares.
"""

from __future__ import annotations

import json
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tests.github_standin.model import Commit, Repo, fake_sha
from tests.github_standin.server import GitHubStandIn, LoggedRequest, _Handler

API = "/api/v4"
WEB = "https://gitlab.opencode.de"
Answer = tuple[int, dict[str, str], Any]


class GitLabStandIn(GitHubStandIn):
    """The GitLab stand-in. ``start()``, point a crawler at ``api_url``, ``stop()``.

    Beside the GitHub stand-in's controls: ``rename(old, new, redirect=False)`` (GitLab keeps
    the old path as a redirect unless it is taken or expired), ``freeze_activity(project)``
    (GitLab moves ``last_activity_at`` at most hourly), ``set_rate_limit(remaining, reset=...)``
    (at 0 every request answers 429) and ``totals`` (``False``: no ``X-Total`` headers, as for
    very large lists).
    """

    def __init__(self, repos: Any = ()) -> None:
        super().__init__(repos)
        self.totals = True
        self._frozen_activity: dict[str, str] = {}
        self._redirects: dict[str, str] = {}
        self.rate_limit.limit = self.rate_limit.remaining = 2000

    def _handler_base(self) -> type[BaseHTTPRequestHandler]:
        return _GitLabHandler

    @property
    def api_url(self) -> str:
        """The API URL to configure (like ``https://gitlab.opencode.de/api/v4``)."""
        return self.url + API

    def rename(self, old: str, new: str, *, redirect: bool = False) -> None:
        """Rename or transfer a project; its id stays. ``redirect``: the old path still works."""
        with self._lock:
            repo = self._repos.pop(old.lower())
            repo.full_name = new
            self._repos[new.lower()] = repo
            if redirect:
                self._redirects[old.lower()] = new.lower()

    def freeze_activity(self, full_name: str) -> None:
        """Keep ``last_activity_at`` where it is, whatever is pushed (GitLab's hourly update)."""
        with self._lock:
            repo = self.repo(full_name)
            self._frozen_activity[repo.full_name.lower()] = repo.pushed_at

    def set_rate_limit(
        self, remaining: int, *, limit: int = 2000, reset: int | None = None
    ) -> None:
        """Set the budget; at 0 every request answers 429 until it is raised again."""
        super().set_rate_limit(remaining, limit=limit, reset=reset or int(time.time()) + 60)

    def project(self, key: str) -> Repo | None:
        """A project by numeric id or path (old paths only while they redirect)."""
        with self._lock:
            if key.isdigit():
                repo = next((r for r in self._repos.values() if r.id == int(key)), None)
            else:
                lower = key.lower()
                repo = self._repos.get(self._redirects.get(lower, lower))
            if repo is None or repo.full_name.lower() in self._gone:
                return None
            return repo

    def activity(self, repo: Repo) -> str:
        return self._frozen_activity.get(repo.full_name.lower(), repo.pushed_at)


class _GitLabHandler(_Handler):
    standin: GitLabStandIn
    server_version = "GitLabStandIn/1.0"

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        path = split.path.removeprefix(API)
        project_key, rest = _split_project(path)
        repo = self.standin.project(project_key) if project_key else None
        log_key = repo.full_name.lower() if repo else (unquote(project_key or "").lower() or None)
        status, headers, body = self._gitlab_answer(path, query, repo, project_key, rest, log_key)
        self._send_gitlab(status, headers, body, log_key)

    def _gitlab_answer(
        self,
        path: str,
        query: dict[str, str],
        repo: Repo | None,
        project_key: str | None,
        rest: str,
        log_key: str | None,
    ) -> Answer:
        standin = self.standin
        if standin._token is not None and not self._token_ok(standin._token):
            return 401, {}, {"message": "401 Unauthorized"}
        fault = standin._take_fault(log_key, self.path)
        if fault is not None and fault.delay:
            standin._wait(fault.delay)
        elif fault is not None:
            return fault.status, fault.headers, fault.body
        limit = standin.rate_limit
        if limit.remaining <= 0:
            wait = max(1, limit.reset - int(time.time()))
            return 429, {"Retry-After": str(wait)}, "Retry later\n"
        if path == "/version":
            return 200, {}, {"version": "17.5.0", "revision": "standin"}
        if project_key is None:
            return 404, {}, {"message": "404 Not Found"}
        if repo is None:
            return 404, {}, {"message": "404 Project Not Found"}
        return _project_route(standin, repo, rest, query, self.path)

    def _token_ok(self, token: str) -> bool:
        private = self.headers.get("PRIVATE-TOKEN")
        bearer = (self.headers.get("Authorization") or "").split(" ", 1)[-1]
        return token in (private, bearer)

    def _send_gitlab(
        self, status: int, headers: dict[str, str], body: Any, log_key: str | None
    ) -> None:
        if isinstance(body, bytes):
            payload, kind = body, "text/plain; charset=utf-8"
        elif isinstance(body, str):
            payload, kind = body.encode(), "text/plain; charset=utf-8"
        else:
            payload = b"" if body is None else json.dumps(body, sort_keys=True).encode()
            kind = "application/json"
        limit = self.standin.rate_limit
        with self.standin._lock:
            if status != 429 and limit.remaining > 0:
                limit.remaining -= 1
            rate_headers = {
                "RateLimit-Limit": str(limit.limit),
                "RateLimit-Observed": str(limit.limit - limit.remaining),
                "RateLimit-Remaining": str(limit.remaining),
                "RateLimit-Reset": str(limit.reset),
                "RateLimit-ResetTime": formatdate(limit.reset, usegmt=True),
            }
        all_headers = {**rate_headers, "Content-Type": kind, **headers}
        self.standin._record(
            LoggedRequest(
                method=self.command,
                path=self.path,
                status=status,
                repo=log_key,
                if_none_match=self.headers.get("If-None-Match"),
                authorization=self.headers.get("PRIVATE-TOKEN")
                or self.headers.get("Authorization"),
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
            self.close_connection = True


def _split_project(path: str) -> tuple[str | None, str]:
    """(project id or decoded path, the rest) of ``/projects/<id or encoded path>/...``."""
    if not path.startswith("/projects/"):
        return None, path
    raw, _, rest = path.removeprefix("/projects/").partition("/")
    return unquote(raw), "/" + rest if rest else ""


def _project_route(
    standin: GitLabStandIn, repo: Repo, rest: str, query: dict[str, str], full_path: str
) -> Answer:
    if rest in ("", "/"):
        return 200, {}, _project_json(standin, repo, with_license=query.get("license") == "true")
    if rest == "/repository/tags":
        order = query.get("order_by", "updated")
        tags = _sorted_tags(repo, order, descending=query.get("sort", "desc") == "desc")
        items = [_tag_json(repo, name, sha) for name, sha in tags]
        return _page(standin, items, query, full_path)
    if rest == "/releases":
        return _page(standin, [_release_json(repo, r) for r in repo.releases], query, full_path)
    if rest == "/repository/tree":
        return _tree(standin, repo, query, full_path)
    parts = [unquote(p) for p in rest.strip("/").split("/")]
    if parts[:2] == ["repository", "blobs"] and len(parts) == 4 and parts[3] == "raw":
        content = repo.blobs.get(parts[2])
        if content is None:
            return 404, {}, {"message": "404 Blob Not Found"}
        return 200, {}, content
    if parts[:2] == ["repository", "commits"] and len(parts) == 3:
        commit = repo.resolve(parts[2])
        if commit is None:
            return 404, {}, {"message": "404 Commit Not Found"}
        return 200, {}, _commit_json(commit)
    return 404, {}, {"message": "404 Not Found"}


def _page(standin: GitLabStandIn, items: list[Any], query: dict[str, str], path: str) -> Answer:
    per_page = max(1, min(100, int(query.get("per_page", 20))))
    page = max(1, int(query.get("page", 1)))
    pages = max(1, -(-len(items) // per_page))
    base = standin.url + urlsplit(path).path
    others = {k: v for k, v in query.items() if k not in ("page", "per_page")}

    def link(number: int) -> str:
        args = "&".join(f"{k}={quote(v)}" for k, v in sorted(others.items()))
        return f"<{base}?{args}&page={number}&per_page={per_page}>".replace("?&", "?")

    links = [f'{link(1)}; rel="first"']
    headers = {"X-Page": str(page), "X-Per-Page": str(per_page), "X-Next-Page": ""}
    headers["X-Prev-Page"] = str(page - 1) if page > 1 else ""
    if page < pages:
        headers["X-Next-Page"] = str(page + 1)
        links.insert(0, f'{link(page + 1)}; rel="next"')
    if page > 1:
        links.insert(0, f'{link(page - 1)}; rel="prev"')
    if standin.totals:
        headers["X-Total"] = str(len(items))
        headers["X-Total-Pages"] = str(pages)
        links.append(f'{link(pages)}; rel="last"')
    headers["Link"] = ", ".join(links)
    return 200, headers, items[(page - 1) * per_page : page * per_page]


def _project_json(standin: GitLabStandIn, repo: Repo, *, with_license: bool) -> dict[str, Any]:
    namespace, _, name = repo.full_name.rpartition("/")
    data: dict[str, Any] = {
        "id": repo.id,
        "name": name,
        "path": name,
        "path_with_namespace": repo.full_name,
        "name_with_namespace": repo.full_name.replace("/", " / "),
        "namespace": {"full_path": namespace, "kind": "group"},
        "description": repo.description or "",
        "default_branch": repo.default_branch if repo.commits else None,
        "visibility": "public",
        "web_url": f"{WEB}/{repo.full_name}",
        "http_url_to_repo": f"{WEB}/{repo.full_name}.git",
        "archived": repo.archived,
        "last_activity_at": standin.activity(repo).replace("Z", ".000Z"),
        "created_at": "2021-03-01T08:00:00.000Z",
    }
    if with_license:
        key = (repo.license_spdx or "").lower()
        data["license"] = (
            {
                "key": key,
                "name": repo.license_spdx,
                "nickname": None,
                "html_url": "",
                "source_url": "",
            }
            if key
            else None
        )
    return data


def _sorted_tags(repo: Repo, order: str, *, descending: bool) -> list[tuple[str, str]]:
    def commit_date(item: tuple[str, str]) -> str:
        commit = repo.commits.get(item[1])
        return commit.date if commit else ""

    key = commit_date if order == "updated" else (lambda item: item[0])
    # Stable: tags on one commit keep the order they were created in (newest first).
    return sorted(repo.tags, key=key, reverse=descending)


def _annotated(name: str) -> bool:
    # Half the tags are annotated (their "target" is a tag object), half lightweight.
    return int(fake_sha("annotated", name)[0], 16) % 2 == 0


def _tag_json(repo: Repo, name: str, sha: str) -> dict[str, Any]:
    commit = repo.commits.get(sha)
    release = next((r for r in repo.releases if r.tag == name and not r.draft), None)
    annotated = _annotated(name)
    return {
        "name": name,
        "message": f"Release {name}" if annotated else "",
        "target": fake_sha("tag-object", repo.full_name, name) if annotated else sha,
        "commit": _commit_json(commit) if commit else {"id": sha},
        "release": {"tag_name": name, "description": release.body or ""} if release else None,
        "protected": False,
        "created_at": None,
    }


def _commit_json(commit: Commit) -> dict[str, Any]:
    date = commit.date.replace("Z", "+00:00")
    return {
        "id": commit.sha,
        "short_id": commit.sha[:8],
        "title": commit.message or "Release",
        "message": commit.message or "Release",
        "committed_date": date,
        "authored_date": date,
        "created_at": date,
        "parent_ids": [],
    }


def _release_json(repo: Repo, release: Any) -> dict[str, Any]:
    return {
        "tag_name": release.tag,
        "name": release.name,
        "description": release.body,
        "created_at": release.published_at,
        "released_at": release.published_at,
        # GitLab has no drafts; a release dated in the future is "upcoming".
        "upcoming_release": release.draft,
        "commit": {"id": next((sha for name, sha in repo.tags if name == release.tag), None)},
    }


def _tree(standin: GitLabStandIn, repo: Repo, query: dict[str, str], path: str) -> Answer:
    commit = repo.resolve(query.get("ref") or repo.default_branch)
    if commit is None:
        return 404, {}, {"message": "404 Tree Not Found"}
    recursive = query.get("recursive") == "true"
    entries = [
        {
            "id": entry["sha"],
            "name": str(entry["path"]).rsplit("/", 1)[-1],
            "type": entry["type"],
            "path": entry["path"],
            "mode": entry["mode"],
        }
        for entry in commit.tree_entries(recursive=recursive)
    ]
    return _page(standin, entries, query, path)
