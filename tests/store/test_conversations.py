"""The conversation store on SQLite and PostgreSQL: behaviour, concurrency, durability, outages."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from app.core.errors import (
    ConversationNotFoundError,
    NotFoundError,
    StoreUnavailableError,
    TriageError,
)
from app.store.conversations import ConversationStore, NewOutcome, NewTurn
from app.store.db import MIGRATIONS_DIR, SQLITE_FILE, Base
from tests.conftest import POSTGRES_URL, drop_store_tables

# Nothing listens on port 1: every connection attempt is refused.
DOWN_URL = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"
T0 = datetime(2030, 1, 1, 12, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def fresh_postgres() -> str:
    """The test database with the store's tables dropped, so migrations run from scratch."""
    drop_store_tables()
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return "sqlite:///"
    return str(request.getfixturevalue("fresh_postgres"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(url: str, data_dir: Path) -> Iterator[ConversationStore]:
    opened = ConversationStore.open(url, data_dir=data_dir)
    yield opened
    opened.close()


@pytest.fixture
def uid() -> Callable[[str], str]:
    """Ids unique to this test: PostgreSQL tests share one database."""
    prefix = uuid.uuid4().hex[:12]
    return lambda name: f"{prefix}-{name}"


def make_turn(conversation_id: str, at: datetime = T0, **changes: Any) -> NewTurn:
    values: dict[str, Any] = {
        "conversation_id": conversation_id,
        "at": at,
        "channel": "chat",
        "text": "Where is my parcel?",
        "sentiment_label": "negative",
        "sentiment_score": -0.4,
        "customer_type": "dissatisfied",
        "intensity": 0.3,
    }
    return NewTurn(**(values | changes))


def outcome(at: datetime = T0, **changes: Any) -> NewOutcome:
    return NewOutcome(**({"resolved": True, "at": at} | changes))


# --- opening, schema, configuration ------------------------------------------------------


def test_sqlite_default_file_lives_in_a_created_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "does" / "not" / "exist"
    store = ConversationStore.open("sqlite:///", data_dir=data_dir)
    store.append_turn(make_turn("c1"))
    store.close()
    assert (data_dir / SQLITE_FILE).is_file()
    reopened = ConversationStore.open("sqlite:///", data_dir=data_dir)
    assert reopened.get("c1") is not None
    reopened.close()


def test_a_relative_sqlite_path_is_under_data_dir(tmp_path: Path) -> None:
    store = ConversationStore.open("sqlite:///sub/store.db", data_dir=tmp_path)
    store.close()
    assert (tmp_path / "sub" / "store.db").is_file()


@pytest.mark.parametrize("bad", ["sqlite:///:memory:", "mysql://localhost/db"])
def test_unsupported_urls_are_refused(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        ConversationStore.open(bad, data_dir=tmp_path)


def test_sqlite_connections_are_durable_and_wait_for_locks(data_dir: Path) -> None:
    store = ConversationStore.open("sqlite:///", data_dir=data_dir)
    with store._engine.connect() as conn:
        pragmas = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
        }
    store.close()
    # synchronous 2 is FULL: NORMAL (1) in WAL mode may lose acknowledged commits.
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "busy_timeout": 5000,
        "foreign_keys": 1,
    }


def test_a_write_waits_for_another_writer_instead_of_failing(data_dir: Path) -> None:
    store = ConversationStore.open("sqlite:///", data_dir=data_dir)
    other = sqlite3.connect(data_dir / SQLITE_FILE, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock
    threading.Timer(0.5, other.rollback).start()
    started = time.monotonic()
    assert len(store.append_turn(make_turn("c1"))) == 1
    assert time.monotonic() - started >= 0.4
    other.close()
    store.close()


def test_migrations_create_exactly_the_models(store: ConversationStore) -> None:
    with store._engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head


def test_opening_again_keeps_the_data(url: str, data_dir: Path, uid: Callable[[str], str]) -> None:
    first = ConversationStore.open(url, data_dir=data_dir)
    first.append_turn(make_turn(uid("c")))
    first.close()
    second = ConversationStore.open(url, data_dir=data_dir)
    record = second.get(uid("c"))
    second.close()
    assert record is not None and len(record.turns) == 1


# --- turns ---------------------------------------------------------------------------------


def test_append_turn_creates_the_conversation_and_returns_every_turn(
    store: ConversationStore, uid: Callable[[str], str]
) -> None:
    cid = uid("c")
    triggers = [
        {
            "type": "human_request",
            "evidence": "your manager",
            "start": 20,
            "end": 32,
            "source": "pattern",
            "confidence": 0.9,
        }
    ]
    first = store.append_turn(make_turn(cid, customer_id=uid("cust"), channel="email"))
    second = store.append_turn(
        make_turn(
            cid,
            T0 + timedelta(minutes=5),
            text=None,
            sentiment_label="negative",
            sentiment_score=-0.875,
            customer_type="angry",
            intensity=0.9,
            root_cause="delay",
            triggers=triggers,
            responses_suggested=["ack-frustration", "escalate-warm"],
        )
    )
    assert [t.index for t in first] == [0]
    assert [t.index for t in second] == [0, 1]
    assert second[0] == first[0]
    newest = second[1]
    assert newest.id > first[0].id
    assert (newest.text, newest.root_cause, newest.triggers) == (None, "delay", triggers)
    assert newest.responses_suggested == ["ack-frustration", "escalate-warm"]
    assert (newest.sentiment_score, newest.intensity, newest.customer_type) == (
        -0.875,
        0.9,
        "angry",
    )
    assert newest.customer_id == uid("cust")  # the conversation's customer
    record = store.get(cid)
    assert record is not None
    assert record.turns == second
    assert (record.customer_id, record.channel) == (uid("cust"), "email")
    assert (record.created_at, record.updated_at) == (T0, T0 + timedelta(minutes=5))


def test_times_come_back_in_utc(store: ConversationStore, uid: Callable[[str], str]) -> None:
    paris = datetime(2030, 6, 1, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    turns = store.append_turn(make_turn(uid("c"), paris))
    record = store.get(uid("c"))
    assert record is not None
    for moment in (turns[0].at, record.turns[0].at, record.created_at, record.updated_at):
        assert moment == paris
        assert moment.utcoffset() == timedelta(0)
        assert moment.hour == 12


def test_turns_keep_arrival_order_and_activity_never_goes_back(
    store: ConversationStore, uid: Callable[[str], str]
) -> None:
    cid = uid("c")
    store.append_turn(make_turn(cid, T0 + timedelta(hours=1), text="late clock"))
    turns = store.append_turn(make_turn(cid, T0, text="early clock"))
    assert [t.text for t in turns] == ["late clock", "early clock"]
    record = store.get(cid)
    assert record is not None
    assert record.updated_at == T0 + timedelta(hours=1)
    assert record.created_at == T0 + timedelta(hours=1)


def test_a_later_turn_names_the_customer_of_an_anonymous_conversation(
    store: ConversationStore, uid: Callable[[str], str]
) -> None:
    cid = uid("c")
    store.append_turn(make_turn(cid))
    store.append_turn(make_turn(cid, customer_id=uid("cust")))
    store.append_turn(make_turn(cid, customer_id=uid("someone-else")))
    record = store.get(cid)
    assert record is not None and record.customer_id == uid("cust")


def test_get_of_an_unknown_conversation_is_none(
    store: ConversationStore, uid: Callable[[str], str]
) -> None:
    assert store.get(uid("nope")) is None


@pytest.mark.parametrize(
    "build",
    [
        lambda: make_turn("c", datetime(2030, 1, 1)),
        lambda: make_turn(""),
        lambda: make_turn("x" * 129),
        lambda: outcome(datetime(2030, 1, 1)),
        lambda: outcome(satisfaction=0),
        lambda: outcome(satisfaction=6),
    ],
)
def test_invalid_values_are_refused(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        build()


def test_naive_datetimes_are_refused_by_queries(store: ConversationStore) -> None:
    naive = datetime(2030, 1, 1)
    with pytest.raises(ValueError):
        store.customer_conversations("x", since=naive)
    with pytest.raises(ValueError):
        store.purge(naive)
    with pytest.raises(ValueError):
        store.schedule_follow_ups("x", [(naive, "call back")])


# --- customers -----------------------------------------------------------------------------


def test_customer_conversations_since(store: ConversationStore, uid: Callable[[str], str]) -> None:
    customer = uid("cust")
    day = timedelta(days=1)
    for cid, times in {
        "old": [T0 - 10 * day, T0 - 9 * day],
        "open": [T0 - 10 * day, T0 - 2 * day, T0 - day],
        "won": [T0 - 3 * day],
        "lost": [T0 - 4 * day],
    }.items():
        for at in times:
            store.append_turn(make_turn(uid(cid), at, customer_id=customer))
    store.append_turn(make_turn(uid("stranger"), T0, customer_id=uid("other")))
    store.record_outcome(uid("won"), outcome(T0 - 3 * day, resolved=False))
    store.record_outcome(uid("won"), outcome(T0 - 2 * day, resolved=True))
    store.record_outcome(uid("lost"), outcome(T0 - 2 * day, resolved=False))

    summaries = store.customer_conversations(customer, since=T0 - 5 * day)

    assert [(s.id, s.turn_count, s.resolved) for s in summaries] == [
        (uid("lost"), 1, False),
        (uid("won"), 1, True),  # the latest outcome counts
        (uid("open"), 3, None),
    ]
    assert (summaries[-1].first_turn_at, summaries[-1].last_turn_at) == (T0 - 10 * day, T0 - day)
    assert store.customer_conversations(customer, since=T0) == []
    assert store.customer_conversations(uid("nobody"), since=T0 - 100 * day) == []


# --- outcomes and follow-ups ---------------------------------------------------------------


def test_record_outcome(store: ConversationStore, uid: Callable[[str], str]) -> None:
    cid = uid("c")
    store.append_turn(make_turn(cid))
    recorded = store.record_outcome(
        cid,
        outcome(
            T0 + timedelta(hours=2),
            satisfaction=4,
            responses_used=["ack-frustration"],
            commitments=["refund by Friday"],
            actions=["refund issued"],
            note="calmer after the refund",
        ),
    )
    assert recorded.conversation_id == cid and recorded.satisfaction == 4
    record = store.get(cid)
    assert record is not None
    assert record.outcomes == [recorded]
    assert record.outcomes[0].commitments == ["refund by Friday"]
    assert record.updated_at == T0 + timedelta(hours=2)  # an outcome is activity


def test_record_outcome_of_an_unknown_conversation(
    store: ConversationStore, uid: Callable[[str], str]
) -> None:
    with pytest.raises(ConversationNotFoundError) as caught:
        store.record_outcome(uid("nope"), outcome())
    assert isinstance(caught.value, NotFoundError) and caught.value.status == 404
    assert store.get(uid("nope")) is None


def test_follow_ups_replace_the_schedule(
    store: ConversationStore, uid: Callable[[str], str]
) -> None:
    cid = uid("c")
    store.append_turn(make_turn(cid))
    store.schedule_follow_ups(
        cid, [(T0 + timedelta(days=3), "fix held?"), (T0 + timedelta(days=1), "call")]
    )
    record = store.get(cid)
    assert record is not None
    assert [(f.due_at, f.note) for f in record.follow_ups] == [
        (T0 + timedelta(days=1), "call"),
        (T0 + timedelta(days=3), "fix held?"),
    ]
    store.schedule_follow_ups(cid, [(T0 + timedelta(weeks=1), "feedback")])
    record = store.get(cid)
    assert record is not None
    assert [f.note for f in record.follow_ups] == ["feedback"]
    store.schedule_follow_ups(cid, [])
    record = store.get(cid)
    assert record is not None and record.follow_ups == []
    with pytest.raises(ConversationNotFoundError):
        store.schedule_follow_ups(uid("nope"), [(T0, "call")])


def test_outcome_stats(store: ConversationStore, uid: Callable[[str], str]) -> None:
    ack, solve, close = uid("ack"), uid("solve"), uid("close")
    for cid in ("a", "b", "c", "no-outcome"):
        store.append_turn(make_turn(uid(cid), responses_suggested=[ack, solve, close]))
    store.record_outcome(uid("a"), outcome(T0, resolved=True, responses_used=[ack, solve]))
    store.record_outcome(uid("b"), outcome(T0, resolved=True, responses_used=[ack]))
    # Reopened, then resolved: counted once, as resolved, with the entries of both outcomes.
    store.record_outcome(uid("c"), outcome(T0, resolved=False, responses_used=[ack, close]))
    store.record_outcome(
        uid("c"), outcome(T0 + timedelta(hours=1), resolved=True, responses_used=[ack])
    )
    store.record_outcome(uid("b"), outcome(T0 + timedelta(hours=1), resolved=False))

    stats = store.outcome_stats()

    assert {key: stats[key] for key in (ack, solve, close)} == {
        ack: (2, 3),
        solve: (1, 1),
        close: (1, 1),
    }


# --- deletion and retention ----------------------------------------------------------------


def _rows(store: ConversationStore, conversation_id: str) -> dict[str, int]:
    with store._engine.connect() as conn:
        return {
            table: conn.execute(
                text(f"SELECT count(*) FROM {table} WHERE {column} = :id"), {"id": conversation_id}
            ).scalar_one()
            for table, column in [
                ("conversations", "id"),
                ("turns", "conversation_id"),
                ("outcomes", "conversation_id"),
                ("follow_ups", "conversation_id"),
            ]
        }


def _full_conversation(store: ConversationStore, cid: str, at: datetime, customer: str) -> None:
    store.append_turn(make_turn(cid, at, customer_id=customer, responses_suggested=[cid]))
    store.append_turn(make_turn(cid, at + timedelta(minutes=1), customer_id=customer))
    store.record_outcome(cid, outcome(at + timedelta(minutes=2), responses_used=[cid]))
    store.schedule_follow_ups(cid, [(at + timedelta(days=1), "check")])


def test_delete_removes_everything_derived(
    store: ConversationStore, uid: Callable[[str], str]
) -> None:
    customer = uid("cust")
    _full_conversation(store, uid("gone"), T0, customer)
    _full_conversation(store, uid("kept"), T0, customer)

    assert store.delete(uid("gone")) is True

    assert store.get(uid("gone")) is None
    assert _rows(store, uid("gone")) == {
        "conversations": 0,
        "turns": 0,
        "outcomes": 0,
        "follow_ups": 0,
    }
    assert _rows(store, uid("kept")) == {
        "conversations": 1,
        "turns": 2,
        "outcomes": 1,
        "follow_ups": 1,
    }
    assert [s.id for s in store.customer_conversations(customer, since=T0)] == [uid("kept")]
    assert uid("gone") not in store.outcome_stats()
    assert store.delete(uid("gone")) is False


def test_purge_deletes_conversations_inactive_since(
    store: ConversationStore, uid: Callable[[str], str]
) -> None:
    # Only this test uses dates this old, so the PostgreSQL database shared by tests is safe.
    old = datetime(1990, 1, 1, tzinfo=UTC)
    cutoff = old + timedelta(days=30)
    _full_conversation(store, uid("stale-1"), old, uid("cust"))
    _full_conversation(store, uid("stale-2"), old + timedelta(days=10), uid("cust"))
    store.append_turn(make_turn(uid("recent"), cutoff + timedelta(days=1)))
    # Old turns, but an outcome after the cutoff: still active.
    store.append_turn(make_turn(uid("late-outcome"), old))
    store.record_outcome(uid("late-outcome"), outcome(cutoff + timedelta(hours=1)))

    assert store.purge(cutoff) == 2

    for name in ("stale-1", "stale-2"):
        assert _rows(store, uid(name)) == {
            "conversations": 0,
            "turns": 0,
            "outcomes": 0,
            "follow_ups": 0,
        }
    assert store.get(uid("recent")) is not None
    assert store.get(uid("late-outcome")) is not None
    assert store.purge(cutoff) == 0


# --- concurrency, durability, outages ------------------------------------------------------


def _append_many(
    url: str,
    data_dir: Path,
    conversation_id: str,
    worker: str,
    count: int,
    barrier: Any,
    results: Any,
) -> None:
    """A second process appending to the same conversation; reports what went wrong."""
    problems: list[str] = []
    store = ConversationStore.open(url, data_dir=data_dir)
    barrier.wait(timeout=60)
    for i in range(count):
        try:
            turns = store.append_turn(make_turn(conversation_id, text=f"{worker}-{i}"))
        except Exception as exc:
            problems.append(f"{worker}-{i}: {exc!r}")
            continue
        if turns[-1].text != f"{worker}-{i}":
            problems.append(f"{worker}-{i}: the newest turn is {turns[-1].text!r}")
        if [t.index for t in turns] != list(range(len(turns))):
            problems.append(f"{worker}-{i}: indexes {[t.index for t in turns]}")
    store.close()
    results.put((worker, problems))


def test_two_processes_appending_at_once_lose_nothing(
    store: ConversationStore, url: str, data_dir: Path, uid: Callable[[str], str]
) -> None:
    cid = uid("busy")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(target=_append_many, args=(url, data_dir, cid, name, 40, barrier, results))
        for name in ("a", "b")
    ]
    for process in workers:
        process.start()
    reports = dict(results.get(timeout=120) for _ in workers)
    for process in workers:
        process.join(timeout=30)
        assert process.exitcode == 0

    assert reports == {"a": [], "b": []}
    record = store.get(cid)
    assert record is not None
    assert len(record.turns) == 80
    for name in ("a", "b"):
        mine = [t.text for t in record.turns if t.text and t.text.startswith(f"{name}-")]
        assert mine == [f"{name}-{i}" for i in range(40)]
    assert [t.index for t in record.turns] == list(range(80))
    assert sorted(t.id for t in record.turns) == [t.id for t in record.turns]


_KEEP_APPENDING = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from app.store.conversations import ConversationStore, NewTurn

url, data_dir, conversation_id = sys.argv[1:]
store = ConversationStore.open(url, data_dir=Path(data_dir))
for i in range(100_000):
    turns = store.append_turn(NewTurn(
        conversation_id=conversation_id, at=datetime.now(UTC), channel="chat", text=str(i),
        sentiment_label="neutral", sentiment_score=0.0, customer_type="neutral", intensity=0.0,
    ))
    print(turns[-1].id, flush=True)  # acknowledged: the commit has returned
"""


def test_acknowledged_turns_survive_a_kill(
    url: str, data_dir: Path, uid: Callable[[str], str]
) -> None:
    cid = uid("killed")
    ConversationStore.open(url, data_dir=data_dir).close()  # migrated before the clock starts
    acknowledged: list[int] = []
    with subprocess.Popen(
        [sys.executable, "-c", _KEEP_APPENDING, url, str(data_dir), cid],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        try:
            while len(acknowledged) < 30:
                line = child.stdout.readline()
                assert line, "the child stopped before being killed"
                acknowledged.append(int(line))
        finally:
            os.kill(child.pid, signal.SIGKILL)
        # Lines written before the kill were acknowledged too.
        acknowledged += [int(line) for line in child.stdout.read().splitlines()]
    assert child.returncode == -signal.SIGKILL  # killed in the middle of its loop

    store = ConversationStore.open(url, data_dir=data_dir)
    record = store.get(cid)
    store.close()
    assert record is not None
    assert set(acknowledged) <= {t.id for t in record.turns}


def test_an_unreachable_database_fails_open_quickly(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError):
        ConversationStore.open(DOWN_URL, data_dir=tmp_path)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.ping(),
        lambda s: s.append_turn(make_turn("c")),
        lambda s: s.get("c"),
        lambda s: s.customer_conversations("x", since=T0),
        lambda s: s.record_outcome("c", outcome()),
        lambda s: s.schedule_follow_ups("c", [(T0, "call")]),
        lambda s: s.delete("c"),
        lambda s: s.purge(T0),
        lambda s: s.outcome_stats(),
    ],
)
def test_every_method_reports_an_unreachable_database(
    call: Callable[[ConversationStore], object],
) -> None:
    store = ConversationStore(create_engine(DOWN_URL))
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as caught:
        call(store)
    assert time.monotonic() - started < 10
    assert isinstance(caught.value, TriageError)
    assert (caught.value.status, caught.value.code) == (503, "store_unavailable")
    store.close()


def _locked() -> OperationalError:
    return OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))


def test_a_locked_database_is_retried(store: ConversationStore) -> None:
    failures = iter([_locked(), _locked()])

    def work(conn: object) -> str:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return "done"

    assert store._transaction(work, write=True) == "done"


def test_a_database_locked_for_good_is_unavailable(store: ConversationStore) -> None:
    def work(conn: object) -> None:
        raise _locked()

    with pytest.raises(StoreUnavailableError):
        store._transaction(work, write=True)


def test_dataclasses_are_frozen() -> None:
    turn = make_turn("c")
    with pytest.raises(AttributeError):
        turn.text = "changed"  # type: ignore[misc]
    assert replace(turn, text="x").text == "x"
