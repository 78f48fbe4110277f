"""The practice API end to end: scenarios, sessions, replies, hints, roles and the report."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from app.tenancy.keys import create_key
from tests.data_scenarios import CARELESS_REPLY, GOOD_REPLY, SCENARIOS

PARCEL = {"scenario_id": "parcel-late"}


def publish_test_scenarios(client: TestClient, headers: dict[str, str] | None = None) -> None:
    response = client.put("/v1/admin/scenarios", json=SCENARIOS, headers=headers or {})
    assert response.status_code == 200, response.text


@pytest.fixture
def practice(client: TestClient) -> TestClient:
    """The app with auth off, its tenant rehearsing the tests' own scenarios."""
    publish_test_scenarios(client)
    return client


def start(client: TestClient, body: dict | None = None, **headers: str) -> dict:
    response = client.post("/v1/practice/sessions", json=body or PARCEL, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def send(client: TestClient, session_id: str, text: str, **headers: str) -> dict:
    response = client.post(
        f"/v1/practice/sessions/{session_id}/replies", json={"text": text}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


# --- scenarios and starting -------------------------------------------------------------


def test_the_shipped_scenarios_are_listed_by_default(client: TestClient) -> None:
    body = client.get("/v1/practice/scenarios").json()
    assert body["version"] and body["scenarios"]
    first = body["scenarios"][0]
    assert set(first) == {
        "id",
        "title",
        "customer_type",
        "root_cause",
        "triggers",
        "difficulty",
        "channel",
        "persona_name",
    }


def test_scenarios_are_filtered(practice: TestClient) -> None:
    def ids(**query: object) -> list[str]:
        response = practice.get("/v1/practice/scenarios", params=query)
        assert response.status_code == 200
        return [s["id"] for s in response.json()["scenarios"]]

    assert ids() == ["parcel-late", "plan-choice"]
    assert ids(customer_type="confused") == ["plan-choice"]
    assert ids(difficulty=2) == ["parcel-late"]
    assert ids(trigger="repeated_contact") == ["parcel-late"]
    assert ids(customer_type="satisfied") == []
    assert practice.get("/v1/practice/scenarios", params={"difficulty": 4}).status_code == 422


def test_a_session_starts_with_the_customers_opening(practice: TestClient) -> None:
    response = practice.post("/v1/practice/sessions", json=PARCEL)
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["mood"], body["agent"]) == ("active", 20, "local")
    scenario = body["scenario"]
    assert scenario["id"] == "parcel-late" and scenario["persona"]["name"] == "Maya"
    assert scenario["facts"]["reference"] == "A-48213"
    assert scenario["facts"]["may_not_offer"] == ["a full refund while keeping the parcel"]
    assert "opening" not in scenario and "reactions" not in scenario  # no spoilers
    [turn] = body["turns"]
    assert turn["role"] == "customer" and "A-48213" in turn["text"] and turn["mood"] == 20
    assert body["request_id"] == response.headers["x-request-id"]


def test_an_empty_body_or_filters_pick_among_the_matching(practice: TestClient) -> None:
    assert start(practice, {"customer_type": "confused"})["scenario"]["id"] == "plan-choice"
    assert start(practice, {"difficulty": 2})["scenario"]["id"] == "parcel-late"
    picked = {start(practice, {})["scenario"]["id"] for _ in range(12)}
    assert picked <= {"parcel-late", "plan-choice"}
    no_body = practice.post("/v1/practice/sessions")
    assert no_body.status_code == 201


@pytest.mark.parametrize(
    "body", [{"scenario_id": "no-such-scenario"}, {"customer_type": "satisfied"}]
)
def test_no_matching_scenario_is_404(practice: TestClient, body: dict) -> None:
    response = practice.post("/v1/practice/sessions", json=body)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "scenario_not_found"


@pytest.mark.parametrize(
    "body",
    [
        {"difficulty": 0},
        {"difficulty": 4},
        {"customer_type": "furious"},
        {"trigger": "nope"},
        {"scenario_id": "Not An Id"},
        {"unknown": 1},
        {"agent": ""},
    ],
)
def test_invalid_start_requests_are_422(practice: TestClient, body: dict) -> None:
    response = practice.post("/v1/practice/sessions", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


# --- replies ------------------------------------------------------------------------------


def test_a_good_reply_calms_and_a_careless_one_inflames(practice: TestClient) -> None:
    good = send(practice, start(practice)["id"], GOOD_REPLY)
    assert good["mood_change"] > 0 and good["mood"] == 20 + good["mood_change"]
    assert good["feedback"]["score"] > 0.5
    assert good["customer"]["text"]  # the calmed customer takes the concrete step offered
    assert (good["status"], good["ended"]) == ("resolved", True)
    careless = send(practice, start(practice)["id"], CARELESS_REPLY)
    assert careless["mood_change"] < 0 and careless["mood"] < 20
    assert careless["feedback"]["score"] < good["feedback"]["score"]


def test_calm_down_breaks_positive_language_at_its_span(practice: TestClient) -> None:
    body = send(practice, start(practice)["id"], CARELESS_REPLY)
    broken = [
        s
        for s in body["feedback"]["skills"]
        if s["skill"] == "positive_language" and s["outcome"] == "broken"
    ]
    assert broken, body["feedback"]
    calm = broken[0]
    assert CARELESS_REPLY[calm["start"] : calm["end"]] == "Calm down"
    assert calm["better"] and calm["note"]


def test_a_session_ends_and_then_refuses_replies_and_hints(practice: TestClient) -> None:
    session_id = start(practice)["id"]
    body: dict = {"ended": False}
    for _ in range(8):
        body = send(practice, session_id, CARELESS_REPLY)
        if body["ended"]:
            break
    assert body["ended"] and body["status"] == "lost"
    again = practice.post(f"/v1/practice/sessions/{session_id}/replies", json={"text": GOOD_REPLY})
    assert again.status_code == 409 and again.json()["code"] == "session_ended"
    hint = practice.get(f"/v1/practice/sessions/{session_id}/hint")
    assert hint.status_code == 409 and hint.json()["code"] == "session_ended"


def test_a_resolved_session_scores_high(practice: TestClient) -> None:
    session_id = start(practice)["id"]
    send(practice, session_id, GOOD_REPLY)
    transcript = practice.get(f"/v1/practice/sessions/{session_id}").json()
    assert transcript["status"] == "resolved" and transcript["score_card"]["score"] > 50


def test_a_retried_reply_with_an_idempotency_key_counts_once(practice: TestClient) -> None:
    session_id = start(practice)["id"]
    path = f"/v1/practice/sessions/{session_id}/replies"
    mild = "Calm down. I'll check where order A-48213 is and email you by 5 pm today."
    headers = {"Idempotency-Key": "reply-1"}
    first = practice.post(path, json={"text": mild}, headers=headers)
    again = practice.post(path, json={"text": mild}, headers=headers)
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    transcript = practice.get(f"/v1/practice/sessions/{session_id}").json()
    assert transcript["score_card"]["replies"] == 1


@pytest.mark.parametrize(
    "body", [{"text": ""}, {"text": "   \n "}, {"text": "x" * 2001}, {}, {"text": "hi", "x": 1}]
)
def test_invalid_replies_are_422(practice: TestClient, body: dict) -> None:
    session_id = start(practice)["id"]
    response = practice.post(f"/v1/practice/sessions/{session_id}/replies", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


def test_an_unknown_session_is_404(practice: TestClient) -> None:
    for response in (
        practice.post("/v1/practice/sessions/nope/replies", json={"text": "Hello"}),
        practice.get("/v1/practice/sessions/nope"),
        practice.get("/v1/practice/sessions/nope/hint"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "session_not_found"


# --- transcript and hint ------------------------------------------------------------------


def test_the_transcript_has_feedback_on_agent_turns_and_a_score_card(
    practice: TestClient,
) -> None:
    session_id = start(practice)["id"]
    mild = "Calm down. I'll check where order A-48213 is and email you by 5 pm today."
    send(practice, session_id, mild)
    body = practice.get(f"/v1/practice/sessions/{session_id}").json()
    roles = [t["role"] for t in body["turns"]]
    assert roles == ["customer", "agent", "customer"]
    agent_turn = body["turns"][1]
    assert agent_turn["text"] == mild and agent_turn["feedback"]
    assert agent_turn["score"] is not None
    assert body["turns"][0]["feedback"] is None
    card = body["score_card"]
    assert card["replies"] == 1 and card["status"] == "active"
    assert card["skills"]["positive_language"] == 0.0 and card["skills"]["escalation"] is None
    assert "positive_language" in card["to_practise"]
    assert body["started_at"] <= body["updated_at"]
    assert (body["agent"], body["scenario"]["id"]) == ("local", "parcel-late")


def test_the_hint_is_the_services_own_suggestion(practice: TestClient) -> None:
    session_id = start(practice)["id"]
    response = practice.get(f"/v1/practice/sessions/{session_id}/hint")
    assert response.status_code == 200
    text = response.json()["text"]
    assert text and "{" not in text  # the scenario's facts fill the agent's fields


# --- roles --------------------------------------------------------------------------------


@pytest.fixture
def keys(auth_client: TestClient, mint_key: Callable) -> dict[str, dict[str, str]]:
    """Headers for each kind of caller in tenant acme, the tests' scenarios published."""
    store = auth_client.app.state.services.store_keeper.store  # type: ignore[attr-defined]

    def named(role: str, name: str) -> dict[str, str]:
        return {"X-API-Key": create_key(store, "acme", role, name=name).secret}  # type: ignore[arg-type]

    found = {
        "ana": named("agent", "Ana"),
        "ben": named("agent", "Ben"),
        "lead": named("lead", "Lea"),
        "service": {"X-API-Key": mint_key(auth_client, "acme", "service")},
        "admin": {"X-API-Key": mint_key(auth_client, "acme", "admin")},
        "widget": {"X-API-Key": mint_key(auth_client, "acme", "widget")},
        "other": {"X-API-Key": mint_key(auth_client, "other", "lead")},
    }
    publish_test_scenarios(auth_client, found["admin"])
    return found


def test_an_agent_sees_only_its_own_sessions(auth_client: TestClient, keys: dict) -> None:
    ana = start(auth_client, **keys["ana"])
    assert ana["agent"].startswith("key_")
    mine = auth_client.get(f"/v1/practice/sessions/{ana['id']}", headers=keys["ana"]).json()
    assert mine["agent_name"] == "Ana"
    for response in (
        auth_client.get(f"/v1/practice/sessions/{ana['id']}", headers=keys["ben"]),
        auth_client.post(
            f"/v1/practice/sessions/{ana['id']}/replies",
            json={"text": GOOD_REPLY},
            headers=keys["ben"],
        ),
        auth_client.get(f"/v1/practice/sessions/{ana['id']}/hint", headers=keys["ben"]),
        auth_client.get(f"/v1/practice/sessions/{ana['id']}", headers=keys["other"]),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "session_not_found"


def test_an_agent_cannot_practise_as_someone_else(auth_client: TestClient, keys: dict) -> None:
    response = auth_client.post(
        "/v1/practice/sessions", json={**PARCEL, "agent": "someone"}, headers=keys["ana"]
    )
    assert response.status_code == 403


def test_a_lead_sees_every_agents_sessions(auth_client: TestClient, keys: dict) -> None:
    ana, ben = start(auth_client, **keys["ana"]), start(auth_client, **keys["ben"])
    for session in (ana, ben):
        read = auth_client.get(f"/v1/practice/sessions/{session['id']}", headers=keys["lead"])
        assert read.status_code == 200
        send(auth_client, session["id"], GOOD_REPLY, **keys["lead"])


def test_a_service_key_practises_for_a_named_agent(auth_client: TestClient, keys: dict) -> None:
    unnamed = auth_client.post("/v1/practice/sessions", json=PARCEL, headers=keys["service"])
    assert unnamed.status_code == 422
    named = start(auth_client, {**PARCEL, "agent": "dana@acme"}, **keys["service"])
    assert named["agent"] == "dana@acme"
    send(auth_client, named["id"], GOOD_REPLY, **keys["service"])


def test_which_roles_reach_practice_and_the_report(auth_client: TestClient, keys: dict) -> None:
    def status(method: str, path: str, who: str) -> int:
        return auth_client.request(method, path, headers=keys[who]).status_code

    for who in ("ana", "lead", "service", "admin"):
        assert status("GET", "/v1/practice/scenarios", who) == 200, who
    assert status("GET", "/v1/practice/scenarios", "widget") == 403
    for who in ("lead", "service", "admin"):
        assert status("GET", "/v1/practice/report", who) == 200, who
    for who in ("ana", "widget"):
        assert status("GET", "/v1/practice/report", who) == 403, who
    # The new roles reach nothing else.
    for who in ("ana", "lead"):
        assert status("GET", "/v1/conversations/c-1", who) == 403, who
        assert status("GET", "/v1/admin/keys", who) == 403, who
        assert status("GET", "/v1/insights", who) == 403, who
    assert auth_client.get("/v1/practice/scenarios").status_code == 401


def test_the_report_counts_each_agents_sessions(auth_client: TestClient, keys: dict) -> None:
    resolved = start(auth_client, **keys["ana"])["id"]
    assert send(auth_client, resolved, GOOD_REPLY, **keys["ana"])["status"] == "resolved"
    start(auth_client, **keys["ana"])  # still active
    lost = start(auth_client, **keys["ben"])["id"]
    for _ in range(8):
        if send(auth_client, lost, CARELESS_REPLY, **keys["ben"])["ended"]:
            break
    response = auth_client.get("/v1/practice/report", headers=keys["lead"])
    assert response.status_code == 200
    body = response.json()
    agents = {a["name"]: a for a in body["agents"]}
    ana, ben = agents["Ana"], agents["Ben"]
    assert (ana["sessions"], ana["ended"]) == (2, 1)
    assert ana["outcomes"] == {"resolved": 1, "escalated": 0, "lost": 0, "active": 1}
    assert ben["outcomes"]["lost"] == 1 and ben["mean_score"] < ana["mean_score"]
    assert ben["skills"]["positive_language"] == 0.0
    [week] = ana["by_week"]
    assert week["sessions"] == 2
    [scenario] = body["scenarios"]
    assert (scenario["id"], scenario["sessions"], scenario["lost"]) == ("parcel-late", 3, 1)
    assert scenario["lost_rate"] == pytest.approx(1 / 3, abs=1e-3)
    other = auth_client.get("/v1/practice/report", headers=keys["other"]).json()
    assert other["agents"] == [] and other["scenarios"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2030-02-01", "to": "2030-01-01"},
        {"from": "2020-01-01", "to": "2030-01-01"},
        {"from": "not-a-day"},
    ],
)
def test_bad_report_periods_are_422(practice: TestClient, query: dict) -> None:
    response = practice.get("/v1/practice/report", params=query)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
