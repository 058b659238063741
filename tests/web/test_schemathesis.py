"""A bounded property-based run of schemathesis against the OpenAPI document.

Every operation is called with generated input on the demo data (writes without valid
credentials, so they answer 401 and change nothing): no answer may be a server error or break the
document (status, content type, headers, body schema).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from registry.services.tokens import create_token

# schemathesis 3 subclasses jsonschema's deprecated RefResolver when it first resolves a $ref.
pytestmark = pytest.mark.filterwarnings(
    "ignore:jsonschema.RefResolver is deprecated:DeprecationWarning"
)
MAX_EXAMPLES = 12
CHECKS = (
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
)


@pytest.fixture()
def openapi_31():
    """schemathesis 3 supports OpenAPI 3.1 behind an experimental switch."""
    schemathesis.experimental.OPEN_API_3_1.enable()
    yield
    schemathesis.experimental.OPEN_API_3_1.disable()


def run_operation(operation, max_examples, headers=None):
    failures = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        # The schema was loaded from the WSGI app, so calls go to it in-process.
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except AssertionError as error:  # schemathesis raises a grouped AssertionError subclass
            failures.append(f"{case.method} {case.formatted_path} {case.query}: {error}")

    check()
    return failures


@pytest.mark.slow
def test_generated_requests_keep_to_the_document(app, demo, openapi_31):
    schema = schemathesis.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        failures.extend(run_operation(operation, MAX_EXAMPLES))
    assert operations >= 20
    assert failures == []


@pytest.mark.slow
def test_generated_writes_with_an_admin_token_keep_to_the_document(app, demo, openapi_31):
    # The writes' success paths: generated bodies with a valid token (all rolled back after).
    _row, secret = create_token(demo, "admin")
    demo.commit()
    schema = schemathesis.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() in {"POST", "PUT", "DELETE"} and "hooks" not in operation.path:
            failures.extend(
                run_operation(operation, MAX_EXAMPLES, {"Authorization": f"Bearer {secret}"})
            )
    assert failures == []
