"""Production serving: gunicorn runs create_app in each worker; no scheduler in web workers."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from registry.config import Settings


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from registry import create_app

        return create_app(self.settings)


def run_gunicorn(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve until stopped."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "errorlog": "-",
        "timeout": 60,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
    }
    _Gunicorn(settings, options).run()
