"""Practice sessions in the database, on SQLite and PostgreSQL: scoped, versioned, listed."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.core.errors import SessionConflictError
from app.practice.scenarios import ScenarioSet
from app.practice.simulator import open_session, reply
from app.practice.store import create_session, list_sessions, load_session, save_session
from app.store.conversations import ConversationStore
from tests.data_scenarios import CARELESS_REPLY, GOOD_REPLY, SCENARIOS

PARCEL = ScenarioSet.parse(SCENARIOS).scenarios[0]
T0 = datetime(2030, 3, 4, 9, tzinfo=UTC)


@pytest.fixture
def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"  # the PostgreSQL database is shared between tests


def test_a_session_comes_back_as_it_was_kept(store: ConversationStore, tenant: str) -> None:
    made = create_session(store, tenant, open_session(PARCEL), agent="key_1", agent_name="Ana")
    found = load_session(store, tenant, made.id)
    assert found == made
    assert (found.agent, found.agent_name, found.scenario_id) == ("key_1", "Ana", PARCEL.id)
    assert (found.status, found.score, found.version) == ("active", None, 1)
    assert found.started_at.tzinfo is not None and len(made.id) == 32


def test_another_tenant_or_agent_sees_nothing(store: ConversationStore, tenant: str) -> None:
    made = create_session(store, tenant, open_session(PARCEL), agent="key_1")
    assert load_session(store, f"{tenant}-b", made.id) is None
    assert load_session(store, tenant, made.id, agent="key_2") is None
    assert load_session(store, tenant, made.id, agent="key_1") is not None
    assert load_session(store, tenant, "no-such-session") is None


def test_a_saved_reply_is_the_next_version(store: ConversationStore, tenant: str) -> None:
    made = create_session(store, tenant, open_session(PARCEL), agent="key_1")
    loaded = load_session(store, tenant, made.id)
    assert loaded is not None
    reply(loaded.session, PARCEL, GOOD_REPLY)
    saved = save_session(store, loaded)
    again = load_session(store, tenant, made.id)
    assert again == saved and again.version == 2
    assert again.session.replies == 1 and again.updated_at >= made.updated_at


def test_the_score_is_kept_once_the_session_ends(store: ConversationStore, tenant: str) -> None:
    record = create_session(store, tenant, open_session(PARCEL), agent="key_1")
    while record.status == "active":
        reply(record.session, PARCEL, CARELESS_REPLY)
        record = save_session(store, record)
    found = load_session(store, tenant, record.id)
    assert found is not None and found.status == "lost"
    assert found.score is not None and 0 <= found.score <= 100


def test_a_stale_save_is_a_conflict(store: ConversationStore, tenant: str) -> None:
    made = create_session(store, tenant, open_session(PARCEL), agent="key_1")
    first, second = load_session(store, tenant, made.id), load_session(store, tenant, made.id)
    assert first is not None and second is not None
    reply(first.session, PARCEL, GOOD_REPLY)
    reply(second.session, PARCEL, CARELESS_REPLY)
    save_session(store, first)
    with pytest.raises(SessionConflictError) as caught:
        save_session(store, second)
    assert (caught.value.status, caught.value.code) == (409, "session_conflict")
    kept = load_session(store, tenant, made.id)
    assert kept is not None and kept.session.turns[1].text == GOOD_REPLY


def test_concurrent_replies_apply_once(store: ConversationStore, tenant: str) -> None:
    made = create_session(store, tenant, open_session(PARCEL), agent="key_1")
    loaded = [load_session(store, tenant, made.id) for _ in range(4)]
    outcomes: list[str] = []
    start = threading.Barrier(len(loaded))

    def save(record: object) -> None:
        assert record is not None
        reply(record.session, PARCEL, GOOD_REPLY)  # type: ignore[attr-defined]
        start.wait()
        try:
            save_session(store, record)  # type: ignore[arg-type]
            outcomes.append("saved")
        except SessionConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(r,)) for r in loaded]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["saved"]
    kept = load_session(store, tenant, made.id)
    assert kept is not None and (kept.version, kept.session.replies) == (2, 1)


def test_sessions_are_listed_by_period_and_agent(store: ConversationStore, tenant: str) -> None:
    for days, agent in ((0, "a"), (1, "b"), (2, "a"), (9, "a")):
        at = T0 + timedelta(days=days)
        create_session(store, tenant, open_session(PARCEL), agent=agent, now=at)
    found = list_sessions(store, tenant, start=T0, end=T0 + timedelta(days=3))
    assert [(r.agent, r.started_at) for r in found] == [
        ("a", T0),
        ("b", T0 + timedelta(days=1)),
        ("a", T0 + timedelta(days=2)),
    ]
    mine = list_sessions(store, tenant, start=T0, end=T0 + timedelta(days=30), agent="a")
    assert len(mine) == 3
    assert list_sessions(store, f"{tenant}-b", start=T0, end=T0 + timedelta(days=30)) == []


def test_sessions_idle_past_retention_are_purged_with_conversations(
    store: ConversationStore, tenant: str
) -> None:
    # Dates this old are this test's own, so the PostgreSQL database shared by tests is safe.
    old = datetime(1991, 5, 1, tzinfo=UTC)
    stale = create_session(store, tenant, open_session(PARCEL), agent="key_1", now=old)
    kept = create_session(
        store, tenant, open_session(PARCEL), agent="key_1", now=old + timedelta(days=40)
    )
    store.purge(old + timedelta(days=30))
    assert load_session(store, tenant, stale.id) is None
    assert load_session(store, tenant, kept.id) == kept
