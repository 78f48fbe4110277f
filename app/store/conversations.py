"""The conversation store: turns, outcomes and follow-ups in SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from app.core.errors import ConversationNotFoundError
from app.core.labels import DEFAULT_TENANT, Channel, CustomerType, SentimentLabel
from app.store.db import (
    ID_LENGTH,
    TENANT_ID_LENGTH,
    ConversationRow,
    FollowUpRow,
    OutcomeRow,
    PracticeSessionRow,
    RetryTransaction,
    TurnRow,
    UTCDateTime,
    create_store_engine,
    migrate,
    run_transaction,
)
from app.store.rollups import count_turn, uncount_conversations

T = TypeVar("T")

_BATCH = 500  # ids per DELETE ... IN (...), well under both databases' parameter limits


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{name} is a naive datetime: pass a timezone-aware one")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class NewTurn:
    """One triaged customer message, as the caller wants it kept."""

    conversation_id: str
    at: datetime
    channel: Channel
    text: str | None  # already redacted, or None to keep no text at all
    tenant_id: str = DEFAULT_TENANT
    sentiment_label: SentimentLabel
    sentiment_score: float
    customer_type: CustomerType
    intensity: float
    customer_id: str | None = None
    root_cause: str | None = None
    # Each: type, evidence, start, end, source, confidence.
    triggers: list[dict[str, Any]] = field(default_factory=list)
    responses_suggested: list[str] = field(default_factory=list)  # bank entry ids

    def __post_init__(self) -> None:
        for name in ("conversation_id", "customer_id"):
            value = getattr(self, name)
            if value is not None and not 0 < len(value) <= ID_LENGTH:
                raise ValueError(f"{name} must have 1 to {ID_LENGTH} characters")
        if not 0 < len(self.tenant_id) <= TENANT_ID_LENGTH:
            raise ValueError(f"tenant_id must have 1 to {TENANT_ID_LENGTH} characters")
        object.__setattr__(self, "at", _utc(self.at, "at"))


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnRecord(NewTurn):
    """A stored turn; its customer_id is the conversation's."""

    id: int
    index: int  # 0-based position in the conversation


@dataclass(frozen=True, slots=True, kw_only=True)
class NewOutcome:
    """How a conversation ended, written by the agent or the helpdesk."""

    resolved: bool
    at: datetime
    satisfaction: int | None = None  # 1 very unhappy ... 5 very happy
    responses_used: list[str] = field(default_factory=list)  # bank entry ids
    commitments: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    note: str | None = None

    def __post_init__(self) -> None:
        if self.satisfaction is not None and not 1 <= self.satisfaction <= 5:
            raise ValueError("satisfaction must be between 1 and 5")
        object.__setattr__(self, "at", _utc(self.at, "at"))


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeRecord(NewOutcome):
    id: int
    conversation_id: str


@dataclass(frozen=True, slots=True)
class FollowUpRecord:
    id: int
    due_at: datetime
    note: str


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    id: str
    first_turn_at: datetime
    last_turn_at: datetime
    turn_count: int
    resolved: bool | None  # the latest outcome's; None without one


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    id: str
    customer_id: str | None
    channel: Channel
    created_at: datetime
    updated_at: datetime
    turns: list[TurnRecord]
    outcomes: list[OutcomeRecord]
    follow_ups: list[FollowUpRecord]


