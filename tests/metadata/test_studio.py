import json
from pathlib import Path

import pytest

from registry.metadata import import_studio_manifest_file, import_studio_manifest_text

from .conftest import FIXTURES

MANIFESTS = sorted((FIXTURES / "studio-plugins").glob("*.json"))


def test_the_ten_real_manifests_are_there() -> None:
    assert len(MANIFESTS) == 10


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_real_manifest_imports(path: Path) -> None:
    raw = json.loads(path.read_text("utf-8"))
    report = import_studio_manifest_file(path)
    assert report.problems == []
    module = report.modules[0]
    assert module["slug"] == f"studio-{raw['pluginId']}"
    assert module["kind"] == "standalone"
    [release] = module["releases"]
    assert release["version"] == raw["version"]
    assert release["metadataSource"] == "plugin.manifest.json"
    host = raw["hostCompatibility"]
    assert release["requires"] == {
        "studio": {
            "range": host["studioVersionRange"],
            "capabilities": host.get("requiredCapabilities", []),
        }
    }
    assert module["extra"]["sdkVersion"] == raw["sdkVersion"]


def test_waste_management_needs_six_capabilities() -> None:
    report = import_studio_manifest_file(
        FIXTURES / "studio-plugins" / "plugin-waste-management.json"
    )
    requirement = report.modules[0]["releases"][0]["requires"]["studio"]
    assert requirement == {
        "range": "^0.0.1",
        "capabilities": ["routing", "navigation", "iam", "jobs", "imports", "exports"],
    }


def test_broken_manifests_report_every_problem_with_lines() -> None:
    text = """{
  "pluginId": "Müll Kalender",
  "version": "one",
  "hostCompatibility": {
    "studioVersionRange": ">=banana",
    "requiredCapabilities": "routing"
  },
  "permissions": []
}"""
    report = import_studio_manifest_text(text, "plugin.manifest.json")
    assert [(p.line, p.field) for p in report.problems] == [
        (3, "version"),
        (5, "hostCompatibility.studioVersionRange"),
        (6, "hostCompatibility.requiredCapabilities"),
    ]
    module = report.modules[0]
    assert module["slug"] == "studio-muell-kalender"
    assert module["releases"] == []
    assert any(u.startswith("permissions:") for u in report.unmapped)


def test_missing_keys() -> None:
    report = import_studio_manifest_text('{"sdkVersion": "0.0.1"}', "plugin.manifest.json")
    assert {p.field for p in report.problems} == {"pluginId", "version", "hostCompatibility"}


def test_not_an_object() -> None:
    report = import_studio_manifest_text("[1, 2]", "plugin.manifest.json")
    assert report.modules == []
    assert report.problems[0].message == "expected a JSON object at the top level"
