"""Registering a module by its repository URL, queueing crawls of it, and admins' edits.

Only repositories on configured forges are accepted and nothing is fetched here: the scheduler
crawls the queued request later, and the metadata ``id`` arrives with that first crawl.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.errors import Conflict, InvalidInput
from registry.metadata.checks import license_error
from registry.metadata.importers.report import DEVELOPMENT_STATUSES as STATUSES
from registry.metadata.provenance import ADMIN
from registry.metadata.slugs import is_valid_slug, normalize_slug
from registry.models import Component, CrawlRequest, Module
from registry.services.crawl_queue import enqueue_crawl
from registry.services.events import bump, record_event
from registry.services.sources import FieldDecision, Origin, claims_of, merge_fields

KINDS = ("standalone", "in-app")
# GitHub's own rules: owners are alphanumeric with single dashes (max 39), names allow . _ -.
_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_TAG_PREFIX = re.compile(r"^[A-Za-z0-9._/-]{0,100}$")
# GitLab's rules for group and project paths: letters, digits, _ . -, not starting with "-"
# (so the UI's "/-/" separator is refused); up to 20 levels of nested groups.
_GITLAB_SEGMENT = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}$")
_GITLAB_MAX_DEPTH = 21


@dataclass(frozen=True)
class Registration:
    """What registering a module produced."""

    module: Module
    crawl: CrawlRequest


def canonical_repository(url: Any, forges: tuple[str, ...] | Mapping[str, str]) -> str:
    """``https://<forge>/<owner>/<name>`` for a repository URL on a configured forge.

    ``forges``: GitHub hosts, or host -> forge kind (``github``/``gitlab``). Strict on purpose
    (the registry must never be talked into requesting arbitrary URLs): https only, no user,
    port, query or fragment; on GitHub exactly two path segments, on GitLab a group path
    (nested groups allowed) and a project name (a trailing ``.git`` or ``/`` is dropped).
    Raises InvalidInput on field ``repository`` otherwise.
    """
    kinds = dict(forges) if isinstance(forges, Mapping) else dict.fromkeys(forges, "github")
    if not isinstance(url, str) or not url.strip():
        raise _bad("a repository URL is required", url)
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:  # e.g. an unbalanced "[" read as an IPv6 literal
        raise _bad("the repository URL cannot be parsed", url) from None
    if parts.scheme != "https":
        raise _bad("the repository URL must start with https://", url)
    try:
        port = parts.port
    except ValueError:  # "github.com:abc" is no port number
        raise _bad("the repository URL has an invalid port", url) from None
    if parts.username or parts.password or port or parts.query or parts.fragment:
        raise _bad("the repository URL must not carry a user, port, query or fragment", url)
    kind = {forge.lower(): forge_kind for forge, forge_kind in kinds.items()}.get(host)
    if kind is None:
        allowed = ", ".join(kinds)
        raise _bad(f"repository host {host!r} is not a configured forge ({allowed})", url)
    path = parts.path.rstrip("/")
    path = path.removesuffix(".git")
    segments = path.split("/")[1:]
    if kind == "gitlab":
        return _gitlab_repository(host, segments, url)
    if len(segments) != 2 or not _OWNER.match(segments[0]) or not _NAME.match(segments[1]):
        raise _bad("the repository URL must be https://HOST/OWNER/NAME", url)
    if segments[1] in {".", ".."}:
        raise _bad("the repository URL must be https://HOST/OWNER/NAME", url)
    return f"https://{host}/{segments[0]}/{segments[1]}"


def _gitlab_repository(host: str, segments: list[str], url: Any) -> str:
    if not 2 <= len(segments) <= _GITLAB_MAX_DEPTH or not all(
        _GITLAB_SEGMENT.match(s) and s not in {".", ".."} for s in segments
    ):
        raise _bad("the repository URL must be https://HOST/GROUP[/SUBGROUP...]/NAME", url)
    return f"https://{host}/{'/'.join(segments)}"


def repository_name(repository: str) -> str:
    """``owner/name`` of a canonical repository URL (lower case, for matching)."""
    return "/".join(repository.rstrip("/").split("/")[-2:]).lower()


def register_module(
    session: Session,
    data: Any,
    *,
    forges: tuple[str, ...] | Mapping[str, str],
) -> Registration:
    """Create a module from ``{"repository", "slug"?, "kind"?, "host"?, "tagPrefix"?}``.

    Queues its first crawl and records a ``module-added`` event. Raises InvalidInput with every
    problem, or Conflict when the slug or the repository (same kind, prefix and host path) is
    already registered.
    """
    if not isinstance(data, dict):
        raise InvalidInput(
            "the body must be a JSON object", [{"field": "", "message": "not an object"}]
        )
    problems: list[dict[str, Any]] = []
    repository = _collect(problems, lambda: canonical_repository(data.get("repository"), forges))
    unknown = sorted(set(data) - {"repository", "slug", "kind", "host", "tagPrefix"})
    problems.extend({"field": key, "message": "unknown field"} for key in unknown)
    kind = data.get("kind", "standalone")
    if kind not in KINDS:
        problems.append({"field": "kind", "message": f"must be one of {', '.join(KINDS)}"})
    host = _check_host(session, kind, data.get("host"), problems)
    tag_prefix = data.get("tagPrefix", "")
    if not isinstance(tag_prefix, str) or not _TAG_PREFIX.match(tag_prefix):
        problems.append({"field": "tagPrefix", "message": "letters, digits and . _ / - only"})
        tag_prefix = ""
    slug = _check_slug(data.get("slug"), repository, problems)
    if problems:
        raise InvalidInput("cannot register the module", problems)
    assert repository is not None and slug is not None  # no problems means both were set
    _check_unique(
        session, slug=slug, repository=repository, kind=kind, tag_prefix=tag_prefix, host=host
    )
    module = Module(
        slug=slug,
        name_de=repository_name(repository).split("/")[1],
        name_en=repository_name(repository).split("/")[1],
        kind=kind,
        host_component=host[0] if host else None,
        host_path=host[1] if host else None,
        repository=repository,
        tag_prefix=tag_prefix,
        source="api",
    )
    try:
        # A savepoint: a concurrent registration of the same slug loses only this insert.
        with session.begin_nested():
            session.add(module)
    except IntegrityError:
        raise Conflict(
            f"module {slug!r} exists already",
            existing=slug,
            details=[{"field": "slug", "existing": slug}],
        ) from None
    record_event(
        session, "module-added", module=slug, data={"repository": repository, "source": "api"}
    )
    bump(session, "catalog")
    crawl = enqueue_crawl(session, repository, f"module {slug} registered")
    return Registration(module, crawl)


def queue_module_crawl(session: Session, module: Module, reason: str) -> CrawlRequest:
    """Queue a crawl of the module's repository; InvalidInput when it has none."""
    if not module.repository:
        raise InvalidInput(
            f"module {module.slug!r} has no repository to crawl",
            [{"field": "repository", "message": "not set"}],
        )
    return enqueue_crawl(session, module.repository, reason)


