"""What happened over a period, for team leads: volumes, types, triggers, causes, what resolved.

Aggregates are read from the day roll-ups the store keeps with every turn
(app.store.rollups), in SQLite or PostgreSQL: a few thousand counts for a 90-day period,
whatever the number of turns; outcomes, a few per conversation, come back as rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, func, select

from app.core.labels import CUSTOMER_TYPES, ROOT_CAUSES, TRIGGER_TYPES
from app.insights.periods import Period
from app.store.conversations import ConversationStore
from app.store.db import (
    OutcomeRow,
    ReportConversationDayRow,
    ReportDayRow,
    ReportTriggerDayRow,
)
from app.store.rollups import as_date

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
    days = _Days(tenant_id, period)
    tally = _Tally()
    # Every count comes from the day roll-ups (app.store.rollups), grouped small enough to add
    # up here: a conversation counts in a bucket or the period on its first day there, the
    # one whose previous day falls before it.
    day = ReportDayRow
    for row in conn.execute(
        days.select(
            day,
            day.day,
            day.customer_type,
            day.root_cause,
            day.turns,
            day.flagged_turns,
            day.sentiment_sum,
        )
    ):
        tally.add(period.bucket_of(as_date(row[0])), *row[1:])
    people = _Conversations(period)
    conversation = ReportConversationDayRow
    groups = (
        conversation.day,
        conversation.previous_day,
        conversation.previous_flagged_day,
        conversation.flagged_turns,
    )
    # Grouped in the order of the roll-up's index: read in order, no sort.
    for row in conn.execute(days.select(conversation, *groups, func.count()).group_by(*groups)):
        people.add(as_date(row[0]), _maybe_date(row[1]), _maybe_date(row[2]), *row[3:])
    fired = ReportTriggerDayRow
    raised: Counter[str] = Counter()
    in_pairs: Counter[tuple[str, str]] = Counter()
    for cause, kind, previous, times, rows in conn.execute(
        days.select(
            fired,
            fired.root_cause,
            fired.trigger,
            fired.previous_day,
            func.sum(fired.raised),
            func.count(),
        ).group_by(fired.root_cause, fired.trigger, fired.previous_day)
    ):
        raised[kind] += times
        if people.first_in_period(_maybe_date(previous)):
            in_pairs[cause, kind] += rows
    responses, outcomes = _outcomes(conn, tenant_id, period)
    return Insights(
        period=period,
        turns=tally.turns,
        conversations=people.total,
        flagged_turns=tally.flagged,
        flagged_conversations=people.flagged,
        mean_sentiment=_mean(tally.score, tally.turns),
        series=[
            BucketStats(
                start,
                tally.by_bucket[start][0],
                people.by_bucket[start],
                tally.by_bucket[start][1],
                _mean(tally.by_bucket[start][2], tally.by_bucket[start][0]),
            )
            for start in period.buckets()
        ],
        customer_types=_counts(CUSTOMER_TYPES, tally.types),
        triggers=_counts(TRIGGER_TYPES, raised),
        root_causes=_counts(ROOT_CAUSES, tally.causes),
        problems=sorted(
            (Problem(cause or UNKNOWN_CAUSE, kind, n) for (cause, kind), n in in_pairs.items()),
            key=lambda p: (-p.conversations, p.root_cause, p.trigger),
        )[:TOP_PROBLEMS],
        responses=responses,
        outcomes=outcomes,
    )


class _Conversations:
    """Distinct conversations, from (day, previous day, previous flagged day) groups."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.total = self.flagged = 0
        self.by_bucket: Counter[date] = Counter()

    def first_in_period(self, previous: date | None) -> bool:
        return previous is None or previous < self.period.first

    def add(
        self,
        day: date,
        previous: date | None,
        previous_flagged: date | None,
        flagged_turns: int,
        conversations: int,
    ) -> None:
        if self.first_in_period(previous):
            self.total += conversations
        if flagged_turns and self.first_in_period(previous_flagged):
            self.flagged += conversations
        bucket = self.period.bucket_of(day)
        # A week cut by the period's first day starts, for counting, at that day.
        if previous is None or previous < max(bucket, self.period.first):
            self.by_bucket[bucket] += conversations


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
        bucket: date,
        customer_type: str,
        cause: str,
        turns: int,
        flagged: int,
        score: float,
    ) -> None:
        self.turns += turns
        self.flagged += flagged
        self.score += score
        self.types[customer_type] += turns
        self.causes[cause or UNKNOWN_CAUSE] += turns
        totals = self.by_bucket[bucket]
        totals[0] += turns
        totals[1] += flagged
        totals[2] += score


class _Days:
    """The tenant's roll-up rows for the period's days."""

    def __init__(self, tenant_id: str, period: Period) -> None:
        self.tenant_id = tenant_id
        self.period = period

    def select(self, table: Any, *columns: Any) -> Select[Any]:
        return select(*columns).where(
            table.tenant_id == self.tenant_id,
            table.day >= self.period.first,
            table.day <= self.period.last,
        )


def _maybe_date(value: date | str | None) -> date | None:
    return None if value is None else as_date(value)


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
