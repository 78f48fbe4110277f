"""The shipped model and packaged encoder, end to end through the API (integration)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

pytestmark = pytest.mark.integration

MANAGER = "I want to speak to your manager, this is the third time I'm writing!"


@pytest.fixture(scope="module")
def live() -> Iterator[TestClient]:
    with TestClient(create_app(Settings())) as client:
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
    assert body["model_version"].startswith("heads-")


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
