"""Bad input gets a 4xx in the one documented error body; odd but valid input is answered."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.api.schemas import MAX_BATCH_ITEMS, MAX_TEXT_CHARS

ERROR_FIELDS = {"type", "title", "status", "code", "message", "request_id", "errors"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert set(body) == ERROR_FIELDS
    assert body["status"] == status
    assert body["code"] == code
    assert body["request_id"] == response.headers["x-request-id"]
    return body


@pytest.mark.parametrize(
    "payload",
    [
        {"text": ""},
        {"text": "   \n\t "},
        {"text": "x" * (MAX_TEXT_CHARS + 1)},
        {"text": 42},
        {"text": ["a list"]},
        {},
        {"text": "hi", "unknown": 1},
        {"text": "hi", "channel": "fax"},
        {"text": "hi", "context": {"customer_name": "A", "ssn": "1"}},
        {"text": "hi", "conversation_id": ""},
        [1, 2, 3],
        "just a string",
        None,
    ],
)
def test_invalid_triage_requests_get_422(client: TestClient, payload) -> None:
    body = assert_problem(client.post("/v1/triage", json=payload), 422, "invalid_request")
    assert body["errors"]


def test_errors_do_not_echo_the_message_text(client: TestClient) -> None:
    secret = "MARKER-7f3a " + "y" * MAX_TEXT_CHARS
    response = client.post("/v1/triage", json={"text": secret})
    assert "MARKER-7f3a" not in response.text


def test_malformed_json_gets_400(client: TestClient) -> None:
    response = client.post(
        "/v1/triage",
        content=b'{"text": "unterminated',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 400, "malformed_json")


def test_oversized_batch_gets_422(client: TestClient) -> None:
    items = [{"text": "hi"}] * (MAX_BATCH_ITEMS + 1)
    assert_problem(client.post("/v1/triage/batch", json={"items": items}), 422, "invalid_request")


def test_empty_batch_gets_422(client: TestClient) -> None:
    assert_problem(client.post("/v1/triage/batch", json={"items": []}), 422, "invalid_request")


def test_body_over_the_limit_gets_413_before_parsing(client: TestClient) -> None:
    response = client.post(
        "/v1/triage",
        content=b"{" + b" " * 3_000_000 + b"}",
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 413, "payload_too_large")


def test_chunked_body_over_the_limit_gets_413(client: TestClient) -> None:
    def chunks():
        yield b'{"text": "'
        for _ in range(40):
            yield b"x" * 100_000
        yield b'"}'

    response = client.post(
        "/v1/triage", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")


def test_unknown_route_and_wrong_method(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404, "not_found")
    assert_problem(client.get("/v1/triage"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    "text",
    [
        "🙂🙂🙂",
        "😡😡😡",
        "\x00\x01\x02 hello \x7f",
        "Je veux parler à votre responsable, c'est inadmissible !",
        "我的订单还没有到",
        "مرحبا، طلبي متأخر",
        "\u202eevil right-to-left override",
        "a",
        "!!!!!!!!",
    ],
)
def test_odd_but_valid_text_is_answered(client: TestClient, text: str) -> None:
    response = client.post("/v1/triage", json={"text": text})
    assert response.status_code == 200
    for trigger in response.json()["escalation"]["triggers"]:
        assert text[trigger["start"] : trigger["end"]] == trigger["evidence"]
