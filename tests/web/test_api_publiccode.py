"""``GET /api/v1/modules/<slug>/publiccode.yml`` and ``export --format publiccode``: the
publiccode.yml of a stored module, valid by the standard's rules, and a lossless round trip."""

import yaml
from sqlalchemy import select

from registry.metadata import import_publiccode_file, import_publiccode_text
from registry.metadata.importers.publiccode import _MISPLACED as MISPLACED
from registry.models import Module
from registry.services.importing import import_paths
from registry.services.transfer import export_publiccode
from tests.metadata.conftest import FIXTURES
from tests.metadata.test_publiccode import _export_expectations

APP = FIXTURES / "publiccode" / "smart-village-app-app.publiccode.yml"
STUDIO = FIXTURES / "publiccode" / "sva-studio.publiccode.yml"
# What the registry keeps of a publiccode.yml: the module's fields, and its release's.
MODULE_FIELDS = (
    "slug",
    "name",
    "summary",
    "description",
    "repository",
    "license",
    "developmentStatus",
    "maintainers",
    "platforms",
    "extra",
)
RELEASE_FIELDS = ("version", "date", "requires", "dependsOn")


def _valid(text: str) -> dict:
    data = _export_expectations(text)
    report = import_publiccode_text(text, "publiccode.yml")
    assert report.problems == [], report.problems
    return data


def test_every_demo_module_answers_a_valid_publiccode(client, demo) -> None:
    slugs = demo.scalars(select(Module.slug).where(Module.license.is_not(None))).all()
    assert slugs
    with_dependencies = 0
    for slug in slugs:
        response = client.get(f"/api/v1/modules/{slug}/publiccode.yml")
        assert response.status_code == 200, (slug, response.data[:300])
        assert response.mimetype == "text/yaml"
        data = _valid(response.get_data(as_text=True))
        with_dependencies += "dependsOn" in data
        again = client.get(
            f"/api/v1/modules/{slug}/publiccode.yml",
            headers={"If-None-Match": response.headers["ETag"]},
        )
        assert again.status_code == 304
    # The `_bounds` crash hit every module with a dependency: the demo has such modules.
    assert with_dependencies


def test_unknown_slug_is_the_api_404(client, session) -> None:
    response = client.get("/api/v1/modules/no-such-module/publiccode.yml")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not-found"


def test_the_route_is_in_the_openapi_document(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    route = document["paths"]["/api/v1/modules/{slug}/publiccode.yml"]["get"]
    assert "text/yaml" in route["responses"]["200"]["content"]


def _kept(module: dict) -> dict:
    kept = {key: module.get(key) for key in MODULE_FIELDS}
    kept["releases"] = [
        {key: release.get(key) for key in RELEASE_FIELDS} for release in module["releases"]
    ]
    return kept


def test_import_export_import_keeps_every_stored_field(session) -> None:
    for path in (APP, STUDIO):
        first = import_publiccode_file(path).modules[0]
        import_paths(session, [path])
        session.flush()
        text = export_publiccode(session, first["slug"])
        again = import_publiccode_text(text, "publiccode.yml")
        assert again.problems == []
        back = _kept(again.modules[0])
        expected = _kept(first)
        # Keys of the 0.2 standard at the top level (the Studio's features, documentation)
        # come back where 0.4 has them: under description.<lang>.
        for key in MISPLACED:
            if key in expected["extra"]:
                value = expected["extra"].pop(key)
                for language in back["extra"]["description"]:
                    assert back["extra"]["description"][language].pop(key) == value
        assert back == expected, path.name
        assert yaml.safe_load(text)["localisation"] == first["extra"]["localisation"]
