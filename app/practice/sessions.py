"""A practice session from start to end: the scenario chosen, each reply played and kept.

Blocking (database reads and writes): the API calls these from a worker thread. `agent`,
where given, hides every session another agent practised, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import SessionEndedError, SessionNotFoundError
from app.core.labels import CustomerType, TriggerType
from app.practice.library import ScenarioLibrary, choose, find
from app.practice.scenarios import Difficulty, Scenario
from app.practice.simulator import Exchange, open_session, reply
from app.practice.store import PracticeRecord, create_session, load_session, save_session
from app.store.conversations import ConversationStore


@dataclass(frozen=True, slots=True)
class Played:
    """A session with its scenario, and what the last reply brought when there was one."""

    record: PracticeRecord
    scenario: Scenario
    exchange: Exchange | None = None


def start(
    store: ConversationStore,
    library: ScenarioLibrary,
    tenant_id: str,
    *,
    agent: str,
    agent_name: str | None = None,
    scenario_id: str | None = None,
    customer_type: CustomerType | None = None,
    difficulty: Difficulty | None = None,
    trigger: TriggerType | None = None,
) -> Played:
    """Open a session on the scenario asked for: by id, else at random among the matching."""
    scenario = choose(
        library.for_tenant(tenant_id),
        scenario_id=scenario_id,
        customer_type=customer_type,
        difficulty=difficulty,
        trigger=trigger,
    )
    session = open_session(scenario)
    record = create_session(store, tenant_id, session, agent=agent, agent_name=agent_name)
    return Played(record, scenario)


def read(
    store: ConversationStore,
    library: ScenarioLibrary,
    tenant_id: str,
    session_id: str,
    *,
    agent: str | None = None,
) -> Played:
    """The session and its scenario; SessionNotFoundError for one the caller may not see."""
    record = load_session(store, tenant_id, session_id, agent=agent)
    if record is None:
        raise SessionNotFoundError(f"no practice session {session_id!r}")
    scenario = find(library.for_tenant(tenant_id), library.default, record.scenario_id)
    return Played(record, scenario)


def read_active(
    store: ConversationStore,
    library: ScenarioLibrary,
    tenant_id: str,
    session_id: str,
    *,
    agent: str | None = None,
) -> Played:
    """As `read`, and SessionEndedError once the session has ended."""
    played = read(store, library, tenant_id, session_id, agent=agent)
    if played.record.status != "active":
        raise SessionEndedError(f"the session has ended ({played.record.status})")
    return played


def answer(
    store: ConversationStore,
    library: ScenarioLibrary,
    tenant_id: str,
    session_id: str,
    text: str,
    *,
    agent: str | None = None,
) -> Played:
    """Play the agent's reply and keep it; SessionConflictError if another one was kept first."""
    played = read_active(store, library, tenant_id, session_id, agent=agent)
    exchange = reply(played.record.session, played.scenario, text)
    return Played(save_session(store, played.record), played.scenario, exchange)
