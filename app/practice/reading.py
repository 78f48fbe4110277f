"""How the engine reads a scenario's messages, against what each was written to show."""

from __future__ import annotations

from app.core.domain import CustomerProfile
from app.core.labels import CustomerType, TriggerType
from app.engine.customer_type import DIFFICULT_TYPES
from app.engine.triage import TriageEngine, TriageInput
from app.practice.scenarios import CustomerMessage, ScenarioSet

# Two difficult types this close in the decision are a tie that the int8 arithmetic of one
# CPU or another settles: "That's a shame. I'll never buy from you again." read dissatisfied
# on one machine and angry on another, 0.005 apart. Such a message is read as either.
TYPE_TIE = 0.02


def read_as(
    engine: TriageEngine, message: CustomerMessage, channel: str
) -> tuple[CustomerType, set[TriggerType]]:
    """The customer type and the message triggers the engine reads in one message alone;
    the type written for the message where it ties with the one read."""
    result = engine.triage([TriageInput(text=message.text, channel=channel, store=False)])[0]  # type: ignore[arg-type]
    triggers: set[TriggerType] = {
        t.type for t in result.escalation.triggers if t.type != "worsening_sentiment"
    }
    lead = engine.settings.thresholds.customer_type_angry_lead
    return type_read_as(message.customer_type, result.customer, lead), triggers


def type_read_as(written: CustomerType, read: CustomerProfile, angry_lead: float) -> CustomerType:
    """The type read, or the one written where the two tie in the decision."""
    if read.label not in DIFFICULT_TYPES or written not in DIFFICULT_TYPES:
        return read.label
    deciding = {**read.scores, "angry": read.scores["angry"] + angry_lead}
    return written if deciding[read.label] - deciding[written] <= TYPE_TIE else read.label


def misreadings(engine: TriageEngine, scenarios: ScenarioSet) -> list[str]:
    """One line per message the engine reads as another type or with other triggers."""
    wrong = []
    for scenario in scenarios.scenarios:
        for where, message in scenario.messages():
            customer_type, triggers = read_as(engine, message, scenario.channel)
            if customer_type != message.customer_type or triggers != set(message.triggers):
                wrong.append(
                    f"{scenario.id} {where}: written as {message.customer_type} "
                    f"{sorted(message.triggers)}, read as {customer_type} {sorted(triggers)}: "
                    f"{message.text!r}"
                )
    return wrong
