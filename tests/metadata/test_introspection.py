import json

import pytest

from registry.metadata import (
    MetadataError,
    capabilities_from_introspection,
    import_introspection_file,
)

from .conftest import FIXTURES

REAL = FIXTURES / "introspection-2026-08.json"


def test_the_real_introspection_gives_39_queries_and_39_mutations() -> None:
    data = json.loads(REAL.read_text("utf-8"))
    capabilities = capabilities_from_introspection(data)
    assert len(capabilities) == 78
    # Fields the app needs that the public mainserver repository lacks (SVA-FACTS §4.2).
    assert {
        "vouchers",
        "redeemQuotaOfVoucher",
        "search",
        "getConversations",
        "createMessage",
        "markMessagesAsRead",
        "resourceFilters",
    } <= capabilities
    assert "newsItems" in capabilities
    assert "__typename" not in capabilities
    # Exactly the fields of the two root types, computed here without the function under test.
    roots = {
        t["name"]: t
        for t in data["data"]["__schema"]["types"]
        if t["name"] in ("Query", "Mutation")
    }
    expected = {f["name"] for root in roots.values() for f in root["fields"]}
    assert capabilities == expected
    # Fields of other types ("description" of AccessibilityInformation) are no capabilities.
    assert "description" not in capabilities


def test_the_bare_schema_is_accepted() -> None:
    data = json.loads(REAL.read_text("utf-8"))
    assert capabilities_from_introspection(data["data"]) == capabilities_from_introspection(data)


def test_import_gives_the_mainserver_component() -> None:
    report = import_introspection_file(REAL)
    assert report.problems == []
    [component] = report.components
    assert component["name"] == "mainserver"
    assert len(component["capabilities"]) == 78
    assert {"name": "vouchers", "source": "introspection-2026-08"} in component["capabilities"]


SCHEMA = {
    "queryType": {"name": "Query"},
    "mutationType": None,
    "types": [{"name": "Query", "kind": "OBJECT", "fields": [{"name": "a"}, {"name": "b"}]}],
}


def test_a_schema_without_mutations() -> None:
    assert capabilities_from_introspection({"__schema": SCHEMA}) == frozenset({"a", "b"})


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ([1, 2], "", "expected a JSON object"),
        ({"data": {"user": {}}}, "data.__schema", "no __schema"),
        ({"errors": [{"message": "denied"}], "data": None}, "errors", "holds errors only"),
        ({"__schema": {**SCHEMA, "types": None}}, "__schema.types", "list of types"),
        ({"__schema": {**SCHEMA, "queryType": None}}, "__schema.queryType", "query type"),
        ({"__schema": {**SCHEMA, "queryType": {"name": "Root"}}}, "__schema.queryType", "'Root'"),
        (
            {"__schema": {**SCHEMA, "types": [{"name": "Query", "fields": None}]}},
            "__schema.types.Query.fields",
            "list of fields",
        ),
    ],
)
def test_what_is_no_introspection_result_is_said_clearly(
    data: object, field: str, words: str
) -> None:
    with pytest.raises(MetadataError) as caught:
        capabilities_from_introspection(data, "x.json")
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == ("x.json", field)
    assert words in problem.message
