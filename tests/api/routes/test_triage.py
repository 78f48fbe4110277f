"""API v1 as callers use it: the contract's names, batch behaviour, health, request ids."""

from __future__ import annotations

import re
import threading

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.labels import CUSTOMER_TYPES, EMOTION_LABELS, STEPS
from tests.conftest import FakeClassifier

MANAGER = "I want to speak to your manager, this is the third time I'm writing!"


def test_triage_answers_with_the_whole_contract(client: TestClient) -> None:
    response = client.post("/v1/triage", json={"text": MANAGER, "channel": "email"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {
        "sentiment",
        "emotions",
        "customer_type",
        "intensity",
        "escalation",
        "playbook",
        "avoid",
        "model_version",
        "request_id",
    }
    assert body["sentiment"]["label"] == "negative"
    assert -1 <= body["sentiment"]["score"] < 0
    assert body["sentiment"]["scale"] in (1, 2)
    assert abs(sum(body["sentiment"]["probabilities"].values()) - 1) < 1e-3
    assert set(body["emotions"]) == set(EMOTION_LABELS)
    assert set(body["customer_type"]["scores"]) == set(CUSTOMER_TYPES)
    assert body["customer_type"]["label"] in ("angry", "demanding")
    assert 0 <= body["intensity"] <= 1
    assert body["model_version"] == "fake-1"
    assert response.headers["x-request-id"] == body["request_id"]


def test_triggers_carry_their_evidence_span(client: TestClient) -> None:
    body = client.post("/v1/triage", json={"text": MANAGER}).json()
    escalation = body["escalation"]
    assert escalation["escalate"] is True
    assert escalation["priority"] in ("high", "urgent")
    types = {t["type"] for t in escalation["triggers"]}
    assert {"human_request", "repeated_contact"} <= types
    for trigger in escalation["triggers"]:
        assert MANAGER[trigger["start"] : trigger["end"]] == trigger["evidence"]
        assert trigger["source"] == "pattern"


def test_playbook_steps_and_avoid_list(client: TestClient) -> None:
    body = client.post("/v1/triage", json={"text": MANAGER}).json()
    steps = [s["step"] for s in body["playbook"]]
    assert steps and all(s in STEPS for s in steps)
    assert "escalate" in steps
    assert all(step["responses"] for step in body["playbook"])
    assert body["avoid"]
    responses = [r for s in body["playbook"] for r in s["responses"]]
    assert "calm down" not in " ".join(r["text"] for r in responses).lower()
    for response in responses:
        # Every brace left is a field only the agent can fill, and is listed as one.
        fields = re.findall(r"\{([a-z_]+)\}", response["text"])
        assert response["text"].count("{") == len(fields)
        assert set(fields) == set(response["agent_input"])
        assert response["needs_agent_input"] == bool(fields)


def test_root_cause_intents_and_confidence_are_answered(client: TestClient) -> None:
    body = client.post("/v1/triage", json={"text": MANAGER}).json()
    assert body["root_cause"]["label"] == "delay"
    assert set(body["intents"]) == {"human_request", "refund_request", "cancel_request"}
    assert body["sentiment"]["confidence"] == "high"


def test_the_model_raises_a_trigger_the_patterns_missed(client: TestClient) -> None:
    text = "Order 55 is late. Please xyzzy me to whoever decides. Thanks."
    body = client.post("/v1/triage", json={"text": text}).json()
    [trigger] = body["escalation"]["triggers"]
    assert trigger["type"] == "human_request"
    assert trigger["source"] == "model"
    assert trigger["evidence"] == "Please xyzzy me to whoever decides."
    assert text[trigger["start"] : trigger["end"]] == trigger["evidence"]
    assert body["escalation"]["escalate"] is True


def test_placeholders_are_filled_from_the_context(client: TestClient) -> None:
    body = client.post(
        "/v1/triage",
        json={"text": MANAGER, "context": {"lead_name": "Ana Ruiz"}},
    ).json()
    [handoff] = [s for s in body["playbook"] if s["step"] == "escalate"]
    assert "Ana Ruiz" in handoff["responses"][0]["text"]


def test_the_hand_over_names_whom_the_customer_asked_for(client: TestClient) -> None:
    text = "Third time writing. Put me through to someone in your billing team, please."
    body = client.post("/v1/triage", json={"text": text}).json()
    [handoff] = [s for s in body["playbook"] if s["step"] == "escalate"]
    assert "our billing team" in handoff["responses"][0]["text"]


def test_a_calm_question_does_not_escalate(client: TestClient) -> None:
    body = client.post("/v1/triage", json={"text": "What time do you open on Sunday?"}).json()
    assert body["escalation"] == {"escalate": False, "priority": "low", "triggers": []}
    assert body["customer_type"]["label"] == "neutral"


def test_batch_keeps_order_and_isolates_bad_items(
    client: TestClient, fake_classifier: FakeClassifier
) -> None:
    items = [
        {"text": "Thank you, that was great"},
        {"text": "   "},
        {"text": MANAGER},
        {"txt": "typo in the field name"},
    ]
    response = client.post("/v1/triage/batch", json={"items": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 4
    assert results[0]["sentiment"]["label"] == "positive"
    assert results[1]["index"] == 1 and results[1]["error"]["code"] == "invalid_request"
    assert results[2]["escalation"]["escalate"] is True
    assert results[3]["index"] == 3
    # The good items went through the model in one forward pass.
    assert fake_classifier.batches[-1] == ["Thank you, that was great", MANAGER]


def test_request_id_is_echoed_when_given(client: TestClient) -> None:
    response = client.post("/v1/triage", json={"text": "hello"}, headers={"X-Request-ID": "tkt-42"})
    assert response.headers["x-request-id"] == "tkt-42"
    assert response.json()["request_id"] == "tkt-42"


def test_an_unsafe_request_id_is_replaced(client: TestClient) -> None:
    response = client.post(
        "/v1/triage", json={"text": "hello"}, headers={"X-Request-ID": "bad id\twith tab"}
    )
    assert response.headers["x-request-id"] != "bad id\twith tab"


def test_health_endpoints(client: TestClient) -> None:
    assert client.get("/livez").json() == {
        "status": "ok",
        "model_version": None,
        "bank_version": None,
        "detail": None,
    }
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["model_version"] == "fake-1"


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert {"/v1/triage", "/v1/triage/batch", "/livez", "/readyz"} <= set(schema["paths"])


def test_not_ready_until_the_model_is_loaded(tmp_path, monkeypatch) -> None:
    from app import main
    from app.model import loading

    release = threading.Event()

    class SlowModel(FakeClassifier):
        pass

    def slow_load(settings):
        release.wait(5)
        return SlowModel()

    monkeypatch.setattr(loading, "load_onnx_classifier", slow_load)
    with TestClient(main.create_app(Settings(data_dir=tmp_path))) as client:
        assert client.get("/readyz").status_code == 503
        refused = client.post("/v1/triage", json={"text": "hello"})
        assert refused.status_code == 503
        assert refused.json()["code"] == "model_not_ready"
        release.set()
        for _ in range(200):
            if client.get("/readyz").status_code == 200:
                break
            threading.Event().wait(0.01)
        assert client.get("/readyz").status_code == 200
        assert client.post("/v1/triage", json={"text": "hello"}).status_code == 200


def test_triage_says_what_was_asked_the_facts_and_what_the_agent_must_add(
    client: TestClient,
) -> None:
    text = "Please delete my personal data. My account is order #48213 and I paid $89.99."
    body = client.post("/v1/triage", json={"text": text, "channel": "email"}).json()
    assert body["asked"][0] == "delete_data"
    assert body["route"] == "privacy"
    facts = {(f["kind"], f["text"]) for f in body["facts"]}
    assert {("reference", "order #48213"), ("amount", "$89.99")} <= facts
    for fact in body["facts"]:
        assert text[fact["start"] : fact["end"]] == fact["text"]
    responses = [r for step in body["playbook"] for r in step["responses"]]
    assert any("privacy team" in r["text"] for r in responses)
    assert body["needs_agent_input"] is any(r["needs_agent_input"] for r in responses)
    for response in responses:
        assert response["needs_agent_input"] is bool(response["agent_input"])
        for slot in response["agent_input"]:
            assert f"{{{slot}}}" in response["text"]


def test_values_given_by_the_caller_fill_the_agent_fields(client: TestClient) -> None:
    text = "Please delete my personal data."
    blank = client.post("/v1/triage", json={"text": text}).json()
    slots = {s for step in blank["playbook"] for r in step["responses"] for s in r["agent_input"]}
    assert slots, "the privacy reply leaves the details to the agent"
    context = dict.fromkeys(slots, "as set out in our privacy notice")
    filled = client.post("/v1/triage", json={"text": text, "context": context}).json()
    assert filled["needs_agent_input"] is False
    assert all("{" not in r["text"] for step in filled["playbook"] for r in step["responses"])


def test_a_message_in_another_language_is_named_and_not_presented_as_confident(
    client: TestClient,
) -> None:
    spanish = "Quiero hablar con su gerente, es la tercera vez que escribo y nadie contesta."
    body = client.post("/v1/triage", json={"text": spanish}).json()
    assert (body["language"], body["language_supported"]) == ("es", False)
    assert body["sentiment"]["confidence"] == "low"
    assert all(t["source"] != "model" for t in body["escalation"]["triggers"])
    english = client.post("/v1/triage", json={"text": MANAGER}).json()
    assert (english["language"], english["language_supported"]) == ("en", True)
    screened = client.post("/v1/screen", json={"text": spanish}).json()
    assert (screened["language"], screened["language_supported"]) == ("es", False)


def test_a_message_in_another_language_is_answered_in_it_on_no_guessed_request(
    client: TestClient,
) -> None:
    german = (
        "Meine Karte ist im Ausland gesperrt und ich komme nicht an mein Geld. Was soll ich tun?"
    )
    body = client.post("/v1/triage", json={"text": german}).json()
    assert body["language"] == "de"
    # The request head reads English only: what it guessed is not an ask.
    assert body["asked"] == []
    texts = [r["text"] for step in body["playbook"] for r in step["responses"]]
    # A blocked card tells of trouble in German's own words: the apology is in German too.
    steps = [step["step"] for step in body["playbook"]]
    assert steps == ["acknowledge", "apologize", "solve", "close"]
    assert texts[0].startswith("Vielen Dank")
    assert texts[1].startswith("Es tut mir")
