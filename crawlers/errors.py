"""Crawler errors. Every error of a crawler subclasses :class:`CrawlError` and carries data.

The caller records the repository as failed (or gone, or rate limited until ``reset_at``) and goes
on with the next one; nothing here knows about the database or HTTP status mapping of the web
layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawlers.base import TagFacts


class CrawlError(Exception):
    """Base of all crawler errors: which repository, which URL, which HTTP status (if any)."""

    code = "crawl-error"

    def __init__(
        self,
        message: str,
        *,
        repository: str | None = None,
        url: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.repository = repository
        self.url = url
        self.status = status

    def to_dict(self) -> dict[str, object]:
        """Return the error as plain data (for crawl state and events)."""
        return {
            "code": self.code,
            "message": self.message,
            "repository": self.repository,
            "url": self.url,
            "status": self.status,
        }


class TransientError(CrawlError):
    """5xx answers or timeouts that persisted through every retry; try again on the next run."""

    code = "transient"

    def __init__(
        self,
        message: str,
        *,
        attempts: int,
        repository: str | None = None,
        url: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, repository=repository, url=url, status=status)
        self.attempts = attempts


class RateLimited(CrawlError):
    """The forge's rate limit is exhausted; no request should be sent before ``reset_at`` (UTC).

    Like anitya's ``RateLimitException``: the scheduler ends the run early and resumes after the
    reset. ``partial_tags`` holds per-tag facts fetched before the limit hit (they are immutable,
    so the caller may keep them and never fetch them again).
    """

    code = "rate-limited"

    def __init__(
        self,
        message: str,
        *,
        reset_at: datetime,
        partial_tags: Mapping[str, TagFacts] | None = None,
        repository: str | None = None,
        url: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, repository=repository, url=url, status=status)
        self.reset_at = reset_at
        self.partial_tags: dict[str, TagFacts] = dict(partial_tags or {})

    def to_dict(self) -> dict[str, object]:
        """Return the error as plain data, with ``reset_at`` as ISO 8601."""
        return {**super().to_dict(), "reset_at": self.reset_at.isoformat()}


class RepositoryGone(CrawlError):
    """The repository answers 404 (deleted or made private); the registry keeps its data."""

    code = "repository-gone"


class BadCredentials(CrawlError):
    """The forge rejected the token (401)."""

    code = "bad-credentials"


class AccessDenied(CrawlError):
    """A 403 that is no rate limit (e.g. the token lacks a scope, or the repository is blocked)."""

    code = "access-denied"


class UnexpectedResponse(CrawlError):
    """Any other answer the crawler cannot use (unexpected status, malformed body)."""

    code = "unexpected-response"
