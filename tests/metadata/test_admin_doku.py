from pathlib import Path

import pytest

from registry.metadata import import_admin_doku_file, import_admin_doku_text, import_path
from registry.metadata.files import merged_modules
from registry.metadata.importers.admin_doku import (
    draft_state,
    load_global_defaults,
    slug_from_filename,
)

from .conftest import FIXTURES

ADMIN_DOKU = FIXTURES / "admin-doku"
MODULE_FILES = sorted((ADMIN_DOKU / "yml").rglob("*.yml"))


def _module_files() -> list[Path]:
    return [p for p in MODULE_FILES if p.name != "global.yml"]


def test_the_real_files_are_all_there() -> None:
    sources = list((ADMIN_DOKU / "yml" / "modules").glob("*.yml"))
    assert len(sources) == 57
    assert sum(1 for p in sources if p.name.startswith("STUB-")) == 46
    assert sum(1 for p in sources if p.name.startswith("DRAFT-")) == 1
    assert len(_module_files()) == 57 + 11  # plus the generated copies in yml/


@pytest.mark.parametrize("path", _module_files(), ids=lambda p: str(p.relative_to(ADMIN_DOKU)))
def test_every_real_file_imports_into_one_in_app_module(path: Path) -> None:
    # The file on its own (with global.yml's defaults as for the folder), superseded or not.
    defaults = load_global_defaults(ADMIN_DOKU / "yml" / "global.yml")[0]
    in_modules = path.parent.name == "modules"
    report = import_admin_doku_text(
        path.read_text("utf-8"), str(path), defaults if in_modules else None
    )
    assert report.kind == "admin-doku"
    assert len(report.modules) == 1
    module = report.modules[0]
    assert module["slug"] == slug_from_filename(path.name)
    assert module["kind"] == "in-app"
    assert module["host"] == {"component": "app", "path": None}
    assert module["name"]["de"]
    assert module["source"].startswith("admin-doku:yml/")
    assert module["flags"]["hidden"] is False  # stubs stay visible
    if draft_state(path.name):
        assert module["developmentStatus"] == "concept"
    else:
        assert module["developmentStatus"] in ("beta", "stable")
    assert report.problems == []
    # Only the DRAFT breaks admin-doku's schema (external_services written as plain texts):
    # warnings with lines, which do not block the import.
    if path.name == "DRAFT-push-nachrichten.yml":
        assert [(w.line, w.field) for w in report.warnings] == [
            (52, "external_services[0]"),
            (53, "external_services[1]"),
        ]
        assert module["profile"]["externalServices"][0]["name"].startswith("Firebase")
    else:
        assert report.warnings == []


SUPERSEDED = {
    # generated copies whose source exists in yml/modules/ (veranstaltungen has none)
    *(
        f"yml/{n}.yml"
        for n in (
            "abfallkalender",
            "app-intro",
            "einstellungen",
            "karten",
            "maengelmelder",
            "merkliste-favoriten",
            "nachrichten",
            "navigation",
            "push-nachrichten",
            "suche",
        )
    ),
    # stubs and the draft left beside their finished file
    *(
        f"yml/modules/{n}.yml"
        for n in (
            "STUB-app-intro",
            "STUB-einstellungen",
            "STUB-merkliste-favoriten",
            "STUB-navigation",
            "STUB-suche",
            "DRAFT-push-nachrichten",
        )
    ),
}


@pytest.mark.parametrize("path", _module_files(), ids=lambda p: str(p.relative_to(ADMIN_DOKU)))
def test_file_by_file_import_leaves_superseded_files_out(path: Path) -> None:
    report = import_admin_doku_file(path)
    relative = str(path.relative_to(ADMIN_DOKU))
    if relative in SUPERSEDED:
        assert report.modules == []
        assert any("superseded by admin-doku:yml/modules/" in u for u in report.unmapped)
    else:
        assert len(report.modules) == 1


def test_import_of_the_whole_folder_gives_one_module_per_slug() -> None:
    reports = import_path([ADMIN_DOKU])
    modules = merged_modules(reports)
    slugs = [m["slug"] for m in modules]
    assert len(slugs) == len(set(slugs)) == 52
    assert sum(1 for m in modules if m["developmentStatus"] == "concept") == 41
    by_slug = {m["slug"]: m for m in modules}
    # A STUB and a finished file for the same slug: the finished one wins.
    assert by_slug["suche"]["developmentStatus"] == "stable"
    assert by_slug["suche"]["source"] == "admin-doku:yml/modules/suche.yml"
    assert by_slug["push-nachrichten"]["source"] == "admin-doku:yml/modules/push-nachrichten.yml"
    # Only a generated file exists for veranstaltungen.
    assert by_slug["veranstaltungen"]["source"] == "admin-doku:yml/veranstaltungen.yml"
    assert by_slug["chatbot"]["developmentStatus"] == "concept"
    assert by_slug["chatbot"]["topic"] == "hilfe-und-faq"
    assert by_slug["maengelmelder"]["developmentStatus"] == "beta"
    kinds = {r.kind for r in reports}
    assert kinds == {"admin-doku", "admin-doku-global", "admin-doku-city-app", "unknown"}
    stub_report = next(r for r in reports if r.file.endswith("STUB-suche.yml"))
    assert stub_report.modules == []
    assert any("superseded by admin-doku:yml/modules/suche.yml" in u for u in stub_report.unmapped)


