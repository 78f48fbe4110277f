"""scripts/demo_data.py: demo conversations through the engine, replaced on each run."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from app.core.labels import DEFAULT_TENANT
from app.insights.periods import Period
from app.insights.report import read_insights
from scripts.demo_data import seed


def test_demo_data_fills_the_default_period_and_replaces_itself(client: TestClient) -> None:
    engine = client.app.state.services.loader.engine  # type: ignore[attr-defined]
    store = engine.memory.store
    client.post("/v1/triage", json={"text": "Where is my parcel?", "conversation_id": "real-1"})
    now = datetime(2030, 3, 15, 18, tzinfo=UTC)
    period = Period.ending(now.date())

    first = seed(engine, conversations=40, now=now, rng=random.Random(1))
    second = seed(engine, conversations=25, now=now, rng=random.Random(2))

    found = read_insights(store, DEFAULT_TENANT, period)
    assert (found.conversations, found.turns) == (25, second.turns)  # the first run is gone
    assert first.turns > second.turns > 25
    assert found.outcomes.conversations == second.outcomes > 0
    assert sum(found.triggers.values()) > 0 and found.flagged_conversations > 0
    assert any(found.customer_types[t] for t in ("angry", "demanding", "dissatisfied"))
    assert found.responses, "the outcomes report replies the engine suggested"
    # Every message lies in the dashboard's default period, none after `now`.
    before = read_insights(store, DEFAULT_TENANT, Period.ending(now.date() - timedelta(days=30)))
    after = read_insights(store, DEFAULT_TENANT, Period.ending(now.date() + timedelta(days=30)))
    assert before.turns == 0 and after.turns == 0
    assert store.get("real-1") is not None, "only demo conversations are replaced"
