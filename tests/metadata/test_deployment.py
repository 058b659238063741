from pathlib import Path

import pytest

from registry.metadata import (
    MetadataError,
    load_deployment_file,
    load_deployment_text,
    validate_deployment_document,
)
from registry.metadata.checks import ags_error

from .conftest import EXAMPLES


def test_the_design_example_loads() -> None:
    document = load_deployment_file(EXAMPLES / "valid" / "deployment.yml")
    assert document["components"] == {
        "app": "4.2.1",
        "mainserver": {"commit": "04d9eb41", "capabilities": ["vouchers", "search"]},
    }
    assert document["modules"] == {"maengelmelder": "4.2.1"}
    assert document["licenses"] == ["GPL-3.0-or-later", "EUPL-1.2", "MIT"]


def test_unquoted_versions_and_ags_keep_their_text() -> None:
    document, problems = load_deployment_text(
        "schemaVersion: 1\nname: Kiel\nags: 01002000\nstate: SH\n"
        "components:\n  app: 4.10\n  mainserver: {commit: 1234567}\nmodules:\n  karten: 4.2\n",
        "deployment.yml",
    )
    assert problems == []
    assert document is not None
    # 01002000 would be the octal number 266752 for YAML 1.1; the AGS is its text.
    assert document["ags"] == "01002000"
    assert document["components"] == {"app": "4.10", "mainserver": {"commit": "1234567"}}
    assert document["modules"] == {"karten": "4.2"}


@pytest.mark.parametrize(
    ("ags", "state", "error"),
    [
        ("12054000", "BB", None),  # Potsdam
        ("12054000", None, None),
        ("01002000", "SH", None),  # Kiel
        ("16051000", "TH", None),  # Erfurt
        ("12054000", "BY", "belongs to state BB"),
        ("17000000", None, "no state code"),
        ("00000000", None, "no state code"),
        ("1205400", None, "needs 8 digits"),
        ("1205400x", None, "needs 8 digits"),
    ],
)
def test_ags_rules(ags: str, state: str | None, error: str | None) -> None:
    reason = ags_error(ags, state)
    if error is None:
        assert reason is None
    else:
        assert reason is not None
        assert error in reason


def test_an_api_body_is_validated_without_lines() -> None:
    problems = validate_deployment_document(
        {"schemaVersion": 1, "name": "X", "channel": "nightly", "components": {"app": 4.2}},
        "<request>",
    )
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("<request>", None, "channel"),
        ("<request>", None, "components.app"),
    ]


def test_a_valid_api_body_has_no_problems() -> None:
    body = {
        "schemaVersion": 1,
        "name": "Musterhausen",
        "ags": "12345678",
        "state": "BB",
        "components": {"app": "4.2.1", "mainserver": {"capabilities": ["vouchers"]}},
        "modules": {"maengelmelder": "4.2.1"},
        "x-note": "extension keys are allowed",
    }
    assert validate_deployment_document(body) == []


def test_not_a_mapping() -> None:
    document, problems = load_deployment_text("- a\n- b\n", "deployment.yml")
    assert document is None
    assert [p.message for p in problems] == ["expected a mapping at the top level"]


def test_load_deployment_file_raises_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "deployment.yml"
    path.write_text("schemaVersion: 1\nname: X\nvisibility: hidden\nstate: XY\n", "utf-8")
    with pytest.raises(MetadataError) as caught:
        load_deployment_file(path)
    assert [p.field for p in caught.value.problems] == ["visibility", "state"]
