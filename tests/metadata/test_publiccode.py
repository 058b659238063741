import pytest
import yaml

from registry.metadata import (
    MetadataError,
    import_path,
    import_publiccode_file,
    import_publiccode_text,
    import_studio_manifest_file,
    to_publiccode,
)
from registry.metadata.files import merged_modules
from registry.metadata.importers.report import new_module, new_release

from .conftest import FIXTURES

APP = FIXTURES / "publiccode" / "smart-village-app-app.publiccode.yml"
STUDIO = FIXTURES / "publiccode" / "sva-studio.publiccode.yml"
PUBLICCODE_CATEGORIES_SEEN = {"digital-citizenship", "it-service-management", "event-management"}


def test_the_app_publiccode_imports() -> None:
    report = import_publiccode_file(APP)
    assert report.problems == []
    module = report.modules[0]
    assert module["slug"] == "smart-village-app-app"
    assert module["name"] == {"de": "Smart Village App", "en": "Smart Village App"}
    assert module["summary"]["de"].startswith("Die Smart Village App ist ein open-source")
    assert module["summary"]["en"].startswith("The Smart Village App is a modular")
    assert module["description"]["de"].startswith("Die Smart Village App ist eine Informations")
    assert module["repository"] == "https://github.com/ikuseiGmbH/smart-village-app-app"
    assert module["license"] == "GPL-3.0-or-later"
    assert module["developmentStatus"] == "stable"
    assert module["platforms"] == ["ios", "android"]
    assert module["maintainers"] == [
        {"name": "Philipp Wilimzig", "email": "p.wilimzig@smart-village.solutions", "url": None}
    ]
    assert len(module["extra"]["usedBy"]) == 34
    assert module["extra"]["softwareVersion"] == "4.1.0"
    [release] = module["releases"]
    assert (release["version"], release["date"]) == ("4.1.0", "2025-01-30")
    assert release["metadataSource"] == "publiccode.yml"


def test_the_studio_publiccode_imports_and_reports_keys_of_the_old_standard() -> None:
    report = import_publiccode_file(STUDIO)
    assert report.problems == []
    module = report.modules[0]
    assert module["slug"] == "sva-studio"
    assert module["license"] == "EUPL-1.2"
    assert module["developmentStatus"] == "development"
    assert module["platforms"] == ["web"]
    assert module["releases"][0]["version"] == "0.0.1"
    assert module["extra"]["features"][0].startswith("Modulare Webplattform")
    assert any(u.startswith("features: belongs under description") for u in report.unmapped)


def test_depends_on_open_becomes_ranges() -> None:
    text = """publiccodeYmlVersion: '0.4'
name: Ehrenamt
url: https://github.com/smart-village-solutions/smart-village-app-humhub-ext
softwareVersion: 0.5.1
developmentStatus: obsolete
legal: {license: MIT}
dependsOn:
  open:
    - name: HumHub
      versionMin: '1.8.3'
    - name: app
      versionMin: '4.0'
      versionMax: 4.10
    - name: Karten
      version: '1.2'
    - name: Datenbank
  proprietary:
    - name: Oracle
"""
    report = import_publiccode_text(text, "publiccode.yml")
    module = report.modules[0]
    assert module["developmentStatus"] == "deprecated"
    assert module["flags"]["deprecated"] is True
    [release] = module["releases"]
    assert release["requires"] == {
        "humhub": {"range": ">=1.8.3", "capabilities": []},
        "app": {"range": ">=4.0,<=4.10", "capabilities": []},  # 4.10 as written, not 4.1
    }
    assert release["dependsOn"] == {"karten": "==1.2", "datenbank": "*"}
    assert any("dependsOn.proprietary" in u for u in report.unmapped)
    # Required keys of the standard that this file lacks are warnings, not blocking problems.
    assert report.problems == []
    missing = {p.field for p in report.warnings}
    assert {"platforms", "softwareType", "description"} <= missing
    assert "categories" not in missing  # optional in the standard


def test_bad_values_are_problems_with_lines() -> None:
    text = """publiccodeYmlVersion: '0.4'
name: X
url: https://example.org/x/bad-thing
developmentStatus: finished
softwareVersion: latest
legal: {license: Proprietary-Thing}
dependsOn:
  open:
    - name: app
      versionMin: banana
"""
    report = import_publiccode_text(text, "publiccode.yml")
    lines = {p.field: p.line for p in report.problems}
    assert lines["developmentStatus"] == 4
    # softwareVersion is only displayed by the standard: no version is no problem, no release.
    assert "softwareVersion" not in lines
    assert any("softwareVersion 'latest'" in u for u in report.unmapped)
    assert lines["legal.license"] == 6
    assert lines["dependsOn.open[0]"] == 9
    assert report.modules[0]["releases"] == []


