"""The CLI with an openCode module: crawl it, add a mirror, check and list it."""

import copy

from click.testing import CliRunner
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from registry.cli import cli
from registry.models import Module
from tests.gitlab_standin.server import GitLabStandIn
from tests.gitlab_standin.sva import MODULE

URL = f"https://gitlab.opencode.de/{MODULE}"
MIRROR = "https://gitlab.opencode.de/landkreis-x/spiegel/abfall-export"


def run(env, *args, code=0):
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == code, result.output
    return result.output


def test_crawl_and_mirror_an_opencode_module(cli_database_url, gitlab_standin: GitLabStandIn):
    mirror = copy.deepcopy(gitlab_standin.repo(MODULE))
    mirror.id, mirror.full_name = 4711, "landkreis-x/spiegel/abfall-export"
    gitlab_standin.add_repo(mirror)
    env = {
        "SVA_REGISTRY_DATABASE_URL": cli_database_url,
        "SVA_REGISTRY_GITLAB_API_URL": gitlab_standin.api_url,
        "SVA_REGISTRY_GITLAB_RETRIES": "0",
        "SVA_REGISTRY_GITHUB_API_URL": "http://127.0.0.1:9",
    }
    run(env, "db", "upgrade")
    engine = create_engine(cli_database_url)
    with Session(engine) as session:
        session.add(Module(slug="abfall-export", kind="standalone", repository=URL))
        session.commit()
    engine.dispose()
    assert f"{URL}: ok; 12 new release(s)" in run(env, "crawl", "--module", "abfall-export")
    again = run(env, "crawl", "--all")
    assert (
        "1 repositories, 2 requests, 0 answered 304, 2 rate-limit points, 0 new releases" in again
    )
    added = run(env, "mirrors", "add", "abfall-export", MIRROR + ".git")
    assert f"abfall-export: mirror {MIRROR} (gitlab), unchecked" in added
    assert f"abfall-export: {MIRROR} in-sync" in run(env, "mirrors", "check")
    assert "0 mirror(s) checked" in run(env, "mirrors", "check")  # at most daily
    listed = run(env, "mirrors", "list", "abfall-export")
    assert listed.startswith(f"{MIRROR}\tin-sync\tchecked ") and listed.endswith("missing -\n")


def test_mirror_add_refuses_what_it_could_never_check(cli_database_url):
    env = {"SVA_REGISTRY_DATABASE_URL": cli_database_url}
    run(env, "db", "upgrade")
    engine = create_engine(cli_database_url)
    with Session(engine) as session:
        session.add(Module(slug="abfall-export", kind="standalone", repository=URL))
        session.commit()
    engine.dispose()
    result = CliRunner().invoke(
        cli, ["mirrors", "add", "abfall-export", "https://codeberg.org/x/y"], env=env
    )
    assert result.exit_code != 0
    primary = CliRunner().invoke(cli, ["mirrors", "add", "abfall-export", URL], env=env)
    assert primary.exit_code == 1 and "is the primary repository" in primary.output
