"""The report's day roll-ups: kept with every write and delete, equal to a recount, migrated."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, delete, select, text

from app.insights.periods import Period
from app.insights.report import read_insights
from app.store import rollups
from app.store.conversations import ConversationStore, NewTurn
from app.store.db import MIGRATIONS_DIR, ConversationRow, TurnRow

START = datetime(2030, 3, 1, 22, 30, tzinfo=UTC)  # turns cross midnight: two days
TYPES = ("angry", "neutral", "confused")
CAUSES = ("delay", "billing", None)
TRIGGERS = ("repeated_contact", "human_request", "churn_threat")


@pytest.fixture
def tenant(store: ConversationStore) -> Iterator[str]:
    name = f"rollups-{uuid.uuid4().hex[:12]}"
    yield name

    def work(conn) -> None:  # type: ignore[no-untyped-def]
        for table in (*rollups.ROLLUPS, TurnRow, ConversationRow):
            conn.execute(delete(table).where(table.tenant_id == name))

    store.transaction(work, write=True)


def snapshot(store: ConversationStore, tenant: str) -> dict[str, list[tuple]]:
    """Every roll-up row of the tenant, sorted, sums rounded."""

    def work(conn) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
        out = {}
        for table in rollups.ROLLUPS:
            rows = conn.execute(
                select(*table.__table__.columns).where(table.tenant_id == tenant)
            ).all()
            out[table.__tablename__] = sorted(
                tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows
            )
        return out

    return store.transaction(work)


def write_turns(store: ConversationStore, tenant: str, rng: random.Random, count: int) -> None:
    """Turns over about four days, arriving out of order, eight conversations among them."""
    order = list(range(count))
    rng.shuffle(order)
    for n in order:
        fired = rng.sample(TRIGGERS, rng.choice((0, 0, 1, 2)))
        store.append_turn(
            NewTurn(
                tenant_id=tenant,
                conversation_id=f"c{rng.randrange(8)}",
                at=START + timedelta(minutes=97 * n),
                channel="chat",
                text=None,
                sentiment_label="neutral",
                sentiment_score=rng.uniform(-1, 1),
                customer_type=rng.choice(TYPES),  # type: ignore[arg-type]
                intensity=0.5,
                root_cause=rng.choice(CAUSES),
                triggers=[
                    {"type": t, "evidence": "", "start": 0, "end": 0, "source": "pattern"}
                    for t in fired
                ],
            )
        )


def test_roll_ups_equal_a_recount_after_writes_deletes_and_a_purge(
    store: ConversationStore, tenant: str
) -> None:
    write_turns(store, tenant, random.Random(3), 60)
    assert store.delete("c1", tenant_id=tenant)
    kept = snapshot(store, tenant)
    assert kept["report_days"] and kept["report_trigger_days"]
    assert not [r for r in kept["report_conversation_days"] if "c1" in r]
    store.transaction(lambda conn: rollups.rebuild(conn, tenant), write=True)
    assert snapshot(store, tenant) == kept

    store.purge(START + timedelta(days=30))  # every conversation goes
    assert snapshot(store, tenant) == {t.__tablename__: [] for t in rollups.ROLLUPS}


@pytest.mark.parametrize(
    ("first", "days", "bucket"),
    [(0, 5, "day"), (1, 2, "day"), (2, 1, "day"), (1, 4, "week"), (0, 14, "week")],
)
def test_the_report_counts_what_the_turns_say(
    store: ConversationStore, tenant: str, first: int, days: int, bucket: str
) -> None:
    """Over any period and bucket, the roll-ups give what a count of the turns gives."""
    write_turns(store, tenant, random.Random(5), 60)
    store.delete("c2", tenant_id=tenant)
    period = Period(
        START.date() + timedelta(days=first),
        START.date() + timedelta(days=first + days - 1),
        bucket,  # type: ignore[arg-type]
    )
    report = read_insights(store, tenant, period)
    stored = store.transaction(
        lambda conn: conn.execute(select(TurnRow).where(TurnRow.tenant_id == tenant)).all()
    )
    turns = [t for t in stored if period.first <= t.at.date() <= period.last]
    assert report.turns == len(turns)
    assert report.conversations == len({t.conversation_id for t in turns})
    assert report.flagged_turns == sum(1 for t in turns if t.triggers)
    assert report.flagged_conversations == len({t.conversation_id for t in turns if t.triggers})
    assert sum(report.triggers.values()) == sum(len(t.triggers) for t in turns)
    pairs = {
        (t.root_cause or "unknown", f["type"], t.conversation_id) for t in turns for f in t.triggers
    }
    assert {(p.root_cause, p.trigger): p.conversations for p in report.problems} == {
        (cause, kind): len({c for k2, t2, c in pairs if (k2, t2) == (cause, kind)})
        for cause, kind, _ in pairs
    }
    for stats in report.series:
        inside = [t for t in turns if period.bucket_of(t.at.date()) == stats.start]
        assert (stats.turns, stats.conversations) == (
            len(inside),
            len({t.conversation_id for t in inside}),
        )
    if turns:
        assert report.mean_sentiment == pytest.approx(
            sum(t.sentiment_score for t in turns) / len(turns), abs=1e-4
        )


def test_the_migration_counts_the_turns_stored_before_it(
    tmp_path: Path, empty_database: str
) -> None:
    engine = create_engine(empty_database)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
        for n, fired in enumerate(['[{"type": "abuse"}]', "[]", '[{"type": "abuse"}]']):
            at = (START + timedelta(hours=n)).isoformat()
            conn.execute(
                text(
                    "INSERT INTO conversations (tenant_id, id, channel, created_at, updated_at) "
                    "VALUES ('old', :id, 'chat', :at, :at)"
                ),
                {"id": f"c{n}", "at": at},
            )
            conn.execute(
                text(
                    "INSERT INTO turns (tenant_id, conversation_id, at, channel, sentiment_label, "
                    "sentiment_score, customer_type, intensity, root_cause, triggers, "
                    "responses_suggested, flagged) VALUES ('old', :id, :at, 'chat', 'negative', "
                    "-0.5, 'angry', 0.5, NULL, :fired, '[]', :flagged)"
                ),
                {"id": f"c{n}", "at": at, "fired": fired, "flagged": int(fired != "[]")},
            )
    engine.dispose()
    store = ConversationStore.open(empty_database, data_dir=tmp_path)  # migrates to head
    migrated = snapshot(store, "old")
    report = read_insights(store, "old", Period(START.date(), START.date() + timedelta(days=1)))
    assert (report.turns, report.conversations, report.flagged_conversations) == (3, 3, 2)
    assert report.triggers["abuse"] == 2 and [s.turns for s in report.series] == [2, 1]
    assert report.problems[0].root_cause == "unknown" and report.problems[0].conversations == 2
    store.transaction(lambda conn: rollups.rebuild(conn, "old"), write=True)
    assert snapshot(store, "old") == migrated
    store.close()
