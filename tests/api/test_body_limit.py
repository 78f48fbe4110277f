"""The 413 over a real socket: every ordinary HTTP client reads it, not a reset connection."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest

from app.core.config import Settings
from app.main import create_app
from tests.conftest import FakeClassifier
from tests.live_server import serving

MAX_BODY = 1_000_000


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("limit") / "data", max_body_bytes=MAX_BODY)
    with serving(create_app(settings, classifier=FakeClassifier())) as port:
        yield port


def post(
    port: int, body: object, headers: dict[str, str], *, chunked: bool = False
) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            "/v1/triage",
            body=body,
            headers=headers,
            encode_chunked=chunked,  # type: ignore[arg-type]
        )
        response = connection.getresponse()
        raw = response.read()
        assert raw, f"status {response.status} with an empty body"
        return response.status, json.loads(raw)
    finally:
        connection.close()


def big_text(size: int) -> bytes:
    return json.dumps({"text": "x" * size}).encode()


def test_python_http_client_reads_the_413_for_a_5_mb_body(port: int) -> None:
    status, problem = post(port, big_text(5_000_000), {"Content-Type": "application/json"})
    assert status == 413
    assert problem["code"] == "payload_too_large"


def test_a_chunked_body_over_the_limit_gets_the_413_too(port: int) -> None:
    body = big_text(3_000_000)
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
    status, problem = post(
        port,
        chunks,
        {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        chunked=True,
    )
    assert status == 413
    assert problem["code"] == "payload_too_large"


def test_the_connection_still_serves_after_a_refused_body(port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            "/v1/triage",
            body=big_text(2_000_000),
            headers={"Content-Type": "application/json"},
        )
        refused = connection.getresponse()
        refused.read()
        assert refused.status == 413
        connection.request(
            "POST",
            "/v1/triage",
            body=b'{"text": "hello"}',
            headers={"Content-Type": "application/json"},
        )
        assert connection.getresponse().status == 200
    finally:
        connection.close()
