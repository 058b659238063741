"""Release tags to versions: which tags are versions, and their normalized PEP 440 form.

Real tags are messy (see the SVA facts): ``v1.2.3``, ``1.2.3``, ``v1.2.3-rc.1``, two-part
``v0.1``, ``v.3.2.6`` (a dot after the v), four-part ``2.0.17.2`` (valid PEP 440, kept), prefixed
Studio plugin tags such as ``waste-web-v0.1.3``, and tags that are no version at all
(``rubocop-0.63.0``, ``error``, ``latest``).  Those are skipped with a reason, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from registry.compat.ranges import npm_prerelease

__all__ = ["SkippedTag", "TagVersion", "parse_tag", "version_key"]


@dataclass(frozen=True)
class TagVersion:
    """A tag that names a version: ``version`` is normalized PEP 440 text."""

    tag: str
    version: str
    prerelease: bool


@dataclass(frozen=True)
class SkippedTag:
    """A tag that names no version, and why it was skipped."""

    tag: str
    reason: str


def parse_tag(tag: str, prefix: str = "") -> TagVersion | SkippedTag:
    """Read the version a tag names, after an optional tag ``prefix`` (``waste-web-v``)."""
    if not tag.startswith(prefix):
        return SkippedTag(tag, f"does not start with prefix {prefix!r}")
    rest = tag[len(prefix) :]
    if rest[:1] in {"v", "V"}:
        rest = rest[1:]
        # "v.3.2.6" exists in the app repository next to "v3.2.6".
        if rest.startswith(".") and rest[1:2].isdigit():
            rest = rest[1:]
    if not rest[:1].isdigit():
        return SkippedTag(tag, "not a version: it does not start with a number")
    try:
        # v1.2.3-0 is an npm prerelease (1.2.3.dev0), not the PEP 440 post-release 1.2.3.post0.
        version = Version(npm_prerelease(rest))
    except InvalidVersion:
        return SkippedTag(tag, f"not a PEP 440 version: {rest!r}")
    return TagVersion(tag=tag, version=str(version), prerelease=version.is_prerelease)


def version_key(version: str) -> Version:
    """Sort key for normalized version text (raises ``InvalidVersion`` for garbage)."""
    return Version(version)
