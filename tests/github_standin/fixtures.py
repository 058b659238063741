"""Pytest fixtures for the GitHub stand-in.

Use from any test package with ``pytest_plugins = ["tests.github_standin.fixtures"]`` in the
top-level ``tests/conftest.py`` (or import the fixtures into a local conftest).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.github_standin.server import GitHubStandIn
from tests.github_standin.sva import build_sva_repos, plugin_repos


@pytest.fixture()
def github_standin() -> Iterator[GitHubStandIn]:
    """A running stand-in serving the 21 real SVA repositories and the Studio plugin repos."""
    standin = GitHubStandIn([*build_sva_repos(), *plugin_repos()])
    standin.start()
    yield standin
    standin.stop()


@pytest.fixture()
def github_api_url(github_standin: GitHubStandIn) -> str:
    """The stand-in's base URL, for ``SVA_REGISTRY_GITHUB_API_URL``."""
    return github_standin.url
