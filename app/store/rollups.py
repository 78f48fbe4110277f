"""The report's day roll-ups, kept in the same transaction as the turns they count.

Every turn written adds to three small tables (app.store.db: report_days,
report_conversation_days, report_trigger_days); every conversation deleted takes its turns
back out. The lead's report (app.insights.report) then reads counts per day instead of every
turn of the period. `rebuild` recounts a tenant from its turns: the same figures, the slow way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from app.store.db import ReportConversationDayRow, ReportDayRow, ReportTriggerDayRow, TurnRow

NO_CAUSE = ""  # a turn without a root cause: part of the key, so not NULL
ROLLUPS = (ReportDayRow, ReportConversationDayRow, ReportTriggerDayRow)


def count_turn(
    conn: Connection,
    *,
    tenant_id: str,
    conversation_id: str,
    at: datetime,
    customer_type: str,
    root_cause: str | None,
    sentiment_score: float,
    triggers: Sequence[dict[str, Any]],
) -> None:
    """Add one stored turn to the roll-ups."""
    day = at.astimezone(UTC).date()
    cause = root_cause or NO_CAUSE
    flagged = 1 if triggers else 0
    upsert = _upsert(conn)
    raised: dict[str, int] = {}
    for trigger in triggers:
        raised[trigger["type"]] = raised.get(trigger["type"], 0) + 1
    for kind, times in sorted(raised.items()):
        row = ReportTriggerDayRow
        conn.execute(
            upsert(row)
            .values(
                tenant_id=tenant_id,
                day=day,
                root_cause=cause,
                trigger=kind,
                conversation_id=conversation_id,
                raised=times,
            )
            .on_conflict_do_update(
                index_elements=["tenant_id", "day", "root_cause", "trigger", "conversation_id"],
                set_={"raised": row.raised + times},
            )
        )
    row_c = ReportConversationDayRow
    conn.execute(
        upsert(row_c)
        .values(
            tenant_id=tenant_id,
            day=day,
            conversation_id=conversation_id,
            turns=1,
            flagged_turns=flagged,
        )
        .on_conflict_do_update(
            index_elements=["tenant_id", "day", "conversation_id"],
            set_={"turns": row_c.turns + 1, "flagged_turns": row_c.flagged_turns + flagged},
        )
    )
    link_days(conn, tenant_id, conversation_id=conversation_id, since=day, triggers=bool(raised))
    # Last: the tenant's day row is the one every writer of the day shares, so on PostgreSQL
    # its lock is held for the shortest time (the caller commits next).
    row_d = ReportDayRow
    conn.execute(
        upsert(row_d)
        .values(
            tenant_id=tenant_id,
            day=day,
            customer_type=customer_type,
            root_cause=cause,
            turns=1,
            flagged_turns=flagged,
            sentiment_sum=sentiment_score,
        )
        .on_conflict_do_update(
            index_elements=["tenant_id", "day", "customer_type", "root_cause"],
            set_={
                "turns": row_d.turns + 1,
                "flagged_turns": row_d.flagged_turns + flagged,
                "sentiment_sum": row_d.sentiment_sum + sentiment_score,
            },
        )
    )


def uncount_conversations(conn: Connection, tenant_id: str, conversation_ids: list[str]) -> None:
    """Take the conversations' turns back out of the roll-ups, before the turns are deleted."""
    theirs = and_(TurnRow.tenant_id == tenant_id, TurnRow.conversation_id.in_(conversation_ids))
    day, cause, flagged = _turn_day(conn), _turn_cause(), _turn_flagged()
    groups = conn.execute(
        select(
            day,
            TurnRow.customer_type,
            cause,
            func.count(),
            func.sum(flagged),
            func.sum(TurnRow.sentiment_score),
        )
        .where(theirs)
        .group_by(day, TurnRow.customer_type, cause)
    ).all()
    row = ReportDayRow
    for turn_day, customer_type, root_cause, turns, flagged_turns, score in groups:
        conn.execute(
            update(row)
            .where(
                row.tenant_id == tenant_id,
                row.day == as_date(turn_day),
                row.customer_type == customer_type,
                row.root_cause == root_cause,
            )
            .values(
                turns=row.turns - turns,
                flagged_turns=row.flagged_turns - flagged_turns,
                sentiment_sum=row.sentiment_sum - score,
            )
        )
    if groups:
        conn.execute(delete(row).where(row.tenant_id == tenant_id, row.turns <= 0))
    for table in (ReportConversationDayRow, ReportTriggerDayRow):
        mine = (table.tenant_id == tenant_id) & table.conversation_id.in_(conversation_ids)
        conn.execute(delete(table).where(mine))


