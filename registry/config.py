"""Settings: a frozen dataclass loaded from a TOML file plus environment overrides.

The file is named by ``SVA_REGISTRY_CONFIG``; every key ``[section] key`` can be overridden by
the environment variable ``SVA_REGISTRY_<SECTION>_<KEY>`` (upper case). ``config.example.toml``
documents every key. A bad setting stops start-up with one ``ConfigError`` listing every problem.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlsplit

from registry.errors import ConfigError

ENV_PREFIX = "SVA_REGISTRY_"
CONFIG_ENV = "SVA_REGISTRY_CONFIG"
DEFAULT_INSTANCE = Path("instance")


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = ""  # empty: SQLite file registry.sqlite3 in the instance folder
    echo: bool = False


@dataclass(frozen=True)
class GithubSettings:
    api_url: str = "https://api.github.com"
    token: str = ""
    webhook_secret: str = ""
    timeout_seconds: float = 15.0
    retries: int = 3
    backoff_seconds: float = 1.0


@dataclass(frozen=True)
class GitlabSettings:
    host: str = "gitlab.opencode.de"
    api_url: str = "https://gitlab.opencode.de/api/v4"
    token: str = ""
    webhook_secret: str = ""
    timeout_seconds: float = 15.0
    retries: int = 3
    backoff_seconds: float = 1.0


@dataclass(frozen=True)
class CrawlSettings:
    interval_minutes: int = 60
    queue_poll_seconds: int = 30
    forges: tuple[str, ...] = ("github.com",)
    # A crawl that would withdraw more than this share of a repository's releases at once
    # withdraws none and waits for `crawl --confirm-withdrawals`.
    max_withdraw_share: float = 0.2


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    secret_key: str = ""  # empty: generated once into the instance folder (one node only)
    max_body_bytes: int = 1_048_576
    base_url: str = ""  # empty: absolute URLs use the host each request was sent to
    nodes: int = 1  # web nodes sharing the database; more than 1 needs secret_key
    control_socket: bool = False  # gunicorn's control socket, in the instance folder


@dataclass(frozen=True)
class PolicySettings:
    allowed_licenses: tuple[str, ...] = (
        "GPL-3.0-or-later",
        "GPL-3.0-only",
        "GPL-3.0",
        "AGPL-3.0-or-later",
        "EUPL-1.2",
        "MIT",
        "Apache-2.0",
        "BSD-3-Clause",
        "MPL-2.0",
        "LGPL-3.0-or-later",
    )
    require_known_license: bool = False


@dataclass(frozen=True)
class CommunitySettings:
    # The community's central contact, listed on every module page under "Fragen Sie:".
    contact_name: str = "Smart Village App Community"
    contact_email: str = ""
    contact_url: str = "https://svacommunity.org"


@dataclass(frozen=True)
class Settings:
    instance_path: str = str(DEFAULT_INSTANCE)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    github: GithubSettings = field(default_factory=GithubSettings)
    gitlab: GitlabSettings = field(default_factory=GitlabSettings)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    policy: PolicySettings = field(default_factory=PolicySettings)
    community: CommunitySettings = field(default_factory=CommunitySettings)

    @property
    def database_url(self) -> str:
        """The configured database URL, or the SQLite file in the instance folder."""
        if self.database.url:
            return self.database.url
        path = Path(self.instance_path).resolve() / "registry.sqlite3"
        return f"sqlite:///{path}"

    @property
    def forge_hosts(self) -> dict[str, str]:
        """Host -> forge kind (``github``, ``gitlab``) of every forge publishers may register
        repositories on: ``[crawl] forges`` (GitHub) plus the ``[gitlab] host``."""
        hosts = {host.lower(): "github" for host in self.crawl.forges}
        if self.gitlab.host:
            hosts[self.gitlab.host.lower()] = "gitlab"
        return hosts


SECTIONS: dict[str, type[Any]] = {
    "database": DatabaseSettings,
    "github": GithubSettings,
    "gitlab": GitlabSettings,
    "crawl": CrawlSettings,
    "server": ServerSettings,
    "policy": PolicySettings,
    "community": CommunitySettings,
}
TOP_LEVEL_KEYS = ("instance_path",)


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read settings from ``path`` (or ``$SVA_REGISTRY_CONFIG``) and the environment.

    Raises ``ConfigError`` with every problem found when any value is unusable.
    """
    environ = os.environ if environ is None else environ
    problems: list[str] = []
    raw = _read_toml(path or environ.get(CONFIG_ENV) or None, problems)
    _apply_environment(raw, environ, problems)
    settings = _build(raw, problems)
    if settings is not None:
        problems.extend(_check(settings))
    if problems or settings is None:
        raise ConfigError("invalid settings: " + "; ".join(problems), problems)
    return settings


def _read_toml(path: str | os.PathLike[str] | None, problems: list[str]) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        with Path(path).open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        problems.append(f"{path}: settings file not found")
    except tomllib.TOMLDecodeError as error:
        problems.append(f"{path}: not valid TOML: {error}")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{path}: cannot read: {error}")
    return {}


