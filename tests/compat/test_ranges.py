from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import InvalidVersion, Version

from registry.compat.ranges import InvalidRange, parse_range, parse_version

NORMALIZED = [
    # PEP 440 specifiers keep their meaning and text
    (">=4.1,<5", ">=4.1,<5"),
    ("==4.3.0", "==4.3.0"),
    ("~=4.1", "~=4.1"),
    ("!=4.2.0", "!=4.2.0"),
    ("==4.1.*", "==4.1.*"),
    ("==4.1.x", "==4.1.*"),  # npm-style wildcard inside a PEP operator
    (">=4,<=4.1", ">=4,<=4.1"),  # comma means PEP 440: <=4.1 is literal here
    # npm caret, including the 0.x rules
    ("^4.1.0", ">=4.1.0,<5.0.0"),
    ("^0.2.3", ">=0.2.3,<0.3.0"),
    ("^0.0.1", ">=0.0.1,<0.0.2"),
    ("^0.0", ">=0.0.0,<0.1.0"),
    ("^0.x", ">=0.0.0,<1.0.0"),
    ("^1.x", ">=1.0.0,<2.0.0"),
    ("^1.2.3-beta.2", ">=1.2.3b2,<2.0.0"),  # prerelease lower bound becomes PEP 440
    ("^*", "*"),
    # npm tilde
    ("~4.1", ">=4.1.0,<4.2.0"),
    ("~4.1.2", ">=4.1.2,<4.2.0"),
    ("~4", ">=4.0.0,<5.0.0"),
    ("~0.2.3", ">=0.2.3,<0.3.0"),
    # x-ranges and bare versions
    ("4.x", ">=4.0.0,<5.0.0"),
    ("4.1.x", ">=4.1.0,<4.2.0"),
    ("4.1.*", ">=4.1.0,<4.2.0"),
    ("4.X", ">=4.0.0,<5.0.0"),
    ("*", "*"),
    ("x", "*"),
    ("4", ">=4.0.0,<5.0.0"),  # bare major = 4.x
    ("4.1", ">=4.1.0,<4.2.0"),
    ("4.1.0", "==4.1.0"),  # a complete bare version is exact, as in npm
    ("2.0.17.2", "==2.0.17.2"),  # four parts are valid PEP 440
    ("v4.1.0", "==4.1.0"),
    ("=4.1.0", "==4.1.0"),
    ("=v4.1.0", "==4.1.0"),
    # hyphen ranges, inclusive, partial upper bound covers its x-range
    ("4.1 - 4.3", ">=4.1.0,<4.4.0"),
    ("4.1.0 - 4.3.2", ">=4.1.0,<=4.3.2"),
    ("1.2.3 - 2", ">=1.2.3,<3.0.0"),
    ("* - 2.0.0", "<=2.0.0"),
    # npm comparators with spaces and partial versions
    (">=4.1 <5", ">=4.1.0,<5.0.0"),
    (">= 4.1", ">=4.1.0"),
    (">=v4.1.0", ">=4.1.0"),
    ("<=4.1", "<4.2.0"),  # npm: <=4.1 includes every 4.1.x
    (">4.1", ">=4.2.0"),
    ("<4.1", "<4.1.0"),
    (">4.1.0", ">4.1.0"),
    (">=*", "*"),
    # OR
    ("^1 || ^2", ">=1.0.0,<2.0.0 || >=2.0.0,<3.0.0"),
    ("<2.0.0 || >=4.1 <5", "<2.0.0 || >=4.1.0,<5.0.0"),
    ("  ^4.1.0  ", ">=4.1.0,<5.0.0"),
    (">=4.1.0 >=4.1.0", ">=4.1.0"),  # duplicates collapse
]


@pytest.mark.parametrize(("text", "normalized"), NORMALIZED)
def test_normalized_form(text: str, normalized: str) -> None:
    parsed = parse_range(text)
    assert parsed.normalized == normalized
    assert parsed.raw == text
    assert str(parsed) == text


@pytest.mark.parametrize(("text", "normalized"), NORMALIZED)
def test_normalized_form_parses_to_itself(text: str, normalized: str) -> None:
    assert parse_range(normalized).normalized == normalized


