"""The pieces of scripts/build_demo_data.py, on small hand-made inputs (no shared data needed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from packaging.version import Version

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_demo_data.py"


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_demo_data", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


def _tag(
    name: str, date: str, sha: str = "a" * 40, license_file: str | None = None
) -> dict[str, Any]:
    return {"name": name, "date": date, "sha": sha, "license_file_at_tag": license_file}


def test_duplicate_tags_become_one_version(build: ModuleType) -> None:
    tags = [
        _tag("v3.2.7", "2023-09-04T10:00:00+02:00", "b" * 40),
        _tag("v3.2.6", "2025-02-26T10:00:00+01:00"),
        _tag("v.3.2.6", "2023-08-24T10:00:00+02:00"),
        _tag("latest", "2023-01-01T00:00:00+00:00"),  # no version: skipped
    ]
    versions = build.tagged_versions(tags)
    assert [v.version for v in versions] == ["3.2.6", "3.2.7"]
    assert versions[0].primary["name"] == "v3.2.6"
    assert versions[0].date == "2023-08-24T08:00:00+00:00"
    assert [t["name"] for t in versions[0].tags] == ["v.3.2.6", "v3.2.6"]


def test_prefixed_and_two_part_tags(build: ModuleType) -> None:
    tags = [
        _tag("waste-web-v0.1.8", "2026-06-16T13:17:28+02:00"),
        _tag("waste-web-v0.1.7", "2026-06-16T19:49:36+02:00"),
        _tag("other-v1.0.0", "2026-06-01T00:00:00+00:00"),
    ]
    assert [v.version for v in build.tagged_versions(tags, "waste-web-v")] == ["0.1.7", "0.1.8"]
    two_part = build.tagged_versions([_tag("v0.4", "2022-07-25T12:16:06+02:00")])
    assert two_part[0].version == "0.4"
    assert two_part[0].primary["name"] == "v0.4"


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("4.3.0", "supported"),
        ("4.1.0", "supported"),  # third-newest minor line of the newest major
        ("4.0.3", "eol"),
        ("3.3.5", "eol"),  # an older major is out even with a high minor
    ],
)
def test_app_support_rule(build: ModuleType, version: str, expected: str) -> None:
    assert build.app_support(version, Version("4.3.0")) == expected


def test_path_presence_of_files_and_folders(build: ModuleType) -> None:
    src_files = {
        "tags": ["v1.0.0", "v2.0.0", "v3.0.0"],
        "present": {
            "src/screens/SUE/A.tsx": "011",
            "src/screens/SUE/B.tsx": "001",
            "src/screens/SUEx.tsx": "100",  # same prefix, other file: not part of the folder
            "src/screens/Chat.tsx": "001",
        },
    }
    assert build.path_presence(src_files, "src/screens/SUE") == {
        "v1.0.0": False,
        "v2.0.0": True,
        "v3.0.0": True,
    }
    assert build.path_presence(src_files, "src/screens/Chat.tsx")["v2.0.0"] is False


def test_in_app_releases_follow_the_host_tags(build: ModuleType) -> None:
    module = build.InApp(
        "gutscheine", "src/screens/Voucher", ("G", "V"), ("s", "s"), ("b", "b"), "marktplatz",
        "stable", None, ("vouchers",), {"humhub": ">=1.8.3"}, {"humhub-ext": ">=0.1"},
    )  # fmt: skip
    versions = build.tagged_versions(
        [
            _tag("v3.3.5", "2024-04-18T10:00:00+02:00"),
            _tag("v4.0.0", "2024-06-28T10:00:00+02:00", "c" * 40, "GPL-3.0"),
        ]
    )
    presence = {"v3.3.5": False, "v4.0.0": True}
    (release,) = build.in_app_releases(module, versions, presence)
    assert release["version"] == "4.0.0"
    assert release["sha"] == "c" * 40
    assert release["requires"] == {
        "app": {"range": "==4.0.0", "capabilities": []},
        "mainserver": {"range": None, "capabilities": ["vouchers"]},
        "humhub": {"range": ">=1.8.3", "capabilities": []},
    }
    assert release["dependsOn"] == {"humhub-ext": ">=0.1"}
    assert release["license"] == {"declared": "GPL-3.0-or-later", "detected": "GPL-3.0"}


def test_introspection_root_fields(build: ModuleType) -> None:
    introspection = {
        "data": {
            "__schema": {
                "queryType": {"name": "Query"},
                "mutationType": {"name": "Mutation"},
                "types": [
                    {"name": "Query", "fields": [{"name": "vouchers"}, {"name": "search"}]},
                    {"name": "Mutation", "fields": [{"name": "redeemQuotaOfVoucher"}]},
                    {"name": "Voucher", "fields": [{"name": "title"}]},
                ],
            }
        }
    }
    assert build.introspection_fields(introspection) == [
        "redeemQuotaOfVoucher",
        "search",
        "vouchers",
    ]


def test_missing_data_file_names_the_file(build: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(build.DataError) as caught:
        build.load_json(tmp_path, "sva-repos.json")
    assert caught.value.path == "sva-repos.json"
    assert build.main(["--data", str(tmp_path), "--output", str(tmp_path / "out.json")]) == 1
    assert not (tmp_path / "out.json").exists()