class ConversationStore:
    """Conversations kept for conversation triggers, documentation and the learning loop."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # On SQLite a writer takes the file lock at BEGIN, so it never fails half-way on an
        # upgrade from reader to writer; the option does nothing on PostgreSQL.
        self._writer = engine.execution_options(sqlite_begin="IMMEDIATE")

    @classmethod
    def open(cls, url: str, *, data_dir: Path) -> ConversationStore:
        """Connect and migrate to the latest schema; "sqlite:///" keeps a file in data_dir."""
        store = cls(create_store_engine(url, data_dir=data_dir))
        try:
            store._transaction(migrate, write=True)
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        self._engine.dispose()

    def transaction(self, work: Callable[[Connection], T], *, write: bool = False) -> T:
        """Run `work(conn)` in one transaction, with the store's retries (keys and tenants)."""
        return self._transaction(work, write=write)

    def ping(self) -> None:
        """Raise StoreUnavailableError unless the database answers."""
        self._transaction(lambda conn: conn.execute(text("SELECT 1")))

    def append_turn(self, turn: NewTurn) -> list[TurnRecord]:
        """Add a turn, creating its conversation if new; every turn of it, oldest first."""
        return self._transaction(lambda conn: _append_turn(conn, turn), write=True)

    def customer_conversations(
        self, customer_id: str, *, since: datetime, tenant_id: str = DEFAULT_TENANT
    ) -> list[ConversationSummary]:
        """The customer's conversations with a turn at or after `since`, oldest activity first."""
        since = _utc(since, "since")
        last = func.max(TurnRow.at)
        resolved = (
            select(OutcomeRow.resolved)
            .where(_of(OutcomeRow, ConversationRow.tenant_id, ConversationRow.id))
            .order_by(OutcomeRow.at.desc(), OutcomeRow.id.desc())
            .limit(1)
            .correlate(ConversationRow)
            .scalar_subquery()
        )
        query = (
            select(ConversationRow.id, func.min(TurnRow.at), last, func.count(TurnRow.id), resolved)
            .join(TurnRow, _of(TurnRow, ConversationRow.tenant_id, ConversationRow.id))
            .where(ConversationRow.tenant_id == tenant_id)
            .where(ConversationRow.customer_id == customer_id)
            .group_by(ConversationRow.tenant_id, ConversationRow.id)
            .having(last >= since)
            .order_by(last, ConversationRow.id)
        )
        rows = self._transaction(lambda conn: conn.execute(query).all())
        return [ConversationSummary(*row) for row in rows]

    def get(
        self, conversation_id: str, *, tenant_id: str = DEFAULT_TENANT
    ) -> ConversationRecord | None:
        """The tenant's conversation with its turns, outcomes and follow-ups; None if unknown."""
        return self._transaction(lambda conn: _get(conn, tenant_id, conversation_id))

    def record_outcome(
        self, conversation_id: str, outcome: NewOutcome, *, tenant_id: str = DEFAULT_TENANT
    ) -> OutcomeRecord:
        """Keep how the conversation ended; raises ConversationNotFoundError if unknown."""

        def work(conn: Connection) -> OutcomeRecord:
            if _touch(conn, tenant_id, conversation_id, outcome.at) is None:
                raise ConversationNotFoundError(f"no conversation {conversation_id!r}")
            values = {name: getattr(outcome, name) for name in _OUTCOME_FIELDS}
            query = insert(OutcomeRow).values(
                tenant_id=tenant_id, conversation_id=conversation_id, **values
            )
            new_id = conn.execute(query.returning(OutcomeRow.id)).scalar_one()
            return OutcomeRecord(id=new_id, conversation_id=conversation_id, **values)

        return self._transaction(work, write=True)

    def schedule_follow_ups(
        self,
        conversation_id: str,
        follow_ups: Sequence[tuple[datetime, str]],
        *,
        tenant_id: str = DEFAULT_TENANT,
    ) -> None:
        """Replace the conversation's follow-up schedule with (due at, what to check) pairs."""
        due = [(_utc(at, "follow-up time"), note) for at, note in follow_ups]

        def work(conn: Connection) -> None:
            if not _lock(conn, tenant_id, conversation_id):
                raise ConversationNotFoundError(f"no conversation {conversation_id!r}")
            conn.execute(delete(FollowUpRow).where(_of(FollowUpRow, tenant_id, conversation_id)))
            if due:
                conn.execute(
                    insert(FollowUpRow),
                    [
                        {
                            "tenant_id": tenant_id,
                            "conversation_id": conversation_id,
                            "due_at": at,
                            "note": n,
                        }
                        for at, n in due
                    ],
                )

        self._transaction(work, write=True)

    def delete(self, conversation_id: str, *, tenant_id: str = DEFAULT_TENANT) -> bool:
        """Remove the conversation and all that derives from it; False if it did not exist."""

        def work(conn: Connection) -> bool:
            if not _lock(conn, tenant_id, conversation_id):
                return False
            _delete_all(conn, tenant_id, [conversation_id])
            return True

        return self._transaction(work, write=True)

    def purge(self, before: datetime) -> int:
        """Delete conversations whose last turn or outcome is older than `before` (retention).

        Practice sessions idle since before then go too: they hold what agents wrote and the
        names their keys carry, kept no longer than customers' words. Returns the number of
        conversations deleted.
        """
        before = _utc(before, "before")

        def work(conn: Connection) -> int:
            conn.execute(delete(PracticeSessionRow).where(PracticeSessionRow.updated_at < before))
            # Locked first: an append racing the purge either lands before it or starts anew.
            stale = select(ConversationRow.tenant_id, ConversationRow.id)
            stale = stale.where(ConversationRow.updated_at < before)
            by_tenant: dict[str, list[str]] = {}
            for tenant_id, conversation_id in conn.execute(stale.with_for_update()):
                by_tenant.setdefault(tenant_id, []).append(conversation_id)
            for tenant_id, ids in by_tenant.items():
                for start in range(0, len(ids), _BATCH):
                    _delete_all(conn, tenant_id, ids[start : start + _BATCH])
            return sum(len(ids) for ids in by_tenant.values())

        return self._transaction(work, write=True)

    def outcome_stats(self, *, tenant_id: str = DEFAULT_TENANT) -> dict[str, tuple[int, int]]:
        """Per bank entry id: (resolved conversations that used it, all that used it).

        Only the tenant's conversations with an outcome count, once per entry, resolved as
        their latest outcome says: each team learns from its own customers.
        """
        query = select(OutcomeRow.conversation_id, OutcomeRow.resolved, OutcomeRow.responses_used)
        query = query.where(OutcomeRow.tenant_id == tenant_id)
        query = query.order_by(OutcomeRow.conversation_id, OutcomeRow.at, OutcomeRow.id)
        rows = self._transaction(lambda conn: conn.execute(query).all())
        used: dict[str, set[str]] = {}
        resolved: dict[str, bool] = {}
        for conversation_id, is_resolved, entry_ids in rows:
            used.setdefault(conversation_id, set()).update(entry_ids)
            resolved[conversation_id] = is_resolved  # rows are in time order: the latest wins
        stats: dict[str, tuple[int, int]] = {}
        for conversation_id, entry_ids in used.items():
            for entry_id in entry_ids:
                wins, total = stats.get(entry_id, (0, 0))
                stats[entry_id] = (wins + resolved[conversation_id], total + 1)
        return stats

    def _transaction(self, work: Callable[[Connection], T], *, write: bool = False) -> T:
        engine = self._writer if write else self._engine
        return run_transaction(engine, work, store="conversation store")


