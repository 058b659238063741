"""OSV range evaluation against the examples of the OSV schema documentation
(https://ossf.github.io/osv-schema/#examples), read for the registry's modules."""

import hashlib

import pytest

from registry.compat.advisories import (
    Advisory,
    AdvisoryHit,
    Affected,
    Event,
    KnownRelease,
    OsvRange,
    coverage,
    covered_versions,
    is_covered,
)


def affected(*events: tuple[str, str], kind: str = "SEMVER", versions=()) -> Affected:
    ranges = (OsvRange(kind, tuple(Event(k, v) for k, v in events)),) if events else ()
    return Affected("SVA", "abfallkalender", ranges, tuple(versions))


# The documentation's "Unfixed vulnerability example": every version is affected.
UNFIXED = affected(("introduced", "0"))
# "Fixed vulnerability example": everything before 1.0.2.
FIXED = affected(("introduced", "0"), ("fixed", "1.0.2"))
# "Multiple range example": [1.0.0, 1.0.2) and [3.0.0, 3.2.5).
MULTIPLE = affected(
    ("introduced", "1.0.0"), ("fixed", "1.0.2"), ("introduced", "3.0.0"), ("fixed", "3.2.5")
)
# "last_affected vs fixed example": up to and including 2.1.214 (ECOSYSTEM) ...
LAST_AFFECTED = affected(("introduced", "0"), ("last_affected", "2.1.214"), kind="ECOSYSTEM")
# ... and the same bound as "fixed": 2.1.214 is not affected.
FIXED_AT_BOUND = affected(("introduced", "0"), ("fixed", "2.1.214"))


@pytest.mark.parametrize(
    ("case", "version", "expected", "fix"),
    [
        (UNFIXED, "0.0.1", True, None),
        (UNFIXED, "99.0.0", True, None),
        (FIXED, "1.0.1", True, "1.0.2"),
        (FIXED, "1.0.2", False, None),
        (FIXED, "1.0.2rc1", True, "1.0.2"),  # a prerelease sorts before its release
        (MULTIPLE, "0.9.0", False, None),
        (MULTIPLE, "1.0.0", True, "1.0.2"),
        (MULTIPLE, "1.0.2", False, None),
        (MULTIPLE, "2.5.0", False, None),
        (MULTIPLE, "3.1.0", True, "3.2.5"),
        (MULTIPLE, "3.2.5", False, None),
        (LAST_AFFECTED, "2.1.214", True, None),  # last_affected names no fix
        (LAST_AFFECTED, "2.1.215", False, None),
        (FIXED_AT_BOUND, "2.1.213", True, "2.1.214"),
        (FIXED_AT_BOUND, "2.1.214", False, None),
        (affected(("introduced", "v1.0.0"), ("fixed", "v2.0.0")), "1.5", True, "v2.0.0"),
    ],
)
def test_documentation_examples(case, version, expected, fix):
    assert is_covered(version, case) == (expected, fix)


def test_events_are_sorted_before_they_are_walked():
    shuffled = affected(("fixed", "3.2.5"), ("introduced", "3.0.0"), ("introduced", "0"),
                        ("fixed", "1.0.2"))  # fmt: skip
    assert [is_covered(v, shuffled)[0] for v in ("1.0.0", "2.0.0", "3.1.0", "3.2.5")] == [
        True,
        False,
        True,
        False,
    ]


def test_explicit_versions_cover_only_those_versions():
    listed = affected(versions=("4.1.3", "v4.1.2"))
    assert [is_covered(v, listed)[0] for v in ("4.1.2", "4.1.3", "4.1.4")] == [True, True, False]


def test_limit_events_bound_the_range():
    limited = affected(("introduced", "1.0.0"), ("limit", "2.0.0"))
    unbounded = affected(("introduced", "1.0.0"), ("limit", "*"))
    assert [is_covered(v, limited)[0] for v in ("0.9", "1.0.0", "1.9.9", "2.0.0")] == [
        False,
        True,
        True,
        False,
    ]
    assert is_covered("9.0", unbounded) == (True, None)


# The documentation's limit example on a linear release line: X=v1 introduces, Y=v4 limits.
COMMITS = {
    hashlib.sha1(version.encode()).hexdigest(): version
    for version in ("1.0.0", "2.0.0", "3.0.0", "4.0.0")
}
RELEASES = [KnownRelease(version, sha) for sha, version in COMMITS.items()]
X, _B, _C, Y = list(COMMITS)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ((("introduced", X), ("fixed", Y)), {"1.0.0": "4.0.0", "2.0.0": "4.0.0", "3.0.0": "4.0.0"}),
        ((("introduced", X), ("limit", Y)), {"1.0.0": None, "2.0.0": None, "3.0.0": None}),
        # An abbreviated commit (7+ hex digits) names the release tagged at it.
        ((("introduced", _C[:10]),), {"3.0.0": None, "4.0.0": None}),
        # A fix commit that is no release commit is ignored: the range stays open.
        ((("introduced", X), ("fixed", "f" * 40)), dict.fromkeys(COMMITS.values())),
        # An introducing commit that is no release commit opens nothing.
        ((("introduced", "e" * 40),), {}),
    ],
)
def test_git_ranges_by_release_commit(events, expected):
    record = Advisory(
        "SVA-2026-0002", "2026-09-01T00:00:00Z", (affected(*events, kind="GIT"),), severity="high"
    )
    assert covered_versions(record, "abfallkalender", RELEASES) == expected


def test_coverage_skips_withdrawn_advisories_and_other_packages():
    kept = Advisory("SVA-2026-0001", "2026-09-01T00:00:00Z", (FIXED,), severity="low")
    withdrawn = Advisory(
        "SVA-2026-0003", "2026-09-02T00:00:00Z", (UNFIXED,), withdrawn="2026-09-03T00:00:00Z"
    )
    other = Advisory(
        "SVA-2026-0004",
        "2026-09-01T00:00:00Z",
        (Affected("npm", "abfallkalender", UNFIXED.ranges),),
    )
    releases = {"abfallkalender": [KnownRelease("1.0.1"), KnownRelease("1.0.2")]}
    assert coverage([withdrawn, other, kept], releases) == {
        "abfallkalender": {"1.0.1": (AdvisoryHit("SVA-2026-0001", "low", "1.0.2"),)}
    }
