"""Rule 3: is a release's SPDX license expression satisfiable by a set of allowed licenses?

``A OR B`` needs one side allowed, ``A AND B`` both.  ``X WITH exception`` is allowed when
``X WITH exception`` or plain ``X`` is allowed.  SPDX identifiers compare case-insensitively.
A missing or unparsable expression (or ``NOASSERTION``/``NONE``) is *unknown*: it passes unless
the policy requires known licenses.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from license_expression import (
    AND,
    OR,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
)

__all__ = ["is_known_license", "license_allowed"]

_UNKNOWN_WORDS = frozenset({"", "noassertion", "none", "unknown", "other"})
_LICENSING = Licensing()


@lru_cache(maxsize=4096)
def _parse(expression: str) -> Any | None:
    """The parsed expression tree, or None when it is unknown."""
    if expression.strip().lower() in _UNKNOWN_WORDS:
        return None
    try:
        return _LICENSING.parse(expression)
    except ExpressionError:
        return None


def is_known_license(expression: str | None) -> bool:
    """Whether ``expression`` is a parsable license expression (not missing or NOASSERTION)."""
    return expression is not None and _parse(expression) is not None


@lru_cache(maxsize=65536)
def license_allowed(
    expression: str | None, allowed: frozenset[str] | None, require_known: bool
) -> bool:
    """Whether a release under ``expression`` may be adopted where ``allowed`` licenses are
    allowed (None: no restriction)."""
    tree = None if expression is None else _parse(expression)
    if tree is None:
        return not require_known
    if allowed is None:
        return True
    return _satisfied(tree, frozenset(a.lower() for a in allowed))


def _satisfied(node: Any, allowed: frozenset[str]) -> bool:
    if isinstance(node, AND):
        return all(_satisfied(arg, allowed) for arg in node.args)
    if isinstance(node, OR):
        return any(_satisfied(arg, allowed) for arg in node.args)
    if isinstance(node, LicenseWithExceptionSymbol):
        base = str(node.license_symbol.key).lower()
        full = f"{base} with {str(node.exception_symbol.key).lower()}"
        return base in allowed or full in allowed
    if isinstance(node, LicenseSymbol):
        return str(node.key).lower() in allowed
    return False  # pragma: no cover - license_expression only builds the node types above
