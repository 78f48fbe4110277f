"""The wire contract of /v1/practice: rehearsing difficult customers (docs/practice.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from app.api.schemas import Strict, refuse_blank
from app.core.labels import Channel, CustomerType, RootCause, TriggerType
from app.practice.judge import Outcome
from app.practice.scenarios import Difficulty, Skill
from app.practice.simulator import Status

MAX_REPLY_CHARS = 2_000
SCENARIO_ID = r"^[a-z0-9][a-z0-9-]*$"


class ScenarioSummaryOut(BaseModel):
    id: str
    title: str
    customer_type: CustomerType
    root_cause: RootCause
    triggers: list[TriggerType] = Field(..., description="What the case is about.")
    difficulty: Difficulty
    channel: Channel
    persona_name: str


class ScenarioList(BaseModel):
    version: str = Field(..., description="The version the scenario set names.")
    scenarios: list[ScenarioSummaryOut]


class PersonaOut(BaseModel):
    name: str
    summary: str


class FactsOut(BaseModel):
    """The case as the agent may look it up."""

    reference: str | None
    what_went_wrong: str
    timeline: list[str]
    may_offer: list[str]
    may_not_offer: list[str] = Field(..., description="What the customer may push for in vain.")


class ScenarioOut(BaseModel):
    id: str
    title: str
    customer_type: CustomerType
    root_cause: RootCause
    triggers: list[TriggerType]
    difficulty: Difficulty
    channel: Channel
    persona: PersonaOut
    facts: FactsOut


class SkillFeedbackOut(BaseModel):
    skill: Skill
    outcome: Outcome = Field(..., description="good: shown; missed: lacking; broken: undone.")
    note: str
    start: int | None = Field(..., description="The reply's span that decided, when one did.")
    end: int | None
    better: str | None = Field(..., description="Wording that would do it.")


class PracticeTurnOut(BaseModel):
    role: Literal["customer", "agent"]
    text: str
    mood: int = Field(..., description="The customer's mood after this turn: 0 lost, 100 calm.")
    feedback: list[SkillFeedbackOut] | None = Field(None, description="Agent turns only.")
    score: float | None = Field(None, description="The reply's score (0-1), agent turns only.")


class SessionCreateRequest(Strict):
    """Which scenario: by id, or at random among those matching the filters (all if none)."""

    scenario_id: str | None = Field(None, max_length=64, pattern=SCENARIO_ID)
    customer_type: CustomerType | None = None
    difficulty: Difficulty | None = None
    trigger: TriggerType | None = None
    agent: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="Who practises. Service keys must name the agent; an agent key is itself; "
        "lead and admin keys default to themselves.",
    )


class SessionStarted(BaseModel):
    id: str
    status: Status
    mood: int
    agent: str
    scenario: ScenarioOut
    turns: list[PracticeTurnOut]
    request_id: str


class PracticeReplyRequest(Strict):
    text: str = Field(..., min_length=1, max_length=MAX_REPLY_CHARS)

    _not_blank = field_validator("text")(refuse_blank)


class CustomerMessageOut(BaseModel):
    text: str


class FeedbackOut(BaseModel):
    score: float = Field(..., ge=0, le=1, description="The share of applicable skills shown.")
    skills: list[SkillFeedbackOut]


class PracticeReplyResponse(BaseModel):
    customer: CustomerMessageOut | None = Field(
        ..., description="The customer's answer; null when a lead takes the case over."
    )
    mood: int
    mood_change: int
    status: Status
    ended: bool
    feedback: FeedbackOut
    request_id: str


class ScoreCardOut(BaseModel):
    status: Status
    score: int = Field(..., ge=0, le=100, description="Mean reply score, weighed by the ending.")
    replies: int
    final_mood: int
    skills: dict[Skill, float | None] = Field(
        ..., description="Share of replies where the skill applied and held; null: never applied."
    )
    strengths: list[Skill]
    to_practise: list[Skill]


class SessionOut(BaseModel):
    id: str
    status: Status
    mood: int
    agent: str
    agent_name: str | None
    scenario: ScenarioOut
    turns: list[PracticeTurnOut]
    started_at: datetime
    updated_at: datetime
    score_card: ScoreCardOut
    request_id: str


class HintOut(BaseModel):
    text: str = Field(..., description="The reply the service itself would suggest now.")
    request_id: str


class WeekOut(BaseModel):
    week: date = Field(..., description="The week's Monday.")
    sessions: int
    mean_score: float | None
    skills: dict[Skill, float]


class OutcomesOut(BaseModel):
    resolved: int
    escalated: int
    lost: int
    active: int


class AgentReportOut(BaseModel):
    agent: str
    name: str | None
    sessions: int
    ended: int
    mean_score: float | None = Field(..., description="Over the ended sessions, 0-100.")
    outcomes: OutcomesOut
    skills: dict[Skill, float]
    by_week: list[WeekOut]


class ScenarioReportOut(BaseModel):
    id: str
    title: str | None = Field(..., description="null for a scenario no longer published.")
    sessions: int
    lost: int
    lost_rate: float


class PracticeReportOut(BaseModel):
    start: date
    end: date = Field(..., description="Included.")
    agents: list[AgentReportOut]
    scenarios: list[ScenarioReportOut] = Field(
        ..., description="Lost most often first, then most played."
    )
    request_id: str


# --- /v1/admin/scenarios: a tenant's own scenario set, versioned like its bank ----------


class TenantScenariosOut(BaseModel):
    version: int = Field(..., description="The tenant's set version; 0 is the shipped set.")
    restored_from: int | None
    created_at: datetime | None
    scenarios_version: str = Field(..., description="The version the set document names.")
    count: int
    scenarios: dict[str, Any] = Field(..., description="The set, as published.")


class ScenarioCheck(BaseModel):
    valid: bool
    scenarios_version: str
    count: int
