"""What guides, reports and contacts share: reading a JSON body field by field, moderation.

Every body is checked completely before anything is written: InvalidInput lists each problem
with its field. Admins review ("geprüft": who and when) and hide guides and reports.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from sqlalchemy.orm import Session

from registry.db import utcnow
from registry.errors import InvalidInput
from registry.services.events import bump
from registry.services.tokens import Principal

LANGUAGES = ("de", "en")
TITLE_MAX = 200
BODY_MAX = 100_000
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SCOPE = "knowledge"


class Moderated(Protocol):
    hidden: bool
    reviewed_at: Any
    reviewed_by: int | None


class Body:
    """A JSON object body read field by field; ``problems`` collects what is wrong."""

    def __init__(self, data: Any, allowed: tuple[str, ...]) -> None:
        self.problems: list[dict[str, str]] = []
        if not isinstance(data, dict):
            self.data: dict[str, Any] = {}
            self.problem("", "the body must be a JSON object")
            return
        self.data = data
        for key in sorted(set(data) - set(allowed)):
            self.problem(key, f"unknown field (allowed: {', '.join(allowed)})")

    def problem(self, field: str, message: str) -> None:
        self.problems.append({"field": field, "message": message})

    def text(self, field: str, *, required: bool = True, max_length: int = TITLE_MAX) -> str:
        """A text field, stripped; '' when missing and not required."""
        value = self.data.get(field)
        if value is None:
            if required:
                self.problem(field, "required")
            return ""
        if not isinstance(value, str):
            self.problem(field, "must be a text")
            return ""
        value = value.strip()
        if required and not value:
            self.problem(field, "must not be empty")
        if len(value) > max_length:
            self.problem(field, f"at most {max_length} characters, got {len(value)}")
        return value

    def language(self, field: str = "language") -> str:
        value = self.text(field, max_length=2)
        if value and value not in LANGUAGES:
            self.problem(field, f"must be one of {', '.join(LANGUAGES)}")
        return value

    def email(self, field: str, *, required: bool = True) -> str:
        value = self.text(field, required=required)
        if value and not EMAIL_RE.match(value):
            self.problem(field, f"not an e-mail address: {value!r}")
        return value

    def flag(self, field: str) -> bool | None:
        value = self.data.get(field)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.problem(field, "must be true or false")
            return None
        return value

    def number(self, field: str, *, low: float, high: float) -> float:
        value = self.data.get(field)
        if value is None:
            self.problem(field, "required")
            return 0.0
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(field, "must be a number")
            return 0.0
        if not low <= value <= high:
            self.problem(field, f"must be between {low:g} and {high:g}, got {value!r}")
        return float(value)

    def check(self, what: str) -> None:
        """Raise InvalidInput naming every problem found so far."""
        if self.problems:
            raise InvalidInput(f"{what}: {len(self.problems)} problem(s)", self.problems)


def moderate(session: Session, item: Moderated, data: Any, principal: Principal) -> None:
    """Apply an admin's ``{"reviewed": bool, "hidden": bool}`` (either may be left out)."""
    body = Body(data, ("reviewed", "hidden"))
    reviewed, hidden = body.flag("reviewed"), body.flag("hidden")
    if reviewed is None and hidden is None and not body.problems:
        body.problem("", "give reviewed and/or hidden")
    body.check("cannot moderate")
    if reviewed is True:
        item.reviewed_at, item.reviewed_by = utcnow(), principal.token_id
    elif reviewed is False:
        item.reviewed_at, item.reviewed_by = None, None
    if hidden is not None:
        item.hidden = hidden
    bump(session, SCOPE)


def review_dict(item: Moderated) -> dict[str, Any] | None:
    """``{"at", "by"}`` of the review, or None when nobody reviewed it (yet)."""
    if item.reviewed_at is None:
        return None
    return {"at": item.reviewed_at.isoformat(), "by": item.reviewed_by}
