"""Tokens from the CLI, used against the API: create, list (never the secret), revoke."""

import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from registry import create_app
from registry.cli import cli
from registry.config import load_settings

REPO = "https://github.com/smart-village-solutions/sva-bus-server"


def run(url, *args, ok=True):
    result = CliRunner().invoke(cli, list(args), env={"SVA_REGISTRY_DATABASE_URL": url})
    if ok:
        assert result.exit_code == 0, result.output
    return result


def secret_of(output):
    return re.search(r"^(sva_\S+)$", output, re.MULTILINE).group(1)


@pytest.fixture()
def api(cli_database_url, tmp_path):
    settings = load_settings(
        None,
        {
            "SVA_REGISTRY_DATABASE_URL": cli_database_url,
            "SVA_REGISTRY_INSTANCE_PATH": str(tmp_path / "instance"),
            "SVA_REGISTRY_SERVER_SECRET_KEY": "cli-test",
        },
    )
    app = create_app(settings)
    yield app.test_client()
    app.extensions["registry.engine"].dispose()


def test_created_token_works_until_revoked(cli_database_url, api):
    created = run(cli_database_url, "token", "create", "--role", "publisher", "--note", "CI of bus")
    secret = secret_of(created.output)
    token_id = re.search(r"token (\d+)", created.output).group(1)
    headers = {"Authorization": f"Bearer {secret}"}
    response = api.post("/api/v1/modules", json={"repository": REPO}, headers=headers)
    assert response.status_code == 201
    listing = run(cli_database_url, "token", "list").output
    assert f"{token_id}\tpublisher\t-\tactive\tCI of bus" in listing
    assert secret not in listing  # the secret is shown once, at creation
    run(cli_database_url, "token", "revoke", token_id)
    assert "revoked" in run(cli_database_url, "token", "list").output
    again = api.post("/api/v1/modules/sva-bus-server/crawl", headers=headers)
    assert again.status_code == 401


def test_module_scoped_publisher_token(cli_database_url, api):
    admin_secret = secret_of(run(cli_database_url, "token", "create", "--role", "admin").output)
    admin = {"Authorization": f"Bearer {admin_secret}"}
    assert api.post("/api/v1/modules", json={"repository": REPO}, headers=admin).status_code == 201
    assert (
        api.post("/api/v1/modules", json={"repository": REPO + "-2"}, headers=admin).status_code
        == 201
    )
    scoped = run(
        cli_database_url, "token", "create", "--role", "publisher", "--module", "sva-bus-server"
    )
    headers = {"Authorization": f"Bearer {secret_of(scoped.output)}"}
    assert api.post("/api/v1/modules/sva-bus-server/crawl", headers=headers).status_code == 202
    assert api.post("/api/v1/modules/sva-bus-server-2/crawl", headers=headers).status_code == 403


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "publisher", "--module", "nope"], "no module 'nope'"),
        (["--role", "admin", "--module", "x"], "only publisher tokens have a module"),
        (["--role", "deployment", "--deployment", "42"], "no deployment 42"),
        (["--role", "king"], "Invalid value for '--role'"),
    ],
)
def test_bad_token_requests_fail_with_a_reason(cli_database_url, args, message):
    # Through the console entry point, which turns domain errors into a message and exit 1.
    result = subprocess.run(
        [sys.executable, "-m", "registry", "token", "create", *args],
        env={**os.environ, "SVA_REGISTRY_DATABASE_URL": cli_database_url},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode in {1, 2}
    assert message in result.stderr
    assert "sva_" not in result.stdout + result.stderr
