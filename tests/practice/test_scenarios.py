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


# Read otherwise by the shipped model and kept as written, each for a stated reason: the
# trigger head (1.6.0) reads real customers better than 1.5.0 did (test micro-F1 0.63 to
# 0.66) and these three worse. A new misreading fails the test; so does one of these once it
# is read as written (then it leaves this list).
KNOWN_MISREADINGS = {
    # "Send someone NOW!" about a gas smell asks for an engineer, not to talk to a person.
    "gas-smell-after-meter-swap worse[0]": "read with human_request",
    # "I said TWICE" repeats a point within the same thread: not an earlier failed contact.
    "double-charge-insults worse[0]": "read with repeated_contact",
    # "Or maybe I should just ask for a refund?" muses; LABELLING.md counts a remedy named
    # as a question, so this one is on the line, and the scenario means the musing.
    "delayed-flight-options opening": "read with authority_exceeded",
}


@pytest.mark.integration
def test_every_customer_message_is_read_as_the_scenario_intends(engine: TriageEngine) -> None:
    """Type and message triggers, for the opening and every reaction of every scenario."""
    read_otherwise = {line.split(":")[0] for line in misreadings(engine, SHIPPED)}
    assert read_otherwise == set(KNOWN_MISREADINGS)
