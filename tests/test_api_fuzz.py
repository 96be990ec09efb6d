"""The API fuzzed against its own schema (schemathesis, in process through WSGI).

Every operation of /api/v1/schema/ gets generated requests, valid and invalid, as county staff
of a county with checklists, evidence, rectifications, objections, imports and tallies. No
answer may be a server error, and every answer must be one the schema documents: its status,
its content type and its body. Bounded for CI by a fixed number of examples per operation.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.test_permission_matrix import places  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES_PER_OPERATION = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_connection():
    """The app is called through WSGI, not Django's test client, so the request signals would
    close the test's database connection (and its transaction) after each call: as the test
    client does, keep them from doing so."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world, places, keep_connection):  # noqa: F811
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


def test_no_operation_answers_with_a_server_error_or_outside_its_schema(api_schema, world):
    # Each operation is driven by Hypothesis directly: schemathesis's own pytest integration
    # (parametrize / from_fixture) does not run under pytest 9 yet.
    failures, operations = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def fuzz(case):
            # A token per call: fuzzing POST /auth/token/revoke/ ends the one in use, and every
            # later operation would otherwise be fuzzed signed out.
            token, _created = Token.objects.get_or_create(user=world.county_user)
            case.call_and_validate(
                # Bodies as the schema says, not as gzip carries them (tests/test_weak_lines.py).
                headers={"Authorization": f"Token {token.key}", "Accept-Encoding": "identity"},
                checks=CHECKS,
            )

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as failure:  # every operation is reported
            failures.append(f"{operation.label}: {str(failure)[:400]}")
    assert operations >= 30, "the schema lost its operations"
    assert not failures, "\n\n".join(failures)
