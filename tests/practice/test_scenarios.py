"""The shipped scenarios: valid, covering the domain, and read by the engine as written."""

from __future__ import annotations

import pytest

from app.engine.triage import TriageEngine
from app.practice.reading import misreadings
from app.practice.scenarios import ScenarioError, ScenarioSet, coverage_gaps

SHIPPED = ScenarioSet.default()


def test_there_are_at_least_forty_and_they_cover_every_type_cause_and_trigger() -> None:
    assert len(SHIPPED.scenarios) >= 40
    assert coverage_gaps(SHIPPED) == []


def test_an_invalid_set_is_refused_with_the_reason() -> None:
    broken = SHIPPED.model_dump(mode="json")
    broken["scenarios"][0]["opening"]["customer_type"] = "satisfied"
    with pytest.raises(ScenarioError, match="the opening is written as satisfied"):
        ScenarioSet.parse(broken)
    twice = SHIPPED.model_dump(mode="json")
    twice["scenarios"].append(twice["scenarios"][0])
    with pytest.raises(ScenarioError, match="used twice"):
        ScenarioSet.parse(twice)


@pytest.mark.integration
def test_every_customer_message_is_read_as_the_scenario_intends(engine: TriageEngine) -> None:
    """Type and message triggers, for the opening and every reaction of every scenario."""
    assert misreadings(engine, SHIPPED) == []
