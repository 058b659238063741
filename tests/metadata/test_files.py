from pathlib import Path

import pytest

from registry.metadata import detect_kind, import_path, validate_files

from .conftest import EXAMPLES, FIXTURES


@pytest.mark.parametrize(
    ("filename", "data", "kind"),
    [
        ("sva-module.yml", {}, "sva-module"),
        ("anything.yml", {"schemaVersion": 1, "id": "x"}, "sva-module"),
        ("anything.yml", {"schemaVersion": 1, "name": "X"}, "deployment"),  # no id
        ("anything.yml", {"components": {}}, "deployment"),
        ("x.json", {"schemaVersion": 1, "id": "x", "components": {}}, "deployment"),
        ("musterhausen.deployment.yml", None, "deployment"),
        ("publiccode.yml", None, "publiccode"),
        ("app.publiccode.yml", {}, "publiccode"),
        ("x.yml", {"publiccodeYmlVersion": "0.4"}, "publiccode"),
        ("plugin.manifest.json", None, "studio-manifest"),
        ("plugin-news.json", {"pluginId": "news", "hostCompatibility": {}}, "studio-manifest"),
        ("x.json", {"data": {"__schema": {}}}, "introspection"),
        ("global.yml", {"version": "1.0", "common": {}}, "admin-doku-global"),
        ("city_app.yml", {"city-app-yml-version": "1.0"}, "admin-doku-city-app"),
        ("STUB-wetter.yml", {"name": "wetter"}, "admin-doku"),
        ("wetter.yml", {"name": "Wetter", "short_description": "x"}, "admin-doku"),
        ("wetter.yml", {"name": "Wetter"}, "unknown"),  # too little to tell
        ("list.yml", [1, 2], "unknown"),
    ],
)
def test_detect_kind(filename: str, data: object, kind: str) -> None:
    assert detect_kind(filename, data) == kind


def test_validate_files_walks_folders_and_reports_per_file() -> None:
    results = validate_files([EXAMPLES])
    assert len(results) == len(list(EXAMPLES.rglob("*.yml"))) + len(list(EXAMPLES.rglob("*.json")))
    valid = {k for k, v in results.items() if not v}
    assert valid == {str(p) for p in (EXAMPLES / "valid").iterdir()}


def test_validate_files_on_unreadable_input(tmp_path: Path) -> None:
    bad = tmp_path / "sva-module.yml"
    bad.write_bytes(b"id: \xff\n")
    empty = tmp_path / "deployment.yml"
    empty.write_text("", "utf-8")
    results = validate_files([bad, empty, tmp_path / "missing.yml"])
    assert [p.message.split(":")[0] for p in results[str(bad)]] == ["not UTF-8"]
    assert [p.message for p in results[str(empty)]] == ["empty file: no YAML document"]
    assert "cannot read file" in results[str(tmp_path / "missing.yml")][0].message


def test_import_path_over_all_real_fixtures() -> None:
    reports = import_path([FIXTURES])
    kinds: dict[str, int] = {}
    for report in reports:
        kinds[report.kind] = kinds.get(report.kind, 0) + 1
    assert kinds == {
        "admin-doku": 68,
        "admin-doku-global": 1,
        "admin-doku-city-app": 1,
        "unknown": 2,  # the two JSON schemas of admin-doku
        "publiccode": 2,
        "studio-manifest": 10,
        "introspection": 1,
    }
    modules = [m for r in reports for m in r.modules]
    assert len(modules) == 52 + 2 + 10
    assert len({m["slug"] for m in modules}) == len(modules)
    components = [c for r in reports for c in r.components]
    assert [c["name"] for c in components] == ["mainserver"]
    # Every report says what mapped; problems only where the real data has them.
    assert all(r.mapped for r in reports if r.modules)
    with_problems = sorted(Path(r.file).name for r in reports if r.problems)
    assert with_problems == ["app-module.schema.json", "city-app-schema.json"]
    with_warnings = sorted(Path(r.file).name for r in reports if r.warnings)
    assert with_warnings == ["DRAFT-push-nachrichten.yml"]


def test_validation_is_strict_and_includes_warnings() -> None:
    draft = FIXTURES / "admin-doku" / "yml" / "modules" / "DRAFT-push-nachrichten.yml"
    assert [p.line for p in validate_files([draft])[str(draft)]] == [52, 53]


def test_a_report_serializes_to_plain_data() -> None:
    [report] = import_path([FIXTURES / "studio-plugins" / "plugin-news.json"])
    data = report.to_dict()
    assert data["kind"] == "studio-manifest"
    assert data["modules"][0]["slug"] == "studio-news"
    assert data["problems"] == []
