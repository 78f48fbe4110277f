"""What write-back puts on the ticket, decided from a triage result: tags, priority, a note.

Pure functions, so the words on a ticket are tested without a helpdesk. Tags live in one
namespace (`triage__sentiment__negative`); the ones that no longer apply are listed too, so
that a ticket that calmed down loses its old `triage__type__angry`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, get_args

from app.core.labels import CustomerType, Priority, SentimentLabel
from app.engine.triage import TriageResult

AVOID_IN_NOTE = 6


@dataclass(frozen=True, slots=True)
class WritebackPlan:
    tags: tuple[str, ...]  # to add
    stale_tags: tuple[str, ...]  # this service's other tags, to remove where the API allows
    priority: Priority | None  # None: leave the ticket's priority alone
    note: str  # plain text; internal only

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WritebackPlan:
        return cls(
            tags=tuple(data["tags"]),
            stale_tags=tuple(data["stale_tags"]),
            priority=data["priority"],
            note=data["note"],
        )


def tag(prefix: str, kind: str, value: str) -> str:
    return f"{prefix}__{kind}__{value}"


def all_tags(prefix: str) -> tuple[str, ...]:
    """Every tag this service may set, in one namespace."""
    return (
        *(tag(prefix, "sentiment", s) for s in get_args(SentimentLabel)),
        *(tag(prefix, "type", t) for t in get_args(CustomerType)),
        *(tag(prefix, "priority", p) for p in get_args(Priority)),
        f"{prefix}__escalate",
    )


def plan_for(result: TriageResult, *, prefix: str, set_priority: bool) -> WritebackPlan:
    """Tags for sentiment and customer type; escalation adds a tag and raises the priority."""
    escalation = result.escalation
    tags = [
        tag(prefix, "sentiment", result.sentiment.label),
        tag(prefix, "type", result.customer.label),
    ]
    if escalation.escalate:
        tags += [f"{prefix}__escalate", tag(prefix, "priority", escalation.priority)]
    return WritebackPlan(
        tags=tuple(tags),
        stale_tags=tuple(t for t in all_tags(prefix) if t not in tags),
        # Only an escalation touches priority: a calm message must not lower what an agent set.
        priority=escalation.priority if escalation.escalate and set_priority else None,
        note=note_for(result),
    )


def note_for(result: TriageResult) -> str:
    """The internal note: the reading, the triggers with their evidence, and the playbook."""
    s, c, e = result.sentiment, result.customer, result.escalation
    lines = [
        f"Triage: sentiment {s.label} ({s.score:+.2f}), customer {c.label} "
        f"(intensity {c.intensity:.2f}).",
        f"Escalate now, priority {e.priority}." if e.escalate else "No escalation needed.",
    ]
    if e.triggers:
        lines.append("Triggers:")
        lines += [f'- {t.type.replace("_", " ")}: "{t.evidence}"' for t in e.triggers]
    if result.playbook.steps:
        lines.append("Suggested playbook:")
        for number, step in enumerate(result.playbook.steps, 1):
            said = step.responses[0].text if step.responses else ""
            lines.append(f"{number}. {step.step.replace('_', ' ')}: {said}".rstrip(": "))
    if result.playbook.avoid:
        # The first few, in the bank's order: a note is read in seconds, not studied.
        avoid = result.playbook.avoid[:AVOID_IN_NOTE]
        lines.append("Avoid saying: " + "; ".join(f'"{a}"' for a in avoid))
    lines.append("(Internal note from sentiment-triage; the customer does not see it.)")
    return "\n".join(lines)
