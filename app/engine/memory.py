"""Conversation memory for triage: what history adds to a message, and what gets kept."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from app.core.config import Settings
from app.core.domain import Trigger
from app.core.errors import StoreUnavailableError
from app.core.labels import DEFAULT_TENANT
from app.engine.history import HistoryRules, Trend, repeated_contact, trend, worsening
from app.engine.redact import redact
from app.store.conversations import (
    ConversationStore,
    NewOutcome,
    NewTurn,
    OutcomeRecord,
    TurnRecord,
)

log = logging.getLogger("triage.conversations")


@dataclass(frozen=True, slots=True)
class PastTurn:
    """A turn the caller kept itself (stateless mode), already scored."""

    score: float
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ConversationContext:
    """What history says about the current message."""

    id: str | None
    available: bool  # False when the store could not be reached
    trend: Trend | None = None
    triggers: tuple[Trigger, ...] = ()
    past_turns: int = 0
    offered: tuple[str, ...] = ()  # bank entries already suggested in this conversation


@dataclass(frozen=True, slots=True)
class TurnToKeep:
    """The decided triage of one message, as the store keeps it."""

    conversation_id: str
    customer_id: str | None
    channel: str
    text: str
    at: datetime
    sentiment_label: str
    sentiment_score: float
    customer_type: str
    intensity: float
    root_cause: str | None
    triggers: Sequence[Trigger]
    responses: Sequence[str] = field(default_factory=tuple)
    difficult: bool = False
    tenant_id: str = DEFAULT_TENANT


class ConversationMemory:
    """Reads history before a message is decided and keeps the decided turn after."""

    def __init__(
        self,
        store_of: Callable[[], ConversationStore | None],
        *,
        rules: HistoryRules,
        keep_text: bool,
        contact_gap: timedelta,
        follow_up_hours: Mapping[str, Sequence[float]],
    ) -> None:
        # Read on every use: the service's store opens (and reopens) in the background.
        self._store_of = store_of
        self.rules = rules
        self.keep_text = keep_text
        self.contact_gap = contact_gap
        self.follow_up_hours = follow_up_hours

    @property
    def store(self) -> ConversationStore | None:
        return self._store_of()

    @store.setter
    def store(self, store: ConversationStore | None) -> None:
        self._store_of = lambda: store

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        store: ConversationStore | None = None,
        *,
        store_of: Callable[[], ConversationStore | None] | None = None,
    ) -> ConversationMemory:
        """Memory over a fixed store, or over whatever `store_of` answers (the service's keeper)."""
        return cls(
            store_of or (lambda: store),
            rules=HistoryRules(
                trend_turns=settings.trend_turns,
                worsening_drop=settings.worsening_drop,
                repeated_contacts=settings.repeated_contacts,
                repeated_window=timedelta(days=settings.repeated_window_days),
            ),
            keep_text=settings.store_text == "redacted",
            contact_gap=timedelta(hours=settings.contact_gap_hours),
            follow_up_hours=settings.follow_up_hours,
        )

    def from_history(
        self, past: Sequence[PastTurn], score: float, now: datetime
    ) -> ConversationContext:
        """Stateless mode: the caller sent the earlier turns with the message."""
        contacts = self._contact_starts([p.at for p in past if p.at is not None], now)
        return self._context(None, [p.score for p in past], score, contacts, now)

    def from_store(
        self,
        conversation_id: str,
        customer_id: str | None,
        score: float,
        now: datetime,
        *,
        tenant_id: str = DEFAULT_TENANT,
    ) -> ConversationContext:
        """Stateful mode: read the conversation and the customer's other recent ones.

        Only the tenant's own conversations count: another team's customer with the same id
        is somebody else.
        """
        if self.store is None:
            return ConversationContext(id=conversation_id, available=False)
        try:
            record = self.store.get(conversation_id, tenant_id=tenant_id)
            others = (
                self.store.customer_conversations(
                    customer_id, since=now - self.rules.repeated_window, tenant_id=tenant_id
                )
                if customer_id
                else []
            )
        except StoreUnavailableError:
            log.warning("conversation store unavailable; answering without history")
            return ConversationContext(id=conversation_id, available=False)
        turns = record.turns if record else []
        # Other unresolved conversations of this customer, and returns to this one after a
        # pause, are each a contact about the issue.
        contacts = [
            o.last_turn_at for o in others if o.id != conversation_id and o.resolved is not True
        ]
        resolved = bool(record and record.outcomes and record.outcomes[-1].resolved)
        if not resolved:
            contacts += self._contact_starts([t.at for t in turns], now)
        context = self._context(
            conversation_id, [t.sentiment_score for t in turns], score, contacts, now
        )
        offered = tuple(dict.fromkeys(i for t in turns for i in t.responses_suggested))
        return replace(context, offered=offered)

    def _context(
        self,
        conversation_id: str | None,
        past_scores: Sequence[float],
        score: float,
        contacts: Sequence[datetime],
        now: datetime,
    ) -> ConversationContext:
        current = trend([*past_scores, score], recent=self.rules.trend_turns)
        found = [worsening(current, self.rules), repeated_contact(contacts, now, self.rules)]
        return ConversationContext(
            id=conversation_id,
            available=True,
            trend=current,
            triggers=tuple(t for t in found if t),
            past_turns=len(past_scores),
        )

    def keep(self, turn: TurnToKeep) -> bool:
        """Store the turn and reschedule follow-ups; False when the store is unavailable."""
        if self.store is None:
            return False
        try:
            self.store.append_turn(
                NewTurn(
                    tenant_id=turn.tenant_id,
                    conversation_id=turn.conversation_id,
                    customer_id=turn.customer_id,
                    at=turn.at,
                    channel=turn.channel,  # type: ignore[arg-type]
                    text=redact(turn.text) if self.keep_text else None,
                    sentiment_label=turn.sentiment_label,  # type: ignore[arg-type]
                    sentiment_score=turn.sentiment_score,
                    customer_type=turn.customer_type,  # type: ignore[arg-type]
                    intensity=turn.intensity,
                    root_cause=turn.root_cause,
                    triggers=[self._kept_trigger(t) for t in turn.triggers],
                    responses_suggested=list(turn.responses),
                )
            )
            if turn.difficult:
                self.store.schedule_follow_ups(
                    turn.conversation_id,
                    self.follow_ups(turn.root_cause, turn.at),
                    tenant_id=turn.tenant_id,
                )
        except StoreUnavailableError:
            log.warning("conversation store unavailable; turn not kept")
            return False
        return True

    def record_outcome(
        self, conversation_id: str, outcome: NewOutcome, *, tenant_id: str = DEFAULT_TENANT
    ) -> OutcomeRecord:
        """Keep the outcome; once resolved, schedule the checks that the fix held."""
        if self.store is None:
            raise StoreUnavailableError("the conversation store is unavailable; retry shortly")
        record = self.store.record_outcome(conversation_id, outcome, tenant_id=tenant_id)
        if outcome.resolved:
            conversation = self.store.get(conversation_id, tenant_id=tenant_id)
            cause = main_root_cause(conversation.turns if conversation else [])
            self.store.schedule_follow_ups(
                conversation_id,
                self.follow_ups(cause, outcome.at, purpose="check the fix held"),
                tenant_id=tenant_id,
            )
        return record

    def follow_ups(
        self, root_cause: str | None, start: datetime, *, purpose: str = "check in"
    ) -> list[tuple[datetime, str]]:
        """When to check back, by issue type (settings), starting from `start`."""
        hours = self.follow_up_hours.get(root_cause or "", self.follow_up_hours["default"])
        issue = root_cause or "the issue"
        return [(start + timedelta(hours=h), f"{purpose} ({_describe(h)}): {issue}") for h in hours]

    def _kept_trigger(self, trigger: Trigger) -> dict:
        # Evidence is the customer's own words: kept only as the text itself would be.
        evidence = (
            trigger.evidence
            if trigger.source == "conversation"
            else (redact(trigger.evidence) if self.keep_text else "")
        )
        return {
            "type": trigger.type,
            "evidence": evidence,
            "start": trigger.start,
            "end": trigger.end,
            "source": trigger.source,
            "confidence": trigger.confidence,
        }

    def _contact_starts(self, times: Sequence[datetime], now: datetime) -> list[datetime]:
        """Earlier contacts: each time the customer came back after a pause.

        The last start is the contact the current message belongs to, so it is left out.
        """
        starts: list[datetime] = []
        previous = None
        for at in sorted([*times, now]):
            if previous is None or at - previous >= self.contact_gap:
                starts.append(at)
            previous = at
        return starts[:-1]


def main_root_cause(turns: Sequence[TurnRecord]) -> str | None:
    """The cause named most often over the conversation ("other" is no cause)."""
    causes = Counter(t.root_cause for t in turns if t.root_cause and t.root_cause != "other")
    return causes.most_common(1)[0][0] if causes else None


def _describe(hours: float) -> str:
    if hours % 168 == 0:
        weeks = int(hours // 168)
        return f"{weeks} week{'s' if weeks > 1 else ''}"
    if hours % 24 == 0:
        days = int(hours // 24)
        return f"{days} day{'s' if days > 1 else ''}"
    return f"{hours:g} hours"
