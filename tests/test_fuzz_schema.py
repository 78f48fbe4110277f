"""Schemathesis over the whole OpenAPI schema: no 5xx, and every answer as the schema says.

Every operation gets requests that fit the schema and requests that do not; together at least
MIN_CASES. The app is the real one with the fake classifier, in process, auth off.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.core.config import Settings
from app.main import create_app
from tests.conftest import FakeClassifier

MIN_CASES = 1_000
# Operations with few possible requests stop sooner (GET /livez has exactly one): the rest
# make up for them with this margin, and the run stays under a minute.
MARGIN = 1.4
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def schema(tmp_path: Path) -> Iterator[schemathesis.BaseSchema]:
    # Rate limits off: thousands of requests from one address are the point here.
    app_settings = Settings(
        data_dir=tmp_path / "data", rate_limit_per_minute=0, log_level="WARNING"
    )
    app = create_app(app_settings, classifier=FakeClassifier())
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    shutdown_lifespans()  # schemathesis started the app's lifespan; end it (closes the store)


def fuzz(operation: schemathesis.APIOperation, examples: int) -> int:
    """Send one operation its generated requests and check each answer; how many were sent."""
    sent = 0
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases on every CI run: a failure is reproducible
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        nonlocal sent
        sent += 1
        case.call_and_validate(checks=CHECKS)

    run()
    return sent


def test_the_whole_schema_holds_under_generated_requests(schema: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in schema.get_all_operations()]
    examples = math.ceil(MARGIN * MIN_CASES / len(operations))
    cases = {operation.label: fuzz(operation, examples) for operation in operations}
    print({"cases": sum(cases.values()), "operations": len(cases), **cases})
    assert sum(cases.values()) >= MIN_CASES