_TURN_FIELDS = tuple(
    name
    for name in NewTurn.__dataclass_fields__
    if name not in ("conversation_id", "customer_id", "tenant_id")
)
_OUTCOME_FIELDS = tuple(NewOutcome.__dataclass_fields__)


def _insert(conn: Connection) -> Any:
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def _later(at: datetime) -> Any:
    """updated_at moved to `at` unless it is already later (turns may arrive out of order)."""
    at_value = literal(at, UTCDateTime())
    return case((ConversationRow.updated_at < at_value, at_value), else_=ConversationRow.updated_at)


def _of(table: Any, tenant_id: Any, conversation_id: Any) -> Any:
    """The condition that a child row belongs to the conversation (tenant_id, conversation_id)."""
    return (table.tenant_id == tenant_id) & (table.conversation_id == conversation_id)


def _conversation(tenant_id: str, conversation_id: str) -> Any:
    return (ConversationRow.tenant_id == tenant_id) & (ConversationRow.id == conversation_id)


def _touch(
    conn: Connection, tenant_id: str, conversation_id: str, at: datetime, **values: Any
) -> Row[str | None] | None:
    """Record activity; the conversation's (customer_id,), or None if it does not exist.

    On PostgreSQL the row lock also queues writers to one conversation: turn ids are then
    handed out in commit order.
    """
    query = update(ConversationRow).where(_conversation(tenant_id, conversation_id))
    query = query.values(updated_at=_later(at), **values)
    return conn.execute(query.returning(ConversationRow.customer_id)).first()


