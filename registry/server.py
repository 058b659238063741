"""Production serving: gunicorn runs create_app in each worker; no scheduler in web workers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from registry import create_app
from registry.config import Settings


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(
        self,
        settings: Settings,
        options: dict[str, Any],
        app_factory: Callable[[Settings], Flask] | None = None,
    ) -> None:
        self.settings = settings
        self.options = options
        self.app_factory = app_factory
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Called in each worker after the fork: every worker has its own engine and caches.
        return (self.app_factory or create_app)(self.settings)


def run_gunicorn(
    settings: Settings,
    host: str,
    port: int,
    workers: int,
    *,
    app_factory: Callable[[Settings], Flask] | None = None,
    accesslog: str | None = "-",
) -> None:
    """Serve until stopped (``app_factory`` replaces create_app, e.g. in the benchmark)."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": accesslog,
        "errorlog": "-",
        "timeout": 60,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        **control_socket_options(settings, port),
    }
    _Gunicorn(settings, options, app_factory).run()


def control_socket_options(settings: Settings, port: int) -> dict[str, Any]:
    """gunicorn's control socket: none by default, else one per instance folder and port.

    gunicorn's default is one socket per user (``~/.gunicorn/gunicorn.ctl``): a second server
    would take it over, and stopping either deletes the other's.
    """
    if not settings.server.control_socket:
        return {"control_socket_disable": True}
    folder = Path(settings.instance_path).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return {"control_socket": str(folder / f"gunicorn-{port}.ctl"), "control_socket_mode": 0o600}
