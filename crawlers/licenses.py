"""License ids from license file texts and from GitLab's license keys.

GitHub detects the license at a ref itself (``/license?ref=``); GitLab detects only the default
branch's (``/projects/:id?license=true``), so the license at a tag is read from its file here.
Ids are spelled as GitHub's detection spells them (``GPL-3.0``, not ``GPL-3.0-only``), so both
forges report the same id for the same file.
"""

from __future__ import annotations

import re

# Order matters: the Affero and Lesser GPL texts mention the GPL, so they are tried first.
# Each rule: (SPDX id, phrases that must all occur in the lower-cased, whitespace-folded text).
LICENSE_TEXT_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AGPL-3.0", ("gnu affero general public license", "version 3")),
    ("LGPL-3.0", ("gnu lesser general public license", "version 3")),
    ("LGPL-2.1", ("gnu lesser general public license", "version 2.1")),
    ("GPL-3.0", ("gnu general public license", "version 3")),
    ("GPL-2.0", ("gnu general public license", "version 2")),
    ("EUPL-1.2", ("european union public licence", "v. 1.2")),
    ("EUPL-1.1", ("european union public licence", "v. 1.1")),
    ("MPL-2.0", ("mozilla public license", "version 2.0")),
    ("Apache-2.0", ("apache license", "version 2.0")),
    ("MIT", ("permission is hereby granted, free of charge",)),
    (
        "BSD-3-Clause",
        ("redistribution and use in source and binary forms", "neither the name of"),
    ),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",)),
    ("ISC", ("permission to use, copy, modify, and/or distribute this software",)),
    ("Unlicense", ("this is free and unencumbered software released into the public domain",)),
    ("CC0-1.0", ("cc0 1.0 universal",)),
)

# GitLab's license keys (licensee's, lower case) and the SPDX ids GitHub reports for them.
GITLAB_LICENSE_KEYS: dict[str, str] = {
    "agpl-3.0": "AGPL-3.0",
    "apache-2.0": "Apache-2.0",
    "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause",
    "cc0-1.0": "CC0-1.0",
    "epl-2.0": "EPL-2.0",
    "eupl-1.1": "EUPL-1.1",
    "eupl-1.2": "EUPL-1.2",
    "gpl-2.0": "GPL-2.0",
    "gpl-3.0": "GPL-3.0",
    "isc": "ISC",
    "lgpl-2.1": "LGPL-2.1",
    "lgpl-3.0": "LGPL-3.0",
    "mit": "MIT",
    "mpl-2.0": "MPL-2.0",
    "unlicense": "Unlicense",
}


def detect_license(text: str) -> str | None:
    """The SPDX id of a license file's text, or ``None`` when no rule recognizes it."""
    folded = re.sub(r"\s+", " ", text.lower())
    for spdx, phrases in LICENSE_TEXT_RULES:
        if all(phrase in folded for phrase in phrases):
            return spdx
    return None


def spdx_of_gitlab_key(key: str | None) -> str | None:
    """The SPDX id of a GitLab license key (``gpl-3.0``); ``None`` for ``other`` or unknown."""
    return GITLAB_LICENSE_KEYS.get((key or "").strip().lower())


__all__ = ["detect_license", "spdx_of_gitlab_key"]
