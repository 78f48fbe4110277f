"""Conversations through the API, on SQLite and PostgreSQL: the scenarios a lead cares about."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.domain import Scores
from app.main import create_app
from tests.conftest import POSTGRES_URL, FakeClassifier, make_scores


class ScriptedClassifier(FakeClassifier):
    """Sentiment chosen per text by the test: `mood` maps a text to P(positive) - P(negative)."""

    def __init__(self, mood: dict[str, float]) -> None:
        super().__init__()
        self.mood = mood

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        out = super().predict(texts, batch_size=batch_size)
        for i, text in enumerate(texts):
            if text in self.mood:
                score = self.mood[text]
                out[i] = make_scores(
                    negative=max(0.0, -score) + 0.05, positive=max(0.0, score) + 0.05
                )
        return out


CALM_DECLINE = {
    "Hello, my parcel has not arrived yet, could you check?": 0.2,
    "Thanks. Any news on the parcel?": 0.0,
    "It still has not come. Could you look again please.": -0.2,
    "I see. So there is still no date for it.": -0.45,
}
ROUGH_START = {
    "This is the worst, my order came broken!!": -0.8,
    "Okay, a replacement would work.": 0.0,
    "The replacement arrived and it works, thank you so much!": 0.85,
}


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    return None if request.param == "sqlite" else POSTGRES_URL


def client_for(tmp_path: Path, database_url: str | None, classifier: FakeClassifier) -> TestClient:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    return TestClient(create_app(settings, classifier=classifier))


@pytest.fixture
def scripted(tmp_path: Path, database_url: str | None) -> Iterator[TestClient]:
    with client_for(tmp_path, database_url, ScriptedClassifier(CALM_DECLINE | ROUGH_START)) as c:
        yield c


def new_id(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:12]}"


def say(client: TestClient, text: str, conversation_id: str, **extra: object) -> dict:
    response = client.post(
        "/v1/triage", json={"text": text, "conversation_id": conversation_id, **extra}
    )
    assert response.status_code == 200, response.text
    return response.json()


def trigger_types(body: dict, source: str | None = None) -> set[str]:
    return {
        t["type"] for t in body["escalation"]["triggers"] if source is None or t["source"] == source
    }


def test_slow_deterioration_without_angry_words_escalates(scripted: TestClient) -> None:
    conversation = new_id("slow")
    bodies = [say(scripted, text, conversation) for text in CALM_DECLINE]
    assert all(b["conversation"]["available"] and b["conversation"]["stored"] for b in bodies)
    assert [b["conversation"]["turns"] for b in bodies] == [1, 2, 3, 4]
    assert "worsening_sentiment" not in trigger_types(bodies[1])
    last = bodies[-1]
    assert "worsening_sentiment" in trigger_types(last, "conversation")
    assert last["escalation"]["escalate"] is True
    assert last["conversation"]["sentiment_trend"] < 0
    assert last["conversation"]["first_score"] > last["conversation"]["last_score"]


def test_a_happy_ending_after_a_rough_start_does_not_escalate(scripted: TestClient) -> None:
    conversation = new_id("rough")
    bodies = [say(scripted, text, conversation) for text in ROUGH_START]
    last = bodies[-1]
    assert trigger_types(last, "conversation") == set()
    assert last["escalation"]["escalate"] is False
    assert last["conversation"]["sentiment_trend"] > 0


def test_a_resolved_chat_is_recorded_with_follow_ups(scripted: TestClient) -> None:
    conversation = new_id("resolved")
    for text in ROUGH_START:
        say(scripted, text, conversation, customer_id="cust-1")
    outcome = scripted.post(
        f"/v1/conversations/{conversation}/outcome",
        json={
            "resolved": True,
            "satisfaction": 5,
            "responses_used": ["ack-angry-chat-01"],
            "commitments": ["replacement shipped"],
            "actions": ["refunded shipping"],
        },
    )
    assert outcome.status_code == 201
    record = scripted.get(f"/v1/conversations/{conversation}").json()
    assert record["customer_id"] == "cust-1"
    assert len(record["turns"]) == 3
    assert [p["label"] for p in record["sentiment"]] == ["negative", "neutral", "positive"]
    assert record["commitments"] == ["replacement shipped"]
    assert record["actions"] == ["refunded shipping"]
    assert record["outcomes"][0]["resolved"] is True
    assert record["follow_ups"] and all(
        "check the fix held" in f["note"] for f in record["follow_ups"]
    )
    assert "angry" in record["issue"]["customer_types"]


def test_repeated_failures_across_conversations_raise_repeated_contact(
    scripted: TestClient,
) -> None:
    customer = new_id("customer")
    text = "Hello, the app still logs me out every hour."
    first = say(scripted, text, new_id("c1"), customer_id=customer)
    second = say(scripted, text, new_id("c2"), customer_id=customer)
    third = say(scripted, text, new_id("c3"), customer_id=customer)
    assert "repeated_contact" not in trigger_types(first)
    assert "repeated_contact" not in trigger_types(second)
    [trigger] = [t for t in third["escalation"]["triggers"] if t["type"] == "repeated_contact"]
    assert trigger["source"] == "conversation"
    assert "contact 3" in trigger["evidence"]
    assert third["escalation"]["escalate"] is True


def test_a_resolved_conversation_does_not_count_as_a_repeat(scripted: TestClient) -> None:
    customer = new_id("customer")
    text = "Hello, the app still logs me out every hour."
    done = new_id("done")
    say(scripted, text, done, customer_id=customer)
    scripted.post(f"/v1/conversations/{done}/outcome", json={"resolved": True})
    say(scripted, text, new_id("c2"), customer_id=customer)
    third = say(scripted, text, new_id("c3"), customer_id=customer)
    assert "repeated_contact" not in trigger_types(third)


def test_stateless_history_gives_the_same_trend(scripted: TestClient) -> None:
    *earlier, latest = list(CALM_DECLINE)
    body = scripted.post(
        "/v1/triage", json={"text": latest, "history": [{"text": t} for t in earlier]}
    ).json()
    assert body["conversation"]["id"] is None
    assert body["conversation"]["stored"] is False
    assert body["conversation"]["turns"] == 4
    assert "worsening_sentiment" in trigger_types(body, "conversation")


def test_history_and_conversation_id_together_are_refused(scripted: TestClient) -> None:
    response = scripted.post(
        "/v1/triage", json={"text": "hi", "conversation_id": "x", "history": [{"text": "a"}]}
    )
    assert response.status_code == 422


def test_stored_text_is_redacted(scripted: TestClient) -> None:
    conversation = new_id("pii")
    say(scripted, "Mail me at jane.doe@example.com or call +44 20 7946 0958", conversation)
    [turn] = scripted.get(f"/v1/conversations/{conversation}").json()["turns"]
    assert "jane.doe@example.com" not in turn["text"]
    assert "7946" not in turn["text"]
    assert "[email]" in turn["text"]


def test_store_false_keeps_nothing(scripted: TestClient) -> None:
    conversation = new_id("nostore")
    body = say(scripted, "Just a question about opening hours.", conversation, store=False)
    assert body["conversation"]["stored"] is False
    assert scripted.get(f"/v1/conversations/{conversation}").status_code == 404


def test_delete_removes_everything(scripted: TestClient) -> None:
    conversation = new_id("gone")
    say(scripted, "This is the worst, my order came broken!!", conversation)
    scripted.post(f"/v1/conversations/{conversation}/outcome", json={"resolved": False})
    assert scripted.delete(f"/v1/conversations/{conversation}").status_code == 204
    assert scripted.get(f"/v1/conversations/{conversation}").status_code == 404
    assert scripted.delete(f"/v1/conversations/{conversation}").status_code == 404
    # A new message starts a new conversation: nothing of the old one is left to count.
    assert (
        say(scripted, "Okay, a replacement would work.", conversation)["conversation"]["turns"] == 1
    )


def test_unknown_conversation_gets_404_in_the_error_shape(scripted: TestClient) -> None:
    for response in (
        scripted.get("/v1/conversations/nope-" + uuid.uuid4().hex),
        scripted.post(
            f"/v1/conversations/nope-{uuid.uuid4().hex}/outcome", json={"resolved": True}
        ),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_invalid_outcome_gets_422(scripted: TestClient) -> None:
    conversation = new_id("bad-outcome")
    say(scripted, "Okay, a replacement would work.", conversation)
    for body in ({"resolved": "maybe"}, {"resolved": True, "satisfaction": 9}, {}):
        response = scripted.post(f"/v1/conversations/{conversation}/outcome", json=body)
        assert response.status_code == 422


def test_a_database_that_is_down(tmp_path: Path) -> None:
    down = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=1"
    with client_for(tmp_path, down, FakeClassifier()) as client:
        body = client.post(
            "/v1/triage", json={"text": "Where is my order?", "conversation_id": "c-1"}
        ).json()
        assert body["sentiment"]["label"] == "neutral"  # the single-message part still answers
        assert body["conversation"] == {
            "id": "c-1",
            "available": False,
            "stored": False,
            "turns": None,
            "sentiment_trend": None,
            "first_score": None,
            "last_score": None,
        }
        assert client.get("/readyz").status_code == 503
        assert client.get("/v1/conversations/c-1").json()["code"] == "store_unavailable"


def test_no_reply_is_offered_twice_in_a_conversation(scripted: TestClient) -> None:
    conversation = new_id("norepeat")
    text = "This is the worst, my order came broken!!"
    first = say(scripted, text, conversation)
    second = say(scripted, text, conversation)
    ids = lambda body: {r["id"] for s in body["playbook"] for r in s["responses"]}  # noqa: E731
    assert ids(first) and ids(second)
    assert len(ids(first) & ids(second)) < len(ids(first))
