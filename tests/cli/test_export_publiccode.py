"""``sva-registry export --format publiccode SLUG [FILE]`` beside the JSON ``export FILE``."""

import json

import yaml
from click.testing import CliRunner

from registry.cli import cli


def invoke(url: str, *args: str):
    return CliRunner().invoke(cli, list(args), env={"SVA_REGISTRY_DATABASE_URL": url})


def test_publiccode_of_a_demo_module_to_stdout_and_to_a_file(cli_database_url, tmp_path):
    assert invoke(cli_database_url, "load-demo").exit_code == 0
    shown = invoke(cli_database_url, "export", "--format", "publiccode", "abfallkalender")
    assert shown.exit_code == 0, shown.output
    data = yaml.safe_load(shown.output)
    assert data["publiccodeYmlVersion"] == "0.4"
    assert data["dependsOn"]["open"]
    target = tmp_path / "publiccode.yml"
    written = invoke(
        cli_database_url, "export", "--format", "publiccode", "abfallkalender", str(target)
    )
    assert written.exit_code == 0, written.output
    assert yaml.safe_load(target.read_text(encoding="utf-8")) == data


def test_unknown_slug_fails_with_the_reason(cli_database_url):
    assert invoke(cli_database_url, "load-demo").exit_code == 0
    result = invoke(cli_database_url, "export", "--format", "publiccode", "no-such-module")
    assert result.exit_code != 0
    assert "no-such-module" in f"{result.output}{result.exception}"


def test_the_json_export_still_takes_one_file(cli_database_url, tmp_path):
    assert invoke(cli_database_url, "load-demo").exit_code == 0
    target = tmp_path / "export.json"
    assert invoke(cli_database_url, "export", str(target)).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "sva-registry-export"
    stdout = invoke(cli_database_url, "export", "-")
    assert json.loads(stdout.output)["modules"]
    assert invoke(cli_database_url, "export", str(target), "extra").exit_code != 0
