"""The proof that practice trains the right thing: scripted agents play every scenario.

An agent sending what the service itself recommends must end well (resolved, or handed to
a lead where the case needs one) in at least 90% of scenarios; a careless agent (phrases to
avoid, arguing, ignoring a request for a lead) must lose the customer in at least 90%.
"""

from __future__ import annotations

import pytest

from app.engine.triage import TriageEngine
from app.practice.rehearsal import careless_agent, play, service_agent
from app.practice.scenarios import ScenarioSet

pytestmark = pytest.mark.integration
SHIPPED = ScenarioSet.default()


def test_the_service_s_own_playbook_ends_well_in_nine_scenarios_of_ten(
    engine: TriageEngine,
) -> None:
    agent = service_agent(engine)
    endings = {s.id: play(s, agent).status for s in SHIPPED.scenarios}
    good = [i for i, status in endings.items() if status in ("resolved", "escalated")]
    assert len(good) >= 0.9 * len(endings), {i: s for i, s in endings.items() if i not in good}


def test_a_careless_agent_loses_nine_customers_of_ten() -> None:
    endings = {s.id: play(s, careless_agent).status for s in SHIPPED.scenarios}
    lost = [i for i, status in endings.items() if status == "lost"]
    assert len(lost) >= 0.9 * len(endings), {i: s for i, s in endings.items() if i not in lost}