def _collect(problems: list[dict[str, Any]], compute: Any) -> Any:
    try:
        return compute()
    except InvalidInput as error:
        problems.extend(error.problems)
        return None


def _check_host(
    session: Session, kind: Any, host: Any, problems: list[dict[str, Any]]
) -> tuple[str, str] | None:
    if kind != "in-app":
        if host is not None:
            problems.append({"field": "host", "message": "only in-app modules have a host"})
        return None
    if (
        not isinstance(host, dict)
        or not isinstance(host.get("component"), str)
        or not isinstance(host.get("path"), str)
    ):
        problems.append({"field": "host", "message": "in-app modules need {component, path}"})
        return None
    if session.scalar(select(Component.id).where(Component.name == host["component"])) is None:
        problems.append(
            {"field": "host.component", "message": f"no component {host['component']!r}"}
        )
    path = host["path"].strip().strip("/")
    if not path or ".." in path.split("/") or len(path) > 500:
        problems.append({"field": "host.path", "message": "a relative path inside the host"})
    return host["component"], path


def _check_slug(raw: Any, repository: str | None, problems: list[dict[str, Any]]) -> str | None:
    if raw is None:
        if repository is None:
            return None
        slug = normalize_slug(repository_name(repository).split("/")[1])
        if not is_valid_slug(slug):
            problems.append(
                {
                    "field": "slug",
                    "message": f"cannot derive a slug from the name ({slug!r}); give one",
                }
            )
            return None
        return slug
    if not isinstance(raw, str) or not is_valid_slug(raw):
        problems.append({"field": "slug", "message": "must match ^[a-z0-9][a-z0-9-]{1,62}$"})
        return None
    return raw


def _check_unique(
    session: Session,
    *,
    slug: str,
    repository: str,
    kind: str,
    tag_prefix: str,
    host: tuple[str, str] | None,
) -> None:
    existing = session.scalar(select(Module).where(Module.slug == slug))
    if existing is not None:
        raise Conflict(
            f"module {slug!r} exists already",
            existing=slug,
            details=[{"field": "slug", "existing": slug}],
        )
    same_repository = session.scalars(
        select(Module).where(
            func.lower(func.rtrim(Module.repository, "/")).in_(
                [repository.lower(), repository.lower() + ".git"]
            )
        )
    ).all()
    for other in same_repository:
        # Several modules may share a repository (Studio plugins by tag prefix, in-app modules
        # by host path); the same repository with the same prefix and path is a duplicate.
        same_host = (other.host_path or None) == (host[1] if host else None)
        if other.kind == kind and (other.tag_prefix or "") == tag_prefix and same_host:
            raise Conflict(
                f"repository {repository} is registered already as {other.slug!r}",
                existing=other.slug,
                details=[{"field": "repository", "existing": other.slug}],
            )


def _bad(message: str, url: Any) -> InvalidInput:
    return InvalidInput(message, [{"field": "repository", "message": message, "value": str(url)}])


