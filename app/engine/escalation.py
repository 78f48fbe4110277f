"""Whether a lead must step in now, and how soon: a decision over triggers and intensity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.core.config import Thresholds
from app.core.domain import CustomerProfile, Escalation, Trigger
from app.core.labels import PRIORITIES, Priority, TriggerType


def _raise(priority: Priority, by: int = 1) -> Priority:
    return PRIORITIES[min(PRIORITIES.index(priority) + by, len(PRIORITIES) - 1)]


def decide(
    triggers: Sequence[Trigger],
    customer: CustomerProfile,
    *,
    thresholds: Thresholds,
    trigger_priority: Mapping[TriggerType, Priority],
) -> Escalation:
    """Escalate on any confident trigger, or on a very intense difficult customer.

    Priority is the most pressing trigger's; a furious customer raises it one level.
    Without a trigger, an intense difficult customer is "high", a milder one "normal" work,
    and everyone else "low".
    """
    confident = [t for t in triggers if t.confidence >= thresholds.escalate_min_confidence]
    ordered = sorted(triggers, key=lambda t: (t.start, t.end, t.type))
    difficult = customer.label not in ("satisfied", "neutral")
    too_intense = difficult and customer.intensity >= thresholds.escalate_intensity

    if confident:
        priority = max((trigger_priority[t.type] for t in confident), key=PRIORITIES.index)
        if too_intense:
            priority = _raise(priority)
    elif too_intense or (difficult and customer.intensity >= thresholds.high_priority_intensity):
        priority = "high"  # priority rises with intensity; only too_intense escalates
    else:
        priority = "normal" if difficult else "low"
    return Escalation(
        escalate=bool(confident) or too_intense, priority=priority, triggers=tuple(ordered)
    )
