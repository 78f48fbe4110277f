"""How the engine reads a scenario's messages, against what each was written to show."""

from __future__ import annotations

from app.core.labels import CustomerType, TriggerType
from app.engine.triage import TriageEngine, TriageInput
from app.practice.scenarios import CustomerMessage, ScenarioSet


def read_as(
    engine: TriageEngine, message: CustomerMessage, channel: str
) -> tuple[CustomerType, set[TriggerType]]:
    """The customer type and the message triggers the engine reads in one message alone."""
    result = engine.triage([TriageInput(text=message.text, channel=channel, store=False)])[0]  # type: ignore[arg-type]
    triggers: set[TriggerType] = {
        t.type for t in result.escalation.triggers if t.type != "worsening_sentiment"
    }
    return result.customer.label, triggers


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
