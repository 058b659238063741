"""The stand-in's openCode projects, built from the real SVA data in ``tests/fixtures/github``.

Real: the openCode mirror of the app, ``bad-belzig/smart-village-app-app`` (the URL the
community's admin-doku files name), with the app's 144 tags at their real commits, dates and
license files. Stand-in only: its project id, and a generated module in a nested group.
"""

from __future__ import annotations

import copy

from tests.github_standin.model import Repo
from tests.github_standin.sva import APP, build_sva_repos, generated_repo

APP_MIRROR = "bad-belzig/smart-village-app-app"
APP_MIRROR_URL = f"https://gitlab.opencode.de/{APP_MIRROR}"
APP_MIRROR_ID = 1187
# A module published on openCode in a subgroup (generated: 12 tags, sva-module.yml, MIT).
MODULE = "bad-belzig/sva-module/abfall-export"
MODULE_ID = 2301


def app_mirror() -> Repo:
    """The openCode mirror of the app: the GitHub repository's tags, commits and files."""
    app = next(repo for repo in build_sva_repos() if repo.full_name == APP)
    mirror = copy.deepcopy(app)
    mirror.id = APP_MIRROR_ID
    mirror.full_name = APP_MIRROR
    mirror.description = "Spiegel der Smart Village App (openCode)"
    return mirror


def opencode_module() -> Repo:
    return generated_repo(MODULE, repo_id=MODULE_ID, tags=12, metadata_every=4)


def build_opencode_projects() -> list[Repo]:
    """Every project of the stand-in's openCode."""
    return [app_mirror(), opencode_module()]