CONTAINS = [
    ("^4.1.0", "4.1.0", True),
    ("^4.1.0", "4.9.9", True),
    ("^4.1.0", "5.0.0", False),
    ("^4.1.0", "4.0.9", False),
    ("^4.1.0", "5.0.0rc1", False),  # <5.0.0 excludes prereleases of 5.0.0 (PEP 440)
    ("^4.1.0", "4.2.0rc1", True),  # prereleases count: the channel rule is separate
    ("^0.2.3", "0.2.9", True),
    ("^0.2.3", "0.3.0", False),
    ("^0.0.1", "0.0.1", True),
    ("^0.0.1", "0.0.2", False),
    ("~4.1", "4.1.7", True),
    ("~4.1", "4.2.0", False),
    ("4.x", "4.99.0", True),
    ("4.x", "3.9.9", False),
    ("4.1.0", "4.1.0", True),
    ("4.1.0", "4.1.1", False),
    ("4.1 - 4.3", "4.3.9", True),
    ("4.1 - 4.3", "4.4.0", False),
    ("4.1 - 4.3", "4.0.9", False),
    (">=4.1 <5", "4.3.0", True),
    ("^1 || ^3", "2.0.0", False),
    ("^1 || ^3", "3.1.0", True),
    ("*", "0.0.1", True),
    ("!=4.2.0", "4.2.0", False),
    ("!=4.2.0", "4.2.1", True),
    ("~=4.1", "4.9", True),
    ("~=4.1", "5.0", False),
    (">=2.0.17", "2.0.17.2", True),
    ("^3.2.6", "v3.2.6", True),  # a leading v is accepted in versions too
]


@pytest.mark.parametrize(("text", "version", "expected"), CONTAINS)
def test_contains(text: str, version: str, expected: bool) -> None:
    assert parse_range(text).contains(version) is expected
    assert parse_range(text).contains(Version(version)) is expected


BAD = [
    ("", "empty"),
    ("   ", "empty"),
    (">=banana", "banana"),
    ("^", "needs a version"),
    ("~", "needs a version"),
    (">=", "needs a version"),
    ("1.2.3 -", "hyphen"),
    ("- 1.2.3", "hyphen"),
    ("1 - 2 - 3", "hyphen"),
    (">=1, 1 - 2", "hyphen"),
    ("||", "empty alternative"),
    ("^1 ||", "empty alternative"),
    ("a", "no version"),
    ("~=4", "PEP 440"),  # compatible release needs two parts
    ("==banana", "PEP 440"),
    ("<*", "matches no version"),
    ("1.x.2", "wildcard"),
    ("===1.0", "not supported"),
    ("latest", "no version"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD)
def test_bad_ranges_raise_with_reason(text: str, fragment: str) -> None:
    with pytest.raises(InvalidRange) as info:
        parse_range(text)
    assert info.value.text == text
    assert fragment in info.value.reason
    assert isinstance(info.value, ValueError)


def test_parse_version_accepts_leading_v_and_rejects_garbage() -> None:
    assert parse_version("v4.2.1") == Version("4.2.1")
    assert parse_version(" 4.2.1 ") == Version("4.2.1")
    with pytest.raises(InvalidVersion):
        parse_version("banana")
    with pytest.raises(InvalidVersion):
        parse_version("")


def test_contains_rejects_invalid_version_text() -> None:
    with pytest.raises(InvalidVersion):
        parse_range("^4").contains("four")


def test_ranges_compare_by_text_and_are_hashable() -> None:
    assert parse_range("^4.1.0") == parse_range("^4.1.0")
    assert len({parse_range("^4.1.0"), parse_range("^4.1.0"), parse_range("~4.1")}) == 2


versions = st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)).map(
    lambda t: Version(".".join(map(str, t)))
)


def _npm_caret(low: Version, v: Version) -> bool:
    """Reference npm caret semantics for complete versions, written independently."""
    major, minor, patch = low.release[:3]
    if v < low:
        return False
    if major:
        return v.release[0] == major
    if minor:
        return v.release[:2] == (0, minor)
    return v.release[:3] == (0, 0, patch)


@given(versions, versions)
def test_caret_matches_reference(low: Version, version: Version) -> None:
    assert parse_range(f"^{low}").contains(version) is _npm_caret(low, version)


@given(versions, versions)
def test_tilde_matches_reference(low: Version, version: Version) -> None:
    expected = version >= low and version.release[:2] == low.release[:2]
    assert parse_range(f"~{low}").contains(version) is expected


@given(versions, versions, versions)
def test_hyphen_with_complete_versions_is_inclusive(
    low: Version, high: Version, version: Version
) -> None:
    assert parse_range(f"{low} - {high}").contains(version) is (low <= version <= high)


@given(st.lists(st.sampled_from([t for t, _ in NORMALIZED]), min_size=1, max_size=3), versions)
def test_or_is_union(texts: list[str], version: Version) -> None:
    joined = parse_range(" || ".join(texts))
    assert joined.contains(version) is any(parse_range(t).contains(version) for t in texts)