def _export_expectations(text: str) -> dict:
    """What the publiccode.yml standard 0.4 asks of a file, checked independently here."""
    data = yaml.safe_load(text)
    assert data["publiccodeYmlVersion"] == "0.4"
    for key in (
        "name",
        "url",
        "platforms",
        "categories",
        "developmentStatus",
        "softwareType",
        "description",
        "legal",
        "maintenance",
        "localisation",
    ):
        assert data[key], key
    assert data["url"].startswith("https://")
    assert data["developmentStatus"] in ("concept", "development", "beta", "stable", "obsolete")
    assert data["softwareType"] in (
        "standalone/mobile",
        "standalone/iot",
        "standalone/desktop",
        "standalone/web",
        "standalone/backend",
        "standalone/other",
        "addon",
        "library",
        "configurationFiles",
    )
    for block in data["description"].values():
        assert 0 < len(block["shortDescription"]) <= 150
        assert 150 <= len(block["longDescription"]) <= 10000
        assert block["features"]
    assert data["legal"]["license"]
    assert data["maintenance"]["type"] in ("internal", "contract", "community", "none")
    if data["maintenance"]["type"] in ("internal", "community"):
        assert data["maintenance"]["contacts"]
    if data["maintenance"]["type"] == "contract":
        assert data["maintenance"]["contractors"]
    assert isinstance(data["localisation"]["localisationReady"], bool)
    assert data["localisation"]["availableLanguages"]
    if "releaseDate" in data:
        assert len(data["releaseDate"]) == 10
    return data


@pytest.mark.parametrize("path", [APP, STUDIO], ids=lambda p: p.name)
def test_real_publiccode_round_trips(path) -> None:
    module = import_publiccode_file(path).modules[0]
    text = to_publiccode(module)
    _export_expectations(text)
    again = import_publiccode_text(text, "publiccode.yml")
    assert again.problems == []
    back = again.modules[0]
    for key in (
        "slug",
        "name",
        "summary",
        "description",
        "repository",
        "license",
        "developmentStatus",
        "maintainers",
        "platforms",
    ):
        assert back[key] == module[key], key
    assert back["releases"][0]["version"] == module["releases"][0]["version"]
    assert back["extra"].get("usedBy") == module["extra"].get("usedBy")


def test_export_of_a_short_module_pads_the_long_description() -> None:
    module = new_module(
        "wetter",
        "registry",
        name={"de": "Wetter", "en": "Weather"},
        summary={"de": "Das Wetter vor Ort", "en": None},
        kind="in-app",
        host={"component": "app", "path": "src/screens/WeatherScreen.js"},
        repository="https://github.com/smart-village-solutions/smart-village-app-app",
        license="GPL-3.0-or-later",
        developmentStatus="stable",
        topic="wetterinformationen",
        releases=[
            new_release("1.5.0", "registry", date="2021-01-15T10:00:00+00:00"),
            new_release("4.3.0rc1", "registry", prerelease=True),
        ],
    )
    data = _export_expectations(to_publiccode(module))
    assert data["softwareType"] == "addon"
    assert data["platforms"] == ["ios", "android"]
    assert data["softwareVersion"] == "1.5.0"  # the prerelease is not the current version
    assert data["releaseDate"] == "2021-01-15"
    assert list(data["description"]) == ["de"]
    long = data["description"]["de"]["longDescription"]
    assert long.startswith("Das Wetter vor Ort")
    assert "Smart Village App" in long
    assert data["maintenance"] == {"type": "none"}
    again = import_publiccode_text(to_publiccode(module), "publiccode.yml").modules[0]
    assert again["summary"]["de"] == "Das Wetter vor Ort"


def test_export_keeps_requirements_it_can_express() -> None:
    module = new_module(
        "studio-news",
        "registry",
        name={"de": "News", "en": "News"},
        repository="https://github.com/smart-village-solutions/sva-studio",
        license="EUPL-1.2",
        maintainers=[{"name": "SVS", "email": "ops@example.org", "url": None}],
        releases=[
            new_release(
                "0.0.1",
                "registry",
                requires={"studio": {"range": ">=0.0.1,<=0.1", "capabilities": ["iam"]}},
                dependsOn={"studio-categories": "==0.0.1", "studio-poi": "^0.0.1"},
            )
        ],
    )
    data = _export_expectations(to_publiccode(module))
    assert data["dependsOn"]["open"] == [
        {"name": "studio", "versionMin": "0.0.1", "versionMax": "0.1"},
        {"name": "studio-categories", "version": "0.0.1"},
        {"name": "studio-poi"},  # an npm caret has no publiccode form; the name stays
    ]
    assert data["maintenance"] == {
        "type": "community",
        "contacts": [{"name": "SVS", "email": "ops@example.org"}],
    }


