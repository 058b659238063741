"""The OpenAPI document: valid OpenAPI 3.1 and exactly the routes the app serves."""

import re

from openapi_spec_validator import validate

from registry.web.contract import openapi_document

DOCUMENTED_PREFIXES = ("/api/", "/badges/", "/healthz")
IGNORED_METHODS = {"HEAD", "OPTIONS"}
# POSTs without a token: the webhook is signed instead, the what-if stores nothing.
PUBLIC_POSTS = {"/api/v1/hooks/github", "/api/v1/hooks/gitlab", "/api/v1/compatibility"}


def app_routes(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(DOCUMENTED_PREFIXES):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        routes.update((path, method.lower()) for method in rule.methods - IGNORED_METHODS)
    return routes


def documented_routes(document):
    return {(path, method) for path, item in document["paths"].items() for method in item}


def test_document_is_valid_openapi_31(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert (
        client.get(
            "/api/v1/openapi.json", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )


def test_document_names_exactly_the_routes_of_the_app(app):
    served = app_routes(app)
    documented = documented_routes(openapi_document(app))
    assert documented - served == set(), "documented but not served"
    assert served - documented == set(), "served but not documented"


def test_path_parameters_match_the_path_templates(app):
    for path, item in openapi_document(app)["paths"].items():
        names = set(re.findall(r"{([a-z_]+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (method, path)


def test_every_operation_documents_its_errors_with_the_error_schema(app):
    for path, item in openapi_document(app)["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and not path.startswith("/badges/"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
            if method in {"post", "put", "delete"} and path not in PUBLIC_POSTS:
                assert operation["security"] == [{"bearerAuth": []}], (method, path)
                assert "401" in operation["responses"] and "403" in operation["responses"]


def test_design_contract_routes_are_documented(app):
    documented = documented_routes(openapi_document(app))
    for route in [
        ("/api/v1/modules", "get"),
        ("/api/v1/modules", "post"),
        ("/api/v1/modules/{slug}/crawl", "post"),
        ("/api/v1/deployments/{deployment_id}/compatibility/{slug}", "get"),
        ("/api/v1/deployments/{deployment_id}/upgrade-plan", "get"),
        ("/api/v1/compatibility", "get"),
        ("/api/v1/feed.json", "get"),
        ("/api/v1/deployments/{deployment_id}/feed.json", "get"),
        ("/api/v1/dashboard.json", "get"),
        ("/api/v1/hooks/github", "post"),
        ("/badges/{slug}.svg", "get"),
        ("/healthz", "get"),
    ]:
        assert route in documented


def test_the_module_edit_model_names_exactly_the_editable_fields():
    from registry.services.modules import EDITABLE
    from registry.shapes import ModuleEdit

    assert {field.alias for field in ModuleEdit.model_fields.values()} == EDITABLE
