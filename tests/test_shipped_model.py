"""The shipped model and packaged encoder, end to end through the API (integration)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app

pytestmark = pytest.mark.integration

# Measured 0.738 with multitask-lora-1.0.0 (VADER 0.381, TextBlob 0.395): a regression alarm.
SUPPORT_PHRASING_FLOOR = 0.70
MANAGER = "I want to speak to your manager, this is the third time I'm writing!"


@pytest.fixture(scope="module")
def live() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(runtime="torch"))) as client:
        deadline = time.monotonic() + 120
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, client.get("/readyz").json()
            time.sleep(0.1)
        yield client


def test_the_newcomers_example(live: TestClient) -> None:
    body = live.post("/v1/triage", json={"text": MANAGER}).json()
    assert body["sentiment"]["label"] == "negative"
    assert body["customer_type"]["label"] in ("angry", "demanding")
    triggers = {t["type"]: t for t in body["escalation"]["triggers"]}
    assert {"human_request", "repeated_contact"} <= set(triggers)
    for trigger in triggers.values():
        assert MANAGER[trigger["start"] : trigger["end"]] == trigger["evidence"]
    assert body["escalation"]["escalate"] is True
    assert [s["step"] for s in body["playbook"]]
    shipped = json.loads((Settings().models_dir / "heads.json").read_text())
    assert body["model_version"] == shipped["version"]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Thank you so much, the replacement arrived and works perfectly!", "positive"),
        ("My order still hasn't arrived and nobody answers my emails. Terrible.", "negative"),
        ("What are your opening hours on Saturday?", "neutral"),
    ],
)
def test_sentiment_of_plain_messages(live: TestClient, text: str, label: str) -> None:
    assert live.post("/v1/triage", json={"text": text}).json()["sentiment"]["label"] == label


def test_a_complaint_at_the_end_of_a_long_friendly_email_is_negative(live: TestClient) -> None:
    friendly = (
        "Hi team, I hope you are all doing well and had a lovely weekend. I wanted to say "
        "how much I have enjoyed your newsletter this year, the recipes are wonderful and my "
        "family loves them. Thanks again for the nice birthday card you sent last month. "
    ) * 12
    complaint = (
        "However, the blender I ordered arrived smashed, it is completely broken and useless, "
        "and I am furious that nobody has answered my three emails about it."
    )
    body = live.post("/v1/triage", json={"text": friendly + complaint, "channel": "email"}).json()
    assert body["sentiment"]["label"] == "negative"


def test_batch_matches_single_calls(live: TestClient) -> None:
    texts = ["Thanks, all sorted!", MANAGER, "Where is my parcel?"]
    batch = live.post("/v1/triage/batch", json={"items": [{"text": t} for t in texts]}).json()
    for text, result in zip(texts, batch["results"], strict=True):
        single = live.post("/v1/triage", json={"text": text}).json()
        assert result["sentiment"]["label"] == single["sentiment"]["label"]
        assert result["sentiment"]["score"] == pytest.approx(single["sentiment"]["score"], abs=1e-3)


def test_root_cause_and_intents_of_plain_messages(live: TestClient) -> None:
    billing = live.post("/v1/triage", json={"text": "You charged my card twice this month."})
    assert billing.json()["root_cause"]["label"] == "billing"
    human = live.post("/v1/triage", json={"text": "Can I please talk to an actual person?"})
    assert human.json()["intents"]["human_request"] > 0.7
    assert "human_request" in {t["type"] for t in human.json()["escalation"]["triggers"]}


def test_support_phrasing_set_beats_the_lexicon_tools() -> None:
    """The hard support-phrasing cases (never trained on): well above VADER and TextBlob."""
    from pathlib import Path

    from app.core.config import Settings
    from app.model.torch_model import MiniLMClassifier

    path = (
        Path(__file__).resolve().parent.parent / "scripts" / "data" / "support_phrasing_test.jsonl"
    )
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    model = MiniLMClassifier.load(Settings().models_dir)
    scores = model.predict([c["text"] for c in cases])
    predicted = [max(s.sentiment, key=s.sentiment.__getitem__) for s in scores]
    accuracy = sum(p == c["label"] for p, c in zip(predicted, cases, strict=True)) / len(cases)
    # VADER and TextBlob reach 0.38 and 0.40 on this set (scripts/evaluate.py).
    assert accuracy >= SUPPORT_PHRASING_FLOOR


def test_screen_flags_the_newcomers_example(live: TestClient) -> None:
    body = live.post("/v1/screen", json={"text": MANAGER}).json()
    assert body["flagged"] is True
    assert body["sentiment"] == "negative"
    assert {"human_request", "repeated_contact"} <= {t["type"] for t in body["triggers"]}


def test_the_int8_fast_path_agrees_with_torch(tmp_path) -> None:
    """ONNX Runtime int8 keeps the reference path's labels, probabilities within a tolerance."""
    from pathlib import Path

    import numpy as np

    from app.model.torch_model import MiniLMClassifier

    path = (
        Path(__file__).resolve().parent.parent / "scripts" / "data" / "support_phrasing_test.jsonl"
    )
    texts = [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    reference = MiniLMClassifier.load(Settings().models_dir)
    from app.model.onnx_export import to_onnx

    fast = to_onnx(reference, tmp_path, int8=True)

    def sentiment(model: MiniLMClassifier) -> np.ndarray:
        return np.array([list(s.sentiment.values()) for s in model.predict(texts)])

    expected, got = sentiment(reference), sentiment(fast)
    agreement = (expected.argmax(1) == got.argmax(1)).mean()
    # Measured with scripts/evaluate.py: 97.6% here and 97.0% on TweetEval's 12,284 tweets;
    # p99 absolute difference 0.170 here, 0.082 on TweetEval.
    assert agreement >= 0.95
    assert np.quantile(np.abs(expected - got), 0.99) <= 0.2


def test_the_service_runs_on_the_int8_runtime(tmp_path) -> None:
    with TestClient(create_app(Settings(runtime="onnx-int8", data_dir=tmp_path))) as client:
        deadline = time.monotonic() + 180
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, client.get("/readyz").json()
            time.sleep(0.1)
        body = client.post("/v1/screen", json={"text": MANAGER}).json()
        assert body["flagged"] is True and body["sentiment"] == "negative"
        assert list(tmp_path.glob("onnx/*-int8.onnx"))


# One project-written message per message trigger: the shipped model and patterns raise it,
# and its evidence is the message's own words, at its own offsets.
EVERY_TRIGGER = {
    "human_request": "Please put me through to a supervisor, the chat bot is useless.",
    "authority_exceeded": "I expect a full refund of the $480 and compensation for the lost day.",
    "repeated_contact": "This is the third time I'm writing and still no reply from anyone.",
    "legal_threat": "If this isn't sorted by Friday I'm taking you to small claims court.",
    "churn_threat": "Cancel my account today, I'm switching to another provider.",
    "public_exposure": "I'll be posting this on every review site so everyone knows.",
    "abuse": "You people are useless idiots.",
    "safety_risk": "There are sparks coming out of the meter and I can smell burning.",
    "vulnerable_customer": "My husband passed away last month and I can't afford these fees.",
}


@pytest.mark.parametrize(("kind", "text"), EVERY_TRIGGER.items())
def test_each_trigger_carries_its_evidence(live: TestClient, kind: str, text: str) -> None:
    body = live.post("/v1/triage", json={"text": text}).json()
    found = [t for t in body["escalation"]["triggers"] if t["type"] == kind]
    assert found, body["escalation"]
    for trigger in found:
        assert text[trigger["start"] : trigger["end"]] == trigger["evidence"]
        assert trigger["evidence"].strip()
        assert trigger["source"] in ("pattern", "model", "pattern+model")
    assert body["requests"], "the shipped model reads what the customer asks for"
