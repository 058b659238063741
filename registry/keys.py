"""The secret key that signs session and CSRF cookies, the same in every worker.

``[server] secret_key`` wins. Without it, a key is generated once into the instance folder
(``secret_key``, mode 0600) and read by every worker and every later start, so that a login
made in one gunicorn worker is valid in the others and survives a restart. Several web nodes
(``[server] nodes`` > 1) do not share an instance folder: they need the configured key, and
:func:`check_serving` refuses to start without it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from registry.config import Settings
from registry.errors import ConfigError

KEY_FILE = "secret_key"
KEY_BYTES = 32


def secret_key(settings: Settings) -> str:
    """The configured key, or the instance folder's (created on first use)."""
    if settings.server.secret_key:
        return settings.server.secret_key
    return instance_key(Path(settings.instance_path))


def instance_key(folder: Path) -> str:
    """The key stored in ``folder``; created atomically so concurrent workers agree on one."""
    path = folder / KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _create(path)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < KEY_BYTES:
        raise ConfigError(
            f"{path}: the stored secret key is too short; delete the file to make a new one",
            [f"{path}: shorter than {KEY_BYTES} characters"],
        )
    return key


def _create(path: Path) -> None:
    # Written in full to a private temporary file, then linked into place: a worker reading
    # concurrently sees either no file or the whole key, and os.link refuses to replace a key
    # another worker linked first (that one then wins for everybody).
    temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(KEY_BYTES) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def check_serving(settings: Settings) -> None:
    """Refuse to serve several nodes without a configured key (each would make its own)."""
    if settings.server.nodes > 1 and not settings.server.secret_key:
        raise ConfigError(
            f"[server] nodes is {settings.server.nodes} but no [server] secret_key is set: "
            "every node would sign logins with a key of its own, so a login made on one node "
            "would not count on the others. Set the same secret_key on every node "
            "(SVA_REGISTRY_SERVER_SECRET_KEY, e.g. from `python -c "
            '"import secrets; print(secrets.token_hex(32))"`).',
            ["[server] secret_key: required when [server] nodes > 1"],
        )
