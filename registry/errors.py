"""Domain errors. Every error of the registry subclasses RegistryError and carries data.

The web layer maps each class to one HTTP status (registry/web/errors.py); nothing below the web
layer knows about HTTP.
"""

from __future__ import annotations

from typing import Any


class RegistryError(Exception):
    """Base of all domain errors: a stable ``code``, a human ``message`` and ``details``."""

    code = "registry-error"

    def __init__(self, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[Any] = list(details or [])


class NotFound(RegistryError):
    code = "not-found"


class Conflict(RegistryError):
    code = "conflict"

    def __init__(self, message: str, existing: Any = None, details: list[Any] | None = None):
        super().__init__(message, details)
        self.existing = existing


class InvalidInput(RegistryError):
    """Input that failed validation; ``problems`` lists every problem found at once."""

    code = "invalid-input"

    def __init__(self, message: str, problems: list[Any] | None = None) -> None:
        super().__init__(message, [_as_detail(p) for p in problems or []])
        self.problems = list(problems or [])


class Unauthorized(RegistryError):
    code = "unauthorized"


class Forbidden(RegistryError):
    code = "forbidden"


class ConfigError(RegistryError):
    """Settings that cannot be used; ``details`` lists every problem."""

    code = "config-error"


def _as_detail(problem: Any) -> Any:
    to_dict = getattr(problem, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(problem, (dict, str)):
        return problem
    return str(problem)
