"""A JSON reader for untrusted bodies: limits first, then ``json.loads``.

``json.loads`` alone accepts what later breaks deep inside a request: 100,000 nested ``[`` end in
a RecursionError, an integer of 5,000 digits in a ValueError on ``int()``, a lone surrogate
(``"\\ud800"``) in an UnicodeEncodeError at the database, a NUL character in a PostgreSQL error,
and a duplicate key silently keeps its last value. Every one of them is refused here as
InvalidInput naming where it was found.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from registry.errors import InvalidInput
from registry.metadata.checks import is_unicode


@dataclass(frozen=True)
class Limits:
    """What one JSON body may hold."""

    depth: int = 32
    string_chars: int = 65_536
    integer_digits: int = 30
    list_items: int = 10_000
    object_keys: int = 1_000


LIMITS = Limits()

# Strings (with their escapes) are removed before brackets are counted: a "[" inside a string
# does not nest anything.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_DEPTH = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def loads(text: str, limits: Limits = LIMITS) -> Any:
    """Parse ``text`` as JSON within ``limits``; InvalidInput naming every rule it breaks."""
    if not text.strip():
        raise _invalid("the body is empty; it must be JSON", "", "empty body")
    _check_depth(text, limits)
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_int=lambda digits: _integer(digits, limits),
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as error:
        raise InvalidInput(
            "the body is not valid JSON",
            [{"field": "", "line": error.lineno, "column": error.colno, "message": error.msg}],
        ) from None
    except _Refused as refused:
        raise _invalid(refused.message, "", refused.message) from None
    problems: list[dict[str, Any]] = []
    _check_values(value, "", limits, problems)
    if problems:
        raise InvalidInput("the body breaks the input limits", problems[:20])
    return value


def _check_depth(text: str, limits: Limits) -> None:
    brackets = _STRING.sub("", text).translate(_KEEP_BRACKETS)
    deepest = max(accumulate(_DEPTH[ord(c)] for c in brackets), default=0)
    if deepest > limits.depth:
        raise _invalid(
            f"the body nests deeper than {limits.depth} levels",
            "",
            f"nesting depth over {limits.depth}",
        )


class _KeepBrackets(dict[int, int | None]):
    def __missing__(self, key: int) -> int | None:
        return key if key in _DEPTH else None


_KEEP_BRACKETS = _KeepBrackets()


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Refused(f"duplicate key {_shown(key)!r} in an object")
        found[key] = value
    return found


def _integer(digits: str, limits: Limits) -> int:
    if len(digits.lstrip("-")) > limits.integer_digits:
        raise _Refused(f"an integer has more than {limits.integer_digits} digits")
    return int(digits)


def _no_constant(name: str) -> None:
    raise _Refused(f"{name} is not JSON")


def _check_values(value: Any, where: str, limits: Limits, problems: list[dict[str, Any]]) -> None:
    if isinstance(value, str):
        _check_text(value, where, limits, problems)
    elif isinstance(value, list):
        if len(value) > limits.list_items:
            problems.append(_problem(where, f"more than {limits.list_items} items"))
            return
        for index, item in enumerate(value):
            _check_values(item, f"{where}[{index}]", limits, problems)
    elif isinstance(value, dict):
        if len(value) > limits.object_keys:
            problems.append(_problem(where, f"more than {limits.object_keys} keys"))
            return
        for key, item in value.items():
            path = f"{where}.{_shown(key)}" if where else _shown(key)
            _check_text(key, path, limits, problems)
            _check_values(item, path, limits, problems)


def _check_text(text: str, where: str, limits: Limits, problems: list[dict[str, Any]]) -> None:
    if len(text) > limits.string_chars:
        problems.append(_problem(where, f"longer than {limits.string_chars} characters"))
    if "\x00" in text:
        problems.append(_problem(where, "contains a NUL character"))
    if not is_unicode(text):
        problems.append(_problem(where, "contains a lone surrogate (not Unicode text)"))


def _shown(key: str) -> str:
    # A field name in an error must itself be printable and storable.
    return key.encode("utf-8", "replace").decode()[:100].replace("\x00", "")


def _problem(where: str, message: str) -> dict[str, Any]:
    return {"field": where, "message": message}


def _invalid(message: str, where: str, detail: str) -> InvalidInput:
    return InvalidInput(message, [_problem(where, detail)])
