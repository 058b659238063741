"""A local stand-in for the GitHub REST API, serving the real SVA data (see ``server.py``)."""

from tests.github_standin.model import Commit, Release, Repo, git_blob_sha
from tests.github_standin.server import GitHubStandIn, LoggedRequest

__all__ = ["Commit", "GitHubStandIn", "LoggedRequest", "Release", "Repo", "git_blob_sha"]
