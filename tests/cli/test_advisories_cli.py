"""`sva-registry advisories import FILE|DIR`: all or nothing, every problem listed, idempotent."""

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from registry.cli import cli
from registry.models import Advisory

ADVISORIES = Path(__file__).parents[1] / "fixtures" / "advisories"
ADMIN_DOKU = Path(__file__).parents[1] / "fixtures" / "metadata" / "admin-doku" / "yml"


def invoke(url: str, *args: str):
    return CliRunner().invoke(cli, list(args), env={"SVA_REGISTRY_DATABASE_URL": url})


def stored(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Advisory.id)))
    finally:
        engine.dispose()


def test_import_a_folder_then_again_changes_nothing(cli_database_url, tmp_path):
    assert invoke(cli_database_url, "import", str(ADMIN_DOKU)).exit_code == 0
    first = invoke(cli_database_url, "advisories", "import", str(ADVISORIES))
    assert first.exit_code == 0, first.output
    assert "SVA-2026-0001 created" in first.output
    again = invoke(cli_database_url, "advisories", "import", str(ADVISORIES))
    assert "SVA-2026-0001 unchanged" in again.output
    assert stored(cli_database_url) == ["SVA-2026-0001"]


def test_a_bad_file_stores_nothing_and_names_every_problem(cli_database_url, tmp_path):
    assert invoke(cli_database_url, "import", str(ADMIN_DOKU)).exit_code == 0
    good = json.loads((ADVISORIES / "SVA-2026-0001.json").read_text("utf-8"))
    bad = {**good, "id": "SVA-2026-0002", "modified": "soon"}
    bad["affected"] = [{"package": {"ecosystem": "SVA", "name": "no-such-module"}}]
    (tmp_path / "good.json").write_text(json.dumps(good), "utf-8")
    (tmp_path / "bad.json").write_text(json.dumps(bad, indent=2), "utf-8")
    result = invoke(cli_database_url, "advisories", "import", str(tmp_path))
    assert result.exit_code == 1
    assert "bad.json:4: modified:" in result.output
    assert "nothing was stored" in result.output
    assert stored(cli_database_url) == []


def test_export_writes_valid_osv_that_imports_unchanged(cli_database_url, tmp_path):
    import jsonschema

    schema = json.loads((Path(__file__).parents[2] / "schemas" / "osv.schema.json").read_text())
    assert invoke(cli_database_url, "load-demo").exit_code == 0  # releases of abfallkalender
    assert invoke(cli_database_url, "advisories", "import", str(ADVISORIES)).exit_code == 0
    out = tmp_path / "osv"
    result = invoke(cli_database_url, "advisories", "export", str(out))
    assert result.exit_code == 0, result.output
    exported = json.loads((out / "SVA-2026-0001.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(exported)
    assert "4.1.3" in exported["database_specific"]["affectedReleases"]
    again = invoke(cli_database_url, "advisories", "import", str(out))
    assert "SVA-2026-0001 unchanged" in again.output, again.output
