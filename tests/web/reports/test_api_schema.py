"""Schemathesis against the OpenAPI document the app serves: every answer to every request it generates
matches the document (status codes, content types, bodies and headers), none is a server error, and a
request without the key is refused.

The schema is loaded from the app inside each test rather than through schemathesis' pytest fixture
loader, which pytest 9 no longer supports (it reads a private attribute pytest removed).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings

from tests import db as factories
from tests.web.reports import world as worlds

OPERATIONS = [
    "/hubs/{hub_id}/reports/benchmarks",
    "/hubs/{hub_id}/reports/placements",
    "/hubs/{hub_id}/reports/schools",
    "/hubs/{hub_id}/schools/{school_id}/reports",
]
EXAMPLES = 30  # per operation: enough to reach every parameter's edges, few enough to keep a run short


def test_every_operation_of_the_document_is_checked(app: Flask) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    assert sorted(result.ok().path for result in schema.get_all_operations()) == sorted(OPERATIONS)


@pytest.mark.parametrize("path", OPERATIONS)
def test_the_api_answers_as_its_openapi_document_says(app: Flask, path: str) -> None:
    world = worlds.build()
    _, secret = factories.create_api_key(world.hub)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path]["GET"]
    calls = []

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        # The document cannot know which hub and school the key is for; everything else is generated.
        case.path_parameters["hub_id"] = world.hub.id
        if "school_id" in case.path_parameters:
            case.path_parameters["school_id"] = world.school_1.id
        case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})
        calls.append(case)

    check()
    assert len(calls) >= 1
