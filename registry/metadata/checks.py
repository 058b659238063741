"""Checks beyond the JSON Schema: SPDX expressions, version ranges, AGS/state, slugs."""

from __future__ import annotations

import difflib
from functools import cache

from license_expression import ExpressionError, Licensing, get_spdx_licensing

from registry.compat.ranges import InvalidRange, parse_range

# AGS (Amtlicher Gemeindeschlüssel): the first two digits are the state (Land).
STATE_BY_AGS_PREFIX = {
    "01": "SH", "02": "HH", "03": "NI", "04": "HB", "05": "NW", "06": "HE", "07": "RP", "08": "BW",
    "09": "BY", "10": "SL", "11": "BE", "12": "BB", "13": "MV", "14": "SN", "15": "ST", "16": "TH",
}  # fmt: skip
STATES = frozenset(STATE_BY_AGS_PREFIX.values())
# SPDX lets authors name licenses outside the list with these prefixes.
_CUSTOM_LICENSE_PREFIXES = ("LicenseRef-", "DocumentRef-")


@cache
def spdx_licensing() -> Licensing:
    """The SPDX licensing (license_expression), built once."""
    return get_spdx_licensing()


def license_error(expression: str) -> str | None:
    """Why ``expression`` is no valid SPDX license expression, or None when it is valid."""
    if not expression.strip():
        return "empty license expression"
    try:
        info = spdx_licensing().validate(expression)
    except (ExpressionError, AttributeError) as exc:
        # license_expression's validate() itself fails on some syntax errors ("MIT AND"):
        # it reads an attribute that only some of its ExpressionErrors carry.
        cause = exc.__context__ if isinstance(exc, AttributeError) and exc.__context__ else exc
        return f"invalid SPDX license expression {expression!r}: {cause}"
    if not info.errors:
        return None
    unknown = [s for s in info.invalid_symbols if s and not s.startswith(_CUSTOM_LICENSE_PREFIXES)]
    if not unknown and all(e.startswith("Unknown license key") for e in info.errors):
        return None
    if unknown:
        return "unknown SPDX license id(s): " + ", ".join(unknown)
    return f"invalid SPDX license expression {expression!r}: " + "; ".join(info.errors)


@cache
def spdx_ids() -> frozenset[str]:
    """The SPDX license ids (``MIT``, ``GPL-3.0-or-later``), without exceptions and aliases."""
    return frozenset(
        symbol.key
        for symbol in spdx_licensing().known_symbols.values()
        if not symbol.key.startswith(_CUSTOM_LICENSE_PREFIXES)
        and not getattr(symbol, "is_exception", False)
    )


def nearest_spdx_ids(text: str, limit: int = 3) -> list[str]:
    """SPDX ids close to ``text``: the same id in other case or as an alias first, then ids
    that start with it (``GPL`` -> ``GPL-3.0-or-later``), then ids spelled alike."""
    folded = text.strip().casefold()
    exact = [i for i in (_canonical(text),) if i in spdx_ids()]
    # "-or-later" ids first, the newest version first: what a community policy usually means.
    by_prefix = sorted(
        (i for i in spdx_ids() if folded and i.casefold().startswith(folded)),
        key=lambda i: (i.endswith("-or-later"), i),
        reverse=True,
    )
    alike = difflib.get_close_matches(text, sorted(spdx_ids()), n=limit, cutoff=0.6)
    return list(dict.fromkeys([*exact, *by_prefix[:limit], *alike]))[:limit]


def _canonical(text: str) -> str:
    """The id license_expression reads ``text`` as (aliases such as ``GPL-3.0+``), else ''."""
    try:
        return str(spdx_licensing().parse(text.strip()).render("{symbol.key}"))
    except (ExpressionError, AttributeError, TypeError, ValueError):
        return ""


def spdx_id_error(text: str) -> str | None:
    """Why ``text`` is no SPDX license id (with the nearest ids), or None when it is one
    (``LicenseRef-...`` names a license outside the list and is accepted)."""
    if text in spdx_ids() or text.startswith(_CUSTOM_LICENSE_PREFIXES):
        return None
    nearest = nearest_spdx_ids(text)
    hint = f"; did you mean {', '.join(nearest)}?" if nearest else ""
    return f"{text!r} is no SPDX license id{hint}"


def range_error(text: str) -> str | None:
    """Why ``text`` is no valid version range (PEP 440 or npm form), or None when it is."""
    try:
        parse_range(text)
    except InvalidRange as exc:
        return str(exc)
    return None


def ags_error(ags: str, state: str | None) -> str | None:
    """Why ``ags`` does not fit ``state`` (or is no AGS), or None when it fits."""
    if len(ags) != 8 or not ags.isdigit():
        return f"invalid AGS {ags!r}: needs 8 digits"
    prefix_state = STATE_BY_AGS_PREFIX.get(ags[:2])
    if prefix_state is None:
        return f"invalid AGS {ags!r}: {ags[:2]!r} is no state code (01-16)"
    if state is not None and state in STATES and state != prefix_state:
        return f"AGS {ags!r} belongs to state {prefix_state} (prefix {ags[:2]}), not {state}"
    return None


def is_unicode(text: str) -> bool:
    """Whether ``text`` is valid Unicode (no lone surrogates, as JSON's ``\\ud800`` gives)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