def test_the_same_module_in_two_folders_is_merged_richer_first(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "STUB-wetter.yml").write_text(
        "name: wetter\ntopic: wetterinformationen\nshort_description: Das Wetter\n", "utf-8"
    )
    (tmp_path / "b" / "wetter.yml").write_text(
        "name: Wetter\ndevelopment_status: Beta\ndescription: Wetterdaten vor Ort\n", "utf-8"
    )
    reports = import_path([tmp_path])
    [module] = merged_modules(reports)
    assert module["source"] == "admin-doku:wetter.yml"
    assert module["developmentStatus"] == "beta"  # the finished file wins
    assert module["name"]["de"] == "Wetter"
    # ...and its empty fields are filled from the stub.
    assert module["topic"] == "wetterinformationen"
    assert module["summary"]["de"] == "Das Wetter"
    stub, finished = sorted(reports, key=lambda r: r.file)
    assert any("merged into admin-doku:wetter.yml" in u for u in stub.unmapped)
    assert any("filled: topic, summary.de" in m for m in finished.mapped)


def test_global_defaults_apply_to_source_files() -> None:
    report = import_admin_doku_file(ADMIN_DOKU / "yml" / "modules" / "karten.yml")
    module = report.modules[0]
    # The openCode repository is a mirror of the app, never the module's crawl source.
    assert module["repository"] is None
    assert module["mirrors"] == ["https://gitlab.opencode.de/bad-belzig/smart-village-app-app"]
    assert module["developmentStatus"] == "stable"  # global Production
    assert "Bad Belzig" in module["extra"]["deployed_in_municipalities"]
    assert module["profile"]["cost"]
    assert any(m.startswith("global.yml defaults applied") for m in report.mapped)


def test_stubs_do_not_claim_every_municipality() -> None:
    report = import_admin_doku_file(ADMIN_DOKU / "yml" / "modules" / "STUB-chatbot.yml")
    module = report.modules[0]
    assert "deployed_in_municipalities" not in module["extra"]
    assert module["extra"]["admin_doku_state"] == "STUB"
    # "[TODO: ...]" placeholders are dropped, not shown as texts.
    assert module["summary"] == {"de": None, "en": None}
    assert "usage_scenario" not in module["extra"]
    assert any("placeholder" in u for u in report.unmapped)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Alpha", "development"),
        ("Beta", "beta"),
        ("Stable", "stable"),
        ("Production", "stable"),
        ("Deprecated", "deprecated"),
    ],
)
def test_development_status_mapping(status: str, expected: str) -> None:
    report = import_admin_doku_text(
        f"name: Wetter\ndevelopment_status: {status}\n", "yml/modules/wetter.yml"
    )
    module = report.modules[0]
    assert module["developmentStatus"] == expected
    assert module["flags"]["deprecated"] is (expected == "deprecated")


def test_fields_map_to_texts_topic_and_extra() -> None:
    text = (
        "name: Mängelmelder\ntopic: maengelmelder\nshort_description: Kurz\n"
        "description: Lang\ncost: frei\ninterfaces: [REST]\nusage_scenario: Szenario\n"
        "dependencies: [Karten-Modul]\n"
    )
    report = import_admin_doku_text(text, "yml/modules/Mängelmelder.yml")
    module = report.modules[0]
    assert module["slug"] == "maengelmelder"
    assert module["name"] == {"de": "Mängelmelder", "en": None}
    assert module["summary"] == {"de": "Kurz", "en": None}
    assert module["description"] == {"de": "Lang", "en": None}
    assert module["topic"] == "maengelmelder"
    assert module["extra"] == {"dependencies": ["Karten-Modul"]}
    # The description sections are structured, not kept as a blob.
    assert module["profile"] == {
        "usageScenario": "Szenario",
        "interfaces": ["REST"],
        "cost": "frei",
    }
    assert "usage_scenario -> profile.usageScenario" in report.mapped
    assert any("dependencies: free text" in u for u in report.unmapped)
    assert report.problems == []


def test_schema_breaches_are_warnings_and_the_module_still_imports() -> None:
    report = import_admin_doku_text(
        "name: Wetter\ntopic: wetter\ndevelopment_status: Fertig\ncolour: blue\n",
        "yml/modules/wetter.yml",
    )
    assert report.problems == []
    assert [(p.line, p.field) for p in report.warnings] == [
        (2, "topic"),
        (3, "development_status"),
        (4, "colour"),
    ]
    module = report.modules[0]
    assert module["topic"] is None
    assert module["developmentStatus"] is None


@pytest.mark.parametrize(
    ("filename", "slug", "state"),
    [
        ("STUB-chatbot.yml", "chatbot", "STUB"),
        ("DRAFT-push-nachrichten.yml", "push-nachrichten", "DRAFT"),
        ("maengelmelder.yml", "maengelmelder", None),
        (
            "yml/modules/STUB-persoenliches-profil-bund-id.yml",
            "persoenliches-profil-bund-id",
            "STUB",
        ),
    ],
)
def test_slug_and_state_from_filename(filename: str, slug: str, state: str | None) -> None:
    assert slug_from_filename(filename) == slug
    assert draft_state(filename) == state


def test_what_blocks_an_admin_doku_import() -> None:
    report = import_admin_doku_text("- a list\n", "yml/modules/wetter.yml")
    assert report.modules == []
    assert [p.message for p in report.problems] == ["expected a mapping at the top level"]
    report = import_admin_doku_text("name: X\ntopic: nachrichten\n", "yml/modules/STUB-x.yml")
    assert [p.message for p in report.problems] == ["file name gives no valid slug: 'x'"]
