"""What happened over a period, for team leads: volumes, types, triggers, causes, what resolved.

Aggregates run in the database (SQLite or PostgreSQL), in a few grouped passes over the
period's turns: only counts come back, whatever their number; outcomes, a few per
conversation, come back as rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Select,
    and_,
    case,
    cast,
    distinct,
    func,
    literal_column,
    select,
    true,
)

from app.core.labels import CUSTOMER_TYPES, ROOT_CAUSES, TRIGGER_TYPES
from app.insights.periods import Bucket, Period
from app.store.conversations import ConversationStore
from app.store.db import OutcomeRow, TurnRow

TOP_PROBLEMS = 10
UNKNOWN_CAUSE = "unknown"  # turns scored by a model without a root-cause head


@dataclass(frozen=True, slots=True)
class BucketStats:
    start: date
    turns: int
    conversations: int  # with at least one turn in the bucket
    flagged_turns: int  # turns that raised at least one trigger
    mean_sentiment: float | None  # None for a bucket without turns


@dataclass(frozen=True, slots=True)
class ResponseStats:
    """A bank entry used in conversations with an outcome in the period."""

    id: str
    used: int  # conversations that used it
    resolved: int  # of those, resolved by their latest outcome

    @property
    def resolution_rate(self) -> float:
        return self.resolved / self.used

    @property
    def rank_score(self) -> float:
        # The mean of Beta(1 + resolved, 1 + unresolved), the prior the learning loop uses:
        # one lucky use does not outrank a reply that resolved 9 conversations of 10.
        return (self.resolved + 1) / (self.used + 2)


@dataclass(frozen=True, slots=True)
class Problem:
    """A root cause and the trigger it led to, counted in conversations."""

    root_cause: str
    trigger: str
    conversations: int


@dataclass(frozen=True, slots=True)
class OutcomeSummary:
    conversations: int
    resolved: int
    mean_satisfaction: float | None


@dataclass(frozen=True, slots=True)
class Insights:
    period: Period
    turns: int
    conversations: int
    flagged_turns: int
    flagged_conversations: int
    mean_sentiment: float | None
    series: list[BucketStats]
    customer_types: dict[str, int]
    triggers: dict[str, int]
    root_causes: dict[str, int]
    problems: list[Problem]
    responses: list[ResponseStats]
    outcomes: OutcomeSummary


def read_insights(store: ConversationStore, tenant_id: str, period: Period) -> Insights:
    """The tenant's insights for the period, in one read transaction."""
    # The store's transaction brings its retries and turns a lost database into a 503.
    return store.transaction(lambda conn: _read(conn, tenant_id, period))


def _read(conn: Connection, tenant_id: str, period: Period) -> Insights:
    turns = _Scope(conn, tenant_id, period)
    bucket = _bucket(conn, TurnRow.at, period.bucket)
    tally = _Tally()
    flagged = case((TurnRow.flagged > 0, 1), else_=0)
    # One pass gives every count by bucket, type and cause; the distinct conversation counts
    # and the triggers, which cannot be added up from those, take one pass each.
    for row in conn.execute(
        turns.select(
            bucket,
            TurnRow.customer_type,
            TurnRow.root_cause,
            func.count(),
            func.sum(flagged),
            func.sum(TurnRow.sentiment_score),
        ).group_by(bucket, TurnRow.customer_type, TurnRow.root_cause)
    ):
        tally.add(_as_date(row[0]), *row[1:])
    conversations = func.count(distinct(TurnRow.conversation_id))
    by_bucket = conn.execute(turns.select(bucket, conversations).group_by(bucket)).all()
    active = {_as_date(day): n for day, n in by_bucket}
    fired = turns.fired()
    pairs = conn.execute(
        select(
            fired.c.root_cause,
            fired.c.type,
            func.count(),
            func.count(distinct(fired.c.conversation_id)),
        ).group_by(fired.c.root_cause, fired.c.type)
    ).all()
    raised: Counter[str] = Counter()
    for _, kind, times, _ in pairs:
        raised[kind] += times
    responses, outcomes = _outcomes(conn, tenant_id, period)
    return Insights(
        period=period,
        turns=tally.turns,
        conversations=conn.execute(turns.select(conversations)).scalar_one(),
        flagged_turns=tally.flagged,
        # Conversations with any trigger: read from the index, no trigger JSON opened.
        flagged_conversations=conn.execute(
            turns.select(conversations).where(TurnRow.flagged > 0)
        ).scalar_one(),
        mean_sentiment=_mean(tally.score, tally.turns),
        series=[
            BucketStats(
                start,
                tally.by_bucket[start][0],
                active.get(start, 0),
                tally.by_bucket[start][1],
                _mean(tally.by_bucket[start][2], tally.by_bucket[start][0]),
            )
            for start in period.buckets()
        ],
        customer_types=_counts(CUSTOMER_TYPES, tally.types),
        triggers=_counts(TRIGGER_TYPES, raised),
        root_causes=_counts(ROOT_CAUSES, tally.causes),
        problems=sorted(
            (Problem(cause or UNKNOWN_CAUSE, kind, n) for cause, kind, _, n in pairs),
            key=lambda p: (-p.conversations, p.root_cause, p.trigger),
        )[:TOP_PROBLEMS],
        responses=responses,
        outcomes=outcomes,
    )


