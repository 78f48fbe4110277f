"""Insights over the store, on SQLite and PostgreSQL: counts, buckets, tenants, replies."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Connection, delete

from app.insights.periods import Period
from app.insights.report import read_insights
from app.store.conversations import ConversationStore, NewOutcome, NewTurn
from app.store.db import ConversationRow, FollowUpRow, OutcomeRow, TurnRow
from app.store.rollups import ROLLUPS

DAY = date(2030, 1, 1)  # a Tuesday; its ISO week starts on Monday 2029-12-31
NOON = datetime(2030, 1, 1, 12, tzinfo=UTC)
PERIOD = Period(DAY, DAY + timedelta(days=6))


def _remove_tenant(store: ConversationStore, tenant: str) -> None:
    def work(conn: Connection) -> None:
        for table in (*ROLLUPS, TurnRow, OutcomeRow, FollowUpRow, ConversationRow):
            conn.execute(delete(table).where(table.tenant_id == tenant))

    store.transaction(work, write=True)


@pytest.fixture
def tenant(store: ConversationStore) -> Iterator[str]:
    """A tenant of this test alone: the PostgreSQL database is shared."""
    name = f"insights-{uuid.uuid4().hex[:12]}"
    yield name
    _remove_tenant(store, name)


@pytest.fixture
def other_tenant(store: ConversationStore) -> Iterator[str]:
    name = f"insights-other-{uuid.uuid4().hex[:12]}"
    yield name
    _remove_tenant(store, name)


def say(
    store: ConversationStore,
    tenant: str,
    conversation: str,
    at: datetime,
    *,
    score: float = 0.0,
    customer_type: str = "neutral",
    cause: str | None = None,
    triggers: Sequence[str] = (),
) -> None:
    store.append_turn(
        NewTurn(
            tenant_id=tenant,
            conversation_id=conversation,
            at=at,
            channel="chat",
            text=None,
            sentiment_label="negative" if score < 0 else "neutral",
            sentiment_score=score,
            customer_type=customer_type,  # type: ignore[arg-type]
            intensity=0.5,
            root_cause=cause,
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


def close(
    store: ConversationStore,
    tenant: str,
    conversation: str,
    at: datetime,
    *,
    resolved: bool,
    used: Sequence[str] = (),
    satisfaction: int | None = None,
) -> None:
    outcome = NewOutcome(
        resolved=resolved, at=at, satisfaction=satisfaction, responses_used=list(used)
    )
    store.record_outcome(conversation, outcome, tenant_id=tenant)


def test_counts_messages_types_triggers_and_causes(store: ConversationStore, tenant: str) -> None:
    say(
        store,
        tenant,
        "a",
        NOON,
        score=-0.8,
        customer_type="angry",
        cause="delay",
        triggers=["human_request", "repeated_contact"],
    )
    say(
        store,
        tenant,
        "a",
        NOON + timedelta(minutes=5),
        score=-0.4,
        customer_type="angry",
        cause="delay",
    )
    say(store, tenant, "b", NOON, score=0.6, customer_type="satisfied")
    say(
        store,
        tenant,
        "c",
        NOON,
        score=-0.2,
        customer_type="confused",
        cause="billing",
        triggers=["legal_threat"],
    )

    found = read_insights(store, tenant, PERIOD)

    assert (found.turns, found.conversations) == (4, 3)
    assert (found.flagged_turns, found.flagged_conversations) == (2, 2)
    assert found.mean_sentiment == pytest.approx((-0.8 - 0.4 + 0.6 - 0.2) / 4)
    assert found.customer_types == {
        "angry": 2,
        "dissatisfied": 0,
        "demanding": 0,
        "indecisive": 0,
        "confused": 1,
        "satisfied": 1,
        "neutral": 0,
    }
    assert {k: v for k, v in found.triggers.items() if v} == {
        "human_request": 1,
        "repeated_contact": 1,
        "legal_threat": 1,
    }
    assert set(found.triggers) >= {"abuse", "safety_risk"}  # every type, for a stable chart
    assert {k: v for k, v in found.root_causes.items() if v} == {
        "delay": 2,
        "billing": 1,
        "unknown": 1,
    }


def test_days_are_utc_days_and_empty_ones_are_kept(store: ConversationStore, tenant: str) -> None:
    late = datetime(2030, 1, 1, 23, 30, tzinfo=UTC)
    # Past midnight in UTC+2, still 22:30 on the 1st in UTC.
    east = datetime(2030, 1, 2, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    say(store, tenant, "a", late, score=-1.0)
    say(store, tenant, "b", east, score=0.5)
    say(store, tenant, "b", datetime(2030, 1, 3, tzinfo=UTC), score=0.2)

    found = read_insights(store, tenant, Period(DAY, date(2030, 1, 4)))

    assert [(b.start, b.turns, b.conversations) for b in found.series] == [
        (date(2030, 1, 1), 2, 2),
        (date(2030, 1, 2), 0, 0),
        (date(2030, 1, 3), 1, 1),
        (date(2030, 1, 4), 0, 0),
    ]
    assert [b.mean_sentiment for b in found.series] == [-0.25, None, 0.2, None]


def test_weeks_start_on_monday(store: ConversationStore, tenant: str) -> None:
    sunday_night = datetime(2030, 1, 6, 23, 59, tzinfo=UTC)
    monday = datetime(2030, 1, 7, tzinfo=UTC)
    say(store, tenant, "a", NOON, triggers=["churn_threat"])
    say(store, tenant, "a", sunday_night)
    say(store, tenant, "b", monday)

    found = read_insights(store, tenant, Period(DAY, date(2030, 1, 13), "week"))

    assert [(b.start, b.turns, b.conversations, b.flagged_turns) for b in found.series] == [
        (date(2029, 12, 31), 2, 1, 1),
        (date(2030, 1, 7), 1, 1, 0),
    ]


def test_messages_outside_the_period_do_not_count(store: ConversationStore, tenant: str) -> None:
    say(store, tenant, "before", PERIOD.start - timedelta(seconds=1))
    say(store, tenant, "after", PERIOD.end)  # the first instant after the last day
    say(store, tenant, "inside", PERIOD.end - timedelta(seconds=1))

    found = read_insights(store, tenant, PERIOD)

    assert (found.turns, found.conversations) == (1, 1)
    assert found.series[-1].turns == 1


def test_another_tenant_is_never_counted(
    store: ConversationStore, tenant: str, other_tenant: str
) -> None:
    # The same conversation id in both tenants stays two conversations.
    say(store, tenant, "shared-id", NOON, customer_type="angry", triggers=["abuse"])
    say(store, other_tenant, "shared-id", NOON, customer_type="confused", triggers=["legal_threat"])
    say(store, other_tenant, "theirs", NOON)
    close(store, other_tenant, "shared-id", NOON, resolved=True, used=["x-1"])

    found = read_insights(store, tenant, PERIOD)

    assert (found.turns, found.conversations, found.flagged_conversations) == (1, 1, 1)
    assert found.customer_types["angry"] == 1 and found.customer_types["confused"] == 0
    assert found.triggers["abuse"] == 1 and found.triggers["legal_threat"] == 0
    assert found.responses == [] and found.outcomes.conversations == 0


def test_problems_pair_causes_with_the_triggers_they_led_to(
    store: ConversationStore, tenant: str
) -> None:
    for conversation in ("a", "b"):
        say(store, tenant, conversation, NOON, cause="delay", triggers=["repeated_contact"])
    say(
        store,
        tenant,
        "a",
        NOON + timedelta(hours=1),
        cause="delay",
        triggers=["repeated_contact", "human_request"],
    )
    say(store, tenant, "c", NOON, cause="billing", triggers=["legal_threat"])

    found = read_insights(store, tenant, PERIOD)

    assert [(p.root_cause, p.trigger, p.conversations) for p in found.problems] == [
        ("delay", "repeated_contact", 2),
        ("billing", "legal_threat", 1),
        ("delay", "human_request", 1),
    ]
    assert found.triggers["repeated_contact"] == 3  # raised three times, in two conversations


def test_replies_rank_by_resolution_and_the_latest_outcome_decides(
    store: ConversationStore, tenant: str
) -> None:
    for conversation in ("c1", "c2", "c3", "c4", "old"):
        say(store, tenant, conversation, NOON)
    later = NOON + timedelta(hours=2)
    close(store, tenant, "c1", NOON, resolved=False, used=["a"], satisfaction=1)
    close(store, tenant, "c1", later, resolved=True, used=["b"], satisfaction=4)
    close(store, tenant, "c2", later, resolved=False, used=["b"], satisfaction=2)
    close(store, tenant, "c3", later, resolved=True, used=["c"])
    close(store, tenant, "c4", later, resolved=True, used=["a"], satisfaction=5)
    # An outcome after the period is not part of it.
    close(store, tenant, "old", PERIOD.end, resolved=False, used=["c", "c"])

    found = read_insights(store, tenant, PERIOD)

    ranked = [(r.id, r.used, r.resolved) for r in found.responses]
    # a: 2 of 2; c: 1 of 1 (one lucky use ranks below two); b: 1 of 2.
    assert ranked == [("a", 2, 2), ("c", 1, 1), ("b", 2, 1)]
    assert found.responses[2].resolution_rate == 0.5
    assert (found.outcomes.conversations, found.outcomes.resolved) == (4, 3)
    assert found.outcomes.mean_satisfaction == pytest.approx((4 + 2 + 5) / 3, abs=0.01)


def test_an_empty_period_has_zeros_and_no_means(store: ConversationStore, tenant: str) -> None:
    found = read_insights(store, tenant, PERIOD)

    assert (found.turns, found.conversations, found.flagged_turns) == (0, 0, 0)
    assert found.mean_sentiment is None
    assert len(found.series) == 7 and all(b.turns == 0 for b in found.series)
    assert not any(found.customer_types.values()) and not any(found.triggers.values())
    assert found.problems == [] and found.responses == []
    assert found.outcomes.mean_satisfaction is None