def _apply_environment(
    raw: dict[str, Any], environ: Mapping[str, str], problems: list[str]
) -> None:
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV:
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        if rest in TOP_LEVEL_KEYS:
            raw[rest] = value
            continue
        section, _, key = rest.partition("_")
        if section not in SECTIONS or not key:
            # Other tools (the test suite) use the same prefix for their own variables.
            continue
        if key not in {f.name for f in fields(SECTIONS[section])}:
            problems.append(f"{name}: unknown setting [{section}] {key}")
            continue
        raw.setdefault(section, {})
        if not isinstance(raw[section], dict):
            continue
        raw[section][key] = value


def _build(raw: dict[str, Any], problems: list[str]) -> Settings | None:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in TOP_LEVEL_KEYS:
            values[key] = str(value)
        elif key in SECTIONS:
            if not isinstance(value, dict):
                problems.append(f"[{key}]: must be a table")
                continue
            values[key] = _build_section(key, SECTIONS[key], value, problems)
        else:
            problems.append(f"{key}: unknown setting or section")
    return Settings(**values)


def _build_section(name: str, cls: type[Any], raw: dict[str, Any], problems: list[str]) -> Any:
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            problems.append(f"[{name}] {key}: unknown setting")
            continue
        try:
            values[key] = _coerce(hints[key], value)
        except ValueError as error:
            problems.append(f"[{name}] {key}: {error}")
    return cls(**values)


def _coerce(kind: Any, value: Any) -> Any:
    if kind is bool:
        return _to_bool(value)
    if kind is int or kind is float:
        if isinstance(value, bool):
            raise ValueError(f"expected a number, got {value!r}")
        try:
            return kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected a number, got {value!r}") from None
    if kind == tuple[str, ...]:
        if isinstance(value, str):
            return tuple(item.strip() for item in value.split(",") if item.strip())
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise ValueError(f"expected a list of strings, got {value!r}")
    if isinstance(value, (dict, list)):
        raise ValueError(f"expected a string, got {value!r}")
    return str(value)


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _check(settings: Settings) -> list[str]:
    problems: list[str] = []
    url = settings.database.url
    if url and not url.startswith(("sqlite:", "postgresql")):
        problems.append(f"[database] url: unsupported database {url!r} (sqlite or postgresql)")
    api = urlsplit(settings.github.api_url)
    if api.scheme not in {"http", "https"} or not api.netloc:
        problems.append(f"[github] api_url: not an http(s) URL: {settings.github.api_url!r}")
    gitlab_api = urlsplit(settings.gitlab.api_url)
    if gitlab_api.scheme not in {"http", "https"} or not gitlab_api.netloc:
        problems.append(f"[gitlab] api_url: not an http(s) URL: {settings.gitlab.api_url!r}")
    elif not gitlab_api.path.rstrip("/").endswith("/api/v4"):
        problems.append(
            f"[gitlab] api_url: must end in /api/v4 (GitLab REST v4): {settings.gitlab.api_url!r}"
        )
    if "/" in settings.gitlab.host or ":" in settings.gitlab.host:
        problems.append(f"[gitlab] host: a host name only, got {settings.gitlab.host!r}")
    github_hosts = {host.lower() for host in settings.crawl.forges} - {"github.com"}
    problems.extend(
        f"[crawl] forges: no crawler for {host!r} (github.com; GitLab hosts go to [gitlab] host)"
        for host in sorted(github_hosts - {settings.gitlab.host.lower()})
    )
    for name, number in (
        ("[server] port", settings.server.port),
        ("[server] workers", settings.server.workers),
        ("[crawl] interval_minutes", settings.crawl.interval_minutes),
        ("[server] max_body_bytes", settings.server.max_body_bytes),
        ("[server] nodes", settings.server.nodes),
    ):
        if number < 1:
            problems.append(f"{name}: must be at least 1, got {number}")
    if settings.server.port > 65535:
        problems.append(f"[server] port: must be at most 65535, got {settings.server.port}")
    email = settings.community.contact_email
    if email and ("@" not in email or any(c.isspace() for c in email)):
        problems.append(f"[community] contact_email: not an e-mail address: {email!r}")
    url = settings.community.contact_url
    if url and urlsplit(url).scheme not in {"http", "https"}:
        problems.append(f"[community] contact_url: not an http(s) URL: {url!r}")
    if settings.github.retries < 0:
        problems.append("[github] retries: must not be negative")
    if settings.gitlab.retries < 0:
        problems.append("[gitlab] retries: must not be negative")
    problems.extend(_share_problems(settings.crawl.max_withdraw_share))
    return problems


def _share_problems(share: float) -> list[str]:
    if 0 <= share <= 1:
        return []
    return [f"[crawl] max_withdraw_share: must be between 0 and 1, got {share}"]
