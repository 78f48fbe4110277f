"""Escalation decisions: which triggers escalate, and how urgently."""

import pytest

from app.core.config import DEFAULT_TRIGGER_PRIORITY, Thresholds
from app.core.domain import CustomerProfile, Trigger
from app.engine.escalation import decide

CALM = CustomerProfile(label="neutral", scores={}, intensity=0.1)  # type: ignore[arg-type]
ANGRY = CustomerProfile(label="angry", scores={}, intensity=0.4)  # type: ignore[arg-type]
HEATED = CustomerProfile(label="angry", scores={}, intensity=0.7)  # type: ignore[arg-type]
FURIOUS = CustomerProfile(label="angry", scores={}, intensity=0.95)  # type: ignore[arg-type]


def trigger(kind: str, confidence: float = 0.9, start: int = 0) -> Trigger:
    return Trigger(kind, "words", start, start + 5, "pattern", confidence)  # type: ignore[arg-type]


def run(triggers, customer=CALM, **thresholds):
    return decide(
        triggers,
        customer,
        thresholds=Thresholds(**thresholds),
        trigger_priority=DEFAULT_TRIGGER_PRIORITY,
    )


def test_no_trigger_calm_customer_is_low_priority_and_not_escalated() -> None:
    decision = run([])
    assert (decision.escalate, decision.priority) == (False, "low")


def test_a_difficult_customer_without_trigger_is_normal_work() -> None:
    assert run([], ANGRY).priority == "normal"
    assert not run([], ANGRY).escalate


def test_priority_rises_with_intensity_without_escalating() -> None:
    assert (run([], HEATED).escalate, run([], HEATED).priority) == (False, "high")
    assert run([], HEATED, high_priority_intensity=0.8).priority == "normal"


@pytest.mark.parametrize(
    ("kind", "priority"),
    [
        ("safety_risk", "urgent"),
        ("vulnerable_customer", "urgent"),
        ("legal_threat", "high"),
        ("human_request", "high"),
        ("abuse", "high"),
        ("churn_threat", "normal"),
        ("repeated_contact", "normal"),
    ],
)
def test_each_trigger_escalates_with_its_priority(kind: str, priority: str) -> None:
    decision = run([trigger(kind)])
    assert decision.escalate
    assert decision.priority == priority


def test_the_most_pressing_trigger_sets_priority() -> None:
    assert run([trigger("churn_threat"), trigger("safety_risk", start=9)]).priority == "urgent"


def test_fury_raises_priority_one_level() -> None:
    assert run([trigger("churn_threat")], FURIOUS).priority == "high"
    assert run([trigger("safety_risk")], FURIOUS).priority == "urgent"


def test_fury_alone_escalates() -> None:
    decision = run([], FURIOUS)
    assert (decision.escalate, decision.priority) == (True, "high")


def test_low_confidence_trigger_is_reported_but_does_not_escalate() -> None:
    decision = run([trigger("churn_threat", confidence=0.3)])
    assert not decision.escalate
    assert [t.type for t in decision.triggers] == ["churn_threat"]


def test_triggers_come_back_in_text_order() -> None:
    decision = run([trigger("legal_threat", start=30), trigger("human_request", start=2)])
    assert [t.type for t in decision.triggers] == ["human_request", "legal_threat"]
