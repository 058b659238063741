"""Municipality names as sources write them: one key per municipality.

admin-doku writes "Herzberg (Elster)", the app's publiccode.yml "Stadt Herzberg/Elster", a
deployment "Herzberg (Elster) (Demo)": ``name_key`` makes them one.
"""

from __future__ import annotations

import re
import unicodedata

# Kinds of municipality that sources put before the name; they do not tell two towns apart.
# "Landkreis"/"Kreis" do (Landkreis Prignitz is not a town), so they stay.
_PREFIXES = (
    "landeshauptstadt",
    "hansestadt",
    "kreisstadt",
    "universitätsstadt",
    "stadt",
    "gemeinde",
    "markt",
    "amt",
)
DEMO_SUFFIX = "(Demo)"
_SEPARATORS = re.compile(r"[\s/()\[\],;:_\-–]+")


def name_key(name: str) -> str:
    """The key two spellings of one municipality share (lower case, no kind prefix, no
    brackets or slashes, single spaces, "(Demo)" dropped)."""
    text = unicodedata.normalize("NFC", name).strip()
    text = text.removesuffix(DEMO_SUFFIX).strip()
    words = [w for w in _SEPARATORS.split(text.casefold()) if w]
    while len(words) > 1 and words[0] in _PREFIXES:
        words = words[1:]
    return " ".join(words)


def municipality_names(value: object) -> list[str]:
    """The texts of a list of municipality names (others are skipped), trimmed, in order."""
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]
