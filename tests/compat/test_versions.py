from __future__ import annotations

import pytest
from packaging.version import InvalidVersion, Version

from registry.compat.versions import SkippedTag, TagVersion, parse_tag, version_key

TAGS = [
    ("v1.2.3", "1.2.3", False),
    ("1.2.3", "1.2.3", False),
    ("v1.2.3-rc.1", "1.2.3rc1", True),
    ("v0.1", "0.1", False),  # two parts
    ("v.3.2.6", "3.2.6", False),  # real app tag with a dot after the v
    ("v.2.0", "2.0", False),
    ("2.0.17.2", "2.0.17.2", False),  # four parts are valid PEP 440
    ("V4.0.0", "4.0.0", False),
    ("1.0.0-beta.2", "1.0.0b2", True),
    ("v4.1.2.dev3", "4.1.2.dev3", True),
]


@pytest.mark.parametrize(("tag", "version", "prerelease"), TAGS)
def test_version_tags(tag: str, version: str, prerelease: bool) -> None:
    assert parse_tag(tag) == TagVersion(tag=tag, version=version, prerelease=prerelease)


@pytest.mark.parametrize(
    "tag", ["rubocop-0.63.0", "error", "latest", "v", "", "v.", "vx1", "1.2.banana"]
)
def test_non_version_tags_are_skipped_with_reason(tag: str) -> None:
    result = parse_tag(tag)
    assert isinstance(result, SkippedTag)
    assert result.tag == tag
    assert "version" in result.reason


def test_prefix_is_removed() -> None:
    assert parse_tag("waste-web-v0.1.3", prefix="waste-web-v") == TagVersion(
        "waste-web-v0.1.3", "0.1.3", False
    )


def test_tag_without_prefix_is_skipped() -> None:
    result = parse_tag("v0.1.3", prefix="waste-web-v")
    assert isinstance(result, SkippedTag)
    assert result.reason == "does not start with prefix 'waste-web-v'"


def test_version_key_sorts_by_pep440() -> None:
    found = ["4.10.0", "4.2.0", "4.2.0rc1", "2.0.17.2", "4.9"]
    assert sorted(found, key=version_key) == ["2.0.17.2", "4.2.0rc1", "4.2.0", "4.9", "4.10.0"]
    assert version_key("v1.0") == Version("1.0")
    with pytest.raises(InvalidVersion):
        version_key("latest")
