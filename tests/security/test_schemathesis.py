"""Schemathesis against the OpenAPI schema, signed in as each role: no 500, every response as documented.

Examples are bounded and derandomized (the same cases every run), so the run is repeatable and fits
in the suite. Left out:
- the payment webhook: without the provider's signature every request is a 400 by design, which
  tests/security/test_permissions.py checks;
- what a role is refused whatever the request holds (403 in tests/security/matrix.py, which checks it):
  the roles let through fuzz the same code;
- the administrator where the matrix gives it the coordinator's answer: the same code runs for both.
"""

import json
import os
import re

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.security.conftest import ROLES
from tests.security.matrix import MATRIX

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

# The distinct sets of rights: the other vendor and the other ministry have the same as these.
FUZZED_ROLES = ["anonymous", "vendor", "ministry", "coordinator", "admin"]
MAX_EXAMPLES = 20


@pytest.fixture
def _requests_inside_the_test_transaction():
    """Django closes the database connection around each request it serves; the test client stops that
    so the test's transaction survives, and so must calls made straight to the WSGI application."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _load_schema() -> schemathesis.BaseSchema:
    """The schema drf-spectacular serves at /api/schema/, fuzzed through the WSGI application.

    Built when the module is collected: schemathesis makes one test per operation from it."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = get_wsgi_application()
    # Explicit examples and random fuzzing, bounded by max_examples. The coverage phase (boundary values of
    # every parameter) sends hundreds of requests per operation: run it by hand with SCHEMATHESIS_COVERAGE=1.
    loaded.config.phases.update(
        phases=["examples", "fuzzing", "coverage"]
        if os.environ.get("SCHEMATHESIS_COVERAGE")
        else ["examples", "fuzzing"]
    )
    return loaded.exclude(path="/api/v1/payments/webhook/")


schema = _load_schema()


def _not_fuzzed(*, role: str, method: str, path: str) -> str:
    """Why this role does not fuzz this operation (see the module's docstring), or "" if it does."""
    name = resolve(re.sub(r"{[^}]+}", "1", path)).url_name
    row = MATRIX[(name, method)]
    if row[ROLES.index(role)] == 403 and name != "payment-webhook":
        return f"{role} is refused {method} {path} whatever the request holds (tests/security/matrix.py)."
    if role == "admin" and row[ROLES.index("admin")] == row[ROLES.index("coordinator")]:
        return f"{method} {path} answers administrators as coordinators (tests/security/matrix.py)."
    return ""


@pytest.mark.parametrize("role", FUZZED_ROLES)
@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_answers_as_documented_without_server_errors(
    case, world, role, _requests_inside_the_test_transaction
):
    skip_reason = _not_fuzzed(role=role, method=case.operation.method.upper(), path=case.operation.path)
    if skip_reason:
        pytest.skip(skip_reason)
    headers = {"Authorization": f"Token {world.tokens[role]}"} if role != "anonymous" else {}

    case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])
