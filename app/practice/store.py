"""Practice sessions in the service's database: created, loaded per tenant, saved, listed.

A save carries the version it was loaded at; a session saved by someone else in between
(two replies sent at once) is not overwritten: the later save raises SessionConflictError.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from app.core.errors import SessionConflictError
from app.practice.simulator import ENDED, Session, score_card
from app.store.conversations import ConversationStore
from app.store.db import PracticeSessionRow

Row = PracticeSessionRow


@dataclass(frozen=True, slots=True)
class PracticeRecord:
    """A stored session: who practised, the simulation, and when."""

    id: str
    tenant_id: str
    agent: str
    agent_name: str | None
    session: Session
    score: int | None  # 0-100 once ended
    version: int
    started_at: datetime
    updated_at: datetime

    @property
    def scenario_id(self) -> str:
        return self.session.scenario_id

    @property
    def status(self) -> str:
        return self.session.status


def final_score(session: Session) -> int | None:
    return score_card(session).score if session.status in ENDED else None


def create_session(
    store: ConversationStore,
    tenant_id: str,
    session: Session,
    *,
    agent: str,
    agent_name: str | None = None,
    now: datetime | None = None,
) -> PracticeRecord:
    now = now or datetime.now(UTC)
    record = PracticeRecord(
        id=uuid.uuid4().hex,
        tenant_id=tenant_id,
        agent=agent,
        agent_name=agent_name,
        session=session,
        score=final_score(session),
        version=1,
        started_at=now,
        updated_at=now,
    )

    def work(conn: Connection) -> None:
        conn.execute(insert(Row).values(**_values(record)))

    store.transaction(work, write=True)
    return record


def load_session(
    store: ConversationStore, tenant_id: str, session_id: str, *, agent: str | None = None
) -> PracticeRecord | None:
    """The tenant's session; with `agent`, only if that agent practised it."""
    query = select(Row).where(Row.tenant_id == tenant_id, Row.id == session_id)
    if agent is not None:
        query = query.where(Row.agent == agent)
    row = store.transaction(lambda conn: conn.execute(query).first())
    return _record(row) if row else None


def save_session(
    store: ConversationStore, record: PracticeRecord, *, now: datetime | None = None
) -> PracticeRecord:
    """Keep the record's session as the next version; SessionConflictError if it moved on."""
    saved = PracticeRecord(
        **{
            **{name: getattr(record, name) for name in PracticeRecord.__dataclass_fields__},
            "score": final_score(record.session),
            "version": record.version + 1,
            "updated_at": now or datetime.now(UTC),
        }
    )
    query = update(Row).where(
        Row.tenant_id == record.tenant_id, Row.id == record.id, Row.version == record.version
    )
    values = {k: v for k, v in _values(saved).items() if k not in ("tenant_id", "id", "agent")}

    def work(conn: Connection) -> int:
        return conn.execute(query.values(**values)).rowcount

    if store.transaction(work, write=True) != 1:
        raise SessionConflictError(
            "another reply to this session was saved first; read the session and reply again"
        )
    return saved


def list_sessions(
    store: ConversationStore,
    tenant_id: str,
    *,
    start: datetime,
    end: datetime,
    agent: str | None = None,
) -> list[PracticeRecord]:
    """The tenant's sessions started in [start, end), oldest first; one agent's with `agent`."""
    query = select(Row).where(
        Row.tenant_id == tenant_id, Row.started_at >= start, Row.started_at < end
    )
    if agent is not None:
        query = query.where(Row.agent == agent)
    query = query.order_by(Row.started_at, Row.id)
    rows = store.transaction(lambda conn: conn.execute(query).all())
    return [_record(row) for row in rows]


def _values(record: PracticeRecord) -> dict[str, Any]:
    return {
        "tenant_id": record.tenant_id,
        "id": record.id,
        "agent": record.agent,
        "agent_name": record.agent_name,
        "scenario_id": record.scenario_id,
        "status": record.status,
        "score": record.score,
        "state": record.session.to_dict(),
        "version": record.version,
        "started_at": record.started_at,
        "updated_at": record.updated_at,
    }


def _record(row: Any) -> PracticeRecord:
    return PracticeRecord(
        id=row.id,
        tenant_id=row.tenant_id,
        agent=row.agent,
        agent_name=row.agent_name,
        session=Session.from_dict(row.state),
        score=row.score,
        version=row.version,
        started_at=row.started_at,
        updated_at=row.updated_at,
    )