def _lock(conn: Connection, tenant_id: str, conversation_id: str) -> bool:
    query = select(ConversationRow.id).where(_conversation(tenant_id, conversation_id))
    return conn.execute(query.with_for_update()).first() is not None


def _append_turn(conn: Connection, turn: NewTurn) -> list[TurnRecord]:
    conversation = _insert(conn)(ConversationRow).values(
        tenant_id=turn.tenant_id,
        id=turn.conversation_id,
        customer_id=turn.customer_id,
        channel=turn.channel,
        created_at=turn.at,
        updated_at=turn.at,
    )
    # Two first turns at once: one creates the row, the other finds it; neither fails.
    conn.execute(conversation.on_conflict_do_nothing(index_elements=["tenant_id", "id"]))
    customer = func.coalesce(ConversationRow.customer_id, turn.customer_id)
    touched = _touch(conn, turn.tenant_id, turn.conversation_id, turn.at, customer_id=customer)
    if touched is None:
        raise RetryTransaction
    values = {name: getattr(turn, name) for name in _TURN_FIELDS}
    conn.execute(
        insert(TurnRow).values(
            tenant_id=turn.tenant_id,
            conversation_id=turn.conversation_id,
            flagged=len(turn.triggers),
            **values,
        )
    )
    turns = _turns(conn, turn.tenant_id, turn.conversation_id, customer_id=touched.customer_id)
    count_turn(
        conn,
        tenant_id=turn.tenant_id,
        conversation_id=turn.conversation_id,
        at=turn.at,
        customer_type=turn.customer_type,
        root_cause=turn.root_cause,
        sentiment_score=turn.sentiment_score,
        triggers=turn.triggers,
    )
    return turns


def _turns(
    conn: Connection, tenant_id: str, conversation_id: str, *, customer_id: str | None
) -> list[TurnRecord]:
    query = select(TurnRow).where(_of(TurnRow, tenant_id, conversation_id)).order_by(TurnRow.id)
    return [
        TurnRecord(
            id=row.id,
            index=index,
            tenant_id=tenant_id,
            conversation_id=conversation_id,
            customer_id=customer_id,
            **{name: getattr(row, name) for name in _TURN_FIELDS},
        )
        for index, row in enumerate(conn.execute(query))
    ]


def _get(conn: Connection, tenant_id: str, conversation_id: str) -> ConversationRecord | None:
    query = select(ConversationRow).where(_conversation(tenant_id, conversation_id))
    row = conn.execute(query).first()
    if row is None:
        return None
    outcomes = select(OutcomeRow).where(_of(OutcomeRow, tenant_id, conversation_id))
    follow_ups = select(FollowUpRow).where(_of(FollowUpRow, tenant_id, conversation_id))
    return ConversationRecord(
        id=row.id,
        customer_id=row.customer_id,
        channel=cast(Channel, row.channel),
        created_at=row.created_at,
        updated_at=row.updated_at,
        turns=_turns(conn, tenant_id, conversation_id, customer_id=row.customer_id),
        outcomes=[
            OutcomeRecord(
                id=o.id,
                conversation_id=conversation_id,
                **{name: getattr(o, name) for name in _OUTCOME_FIELDS},
            )
            for o in conn.execute(outcomes.order_by(OutcomeRow.at, OutcomeRow.id))
        ],
        follow_ups=[
            FollowUpRecord(f.id, f.due_at, f.note)
            for f in conn.execute(follow_ups.order_by(FollowUpRow.due_at, FollowUpRow.id))
        ],
    )


def _delete_all(conn: Connection, tenant_id: str, conversation_ids: list[str]) -> None:
    uncount_conversations(conn, tenant_id, conversation_ids)
    for table in (TurnRow, OutcomeRow, FollowUpRow):
        mine = (table.tenant_id == tenant_id) & table.conversation_id.in_(conversation_ids)
        conn.execute(delete(table).where(mine))
    mine = (ConversationRow.tenant_id == tenant_id) & ConversationRow.id.in_(conversation_ids)
    conn.execute(delete(ConversationRow).where(mine))
