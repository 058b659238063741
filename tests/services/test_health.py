"""Module health: facts -> levels, as a table (thresholds in docs/advisories.md)."""

from datetime import UTC, datetime

import pytest

from registry.services.health import HealthFacts, levels

NOW = datetime(2026, 9, 1, tzinfo=UTC)
BASE = {
    "releases_recent": 3,
    "last_commit_at": datetime(2026, 8, 20, tzinfo=UTC),
    "activity_known": True,
    "archived": False,
    "unfixed_advisories": (),
    "advisories": 0,
    "fixed_fast": 0,
    "security_policy": True,
    "license_consistent": True,
    "deployments": 5,
    "named_adopters": 0,
    "now": NOW,
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, (3, 3, 3, 3)),
        # releases but no commit in the window: maintenance 2
        ({"last_commit_at": None}, (2, 2, 3, 3)),
        # commits only: 1; nothing at all: 0
        ({"releases_recent": 0}, (1, 1, 3, 3)),
        ({"releases_recent": 0, "last_commit_at": None}, (0, 0, 3, 3)),
        # archived repository: maintenance 0 whatever else
        ({"archived": True}, (0, 0, 3, 3)),
        # an open advisory that covers the newest release: maintenance at most 1, security 0
        ({"unfixed_advisories": ("SVA-2026-0001",), "advisories": 1}, (0, 1, 0, 3)),
        # advisories fixed fast keep security 3; one fixed slowly costs a level
        ({"advisories": 2, "fixed_fast": 2}, (3, 3, 3, 3)),
        ({"advisories": 2, "fixed_fast": 1}, (2, 3, 2, 3)),
        # no SECURITY.md, license declared and detected differ
        ({"security_policy": False, "license_consistent": False}, (1, 3, 1, 3)),
        ({"security_policy": None, "license_consistent": None}, (1, 3, 1, 3)),
        # reuse: 5+ users 3, 2-4 users 2, 1 user 1, none 0; named adopters count as users
        ({"deployments": 2}, (2, 3, 3, 2)),
        ({"deployments": 1}, (1, 3, 3, 1)),
        ({"deployments": 0}, (0, 3, 3, 0)),
        ({"deployments": 1, "named_adopters": 40}, (3, 3, 3, 3)),
        # an experience report makes two users wide reuse; one user alone stays at 1
        ({"deployments": 2, "reports": 1}, (3, 3, 3, 3)),
        ({"deployments": 1, "reports": 1}, (1, 3, 3, 1)),
    ],
)
def test_levels(changes, expected):
    health = levels(HealthFacts(**{**BASE, **changes}))
    found = (
        health["level"],
        health["maintenance"]["level"],
        health["security"]["level"],
        health["reuse"]["level"],
    )
    assert found == expected, health


def test_every_aspect_says_why():
    health = levels(HealthFacts(**{**BASE, "security_policy": False, "last_commit_at": None}))
    assert {"code": "no-security-policy"} in health["security"]["reasons"]
    assert {"code": "no-recent-commit"} in health["maintenance"]["reasons"]
    assert {"code": "deployments", "count": 5} in health["reuse"]["reasons"]
