"""`sva-registry import` of the community's real files and `validate`, as a user runs them."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from registry.cli import cli
from registry.models import Module

FIXTURES = Path(__file__).parents[1] / "fixtures" / "metadata"
EXAMPLES = Path(__file__).parents[2] / "schemas" / "examples"


def invoke(url: str, *args: str):
    return CliRunner().invoke(cli, list(args), env={"SVA_REGISTRY_DATABASE_URL": url})


def modules(url: str) -> dict[str, Module]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return {m.slug: m for m in session.scalars(select(Module)).all()}
    finally:
        engine.dispose()


def test_import_admin_doku_studio_and_publiccode_then_again_changes_nothing(cli_database_url):
    paths = [
        str(FIXTURES / "admin-doku" / "yml"),
        str(FIXTURES / "studio-plugins"),
        str(FIXTURES / "publiccode"),
    ]
    first = invoke(cli_database_url, "import", *paths)
    assert first.exit_code == 0, first.output
    assert "not mapped:" in first.output  # the per-file report says what did not map
    # DRAFT-push-nachrichten.yml breaks admin-doku's own schema: imported, with a warning
    assert "DRAFT-push-nachrichten.yml:52: external_services[0]" in first.output
    found = modules(cli_database_url)
    assert found["chatbot"].development_status == "concept"  # a STUB file stays visible
    assert found["maengelmelder"].development_status in {"beta", "stable"}
    assert "studio-waste-management" in found
    second = invoke(cli_database_url, "import", *paths)
    assert second.exit_code == 0, second.output
    assert " created" not in second.output and " updated" not in second.output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.sva-module.yml", b"", "empty"),
        ("latin1.sva-module.yml", "id: mängel\n".encode("latin-1"), "UTF-8"),
        (
            "syntax.sva-module.yml",
            b"id: [unclosed\nname: x\n",
            "syntax.sva-module.yml:2:5: invalid YAML",
        ),
    ],
)
def test_bad_metadata_file_fails_the_import_and_stores_nothing(
    cli_database_url, tmp_path: Path, name, content, message
):
    good = FIXTURES / "studio-plugins" / "plugin-news.json"
    bad = tmp_path / name
    bad.write_bytes(content)
    result = invoke(cli_database_url, "import", str(good), str(bad))
    assert result.exit_code == 1
    assert message in result.output
    assert "nothing was stored" in result.output
    assert modules(cli_database_url) == {}


def test_ten_megabyte_file_is_refused_without_reading_it_whole(cli_database_url, tmp_path: Path):
    big = tmp_path / "big.sva-module.yml"
    with big.open("wb") as handle:
        handle.write(b"id: big\n" + b"# padding\n" * 1_100_000)
    result = invoke(cli_database_url, "import", str(big))
    assert result.exit_code == 1
    assert "too large" in result.output


def test_validate_exits_0_for_valid_and_1_listing_every_problem():
    valid = sorted(str(p) for p in (EXAMPLES / "valid").iterdir())
    ok = CliRunner().invoke(cli, ["validate", *valid])
    assert ok.exit_code == 0, ok.output
    bad = EXAMPLES / "invalid" / "bad-range.sva-module.yml"
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(bad))]
    assert len(lines) >= 3  # every problem, not just the first
    assert f"{bad}:6: requires.app: invalid version range '>=banana'" in result.output
