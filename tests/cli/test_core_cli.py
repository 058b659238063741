"""The core CLI as a user runs it: load-demo, export/import round trip, import errors."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from registry.cli import cli
from registry.models import Module


def run(url: str, *args: str, ok: bool = True):
    result = CliRunner().invoke(cli, list(args), env={"SVA_REGISTRY_DATABASE_URL": url})
    if ok:
        assert result.exit_code == 0, result.output
    return result


def count_modules(url: str) -> int:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(Module)) or 0
    finally:
        engine.dispose()


def empty(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = (
                connection.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                        " AND tablename <> 'alembic_version'"
                    )
                )
                .scalars()
                .all()
            )
            connection.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    engine.dispose()


def test_load_demo_is_idempotent(cli_database_url):
    first = run(cli_database_url, "load-demo")
    assert "module created" in first.output
    second = run(cli_database_url, "load-demo")
    assert "created" not in second.output and "updated" not in second.output
    assert count_modules(cli_database_url) == 41


def test_export_then_import_into_an_empty_database_gives_the_same_data(
    cli_database_url, tmp_path: Path
):
    run(cli_database_url, "load-demo")
    first = tmp_path / "first.json"
    run(cli_database_url, "export", str(first))

    if cli_database_url.startswith("postgresql"):
        empty(cli_database_url)
        target = cli_database_url
    else:
        target = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    imported = run(target, "import", str(first))
    assert "FAILED" not in imported.output
    second = tmp_path / "second.json"
    run(target, "export", str(second))

    a = json.loads(first.read_text())
    b = json.loads(second.read_text())
    a.pop("exportedAt")
    b.pop("exportedAt")
    assert a == b
    assert len(a["modules"]) == 41
    assert sum(len(m["releases"]) for m in a["modules"]) > 1000


def test_a_failed_import_changes_nothing(cli_database_url, tmp_path: Path):
    run(cli_database_url, "load-demo")
    good = tmp_path / "good.json"
    run(cli_database_url, "export", str(good))
    document = json.loads(good.read_text())
    document["modules"].append({"slug": "Neues Modul!", "kind": "plugin"})
    document["modules"][0]["releases"][0]["requires"] = {"app": {"range": ">=banana"}}
    document["modules"][0]["name"]["de"] = "Geändert"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))

    result = run(cli_database_url, "import", str(bad), ok=False)
    assert result.exit_code != 0
    assert "invalid slug 'Neues Modul!'" in result.output
    assert "must be in-app or standalone" in result.output
    assert "invalid range '>=banana'" in result.output
    assert "nothing was stored" in result.output
    after = tmp_path / "after.json"
    run(cli_database_url, "export", str(after))
    before_doc = json.loads(good.read_text())
    after_doc = json.loads(after.read_text())
    assert before_doc["modules"] == after_doc["modules"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "sva-registry-export", "formatVersion": 1, "modules": [', "line 1"),
        (b'{"format": "sva-registry-export", "formatVersion": 2}', "formatVersion: must be 1"),
        (b'{"format": "sva-registry-export" \xff\xfe}', "not UTF-8"),
        (
            b'{"format": "sva-registry-export", "formatVersion": 1, "modules": {}}',
            "modules: must be a list",
        ),
    ],
)
def test_broken_export_files_are_reported(cli_database_url, tmp_path: Path, content, message):
    path = tmp_path / "export.json"
    path.write_bytes(content)
    result = run(cli_database_url, "import", str(path), ok=False)
    assert result.exit_code == 1
    assert message in result.output
    assert count_modules(cli_database_url) == 0


def test_bad_settings_stop_with_one_message_listing_every_problem(tmp_path: Path):
    from registry.cli import main

    config = tmp_path / "bad.toml"
    config.write_text('[server]\nport = "x"\nworkers = 0\n')
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "registry", "db", "upgrade"],
        env={"SVA_REGISTRY_CONFIG": str(config), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "[server] port: expected a number" in result.stderr
    assert "[server] workers: must be at least 1" in result.stderr
    assert "Traceback" not in result.stderr
    assert main  # the console script's entry point is the same function
