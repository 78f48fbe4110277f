"""POST /v1/screen: the chat widget's pre-screen, cheaper than triage and without a playbook."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import FakeClassifier

MANAGER = "I want to speak to your manager, this is the third time I'm writing!"


def test_a_message_that_needs_a_lead_is_flagged_with_evidence(client: TestClient) -> None:
    response = client.post("/v1/screen", json={"text": MANAGER})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "flagged",
        "priority",
        "triggers",
        "customer_type",
        "sentiment",
        "language",
        "language_supported",
        "request_id",
    }
    assert body["flagged"] is True
    assert body["priority"] == "high"
    assert {t["type"] for t in body["triggers"]} == {"human_request", "repeated_contact"}
    for trigger in body["triggers"]:
        assert MANAGER[trigger["start"] : trigger["end"]] == trigger["evidence"]
    assert body["sentiment"] == "negative"
    assert body["customer_type"] in ("angry", "demanding")


def test_a_plain_question_is_not_flagged(client: TestClient) -> None:
    body = client.post("/v1/screen", json={"text": "Do you deliver on Sundays?"}).json()
    assert (body["flagged"], body["triggers"], body["priority"]) == (False, [], "low")


def test_screen_agrees_with_triage(client: TestClient) -> None:
    screen = client.post("/v1/screen", json={"text": MANAGER}).json()
    triage = client.post("/v1/triage", json={"text": MANAGER}).json()
    assert screen["flagged"] == triage["escalation"]["escalate"]
    assert screen["triggers"] == triage["escalation"]["triggers"]
    assert screen["customer_type"] == triage["customer_type"]["label"]


def test_screen_uses_one_forward_pass(client: TestClient, fake_classifier: FakeClassifier) -> None:
    client.post("/v1/screen", json={"text": "Do you deliver on Sundays?"})
    assert fake_classifier.batches == [["Do you deliver on Sundays?"]]


@pytest.mark.parametrize(
    "payload",
    [{"text": ""}, {"text": " "}, {"text": "hi", "conversation_id": "c"}, {"text": 3}, {}],
)
def test_bad_screen_requests_get_422(client: TestClient, payload: dict) -> None:
    response = client.post("/v1/screen", json=payload)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