EDITABLE = frozenset(
    {
        "name",
        "summary",
        "description",
        "topic",
        "license",
        "developmentStatus",
        "maintainers",
        "platforms",
        "flags",
        "kind",
        "host",
        "repository",
        "tagPrefix",
    }
)


@dataclass(frozen=True)
class ModuleEdit:
    """What an admin edit did: a decision per field, and the repository change if any."""

    module: Module
    fields: list[FieldDecision]
    repository_from: str | None = None


def edit_module(
    session: Session,
    module: Module,
    data: Any,
    *,
    forges: tuple[str, ...] | Mapping[str, str],
    by: str = "api",
) -> ModuleEdit:
    """An admin's edit of a module (export shape, only the fields given); the source of every
    field given becomes ``admin``. A new repository changes what is crawled: it is recorded as
    a ``repository-changed`` event, the releases made so far keep their old source (a crawl of
    the new repository never withdraws them) and a crawl of the new one is queued.

    Raises InvalidInput with every problem; nothing is changed then.
    """
    values = _edit_values(session, module, data, forges)
    old_repository = module.repository
    decisions = merge_fields(module, values, Origin(ADMIN, by))
    moved = module.repository != old_repository
    if moved:
        _keep_release_sources(module, old_repository)
        record_event(
            session,
            "repository-changed",
            module=module.slug,
            data={"from": old_repository, "to": module.repository, "by": by},
        )
        if module.repository:
            enqueue_crawl(session, module.repository, f"module {module.slug} repository changed")
    if moved or any(d.decision.action == "set" for d in decisions):
        bump(session, "catalog")
    return ModuleEdit(module, decisions, old_repository if moved else None)


def _keep_release_sources(module: Module, old_repository: str | None) -> None:
    # Releases stored before their source was recorded came from the old repository (or the
    # host's, for in-app modules, whose crawl source is the host component).
    if module.kind == "in-app" or not old_repository:
        return
    for release in module.releases:
        if release.tag and release.source_repository is None:
            release.source_repository = old_repository


def _edit_values(
    session: Session, module: Module, data: Any, forges: tuple[str, ...] | Mapping[str, str]
) -> dict[str, Any]:
    if not isinstance(data, dict) or not data:
        raise InvalidInput(
            "the body must be a JSON object with the fields to change",
            [{"field": "", "message": "not an object or empty"}],
        )
    problems: list[dict[str, Any]] = [
        {"field": key, "message": "unknown or not editable field"}
        for key in sorted(set(data) - EDITABLE)
    ]
    values = claims_of({k: v for k, v in data.items() if k in EDITABLE})
    for path, value in values.items():
        problems += _field_problems(path, value)
    if values.get("repository"):
        repository = _collect(problems, lambda: canonical_repository(values["repository"], forges))
        values["repository"] = repository
    if "host.component" in values and values["host.component"] is not None:
        name = values["host.component"]
        if session.scalar(select(Component.id).where(Component.name == name)) is None:
            problems.append({"field": "host.component", "message": f"no component {name!r}"})
    if problems:
        raise InvalidInput(f"cannot change module {module.slug!r}", problems)
    return values


_TEXT_PATHS = frozenset(
    {"name.de", "name.en", "summary.de", "summary.en", "description.de", "description.en"}
)
_OPTIONAL_TEXT_PATHS = frozenset(
    {"topic", "license", "flags.successor", "host.component", "host.path", "repository"}
)
_BOOLEAN_PATHS = frozenset({"flags.hidden", "flags.deprecated", "flags.archived", "flags.gone"})


# (which field paths, what a valid value is, what to say otherwise); the first that fails counts.
_FIELD_CHECKS: tuple[tuple[Any, Any, str], ...] = (
    (lambda p: p.startswith("extra."), lambda v: False, "extra is not editable"),
    (_TEXT_PATHS.__contains__, lambda v: isinstance(v, str), "must be a text"),
    (
        _OPTIONAL_TEXT_PATHS.__contains__,
        lambda v: v is None or isinstance(v, str),
        "must be a text or null",
    ),
    (_BOOLEAN_PATHS.__contains__, lambda v: isinstance(v, bool), "must be true or false"),
    ({"maintainers", "platforms"}.__contains__, lambda v: isinstance(v, list), "must be a list"),
    (
        "developmentStatus".__eq__,
        STATUSES.__contains__,
        f"must be one of {', '.join(STATUSES)}",
    ),
    ("kind".__eq__, KINDS.__contains__, f"must be one of {', '.join(KINDS)}"),
    (
        "tagPrefix".__eq__,
        lambda v: isinstance(v, str) and bool(_TAG_PREFIX.match(v)),
        "letters, digits and . _ / - only",
    ),
)


def _field_problems(path: str, value: Any) -> list[dict[str, Any]]:
    """Why an admin's value for a field path is unusable (empty list: fine)."""
    for applies, valid, message in _FIELD_CHECKS:
        if applies(path) and not valid(value):
            return [{"field": path, "message": message}]
    if path == "license" and value and (reason := license_error(value)):
        return [{"field": path, "message": reason}]
    return []