class _Tally:
    """Counts added up from (bucket, customer type, root cause) groups."""

    def __init__(self) -> None:
        self.turns = self.flagged = 0
        self.score = 0.0
        self.types: Counter[str] = Counter()
        self.causes: Counter[str] = Counter()
        self.by_bucket: defaultdict[date, list[Any]] = defaultdict(lambda: [0, 0, 0.0])

    def add(
        self,
        day: date,
        customer_type: str,
        cause: str | None,
        turns: int,
        flagged: int | None,
        score: float | None,
    ) -> None:
        self.turns += turns
        self.flagged += flagged or 0
        self.score += score or 0.0
        self.types[customer_type] += turns
        self.causes[cause or UNKNOWN_CAUSE] += turns
        totals = self.by_bucket[day]
        totals[0] += turns
        totals[1] += flagged or 0
        totals[2] += score or 0.0


class _Scope:
    """The tenant's turns in the period."""

    def __init__(self, conn: Connection, tenant_id: str, period: Period) -> None:
        self.conn = conn
        self.where = and_(
            TurnRow.tenant_id == tenant_id, TurnRow.at >= period.start, TurnRow.at < period.end
        )

    def select(self, *columns: Any) -> Select[Any]:
        return select(*columns).select_from(TurnRow).where(self.where)

    def fired(self) -> Any:
        """One row per trigger raised: conversation_id, root_cause, type."""
        if self.conn.dialect.name == "postgresql":
            element = func.json_array_elements(TurnRow.triggers).table_valued("value")
            kind = func.json_extract_path_text(element.c.value, literal_column("'type'"))
        else:
            element = func.json_each(TurnRow.triggers).table_valued("value")
            kind = func.json_extract(element.c.value, literal_column("'$.type'"))
        query = self.select(TurnRow.conversation_id, TurnRow.root_cause, kind.label("type"))
        # Only the turns that raised a trigger are opened: the index says which.
        return query.where(TurnRow.flagged > 0).join(element, true()).subquery()


def _bucket(conn: Connection, column: Any, bucket: Bucket) -> Any:
    """The first day of the column's bucket, in UTC; weeks start on Monday (ISO)."""
    # Literal SQL rather than bound parameters: PostgreSQL matches a GROUP BY expression to
    # the selected one by its text, and two parameters would make the texts differ.
    if conn.dialect.name == "postgresql":
        unit: Any = literal_column(f"'{bucket}'")
        return cast(func.date_trunc(unit, func.timezone(literal_column("'UTC'"), column)), Date)
    # SQLite keeps UTC as naive text; "weekday 0" moves to the Sunday ending the ISO week.
    if bucket == "week":
        return func.date(column, literal_column("'weekday 0'"), literal_column("'-6 days'"))
    # The stored text starts with the day ("2026-11-30 14:02:…"): cutting it is much cheaper
    # than parsing it with date() for every turn of a large period.
    return func.substr(column, 1, 10)


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _mean(total: float, count: int) -> float | None:
    return round(total / count, 4) if count else None


def _counts(labels: Sequence[str], found: dict[str, int]) -> dict[str, int]:
    """Every known label, zero when unseen, then anything else the store holds."""
    counts = {label: found.get(label, 0) for label in labels}
    counts.update({k: v for k, v in found.items() if k not in counts})
    return counts


def _outcomes(
    conn: Connection, tenant_id: str, period: Period
) -> tuple[list[ResponseStats], OutcomeSummary]:
    """Replies ranked by how often the conversations using them were resolved.

    A conversation counts once, resolved as its latest outcome in the period says, with every
    reply any of its outcomes reported as used (as the learning loop counts them).
    """
    query = (
        select(
            OutcomeRow.conversation_id,
            OutcomeRow.resolved,
            OutcomeRow.satisfaction,
            OutcomeRow.responses_used,
        )
        .where(
            OutcomeRow.tenant_id == tenant_id,
            OutcomeRow.at >= period.start,
            OutcomeRow.at < period.end,
        )
        .order_by(OutcomeRow.conversation_id, OutcomeRow.at, OutcomeRow.id)
    )
    used: dict[str, set[str]] = {}
    resolved: dict[str, bool] = {}
    satisfaction: dict[str, int] = {}
    for conversation_id, is_resolved, score, entry_ids in conn.execute(query):
        used.setdefault(conversation_id, set()).update(entry_ids)
        resolved[conversation_id] = is_resolved  # in time order: the latest wins
        if score is not None:
            satisfaction[conversation_id] = score
    uses: Counter[str] = Counter()
    wins: Counter[str] = Counter()
    for conversation_id, entry_ids in used.items():
        uses.update(entry_ids)
        if resolved[conversation_id]:
            wins.update(entry_ids)
    stats = [ResponseStats(entry_id, uses[entry_id], wins[entry_id]) for entry_id in uses]
    stats.sort(key=lambda s: (-s.rank_score, -s.used, s.id))
    scores = list(satisfaction.values())
    summary = OutcomeSummary(
        conversations=len(resolved),
        resolved=sum(resolved.values()),
        mean_satisfaction=round(sum(scores) / len(scores), 2) if scores else None,
    )
    return stats, summary
