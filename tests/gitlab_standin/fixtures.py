"""Pytest fixtures for the GitLab stand-in (registered in the top-level ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.gitlab_standin.server import GitLabStandIn
from tests.gitlab_standin.sva import build_opencode_projects


@pytest.fixture()
def gitlab_standin() -> Iterator[GitLabStandIn]:
    """A running stand-in serving the openCode mirror of the app and a module in a subgroup."""
    with GitLabStandIn(build_opencode_projects()) as standin:
        yield standin
