from pathlib import Path

import jsonschema
import pytest

from registry.errors import InvalidInput, RegistryError
from registry.metadata import (
    MetadataError,
    Problem,
    load_module_file,
    parse_module_bytes,
    parse_module_text,
)
from registry.metadata.loader import MAX_FILE_BYTES
from registry.metadata.schema import DEPLOYMENT_SCHEMA, MODULE_SCHEMA, load_schema

from .conftest import EXAMPLES

DESIGN_EXAMPLE = EXAMPLES / "valid" / "sva-module.yml"


def test_the_design_example_becomes_the_export_module_shape() -> None:
    metadata = load_module_file(DESIGN_EXAMPLE)
    exported = metadata.to_export()
    assert exported["slug"] == "maengelmelder"
    assert exported["name"] == {"de": "Mängelmelder", "en": "Defect reporter"}
    assert exported["kind"] == "in-app"
    assert exported["host"] == {"component": "app", "path": "src/screens/SUE"}
    assert exported["license"] == "GPL-3.0-or-later"
    assert exported["developmentStatus"] == "stable"
    assert exported["maintainers"] == [
        {"name": "Stadt Bad Belzig", "email": "community@example.org", "url": None}
    ]
    assert exported["platforms"] == ["ios", "android"]
    assert exported["flags"]["deprecated"] is False
    assert exported["releases"] == []
    assert exported["source"] == "sva-module.yml"
    assert metadata.requires_export() == {
        "app": {"range": ">=4.0.0", "capabilities": []},
        "mainserver": {"range": None, "capabilities": ["vouchers"]},
    }
    assert dict(metadata.depends_on) == {"karten": ">=1.0"}


def test_release_export_carries_requirements_and_problems() -> None:
    metadata = load_module_file(DESIGN_EXAMPLE)
    problem = Problem("sva-module.yml", 3, None, "x", "y")
    release = metadata.release_export("4.2.1", tag="v4.2.1", sha="a" * 40, problems=[problem])
    assert release["version"] == "4.2.1"
    assert release["tags"] == ["v4.2.1"]
    assert release["requires"]["mainserver"]["capabilities"] == ["vouchers"]
    assert release["dependsOn"] == {"karten": ">=1.0"}
    assert release["license"] == {"declared": "GPL-3.0-or-later", "detected": None}
    assert release["metadataSource"] == "sva-module.yml"
    assert release["problems"] == [
        {"file": "sva-module.yml", "line": 3, "column": None, "field": "x", "message": "y"}
    ]


def test_problem_str_names_file_line_and_field() -> None:
    problem = Problem("sva-module.yml", 12, None, "requires.app", "invalid range '>=banana'")
    assert str(problem) == "sva-module.yml:12: requires.app: invalid range '>=banana'"
    assert str(Problem("x.yml", 2, 5, "", "invalid YAML")) == "x.yml:2:5: invalid YAML"
    assert str(Problem("x.yml", None, None, "", "empty file")) == "x.yml: empty file"


def test_load_module_file_raises_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "sva-module.yml"
    path.write_text(
        "schemaVersion: 1\nid: chatbot\nname: Chatbot\nkind: in-app\n"
        "requires:\n  app: '>=banana'\nlicense: Foo-1.0\n",
        encoding="utf-8",
    )
    with pytest.raises(MetadataError) as caught:
        load_module_file(path)
    error = caught.value
    assert isinstance(error, InvalidInput)
    assert isinstance(error, RegistryError)
    assert [(p.line, p.field) for p in error.problems] == [
        (4, "kind"),
        (6, "requires.app"),
        (7, "license"),
    ]
    assert error.details == [p.to_dict() for p in error.problems]
    assert str(path) in error.message


def test_metadata_is_built_best_effort_next_to_its_problems() -> None:
    metadata, problems = parse_module_text(
        "schemaVersion: 1\nid: wetter\nname: Wetter\nkind: standalone\nplatforms: ios\n",
        "sva-module.yml",
    )
    assert [p.field for p in problems] == ["platforms"]
    assert metadata is not None
    assert metadata.slug == "wetter"
    assert metadata.platforms == ()


def test_numbers_at_range_places_are_read_as_their_text() -> None:
    metadata, problems = parse_module_text(
        "schemaVersion: 1\nid: wetter\nname: Wetter\nkind: standalone\n"
        "requires:\n  app: 4.10\n  cms: {range: 3}\ndependsOn:\n  karten: 1\n",
        "sva-module.yml",
    )
    assert problems == []
    assert metadata is not None
    assert metadata.requires_export()["app"]["range"] == "4.10"
    assert metadata.requires_export()["cms"]["range"] == "3"
    assert dict(metadata.depends_on) == {"karten": "1"}


@pytest.mark.parametrize(
    ("license_text", "ok"),
    [
        ("GPL-3.0-or-later", True),
        ("MIT OR Apache-2.0", True),
        ("EUPL-1.2 AND (MIT OR BSD-3-Clause)", True),
        ("LicenseRef-Stadt-Bad-Belzig", True),  # SPDX's way to name a license outside the list
        ("GPL-3.0", True),  # deprecated id, still an SPDX id
        ("GPL-3", False),
        ("MIT AND", False),
    ],
)
def test_license_expressions(license_text: str, ok: bool) -> None:
    _, problems = parse_module_text(
        f"schemaVersion: 1\nid: wetter\nname: Wetter\nkind: standalone\nlicense: {license_text}\n",
        "sva-module.yml",
    )
    assert (problems == []) is ok
    assert all(p.field == "license" and p.line == 5 for p in problems)


@pytest.mark.parametrize("name", [MODULE_SCHEMA, DEPLOYMENT_SCHEMA])
def test_schemas_are_draft_2020_12_with_id_and_schema_version(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(name)
    assert "schemaVersion" in schema["required"]
    assert schema["additionalProperties"] is False
    assert "^x-" in schema["patternProperties"]
    jsonschema.Draft202012Validator.check_schema(schema)


def test_raw_bytes_from_a_tag_are_checked_for_size_and_utf8() -> None:
    metadata, problems = parse_module_bytes(DESIGN_EXAMPLE.read_bytes(), "sva-module.yml")
    assert problems == []
    assert metadata is not None
    assert metadata.slug == "maengelmelder"
    _, problems = parse_module_bytes(b"id: M\xe4ngel\n", "sva-module.yml")
    assert [(p.line, p.column) for p in problems] == [(1, 6)]
    _, problems = parse_module_bytes(b"#" * (MAX_FILE_BYTES + 1), "sva-module.yml")
    assert "file too large" in problems[0].message


def test_a_module_cannot_depend_on_or_succeed_itself() -> None:
    _, problems = parse_module_text(
        "schemaVersion: 1\nid: wetter\nname: Wetter\nkind: standalone\nsuccessor: wetter\n"
        "dependsOn:\n  karten: '>=1'\n  wetter: '>=1'\n",
        "sva-module.yml",
    )
    assert [(p.line, p.field) for p in problems] == [(5, "successor"), (8, "dependsOn.wetter")]
