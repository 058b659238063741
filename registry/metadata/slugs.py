"""The one place where module slugs are normalized and checked."""

from __future__ import annotations

import re
import unicodedata

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
_SLUG_RE = re.compile(SLUG_PATTERN)
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_MAX_LENGTH = 63


def normalize_slug(text: str) -> str:
    """Turn free text (a file name, a display name) into a slug.

    Umlauts are transliterated (ä->ae, ö->oe, ü->ue, ß->ss), everything is lowercased, runs of
    other characters become one ``-`` and leading/trailing dashes are dropped. The result is cut
    to 63 characters. It may still be invalid (e.g. one character); check with ``is_valid_slug``.
    """
    # NFC first so a decomposed "a" + combining diaeresis is transliterated like "ä"; NFKD
    # afterwards strips the accents of other letters ("é" -> "e") instead of turning them into "-".
    lowered = unicodedata.normalize("NFC", text.strip().lower()).translate(_TRANSLITERATION)
    lowered = "".join(
        c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c)
    )
    slug = _NON_ALNUM.sub("-", lowered).strip("-")
    return slug[:_MAX_LENGTH].rstrip("-")


def is_valid_slug(text: str) -> bool:
    """True when ``text`` matches ``^[a-z0-9][a-z0-9-]{1,62}$``."""
    return bool(_SLUG_RE.match(text))


def fold_slug(text: str) -> str:
    """A slug as people type it, folded once to the stored form (``Chatbot `` -> ``chatbot``).

    Only case and surrounding space are folded: a slug that is still invalid afterwards is
    reported as such, never silently turned into another module's name.
    """
    return text.strip().casefold()
