"""The reply the service itself would suggest at this point of a practice session.

The engine reads the customer's latest message with the session's earlier ones as history
(so repeat contact and worsening sentiment count) and builds its playbook; the suggestion is
the first reply of each step meant for now (not the follow-up), in the playbook's order,
with the scenario's facts in the agent slots ({eta}, {fix}, ...), as an agent who knows the
case would fill them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.labels import DEFAULT_TENANT
from app.engine.triage import PastMessage, TriageEngine, TriageInput, TriageResult
from app.practice.scenarios import Scenario
from app.practice.simulator import Session

LATER = frozenset({"follow_up"})  # steps the playbook means for a later message


def recommended_reply(engine: TriageEngine, scenario: Scenario, session: Session) -> str:
    now = datetime.now(UTC)
    return suggestion(engine.triage([hint_input(scenario, session, now=now)], now=now)[0])


def hint_input(
    scenario: Scenario, session: Session, *, now: datetime, tenant_id: str = DEFAULT_TENANT
) -> TriageInput:
    """The customer's latest message as the engine should read it (nothing stored).

    Apart from `suggestion`, so the API can send it through the shared triage batch.
    """
    customer_turns = [t.text for t in session.turns if t.role == "customer"]
    history = tuple(
        PastMessage(text=text, at=now - timedelta(minutes=len(customer_turns) - n))
        for n, text in enumerate(customer_turns[:-1])
    )
    values = {"customer_name": scenario.persona.name, **scenario.facts.slots}
    if scenario.facts.reference:
        values["order_id"] = scenario.facts.reference
    return TriageInput(
        text=customer_turns[-1],
        channel=scenario.channel,
        values=values,
        history=history,
        store=False,
        tenant_id=tenant_id,
    )


def suggestion(result: TriageResult) -> str:
    """The playbook's first reply of each step meant for now, in order."""
    return " ".join(
        step.responses[0].text
        for step in result.playbook.steps
        if step.responses and step.step not in LATER
    )