def test_export_refuses_what_the_standard_cannot_do_without() -> None:
    module = new_module("wetter", "registry", name={"de": "Wetter", "en": None})
    with pytest.raises(MetadataError) as caught:
        to_publiccode(module)
    assert [p.field for p in caught.value.problems] == ["repository", "license"]


def test_every_imported_real_module_with_repository_and_license_exports() -> None:
    modules = merged_modules(import_path([FIXTURES]))
    exported = 0
    for module in modules:
        if module["repository"] and module["license"]:
            _export_expectations(to_publiccode(module))
            exported += 1
    assert exported == 2  # the two real publiccode.yml files; admin-doku names no license
    for module in modules:
        if module["repository"] and not module["license"]:
            licensed = {**module, "license": "GPL-3.0-or-later"}
            data = _export_expectations(to_publiccode(licensed))
            assert data["categories"][0] in PUBLICCODE_CATEGORIES_SEEN | {
                "communications",
                "help-desk",
                "survey",
                "e-commerce",
                "appointment-scheduling",
                "feedback-and-reviews-management",
                "applicant-tracking",
                "contact-management",
            }


def test_studio_manifest_module_exports_with_a_repository() -> None:
    module = import_studio_manifest_file(FIXTURES / "studio-plugins" / "plugin-news.json").modules[
        0
    ]
    module = {
        **module,
        "repository": "https://github.com/smart-village-solutions/sva-studio",
        "license": "EUPL-1.2",
    }
    data = _export_expectations(to_publiccode(module))
    assert data["softwareVersion"] == "0.0.1"
    assert data["dependsOn"]["open"] == [{"name": "studio"}]


def test_wrongly_shaped_blocks_are_problems_and_the_rest_imports() -> None:
    text = """publiccodeYmlVersion: '0.4'
name: X-Modul
url: https://example.org/x/x-modul
description: nur ein Text
maintenance:
  contacts: Jemand
platforms: web
legal: {license: MIT}
"""
    report = import_publiccode_text(text, "publiccode.yml")
    assert [(p.line, p.field) for p in report.problems] == [
        (4, "description"),
        (6, "maintenance.contacts"),
        (7, "platforms"),
    ]
    module = report.modules[0]
    assert (module["slug"], module["license"]) == ("x-modul", "MIT")
    assert module["maintainers"] == []
    assert module["platforms"] == []


BASE = """publiccodeYmlVersion: '0.4'
name: Beispiel
url: https://github.com/example/beispiel
legal: {license: MIT}
"""


@pytest.mark.parametrize(
    ("extra", "check"),
    [
        # A display-only version: kept as text in extra, no release.
        (
            "softwareVersion: dev\n",
            lambda m, r: m["releases"] == [] and m["extra"]["softwareVersion"] == "dev",
        ),
        # Optional dependencies never become requirements.
        (
            "softwareVersion: '1.0'\ndependsOn:\n  open:\n    - {name: MySQL, optional: true}\n"
            "    - {name: PostgreSQL, optional: true}\n",
            lambda m, r: m["releases"][0]["dependsOn"] == {} and m["releases"][0]["requires"] == {},
        ),
        # en-GB folds into en; de-DE into de.
        (
            "description:\n  en-GB: {shortDescription: Short}\n  de-DE: {shortDescription: Kurz}\n",
            lambda m, r: m["summary"] == {"en": "Short", "de": "Kurz"},
        ),
        # ...but not over a plain en.
        (
            "description:\n  en: {shortDescription: Plain}\n  en-GB: {shortDescription: British}\n",
            lambda m, r: m["summary"]["en"] == "Plain",
        ),
        # A list as developmentStatus is reported, not a crash.
        (
            "developmentStatus: []\n",
            lambda m, r: any(p.field == "developmentStatus" for p in r.problems),
        ),
    ],
)
def test_the_standards_rules(extra: str, check) -> None:  # type: ignore[no-untyped-def]
    report = import_publiccode_text(BASE + extra, "publiccode.yml")
    assert check(report.modules[0], report)
