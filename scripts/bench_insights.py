"""Insights at scale: the lead's report over a large store, timed on SQLite and PostgreSQL.

    python scripts/bench_insights.py --turns 300000
    python scripts/bench_insights.py --turns 300000 --database postgresql+psycopg://postgres@127.0.0.1:5432/test

Seeds one tenant with `--turns` synthetic messages (three per conversation, over 90 days, a
third of them with a trigger, outcomes for a tenth of the conversations) beside another
tenant's as many again, then reads the 30-day and the 90-day report `--repeat` times each and
prints p50 and p95; then times `--writes` appends through the store, which keeps the report's
day roll-ups (`--without-rollups` shows what they cost a write). The seeded rows are removed
at the end (on PostgreSQL they share the test database).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, insert  # noqa: E402

from app.insights.periods import Period  # noqa: E402
from app.insights.report import read_insights  # noqa: E402
from app.store import conversations  # noqa: E402
from app.store.conversations import ConversationStore, NewTurn  # noqa: E402
from app.store.db import ConversationRow, OutcomeRow, TurnRow  # noqa: E402
from app.store.rollups import ROLLUPS, rebuild  # noqa: E402

TYPES = ("angry", "dissatisfied", "demanding", "indecisive", "confused", "satisfied", "neutral")
CAUSES = ("delay", "service_failure", "billing", "miscommunication", "missed_promise", None)
TRIGGERS = ("repeated_contact", "human_request", "churn_threat", "legal_threat", "abuse")
CHUNK = 5_000
END = date(2026, 11, 30)


def seed(store: ConversationStore, tenant: str, turns: int, rng: random.Random) -> None:
    start = datetime.combine(END, datetime.min.time(), UTC) - timedelta(days=90)
    conversations = turns // 3
    with store._engine.begin() as conn:
        for first in range(0, conversations, CHUNK):
            rows, turn_rows, outcome_rows = [], [], []
            for n in range(first, min(first + CHUNK, conversations)):
                at = start + timedelta(seconds=rng.randrange(90 * 86400))
                cid = f"{tenant}-c{n}"
                rows.append(
                    {
                        "tenant_id": tenant,
                        "id": cid,
                        "customer_id": f"u{n % 5000}",
                        "channel": "chat",
                        "created_at": at,
                        "updated_at": at,
                    }
                )
                for k in range(3):
                    fired = (
                        [
                            {
                                "type": rng.choice(TRIGGERS),
                                "evidence": "x",
                                "start": 0,
                                "end": 1,
                                "source": "pattern",
                                "confidence": 0.9,
                            }
                        ]
                        if rng.random() < 0.33
                        else []
                    )
                    turn_rows.append(
                        {
                            "tenant_id": tenant,
                            "conversation_id": cid,
                            "at": at + timedelta(minutes=k),
                            "channel": "chat",
                            "text": "m" * 200,
                            "sentiment_label": "negative",
                            "sentiment_score": rng.uniform(-1, 1),
                            "customer_type": rng.choice(TYPES),
                            "intensity": rng.random(),
                            "root_cause": rng.choice(CAUSES),
                            "triggers": fired,
                            "flagged": len(fired),
                            "responses_suggested": ["ack-any-chat-01", "sol-any-chat-01"],
                        }
                    )
                if n % 10 == 0:
                    outcome_rows.append(
                        {
                            "tenant_id": tenant,
                            "conversation_id": cid,
                            "at": at + timedelta(hours=1),
                            "resolved": rng.random() < 0.6,
                            "satisfaction": rng.randint(1, 5),
                            "responses_used": ["ack-any-chat-01", "sol-any-chat-01"],
                            "commitments": [],
                            "actions": [],
                            "note": None,
                        }
                    )
            conn.execute(insert(ConversationRow), rows)
            conn.execute(insert(TurnRow), turn_rows)
            conn.execute(insert(OutcomeRow), outcome_rows)
        # Bulk-loaded turns bypass the store's writes: count them the way a migration does.
        rebuild(conn, tenant)


def timed(
    store: ConversationStore, tenant: str, period: Period, repeat: int
) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        read_insights(store, tenant, period)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def timed_writes(store: ConversationStore, tenant: str, count: int) -> tuple[float, float]:
    """p50 and p95 of appending one turn (three per conversation), in ms."""
    times = []
    rng = random.Random(11)
    for n in range(count):
        turn = NewTurn(
            tenant_id=tenant,
            conversation_id=f"{tenant}-w{n // 3}",
            at=datetime.combine(END, datetime.min.time(), UTC) + timedelta(seconds=n),
            channel="chat",
            text=None,
            sentiment_label="negative",
            sentiment_score=rng.uniform(-1, 1),
            customer_type=rng.choice(TYPES),  # type: ignore[arg-type]
            intensity=0.5,
            root_cause=rng.choice(CAUSES),
            triggers=[{"type": rng.choice(TRIGGERS), "evidence": "x", "start": 0, "end": 1}]
            if rng.random() < 0.33
            else [],
        )
        began = time.perf_counter()
        store.append_turn(turn)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database", default=None, help="a database URL; default SQLite")
    parser.add_argument("--extra-index", default="", help="SQL run after seeding (experiments)")
    parser.add_argument(
        "--writes", type=int, default=600, help="also time this many appends on the large store"
    )
    parser.add_argument(
        "--without-rollups",
        action="store_true",
        help="time the appends without keeping the roll-ups (what they cost a write)",
    )
    args = parser.parse_args()
    if args.without_rollups:
        conversations.count_turn = lambda *_, **__: None
    with tempfile.TemporaryDirectory() as folder:
        store = ConversationStore.open(args.database or "sqlite:///", data_dir=Path(folder))
        rng = random.Random(7)
        tenants = ("bench-a", "bench-b")
        began = time.perf_counter()
        for tenant in tenants:
            seed(store, tenant, args.turns, rng)
        print(
            f"seeded {len(tenants)} tenants x {args.turns} turns in "
            f"{time.perf_counter() - began:.0f} s on {store._engine.dialect.name}"
        )
        # A bulk load leaves the planner's statistics stale (and, on PostgreSQL, the pages
        # not yet marked all-visible for index-only scans): what autovacuum does in a day.
        with store._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if args.database else "ANALYZE")
        if args.extra_index:
            with store._engine.begin() as conn:
                conn.exec_driver_sql(args.extra_index)
        try:
            for days in (30, 90):
                period = Period(END - timedelta(days=days - 1), END)
                p50, p95 = timed(store, "bench-a", period, args.repeat)
                print(
                    f"insights over {days} days ({args.turns} turns in 90): "
                    f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"
                )
            if args.writes:
                p50, p95 = timed_writes(store, "bench-a", args.writes)
                kept = "without" if args.without_rollups else "with"
                print(
                    f"append one turn ({kept} the roll-ups), {args.writes} times: "
                    f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"
                )
        finally:
            with store._engine.begin() as conn:
                for table in (*ROLLUPS, OutcomeRow, TurnRow, ConversationRow):
                    conn.execute(delete(table).where(table.tenant_id.in_(tenants)))
            store.close()


if __name__ == "__main__":
    main()
