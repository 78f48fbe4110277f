"""POST /v1/replies/review: coaching an agent's draft through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

DRAFT = "Please calm down. That's our policy, so there's nothing we can do."
GOOD = (
    "I can see how frustrating it is that the parcel is still missing, and I'm sorry it has "
    "taken this long. I've opened a trace with the courier and I'll email you an update "
    "by 5pm today."
)


def test_inflaming_phrases_come_back_with_spans_and_rewrites(client: TestClient) -> None:
    response = client.post("/v1/replies/review", json={"draft": DRAFT})
    assert response.status_code == 200
    body = response.json()
    assert len(body["issues"]) >= 2
    for issue in body["issues"]:
        assert DRAFT[issue["start"] : issue["end"]] == issue["phrase"]
        assert issue["rewrite"]
    assert "calm down" in " ".join(i["phrase"].lower() for i in body["issues"])
    assert body["request_id"] == response.headers["x-request-id"]


def test_a_good_reply_scores_higher_and_misses_nothing(client: TestClient) -> None:
    good = client.post(
        "/v1/replies/review",
        json={"draft": GOOD, "customer_text": "Where is my parcel?? This is ridiculous."},
    ).json()
    bad = client.post("/v1/replies/review", json={"draft": DRAFT}).json()
    assert good["issues"] == [] and good["missing"] == []
    assert good["score"] > bad["score"]


def test_a_missing_next_step_is_reported(client: TestClient) -> None:
    body = client.post(
        "/v1/replies/review", json={"draft": "I understand, I'm sorry the parcel is late."}
    ).json()
    assert "next_step" in body["missing"]


def test_the_conversation_decides_whether_an_apology_is_due(client: TestClient) -> None:
    client.post(
        "/v1/triage",
        json={"text": "This is the worst, my order came broken!!", "conversation_id": "r-1"},
    )
    draft = "I can see the order arrived damaged. I'll send a replacement by Friday."
    with_history = client.post(
        "/v1/replies/review", json={"draft": draft, "conversation_id": "r-1"}
    ).json()
    assert "apology" in with_history["missing"]
    told = client.post(
        "/v1/replies/review", json={"draft": draft, "apology_warranted": False}
    ).json()
    assert "apology" not in told["missing"]


def test_bad_review_requests_get_422(client: TestClient) -> None:
    for payload in ({"draft": ""}, {"draft": "  "}, {"draft": "hi", "extra": 1}, {}):
        response = client.post("/v1/replies/review", json=payload)
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_request"
