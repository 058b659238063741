"""npm range semantics, row by row from the cases of npm's ``semver`` package (its range-include
and range-exclude fixtures; prerelease rows as npm answers with ``includePrerelease``, since
the channel rule, not the range, keeps prereleases from stable deployments).  Versions are
written as npm writes them and read with ``parse_version``."""

from __future__ import annotations

import pytest

from registry.compat import parse_tag
from registry.compat.ranges import parse_range, parse_version

CASES = [
    # numeric prerelease tags: 1.2.3-0 is the lowest prerelease of 1.2.3, not a post-release
    (">=1.0.0-0", "1.0.0", True),
    (">=1.0.0-0", "1.0.0-0", True),
    (">=1.0.0-0", "1.0.0-alpha", True),
    (">=1.0.0-0", "0.9.9", False),
    ("^1.0.0-0", "1.0.0", True),
    ("^1.0.0-0", "1.0.1-rc1", True),
    ("^1.0.0-0", "1.9.9", True),
    ("^1.0.0-0", "2.0.0", False),
    ("^1.0.0-0", "2.0.0-0", False),
    (">1.2.3-0", "1.2.3-1", True),
    ("<1.2.3-1", "1.2.3-0", True),
    ("<1.2.3-1", "1.2.3", False),  # 1.2.3 is above all its prereleases
    ("1.2.3-0 - 1.2.3", "1.2.3-5", True),
    ("^1.2.3-alpha", "1.2.3-0", False),  # numeric tags sort below named ones
    # named prerelease tags
    ("^1.2.3-alpha", "1.2.3-beta", True),
    ("^1.2.3-alpha", "1.2.3", True),
    ("~1.2.3-beta.2", "1.2.3-beta.4", True),
    ("~1.2.3-beta.2", "1.2.3-beta.1", False),
    (">=1.2.3-rc.1", "1.2.3-rc.2", True),
    (">=1.2.3-rc.1", "1.2.3", True),
    ("^0.0.1-alpha", "0.0.1-beta", True),
    ("^0.0.1-alpha", "0.0.1", True),
    ("~v0.5.4-pre", "0.5.5", True),
    ("~v0.5.4-pre", "0.5.4", True),
    ("~v0.5.4-pre", "0.6.0", False),
    ("1.2.3-pre+asdf - 2.4.3-pre+asdf", "1.2.3", True),
    ("1.2.3-pre+asdf - 2.4.3-pre+asdf", "2.4.3-alpha", True),
    ("1.2.3-pre+asdf - 2.4.3-pre+asdf", "2.4.3", False),
    # ~> is read as ~
    ("~>3.2.1", "3.2.2", True),
    ("~>3.2.1", "3.3.0", False),
    ("~>1", "1.2.3", True),
    ("~> 1", "1.2.3", True),
    ("~>1.2", "1.2.0", True),
    ("~>1.2", "1.2.9", True),
    ("~>1.2", "1.3.0", False),
    # partial versions
    ("2", "2.1.2", True),
    ("2.3", "2.3.1", True),
    ("2.3", "2.4.0", False),
    ("<1.2", "1.1.1", True),
    ("<1.2", "1.2.0", False),
    ("<=0.7.x", "0.7.2", True),
    ("<=0.7.x", "0.8.0", False),
    (">0.7.x", "0.8.0", True),
    (">0.7.x", "0.7.9", False),
    (">=1.2", "1.2.8", True),
    ("=0.7.x", "0.7.2", True),
    ("^0.1", "0.1.2", True),
    ("^0.1", "0.2.0", False),
    ("^0.0.1", "0.0.2", False),
    ("^1.2 ^1", "1.4.2", True),
    ("~2.4", "2.4.5", True),
    ("~2.4", "2.5.0", False),
    ("~x", "0.0.9", True),
    ("2.x.x", "2.1.3", True),
    ("1.2.* || 2.*", "2.1.3", True),
    # hyphen ranges, with x
    ("x - 1.0.0", "0.9.7", True),
    ("x - 1.x", "0.9.7", True),
    ("1.0.0 - x", "1.9.7", True),
    ("1.x - x", "1.9.7", True),
    ("1.x - 2.x", "2.9.9", True),
    ("1.x - 2.x", "3.0.0", False),
    ("1.x - 2.x", "0.9.9", False),
    ("1.2 - 2.3.4", "1.2.0", True),
    ("1.2 - 2.3.4", "2.3.5", False),
    ("1.2.3 - 2.3", "2.3.9", True),
    ("1.2.3 - 2.3", "2.4.0", False),
    ("1.2.3 - 2", "2.9.9", True),
    ("1.0.0 - 2.0.0", "1.2.3", True),
    # several comparators and alternatives
    ("0.1.20 || 1.2.4", "1.2.4", True),
    (">=0.2.3 || <0.0.1", "0.0.0", True),
    (">=0.2.3 || <0.0.1", "0.1.0", False),
    ("~1.2.1 >=1.2.3", "1.2.3", True),
    ("~1.2.1 >=1.2.3", "1.2.2", False),
    (">= 1.0.0", "1.0.0", True),
    ("<=   2.0.0", "2.0.0", True),
]


@pytest.mark.parametrize(("text", "version", "included"), CASES)
def test_npm_range(text: str, version: str, included: bool) -> None:
    assert parse_range(text).contains(parse_version(version)) is included


@pytest.mark.parametrize(
    ("tag", "version", "prerelease"),
    [
        ("v1.2.3-1", "1.2.3.dev1", True),  # a prerelease: the stable channel does not take it
        ("1.2.3-0", "1.2.3.dev0", True),
        ("v1.2.3-rc.1", "1.2.3rc1", True),
        ("v1.2.3", "1.2.3", False),
    ],
)
def test_numeric_prerelease_tags_are_prereleases(tag: str, version: str, prerelease: bool) -> None:
    parsed = parse_tag(tag)
    assert (parsed.version, parsed.prerelease) == (version, prerelease)  # type: ignore[union-attr]
