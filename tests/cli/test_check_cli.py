"""`sva-registry check` and `capabilities import` as a user runs them, against a local database."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from registry.cli import cli
from registry.models import Component, Deployment
from tests.conftest import FIXTURES

MUSTERHAUSEN = FIXTURES / "deployments" / "musterhausen.yml"
INTROSPECTION = FIXTURES / "metadata" / "introspection-2026-08.json"


def run(url: str, *args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args), env={"SVA_REGISTRY_DATABASE_URL": url})
    assert result.exit_code == code, result.output
    return result


@pytest.fixture()
def demo_url(cli_database_url):
    run(cli_database_url, "load-demo")
    return cli_database_url


def test_check_prints_reasons_and_plan_in_english(demo_url):
    result = run(demo_url, "check", str(MUSTERHAUSEN), "--module", "chatbot", "--lang", "en")
    assert "chatbot:" in result.output
    assert "[version-mismatch] The app must have exactly version 4.3.0 (installed: 4.2.1)" in (
        result.output
    )
    assert "Update app from 4.2.1 to 4.3.0." in result.output
    # the demo's app has no tag 4.2.1
    assert "Notice: app 4.2.1 is no known version of app." in result.output


def test_check_explains_in_german_by_default(demo_url):
    result = run(demo_url, "check", str(MUSTERHAUSEN), "--module", "gutscheine")
    assert "[capability-missing]" in result.output
    assert "vouchers" in result.output and "Upgrade-Plan" in result.output


def test_check_json_has_the_api_shape(demo_url):
    result = run(demo_url, "check", str(MUSTERHAUSEN), "--format", "json")
    body = json.loads(result.output)
    assert body["name"] == "Musterhausen"
    entries = {m["module"]: m for m in body["modules"]}
    assert set(entries["chatbot"]) == {"module", "adoptable", "newest", "blocked", "upgradePlan"}
    assert body["notices"] == [{"code": "version-not-known", "component": "app", "actual": "4.2.1"}]
    assert entries["chatbot"]["upgradePlan"]["steps"] == [
        {"kind": "update", "component": "app", "from": "4.2.1", "to": "4.3.0", "endOfLife": False}
    ]
    codes = {r["code"] for b in entries["gutscheine"]["blocked"] for r in b["reasons"]}
    assert {"capability-missing", "version-mismatch"} <= codes


def test_check_unknown_module_fails(demo_url):
    result = CliRunner().invoke(
        cli,
        ["check", str(MUSTERHAUSEN), "--module", "nope"],
        env={"SVA_REGISTRY_DATABASE_URL": demo_url},
    )
    assert result.exit_code != 0


def test_check_invalid_file_lists_every_problem(cli_database_url, tmp_path: Path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "schemaVersion: 1\nname: X\nchannel: nightly\nags: '99000000'\n", encoding="utf-8"
    )
    result = run(cli_database_url, "check", str(bad), code=1)
    assert "bad.yml:3" in result.output and "channel" in result.output
    assert "bad.yml:4" in result.output and "ags" in result.output


def test_check_on_empty_database_says_so(cli_database_url):
    result = run(cli_database_url, "check", str(MUSTERHAUSEN))
    assert "load-demo" in result.output


def test_capabilities_import_dry_run_prints_names(cli_database_url):
    result = run(
        cli_database_url, "capabilities", "import", "mainserver", str(INTROSPECTION), "--dry-run"
    )
    names = result.output.split()
    assert "vouchers" in names and "redeemQuotaOfVoucher" in names
    assert names == sorted(names)


def test_capabilities_import_records_component_and_deployment(demo_url):
    engine = create_engine(demo_url)
    with Session(engine) as session:
        kiel = session.scalars(select(Deployment).where(Deployment.name == "Kiel (Demo)")).one()
        kiel_id = kiel.id
        assert "vouchers" not in kiel.document["components"]["mainserver"]["capabilities"]
    result = run(
        demo_url,
        "capabilities",
        "import",
        "mainserver",
        str(INTROSPECTION),
        "--deployment",
        str(kiel_id),
    )
    assert "mainserver:" in result.output
    with Session(engine) as session:
        kiel = session.get(Deployment, kiel_id)
        mainserver = kiel.document["components"]["mainserver"]
        assert "vouchers" in mainserver["capabilities"] and mainserver["commit"] == "5b4ba192"
        component = session.scalars(select(Component).where(Component.name == "mainserver")).one()
        assert "vouchers" in {c.name for c in component.capabilities}
    engine.dispose()


def test_capabilities_import_rejects_other_json(cli_database_url, tmp_path: Path):
    other = tmp_path / "other.json"
    other.write_text('{"data": {}}', encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["capabilities", "import", "mainserver", str(other)],
        env={"SVA_REGISTRY_DATABASE_URL": cli_database_url},
    )
    assert result.exit_code != 0


def test_check_starts_with_a_summary(demo_url):
    result = run(demo_url, "check", str(MUSTERHAUSEN), "--lang", "en")
    first = result.output.splitlines()[0]
    body = json.loads(run(demo_url, "check", str(MUSTERHAUSEN), "--format", "json").output)
    adoptable = sum(1 for m in body["modules"] if m["adoptable"])
    total = len(body["modules"])
    assert first == f"Musterhausen: {total} modules, {adoptable} adoptable, {total - adoptable} not"


def test_check_refuses_modules_and_releases_that_are_not_real(demo_url, tmp_path: Path):
    unreal = tmp_path / "unreal.yml"
    unreal.write_text(
        "schemaVersion: 1\nname: X\ncomponents: {app: 4.3.0}\n"
        "modules: {Chatbot: '1.0', chatbott: 4.3.0, nachrichten: 4.3.0+x}\n",
        encoding="utf-8",
    )
    result = run(demo_url, "check", str(unreal), code=1)
    assert "modules.chatbot: chatbot has no release '1.0'" in result.output
    assert "no module 'chatbott'; did you mean chatbot" in result.output
    assert "nachrichten" not in result.output  # a local build of a real release is fine
    assert "2 problem(s): no verdicts" in result.output


def test_check_names_the_most_helpful_upgrade(demo_url):
    result = run(demo_url, "check", str(MUSTERHAUSEN))
    assert "Hilfreichstes Update: app 4.3.0 schaltet" in result.output
    english = run(demo_url, "check", str(MUSTERHAUSEN), "--lang", "en")
    assert "Most helpful upgrade: app 4.3.0 unlocks" in english.output
