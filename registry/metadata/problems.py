"""Problems found in metadata files, and the error that carries all of them at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from registry.errors import InvalidInput


@dataclass(frozen=True)
class Problem:
    """One problem in one file: where it is (line, column, field path) and what is wrong."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str
    # For checks whose words the pages make themselves: a code and its values
    # (``("value", "foo"), ("suggestion", "chatbot")``); empty for the rest.
    code: str = ""
    values: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """The problem as a dict: ``{"file", "line", "column", "field", "message"}``, plus
        ``code`` and its values when the check gives them."""
        data: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }
        if self.code:
            data["code"] = self.code
            data.update(self.values)
        return data


class MetadataError(InvalidInput):
    """A metadata file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem], message: str | None = None) -> None:
        first = problems[0].file if problems else "metadata"
        text = message or f"{first}: {len(problems)} problem(s): " + "; ".join(
            str(p) for p in problems[:3]
        )
        super().__init__(text, problems)
        self.problems: list[Problem] = list(problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems ordered by file, then line (unknown lines last), then field."""
    return sorted(
        problems,
        key=lambda p: (p.file, p.line is None, p.line or 0, p.column or 0, p.field, p.message),
    )
