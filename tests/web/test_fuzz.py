"""Bounded fuzzing: stateful schemathesis along the document's links, and Hypothesis bodies
that are nested, oversized or broken. No answer may be a server error.

Bounded in examples (not in time) so CI on a slow machine stays predictable.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.services.tokens import create_token
from tests.web.test_input_limits import write_routes
from tests.web.test_schemathesis import CHECKS

pytestmark = [
    pytest.mark.slow,
    # schemathesis 3 subclasses jsonschema's deprecated RefResolver when it first resolves a $ref.
    pytest.mark.filterwarnings("ignore:jsonschema.RefResolver is deprecated:DeprecationWarning"),
]
BOUNDED = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture()
def openapi_31():
    schemathesis.experimental.OPEN_API_3_1.enable()
    yield
    schemathesis.experimental.OPEN_API_3_1.disable()


def test_generated_calls_along_the_links_keep_to_the_document(app, demo, openapi_31):
    """Follow each OpenAPI link of a create answer: create for real, then call the linked
    operation with generated input on what was created (a stateful run, one link at a time)."""
    _row, secret = create_token(demo, "admin")
    demo.commit()
    auth = {"Authorization": f"Bearer {secret}"}
    document = json.loads(app.test_client().get("/api/v1/openapi.json").get_data())
    schema = schemathesis.from_wsgi("/api/v1/openapi.json", app)
    by_id = {
        spec["operationId"]: (path, method)
        for path, item in document["paths"].items()
        for method, spec in item.items()
    }
    creations = {
        "/api/v1/deployments": {"schemaVersion": 1, "name": "Linkdorf"},
        "/api/v1/modules": {"repository": "https://github.com/smart-village-solutions/sva-studio"},
    }
    followed = 0
    failures: list[str] = []
    for path, body in creations.items():
        links = document["paths"][path]["post"]["responses"]["201"]["links"]
        for link in links.values():
            target_path, target_method = by_id[link["operationId"]]
            operation = schema[target_path][target_method.upper()]
            failures.extend(_follow(app, operation, path, body, link["parameters"], auth))
            followed += 1
    assert followed >= 8
    assert failures == []


def _follow(app, operation, path, body, parameters, auth):  # type: ignore[no-untyped-def]
    failures = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=6,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):  # type: ignore[no-untyped-def]
        created = app.test_client().post(path, json=body, headers=auth)
        if created.status_code != 201:  # the module exists already after the first example
            return
        answer = created.get_json()
        case.path_parameters = {
            **(case.path_parameters or {}),
            **{
                name: answer[expression.removeprefix("$response.body#/")]
                for name, expression in parameters.items()
            },
        }
        response = case.call(headers=auth)
        try:
            case.validate_response(response, checks=CHECKS)
        except AssertionError as error:
            failures.append(f"{case.method} {case.formatted_path}: {error}")

    check()
    return failures


# ---- hostile bodies ------------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=260),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=30,
)


@st.composite
def hostile_text(draw: st.DrawFn) -> str:
    """JSON text: a plausible document with odd values, deep nesting, huge or broken parts."""
    kind = draw(st.sampled_from(["document", "nested", "huge", "broken", "surrogate"]))
    if kind == "document":
        document = {"schemaVersion": 1, "name": draw(st.text(max_size=300))}
        document.update(draw(st.dictionaries(st.text(max_size=20), VALUES, max_size=4)))
        return json.dumps(document)
    if kind == "nested":
        depth = draw(st.integers(min_value=20, max_value=5000))
        opener = draw(st.sampled_from(["[", '{"a":']))
        closer = "]" if opener == "[" else "}"
        return opener * depth + "1" + closer * depth
    if kind == "huge":
        size = draw(st.integers(min_value=1000, max_value=200_000))
        return json.dumps({"schemaVersion": 1, "name": "x" * size, "n": int("9" * 50)})
    if kind == "surrogate":
        return '{"schemaVersion": 1, "name": "\\udc' + draw(st.sampled_from(["00", "ff"])) + '"}'
    text = json.dumps(draw(VALUES))
    cut = draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))
    return text[:cut] + draw(st.sampled_from(["", "{", '"', "\\", ",", "]", '"a":1,"a":2}']))


def test_hostile_bodies_never_reach_a_server_error(client, demo):
    _row, secret = create_token(demo, "admin")
    demo.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    failures = []

    @given(body=hostile_text(), route=st.sampled_from(write_routes(1)))
    @BOUNDED
    def check(body: str, route: tuple[str, str]) -> None:
        method, url = route
        response = getattr(client, method)(
            url,
            data=body.encode("utf-8", "surrogatepass"),
            headers=headers,
            content_type="application/json",
        )
        if response.status_code >= 500:
            failures.append((method, url, body[:200], response.status_code))
        elif response.status_code >= 400:
            assert set(response.get_json()["error"]) == {"code", "message", "details"}

    check()
    assert failures == []
