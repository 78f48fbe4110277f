"""The simulated customer: a scenario played turn by turn, its mood moved by the agent's replies.

No language model: the customer's next message is chosen from the scenario's reactions by
what the reply did (app.practice.judge), and the session ends resolved (a concrete step once
the customer is calm enough), escalated well (a lead brought in when asked for or needed), or
lost (mood gone, or no progress within MAX_REPLIES). The state is plain data, stored as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from app.practice.judge import MOOD_EFFECT, Judgement, judge_reply, mood_change
from app.practice.scenarios import SKILLS, CustomerMessage, Scenario, Skill

Status = Literal["active", "resolved", "escalated", "lost"]
ENDED: tuple[Status, ...] = ("resolved", "escalated", "lost")
MAX_REPLIES = 8
UPSET_BELOW = 55  # under this mood the customer is upset: empathy is expected


@dataclass(slots=True)
class Turn:
    role: Literal["customer", "agent"]
    text: str
    mood: int  # the customer's mood after this turn
    feedback: list[dict[str, Any]] | None = None  # the judge's results, agent turns only
    score: float | None = None  # the reply's score (0-1), agent turns only


@dataclass(slots=True)
class Session:
    scenario_id: str
    mood: int
    status: Status = "active"
    turns: list[Turn] = field(default_factory=list)
    lead_requested: bool = False
    # Which calmer / worse message comes next: each is used in turn, then they repeat.
    said: dict[str, int] = field(default_factory=lambda: {"calmer": 0, "worse": 0})

    @property
    def last_customer_text(self) -> str:
        return next(t.text for t in reversed(self.turns) if t.role == "customer")

    @property
    def replies(self) -> int:
        return sum(1 for t in self.turns if t.role == "agent")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        turns = [Turn(**t) for t in data["turns"]]
        return cls(**{**data, "turns": turns})


@dataclass(frozen=True, slots=True)
class Exchange:
    """What one agent reply brought: the judgement, the customer's answer, whether it ended."""

    judgement: Judgement
    mood_change: int
    customer: CustomerMessage | None  # None when a lead takes over
    status: Status


def open_session(scenario: Scenario) -> Session:
    session = Session(scenario_id=scenario.id, mood=scenario.behaviour.start_mood)
    session.turns.append(Turn("customer", scenario.opening.text, session.mood))
    return session


def reply(session: Session, scenario: Scenario, text: str) -> Exchange:
    """Play the agent's reply: judge it, move the mood, and let the customer answer."""
    if session.status != "active":
        raise ValueError(f"the session has ended ({session.status})")
    judgement = judge_reply(
        text,
        scenario,
        customer_text=session.last_customer_text,
        upset=session.mood < UPSET_BELOW,
        lead_requested=session.lead_requested,
    )
    change = mood_change(judgement, scenario)
    session.mood = max(0, min(100, session.mood + change))
    session.turns.append(
        Turn(
            "agent",
            text,
            session.mood,
            feedback=[asdict(r) for r in judgement.results],
            score=judgement.score,
        )
    )
    customer, status = _answer(session, scenario, judgement, change)
    session.status = status
    if customer is not None:
        session.turns.append(Turn("customer", customer.text, session.mood))
        if customer is scenario.reactions.asks_lead:
            session.lead_requested = True
    return Exchange(judgement, change, customer, status)


def _answer(
    session: Session, scenario: Scenario, judgement: Judgement, change: int
) -> tuple[CustomerMessage | None, Status]:
    reactions, behaviour = scenario.reactions, scenario.behaviour
    # Handed over well: a lead brought in when wanted, and nothing inflaming on the way.
    wanted = session.lead_requested or behaviour.needs_lead
    if judgement.escalates and wanted and all(r.outcome != "broken" for r in judgement.results):
        return None, "escalated"
    if session.mood <= 0:
        return reactions.lost, "lost"
    calm_enough = session.mood >= behaviour.accept_at
    if calm_enough and judgement.offers_solution and not behaviour.needs_lead:
        return reactions.accepts, "resolved"
    if session.replies >= MAX_REPLIES:
        return reactions.lost, "lost"
    if session.mood < behaviour.ask_lead_below and not session.lead_requested:
        return reactions.asks_lead, "active"
    kind = "calmer" if change > 0 else "worse"
    options = getattr(reactions, kind)
    message = options[session.said[kind] % len(options)]
    session.said[kind] += 1
    return message, "active"


@dataclass(frozen=True, slots=True)
class ScoreCard:
    status: Status
    score: int  # 0-100: the replies' mean score, weighed by how the session ended
    replies: int
    final_mood: int
    skills: dict[Skill, float | None]  # share of the replies where the skill applied and held
    strengths: tuple[Skill, ...]
    to_practise: tuple[Skill, ...]


OUTCOME_WEIGHT: dict[Status, float] = {
    "resolved": 1.0,
    "escalated": 1.0,
    "active": 0.8,
    "lost": 0.5,
}


def score_card(session: Session) -> ScoreCard:
    agent_turns = [t for t in session.turns if t.role == "agent"]
    held: dict[Skill, list[float]] = {skill: [] for skill in SKILLS}
    for turn in agent_turns:
        for result in turn.feedback or ():
            held[result["skill"]].append(1.0 if result["outcome"] == "good" else 0.0)
    skills: dict[Skill, float | None] = {
        skill: round(sum(v) / len(v), 2) if v else None for skill, v in held.items()
    }
    mean = sum(t.score or 0.0 for t in agent_turns) / len(agent_turns) if agent_turns else 0.0
    rated = [(rate, skill) for skill, rate in skills.items() if rate is not None]
    return ScoreCard(
        status=session.status,
        score=round(100 * mean * OUTCOME_WEIGHT[session.status]),
        replies=len(agent_turns),
        final_mood=session.mood,
        skills=skills,
        strengths=tuple(skill for rate, skill in sorted(rated, key=lambda x: -x[0]) if rate >= 0.8)[
            :3
        ],
        # The weakest first; among equals, the skill whose lapse costs the customer's mood most.
        to_practise=tuple(
            skill for rate, skill in sorted(rated, key=lambda x: (x[0], -_cost(x[1]))) if rate < 0.5
        )[:3],
    )


def _cost(skill: Skill) -> int:
    _, missed, broken = MOOD_EFFECT[skill]
    return max(-missed, -broken)
