"""A local stand-in for the GitLab REST API (openCode.de), serving the real SVA data."""

from tests.gitlab_standin.server import GitLabStandIn

__all__ = ["GitLabStandIn"]
