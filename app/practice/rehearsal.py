"""Scripted agents that play a scenario end to end: the proof that practice rewards good replies.

`play` runs a session with an agent (a function from the session to its next reply). Two
agents come with it: one that sends what the service itself recommends (app.practice.coach),
and one that does what the domain says not to: phrases that inflame, arguing, promises
beyond the case, and ignoring a request for a lead.
"""

from __future__ import annotations

from collections.abc import Callable

from app.engine.triage import TriageEngine
from app.practice.coach import recommended_reply
from app.practice.scenarios import Scenario
from app.practice.simulator import MAX_REPLIES, Session, open_session, reply

Agent = Callable[[Scenario, Session], str]

# The careless agent's lines, used in turn: each breaks a different rule.
CARELESS_LINES = (
    "Calm down. It's company policy and there's nothing I can do about it.",
    "You must have entered something wrong on your side. That's not our fault.",
    "As I said, you'll just have to wait like everyone else.",
    "I guarantee it will definitely arrive, there's no need to get so upset.",
    "Unfortunately that's just how it works here, I can't help you with that.",
)


def play(scenario: Scenario, agent: Agent) -> Session:
    session = open_session(scenario)
    while session.status == "active" and session.replies < MAX_REPLIES:
        reply(session, scenario, agent(scenario, session))
    return session


def service_agent(engine: TriageEngine) -> Agent:
    """An agent who sends the service's own suggestion, filled with the case's facts."""
    return lambda scenario, session: recommended_reply(engine, scenario, session)


def careless_agent(scenario: Scenario, session: Session) -> str:
    return CARELESS_LINES[session.replies % len(CARELESS_LINES)]