def rebuild(conn: Connection, tenant_id: str) -> None:
    """Recount the tenant's roll-ups from its turns (after a bulk load, or to check them)."""
    for table in ROLLUPS:
        conn.execute(delete(table).where(table.tenant_id == tenant_id))
    day, cause, flagged = _turn_day(conn), _turn_cause(), _turn_flagged()
    mine = TurnRow.tenant_id == tenant_id
    conn.execute(
        insert(ReportDayRow).from_select(
            [
                "tenant_id",
                "day",
                "customer_type",
                "root_cause",
                "turns",
                "flagged_turns",
                "sentiment_sum",
            ],
            select(
                TurnRow.tenant_id,
                day,
                TurnRow.customer_type,
                cause,
                func.count(),
                func.sum(flagged),
                func.sum(TurnRow.sentiment_score),
            )
            .where(mine)
            .group_by(TurnRow.tenant_id, day, TurnRow.customer_type, cause),
        )
    )
    conn.execute(
        insert(ReportConversationDayRow).from_select(
            ["tenant_id", "day", "conversation_id", "turns", "flagged_turns"],
            select(TurnRow.tenant_id, day, TurnRow.conversation_id, func.count(), func.sum(flagged))
            .where(mine)
            .group_by(TurnRow.tenant_id, day, TurnRow.conversation_id),
        )
    )
    element, kind = _trigger_elements(conn)
    conn.execute(
        insert(ReportTriggerDayRow).from_select(
            ["tenant_id", "day", "root_cause", "trigger", "conversation_id", "raised"],
            select(TurnRow.tenant_id, day, cause, kind, TurnRow.conversation_id, func.count())
            .select_from(TurnRow)
            .join(element, true())
            .where(mine, TurnRow.flagged > 0)
            .group_by(TurnRow.tenant_id, day, cause, kind, TurnRow.conversation_id),
        )
    )
    link_days(conn, tenant_id)


def link_days(
    conn: Connection,
    tenant_id: str,
    *,
    conversation_id: str | None = None,
    since: date | None = None,
    triggers: bool = True,
) -> None:
    """Set each row's previous days, for the tenant's rows (or a conversation's, from `since`).

    A turn may arrive out of order: a new day then becomes the previous day of the rows after
    it, so every row of the conversation from that day on is set again (a few rows at most).
    `triggers=False` (a turn that raised none) leaves the trigger rows alone: none changed.
    """
    for table, same in (
        (ReportConversationDayRow, ()),
        (ReportTriggerDayRow, ("root_cause", "trigger")),
    ):
        if table is ReportTriggerDayRow and not triggers:
            continue
        earlier = table.__table__.alias("earlier")

        def last_before(*conditions: Any, table: Any = table, earlier: Any = earlier) -> Any:
            return (
                select(func.max(earlier.c.day))
                .where(
                    earlier.c.tenant_id == table.tenant_id,
                    earlier.c.conversation_id == table.conversation_id,
                    earlier.c.day < table.day,
                    *conditions,
                )
                .scalar_subquery()
            )

        values: dict[str, Any] = {
            "previous_day": last_before(*(earlier.c[c] == getattr(table, c) for c in same))
        }
        if table is ReportConversationDayRow:
            values["previous_flagged_day"] = last_before(earlier.c.flagged_turns > 0)
        query = update(table).where(table.tenant_id == tenant_id)
        if conversation_id is not None:
            query = query.where(table.conversation_id == conversation_id)
        if since is not None:
            query = query.where(table.day >= since)
        conn.execute(query.values(**values))


def as_date(value: date | str) -> date:
    """A day as the database returns it: a date (PostgreSQL) or ISO text (SQLite)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _upsert(conn: Connection) -> Any:
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def _turn_day(conn: Connection) -> Any:
    """A turn's UTC day, as SQL."""
    if conn.dialect.name == "postgresql":
        return cast(func.timezone(literal_column("'UTC'"), TurnRow.at), Date)
    # SQLite keeps UTC as text that starts with the day ("2026-11-30 14:02:…").
    return func.substr(TurnRow.at, 1, 10)


def _turn_cause() -> Any:
    # Literal SQL, not a bound parameter: PostgreSQL matches a GROUP BY expression to the
    # selected one by its text, and two parameters would make the texts differ.
    return func.coalesce(TurnRow.root_cause, literal_column(f"'{NO_CAUSE}'"))


def _turn_flagged() -> Any:
    return case((TurnRow.flagged > 0, 1), else_=0)


def _trigger_elements(conn: Connection) -> tuple[Any, Any]:
    """The turn's triggers as a table to join, and each one's type."""
    if conn.dialect.name == "postgresql":
        element = func.json_array_elements(TurnRow.triggers).table_valued("value")
        return element, func.json_extract_path_text(element.c.value, literal_column("'type'"))
    element = func.json_each(TurnRow.triggers).table_valued("value")
    return element, func.json_extract(element.c.value, literal_column("'$.type'"))
