"""Every example in schemas/examples validates as documented; the invalid ones fail exactly so."""

from pathlib import Path

import pytest

from registry.metadata import validate_files
from registry.metadata.files import detect_kind
from registry.metadata.loader import parse_text

from .conftest import EXAMPLES

VALID = sorted((EXAMPLES / "valid").iterdir())
INVALID = sorted((EXAMPLES / "invalid").iterdir())

# file -> every (line, field, words in the message) expected; nothing else may be reported.
EXPECTED = {
    "ags-state-mismatch.deployment.yml": [(3, "ags", "belongs to state SH")],
    "bad-ags.deployment.yml": [
        (3, "ags", "must be an AGS"),
        (4, "state", "'XX' is not one of"),
    ],
    "bad-components.deployment.yml": [
        (3, "visibility", "'secret' is not one of: public, private"),
        (4, "channel", "'beta' is not one of"),
        (6, "components.app", "must be a version text or a mapping"),
        (7, "components.mainserver.capabilities", "expected a list"),
        (7, "components.mainserver.commit", "does not match"),
        (8, "components.cms", "'latest' is no version"),
        (10, "modules.maengelmelder", "'banana' is no version"),
        (11, "modules.mängelmelder", "must be a slug"),
        (12, "licenses[1]", "'Nonsense-1.0' is no SPDX license id"),
        (13, "owner", "unknown key 'owner'"),
    ],
    "bad-license.sva-module.yml": [(5, "license", "unknown SPDX license id(s): Stadtlizenz-1.0")],
    "bad-range.sva-module.yml": [
        (6, "requires.app", "invalid version range '>=banana'"),
        (7, "requires.mainserver.range", "invalid version range '^^4'"),
        (9, "dependsOn.karten", "invalid version range '1.0 - '"),
    ],
    "bad-slug.sva-module.yml": [
        (2, "id", "must be a slug"),
        (5, "successor", "does not match"),
        (7, "dependsOn.Karten_Modul", "must be a slug"),
    ],
    "bad-values.sva-module.yml": [
        (1, "schemaVersion", "must be 1"),
        (4, "kind", "'plugin' is not one of: in-app, standalone"),
        (5, "topic", "'wetter' is not one of"),
        (6, "developmentStatus", "'alpha' is not one of"),
        (7, "repository", "does not match"),
        (10, "maintainers[0].email", "does not match"),
    ],
    "broken-license-expression.sva-module.yml": [(5, "license", "invalid SPDX license expression")],
    "duplicate-key.sva-module.yml": [
        (7, "requires.app", "duplicate key 'app' (first at line 6)"),
        (8, "id", "duplicate key 'id' (first at line 2)"),
    ],
    "empty.deployment.yml": [(None, "", "empty file")],
    "in-app-without-host.sva-module.yml": [(4, "kind", "needs 'host'")],
    "missing-name.deployment.yml": [
        (2, "name", "missing required key 'name'"),
        (2, "schemaVersion", "missing required key 'schemaVersion'"),
    ],
    "missing-required.sva-module.yml": [
        (2, "id", "missing required key 'id'"),
        (2, "kind", "missing required key 'kind'"),
        (2, "name", "missing required key 'name'"),
        (5, "maintainers[0].name", "missing required key 'name'"),
    ],
    "not-a-mapping.sva-module.yml": [(1, "", "expected a mapping at the top level")],
    "standalone-with-host.sva-module.yml": [(5, "host", "only for in-app modules")],
    "syntax-error.sva-module.yml": [(4, "", "invalid YAML")],
    "unknown-keys.sva-module.yml": [
        (3, "name.fr", "unknown key 'fr'"),
        (7, "host.file", "unknown key 'file'"),
        (9, "homepage", "unknown key 'homepage'"),
    ],
    "wrong-types.sva-module.yml": [
        (3, "name", "write it quoted: '42'"),
        (5, "platforms", "expected a list, got text"),
        (7, "requires.app", "must be a version range text or a mapping"),
        (9, "dependsOn", "expected a mapping, got text"),
    ],
}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_examples_have_no_problems(path: Path) -> None:
    assert validate_files([path]) == {str(path): []}


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_examples_report_exactly_the_expected_problems(path: Path) -> None:
    problems = validate_files([path])[str(path)]
    found = [(p.line, p.field, p.message) for p in problems]
    expected = EXPECTED[path.name]
    assert len(found) == len(expected), found
    for (line, field, message), (want_line, want_field, words) in zip(found, expected, strict=True):
        assert (line, field) == (want_line, want_field), found
        assert words in message
    assert all(p.file == str(path) for p in problems)


def test_every_invalid_example_is_in_the_table() -> None:
    assert sorted(EXPECTED) == [p.name for p in INVALID]


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_examples_are_detected_by_their_name(path: Path) -> None:
    document, _ = parse_text(path.read_text("utf-8"), path.name)
    data = document.data if document else None
    expected = "deployment" if "deployment" in path.name else "sva-module"
    assert detect_kind(path.name, data) == expected


def test_the_schemas_folder_holds_the_schemas_the_package_uses() -> None:
    # schemas/*.schema.json are the documented contract; the package must ship the same text.
    root = EXAMPLES.parent
    package = root.parent / "registry" / "metadata" / "schemas"
    for name in ("sva-module.schema.json", "deployment.schema.json", "osv.schema.json"):
        assert (root / name).read_text("utf-8") == (package / name).read_text("utf-8")
