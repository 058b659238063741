"""The pure compatibility engine: version ranges, tags, verdicts, resolver and upgrade plans.

Only the standard library, ``packaging``, ``resolvelib`` and ``license_expression`` are imported
here: no I/O, no clock, no web or database code.  Frozen dataclasses in, frozen dataclasses out.
"""

from registry.compat.ranges import ANY, InvalidRange, Range, parse_range, parse_version
from registry.compat.versions import SkippedTag, TagVersion, parse_tag, version_key

__all__ = [
    "ANY",
    "InvalidRange",
    "Range",
    "SkippedTag",
    "TagVersion",
    "parse_range",
    "parse_tag",
    "parse_version",
    "version_key",
]
