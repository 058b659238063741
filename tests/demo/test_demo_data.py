"""The bundled demo data (registry/demo/sva-demo.json): format, real facts, internal consistency.

These tests read only the bundled file; scripts/build_demo_data.py builds it from the shared data.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any

import jsonschema
import pytest
from packaging.version import Version

from registry.compat.ranges import parse_range
from registry.demo import DEMO_PATH
from registry.services.transfer import check_document

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
AGS_RE = re.compile(r"^(0[1-9]|1[0-6])[0-9]{6}$")
SHA_RE = re.compile(r"^[0-9a-f]{40}$")
STATE_CODES = {
    "SH": "01", "HH": "02", "NI": "03", "HB": "04", "NW": "05", "HE": "06", "RP": "07",
    "BW": "08", "BY": "09", "SL": "10", "BE": "11", "BB": "12", "MV": "13", "SN": "14",
    "ST": "15", "TH": "16",
}  # fmt: skip


@pytest.fixture(scope="module")
def text() -> str:
    return DEMO_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo(text: str) -> dict[str, Any]:
    return json.loads(text)


def _component(demo: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in demo["components"] if c["name"] == name)


def _module(demo: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(m for m in demo["modules"] if m["slug"] == slug)


def _releases(demo: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(m["slug"], r) for m in demo["modules"] for r in m["releases"]]


def test_file_has_the_export_format_fields(demo: dict[str, Any]) -> None:
    assert demo["format"] == "sva-registry-export"
    assert demo["formatVersion"] == 1
    assert demo["demo"] is True
    assert demo["exportedAt"] == "2026-08-22T00:00:00Z"
    for key in ("components", "modules", "deployments", "events"):
        assert isinstance(demo[key], list) and demo[key], key


def test_file_is_canonical_json_and_small(text: str, demo: dict[str, Any]) -> None:
    # The generator writes sorted keys with indent 1; a hand edit that breaks this shows up here.
    assert json.dumps(demo, ensure_ascii=False, sort_keys=True, indent=1) + "\n" == text
    assert len(text.encode("utf-8")) < 3_000_000


def test_importer_finds_no_problem(demo: dict[str, Any]) -> None:
    assert check_document(demo, "sva-demo.json") == []


def test_app_versions_cover_all_144_tags(demo: dict[str, Any]) -> None:
    app = _component(demo, "app")
    versions = [v["version"] for v in app["versions"]]
    # 144 tags, but v.3.2.6 and v3.2.6 name one commit and one version: 143 versions.
    assert len(versions) == 143
    assert len(set(versions)) == len(versions)
    assert versions == sorted(versions, key=Version)
    tags = {v["tag"] for v in app["versions"]}
    tags |= {t for m in demo["modules"] if m["kind"] == "in-app" for r in m["releases"]
             for t in r["tags"]}  # fmt: skip
    assert len(tags) == 144
    assert {"v.3.2.6", "v3.2.6"} <= tags
    assert all(SHA_RE.match(v["sha"]) for v in app["versions"])


def test_duplicate_tag_is_one_release_with_both_tags(demo: dict[str, Any]) -> None:
    release = next(r for r in _module(demo, "nachrichten")["releases"] if r["version"] == "3.2.6")
    assert release["tag"] == "v3.2.6"
    assert release["tags"] == ["v.3.2.6", "v3.2.6"]
    # The re-tag of 2025 does not move the release date of 2023.
    assert release["date"].startswith("2023-08-24")


def test_app_support_status(demo: dict[str, Any]) -> None:
    support = {v["version"]: v["support"] for v in _component(demo, "app")["versions"]}
    assert support["4.3.0"] == "supported"
    assert support["4.1.0"] == "supported"
    assert support["4.0.3"] == "eol"
    assert support["2.6.1"] == "eol"


@pytest.mark.parametrize(
    ("slug", "first", "path"),
    [
        ("chatbot", "4.3.0", "src/screens/ChatbotScreen.tsx"),
        ("maengelmelder", "4.0.0", "src/screens/SUE"),  # SUE, "Sag's uns einfach"
        ("abfallkalender", "1.6.0", "src/screens/WasteCollectionScreen.js"),
        ("barrierefreiheit", "3.1.3", "src/AccessibilityProvider.tsx"),
        ("gutscheine", "4.0.0", "src/screens/Voucher"),
        ("suche", "4.1.2", "src/screens/SearchScreen.tsx"),
        ("gruppen-soziales-netzwerk", "2.6.0", "src/screens/volunteer"),
    ],
)
def test_first_release_of_in_app_modules(
    demo: dict[str, Any], slug: str, first: str, path: str
) -> None:
    module = _module(demo, slug)
    assert module["kind"] == "in-app"
    assert module["host"] == {"component": "app", "path": path}
    assert module["releases"][0]["version"] == first
    assert module["releases"][-1]["version"] == "4.3.0"


def test_unreleased_in_app_module_has_no_release(demo: dict[str, Any]) -> None:
    # src/screens/BUS exists only on the unreleased v5 line.
    assert _module(demo, "zustaendigkeitsfinder")["releases"] == []


def test_in_app_release_requires_its_own_app_version(demo: dict[str, Any]) -> None:
    app_versions = {v["version"]: v for v in _component(demo, "app")["versions"]}
    for module in demo["modules"]:
        if module["kind"] != "in-app":
            continue
        for release in module["releases"]:
            assert release["requires"]["app"]["range"] == f"=={release['version']}"
            assert release["sha"] == app_versions[release["version"]]["sha"]


def test_license_is_time_aware(demo: dict[str, Any]) -> None:
    detected = {r["version"]: r["license"] for r in _module(demo, "nachrichten")["releases"]}
    # LICENSE.md appeared in the app at v2.6.0.
    assert detected["2.5.4"] == {"declared": "GPL-3.0-or-later", "detected": None}
    assert detected["2.6.0"] == {"declared": "GPL-3.0-or-later", "detected": "GPL-3.0"}
    assert {r["license"]["declared"] for r in _module(demo, "humhub-ext")["releases"]} == {None}


def test_module_specific_requirements(demo: dict[str, Any]) -> None:
    voucher = _module(demo, "gutscheine")["releases"][-1]
    assert set(voucher["requires"]["mainserver"]["capabilities"]) == {
        "vouchers",
        "redeemQuotaOfVoucher",
    }
    assert _module(demo, "suche")["releases"][0]["requires"]["mainserver"]["capabilities"] == [
        "search"
    ]
    volunteer = _module(demo, "gruppen-soziales-netzwerk")["releases"][0]
    assert volunteer["requires"]["humhub"]["range"] == ">=1.8.3"
    assert "humhub-ext" in volunteer["dependsOn"]
    waste_plugin = _module(demo, "studio-waste-management")
    assert waste_plugin["tagPrefix"] == "waste-web-v"
    assert waste_plugin["releases"][3]["tag"] == "waste-web-v0.1.3"
    assert waste_plugin["releases"][0]["requires"]["studio"]["range"] == "^0.0.1"


def test_every_range_parses(demo: dict[str, Any]) -> None:
    checked = 0
    for _slug, release in _releases(demo):
        for requirement in release["requires"].values():
            if requirement["range"] is not None:
                assert parse_range(requirement["range"]).normalized
                checked += 1
        for raw in release["dependsOn"].values():
            assert parse_range(raw).normalized
            checked += 1
    assert checked > 1000


def test_references_point_to_known_things(demo: dict[str, Any]) -> None:
    components = {c["name"] for c in demo["components"]}
    modules = {m["slug"] for m in demo["modules"]}
    for _slug, release in _releases(demo):
        assert set(release["requires"]) <= components
        assert set(release["dependsOn"]) <= modules
    capabilities = {c["name"] for c in _component(demo, "mainserver")["capabilities"]}
    for _slug, release in _releases(demo):
        required = release["requires"].get("mainserver", {}).get("capabilities", [])
        assert set(required) <= capabilities


def test_versions_are_normalized_pep440(demo: dict[str, Any]) -> None:
    for slug, release in _releases(demo):
        assert str(Version(release["version"])) == release["version"], slug
    for component in demo["components"]:
        for version in component["versions"]:
            assert str(Version(version["version"])) == version["version"]


def test_mainserver_is_known_by_commit_and_capabilities(demo: dict[str, Any]) -> None:
    mainserver = _component(demo, "mainserver")
    assert mainserver["versioning"] == "commit"
    assert mainserver["versions"] == []
    names = [c["name"] for c in mainserver["capabilities"]]
    assert len(names) == len(set(names)) == 78  # 39 query + 39 mutation root fields
    assert {"vouchers", "redeemQuotaOfVoucher", "search"} <= set(names)
    assert {c["source"] for c in mainserver["capabilities"]} == {"introspection-2026-08"}


def test_slugs_are_valid_and_unique(demo: dict[str, Any]) -> None:
    slugs = [m["slug"] for m in demo["modules"]]
    assert all(SLUG_RE.match(s) for s in slugs)
    assert len(slugs) == len(set(slugs))
    assert sum(m["kind"] == "in-app" for m in demo["modules"]) >= 20


def test_module_texts_are_bilingual(demo: dict[str, Any]) -> None:
    for module in demo["modules"]:
        for key in ("name", "summary", "description"):
            assert module[key]["de"].strip() and module[key]["en"].strip(), module["slug"]


def test_deployment_documents_are_valid_demo_deployments(demo: dict[str, Any]) -> None:
    schema_file = files("registry.metadata") / "schemas" / "deployment.schema.json"
    validator = jsonschema.Draft202012Validator(json.loads(schema_file.read_text("utf-8")))
    for deployment in demo["deployments"]:
        document = deployment["document"]
        assert deployment["demo"] is True
        assert "(Demo)" in document["name"]
        assert AGS_RE.match(document["ags"]), document["name"]
        assert document["ags"][:2] == STATE_CODES[document["state"]], document["name"]
        assert list(validator.iter_errors(document)) == [], document["name"]


def test_deployments_run_known_releases(demo: dict[str, Any]) -> None:
    releases = {(slug, r["version"]) for slug, r in _releases(demo)}
    app_versions = {v["version"] for v in _component(demo, "app")["versions"]}
    for deployment in demo["deployments"]:
        document = deployment["document"]
        assert document["components"]["app"] in app_versions
        for slug, version in document["modules"].items():
            assert (slug, version) in releases, (document["name"], slug)


def test_deployments_show_the_interesting_cases(demo: dict[str, Any]) -> None:
    documents = [d["document"] for d in demo["deployments"]]
    assert len(documents) >= 10
    assert len({d["name"] for d in documents}) == len(documents)
    assert any(d["visibility"] == "private" for d in documents)
    assert any(d["channel"] == "prerelease" for d in documents)
    assert any("licenses" in d for d in documents)
    capability_sets = {len(d["components"]["mainserver"]["capabilities"]) for d in documents}
    assert len(capability_sets) == 2  # the 2026 set and the public-repo subset
    assert len({d["components"]["app"] for d in documents}) >= 6


def test_events_refer_to_modules_and_releases(demo: dict[str, Any]) -> None:
    releases = {(slug, r["version"]) for slug, r in _releases(demo)}
    modules = {m["slug"] for m in demo["modules"]}
    ids = [e["id"] for e in demo["events"]]
    assert ids == list(range(1, len(ids) + 1))
    assert [e["createdAt"] for e in demo["events"]] == sorted(
        e["createdAt"] for e in demo["events"]
    )
    kinds = {e["kind"] for e in demo["events"]}
    assert kinds == {"module-added", "release-published"}
    for event in demo["events"]:
        assert event["module"] in modules
        if event["kind"] == "release-published":
            assert (event["module"], event["version"]) in releases
    added = [e["module"] for e in demo["events"] if e["kind"] == "module-added"]
    assert sorted(added) == sorted(modules)
