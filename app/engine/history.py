"""What a conversation's history says: the sentiment trend and the triggers only history raises.

History triggers are not raised by words in the message, so their evidence describes the
history ("contact 3 about an unresolved issue within 7 days") and their span is empty (0, 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.domain import Trigger


@dataclass(frozen=True, slots=True)
class Trend:
    """Sentiment over the conversation so far, the current turn included."""

    turns: int
    first_score: float
    last_score: float
    slope: float  # change in signed sentiment score per turn, over the recent turns


@dataclass(frozen=True, slots=True)
class HistoryRules:
    """When history alone says a lead should look (see Settings)."""

    trend_turns: int = 4  # how many recent turns the trend is fitted over
    worsening_drop: float = 0.5  # total fall in score over those turns that counts as worsening
    repeated_contacts: int = 3  # contacts about an unresolved issue within the window
    repeated_window: timedelta = timedelta(days=7)


def trend(scores: Sequence[float], *, recent: int) -> Trend:
    """Least-squares slope of the last `recent` scores; a single turn has no slope."""
    window = list(scores[-recent:])
    n = len(window)
    if n < 2:
        slope = 0.0
    else:
        mean_x, mean_y = (n - 1) / 2, sum(window) / n
        covariance = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(window))
        variance = sum((x - mean_x) ** 2 for x in range(n))
        slope = covariance / variance
    return Trend(
        turns=len(scores),
        first_score=round(scores[0], 4),
        last_score=round(scores[-1], 4),
        slope=round(slope, 4),
    )


def worsening(current: Trend, rules: HistoryRules) -> Trigger | None:
    """The trend fell past the threshold over the recent turns, however calm each one reads."""
    span = min(current.turns, rules.trend_turns) - 1
    if span < 2:  # two turns are a change, not a trend
        return None
    fall = -current.slope * span
    if fall < rules.worsening_drop:
        return None
    confidence = min(
        1.0, 0.5 + 0.5 * (fall - rules.worsening_drop) / max(rules.worsening_drop, 1e-9)
    )
    evidence = (
        f"sentiment fell by {fall:.2f} over the last {span + 1} turns "
        f"(now {current.last_score:+.2f})"
    )
    return Trigger("worsening_sentiment", evidence, 0, 0, "conversation", round(confidence, 4))


def repeated_contact(
    contact_times: Sequence[datetime], now: datetime, rules: HistoryRules
) -> Trigger | None:
    """The customer keeps coming back about an unresolved issue within the window.

    `contact_times` are the customer's earlier unresolved contacts (conversations, or turns
    of this one), the current one not included.
    """
    recent = [t for t in contact_times if now - t <= rules.repeated_window]
    count = len(recent) + 1
    if count < rules.repeated_contacts:
        return None
    confidence = min(1.0, 0.6 + 0.1 * (count - rules.repeated_contacts))
    days = rules.repeated_window / timedelta(days=1)
    evidence = f"contact {count} about an unresolved issue within {days:g} days"
    return Trigger("repeated_contact", evidence, 0, 0, "conversation", round(confidence, 4))
