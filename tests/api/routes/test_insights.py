"""GET /v1/insights: defaults, validation, tenant scope, and real triage feeding it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, delete

from app.api.auth import Principal, get_principal
from app.core.config import Settings
from app.main import create_app
from app.replies.bank import ResponseBank
from app.store.conversations import ConversationStore, NewOutcome, NewTurn
from app.store.db import ConversationRow, FollowUpRow, OutcomeRow, TurnRow
from tests.conftest import POSTGRES_URL, FakeClassifier


@pytest.fixture(params=["sqlite", "postgres"])
def backend_client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    url = None if request.param == "sqlite" else POSTGRES_URL
    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    with TestClient(create_app(settings, classifier=FakeClassifier())) as client:
        yield client


def store_of(client: TestClient) -> ConversationStore:
    store = client.app.state.services.store_keeper.store  # type: ignore[attr-defined]
    assert store is not None
    return store


@pytest.fixture
def tenants(backend_client: TestClient) -> Iterator[list[str]]:
    """Two tenants of this test alone (the PostgreSQL database is shared), removed after."""
    names = [f"api-insights-{uuid.uuid4().hex[:12]}" for _ in range(2)]
    yield names

    def work(conn: Connection) -> None:
        for table in (TurnRow, OutcomeRow, FollowUpRow, ConversationRow):
            conn.execute(delete(table).where(table.tenant_id.in_(names)))

    store_of(backend_client).transaction(work, write=True)


def act_as(client: TestClient, tenant: str, role: str = "service") -> None:
    client.app.dependency_overrides[get_principal] = lambda: Principal(tenant, role)  # type: ignore[attr-defined,arg-type]


def keep_turn(
    store: ConversationStore,
    tenant: str,
    conversation: str,
    *,
    customer_type: str,
    triggers: tuple[str, ...] = (),
) -> None:
    store.append_turn(
        NewTurn(
            tenant_id=tenant,
            conversation_id=conversation,
            at=datetime.now(UTC) - timedelta(hours=1),
            channel="chat",
            text=None,
            sentiment_label="negative",
            sentiment_score=-0.5,
            customer_type=customer_type,  # type: ignore[arg-type]
            intensity=0.6,
            triggers=[
                {
                    "type": t,
                    "evidence": "",
                    "start": 0,
                    "end": 0,
                    "source": "pattern",
                    "confidence": 0.9,
                }
                for t in triggers
            ],
        )
    )


def assert_problem(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["request_id"]
    return body


def test_by_default_the_last_30_days_by_day(client: TestClient) -> None:
    body = client.get("/v1/insights").json()
    today = datetime.now(UTC).date()
    assert body["period"] == {
        "start": str(today - timedelta(days=29)),
        "end": str(today),
        "bucket": "day",
        "days": 30,
    }
    assert [b["start"] for b in body["series"]][-1] == str(today)
    assert len(body["series"]) == 30
    assert body["totals"]["turns"] == 0 and body["escalation_rate"]["turns"] is None


def test_the_calendar_s_first_days_are_a_period_like_any_other(
    backend_client: TestClient,
) -> None:
    params = {"from": "0001-01-01", "to": "0001-01-31", "bucket": "week"}
    response = backend_client.get("/v1/insights", params=params)
    assert response.status_code == 200
    assert len(response.json()["series"]) == 5


def test_weeks_are_asked_for_with_bucket(client: TestClient) -> None:
    body = client.get(
        "/v1/insights", params={"from": "2030-01-01", "to": "2030-01-31", "bucket": "week"}
    ).json()
    starts = [date.fromisoformat(b["start"]) for b in body["series"]]
    assert starts[0] == date(2029, 12, 31) and len(starts) == 5
    assert all(d.weekday() == 0 for d in starts)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"from": "yesterday"}, None),
        ({"to": "2030-02-30"}, None),
        ({"bucket": "month"}, None),
        ({"from": "2030-02-01", "to": "2030-01-01"}, "after"),
        ({"from": "2028-01-01", "to": "2030-01-01"}, "at most 366"),
        ({"to": "0001-01-05"}, "before 0001-01-01"),
        ({"from": "9999-12-01", "to": "9999-12-31"}, "before 9999-12-31"),
    ],
)
def test_bad_periods_are_422_problems(
    client: TestClient, params: dict[str, str], words: str | None
) -> None:
    body = assert_problem(client.get("/v1/insights", params=params))
    assert body["code"] == "invalid_request"
    if words:
        assert words in body["message"]
    else:
        [name] = params
        assert body["errors"][0]["loc"] == ["query", name]


def test_each_tenant_sees_only_its_own(backend_client: TestClient, tenants: list[str]) -> None:
    mine, theirs = tenants
    store = store_of(backend_client)
    keep_turn(store, mine, "same-id", customer_type="angry", triggers=("human_request",))
    keep_turn(store, theirs, "same-id", customer_type="confused")
    keep_turn(store, theirs, "other", customer_type="confused", triggers=("legal_threat",))

    act_as(backend_client, mine)
    body = backend_client.get("/v1/insights").json()
    assert body["totals"]["turns"] == 1
    assert body["customer_types"]["angry"] == 1 and body["customer_types"]["confused"] == 0
    assert body["triggers"]["human_request"] == 1 and body["triggers"]["legal_threat"] == 0
    assert body["escalation_rate"] == {"turns": 1.0, "conversations": 1.0}

    act_as(backend_client, theirs)
    body = backend_client.get("/v1/insights").json()
    assert body["totals"]["turns"] == 2 and body["customer_types"]["confused"] == 2
    assert body["escalation_rate"] == {"turns": 0.5, "conversations": 0.5}


def test_replies_are_worded_as_the_bank_words_them(
    backend_client: TestClient, tenants: list[str]
) -> None:
    tenant = tenants[0]
    store = store_of(backend_client)
    entry = ResponseBank.default().entries[0]
    keep_turn(store, tenant, "c1", customer_type="angry")
    outcome = NewOutcome(
        resolved=True, at=datetime.now(UTC), responses_used=[entry.id, "retired-entry"]
    )
    store.record_outcome("c1", outcome, tenant_id=tenant)

    act_as(backend_client, tenant)
    replies = {r["id"]: r for r in backend_client.get("/v1/insights").json()["responses"]}
    assert replies[entry.id]["step"] == entry.step
    assert replies[entry.id]["text"] and "{" not in replies[entry.id]["text"]
    assert replies["retired-entry"] == {
        "id": "retired-entry",
        "step": None,
        "text": None,
        "used": 1,
        "resolved": 1,
        "resolution_rate": 1.0,
    }


def test_triaged_messages_and_outcomes_feed_the_insights(client: TestClient) -> None:
    """The whole loop on the default tenant: /v1/triage and /v1/.../outcome in, insights out."""
    angry = "This is the third time I'm writing, I want to speak to your manager!!"
    first = client.post("/v1/triage", json={"text": angry, "conversation_id": "loop-1"}).json()
    client.post("/v1/triage", json={"text": "thanks, that is great", "conversation_id": "loop-2"})
    client.post("/v1/triage", json={"text": "no conversation id: not kept"})
    suggested = first["playbook"][0]["responses"][0]["id"]
    client.post(
        "/v1/conversations/loop-1/outcome",
        json={"resolved": True, "satisfaction": 5, "responses_used": [suggested]},
    )

    body = client.get("/v1/insights").json()

    assert body["totals"]["turns"] == 2 and body["totals"]["conversations"] == 2
    assert body["series"][-1]["turns"] == 2
    raised = {t["type"] for t in first["escalation"]["triggers"]}
    assert {k for k, v in body["triggers"].items() if v} == raised
    assert body["customer_types"][first["customer_type"]["label"]] >= 1
    assert body["root_causes"]["delay"] == 1  # the fake model's cause for negative messages
    assert body["escalation_rate"]["conversations"] == 0.5
    assert [(r["id"], r["resolved"]) for r in body["responses"]] == [(suggested, 1)]
    assert body["outcomes"] == {
        "conversations": 1,
        "resolved": 1,
        "resolution_rate": 1.0,
        "mean_satisfaction": 5.0,
    }


def test_without_the_store_insights_are_a_503(client: TestClient) -> None:
    keeper = client.app.state.services.store_keeper  # type: ignore[attr-defined]
    store, keeper.store = keeper.store, None
    try:
        body = assert_problem(client.get("/v1/insights"), 503)
    finally:
        keeper.store = store
    assert body["code"] == "store_unavailable"


def test_a_widget_key_may_not_read_insights(client: TestClient) -> None:
    act_as(client, "default", role="widget")
    body = assert_problem(client.get("/v1/insights"), 403)
    assert body["code"] == "forbidden"
