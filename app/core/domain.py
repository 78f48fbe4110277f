"""Frozen domain values passed between the scoring and deciding modules."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.labels import (
    Confidence,
    CustomerType,
    Priority,
    RootCause,
    Route,
    SentimentLabel,
    Step,
    TriggerSource,
    TriggerType,
)


@dataclass(frozen=True, slots=True)
class Trigger:
    """One reason to escalate, with the words that raised it (`text[start:end] == evidence`)."""

    type: TriggerType
    evidence: str
    start: int
    end: int
    source: TriggerSource
    confidence: float


@dataclass(frozen=True, slots=True)
class Scores:
    """What the model says about one message: probabilities only, no decisions."""

    sentiment: dict[SentimentLabel, float]
    emotions: dict[str, float]
    # Heads a model may lack (empty then): the decision code falls back to cues and patterns.
    intents: dict[str, float] = field(default_factory=dict)
    customer_types: dict[str, float] = field(default_factory=dict)
    root_causes: dict[str, float] = field(default_factory=dict)
    triggers: dict[str, float] = field(default_factory=dict)  # per message trigger, calibrated
    requests: dict[str, float] = field(default_factory=dict)
    intensity: dict[str, float] = field(default_factory=dict)  # none, mild, clear, fierce


@dataclass(frozen=True, slots=True)
class Sentiment:
    label: SentimentLabel
    score: float  # P(positive) - P(negative), in [-1, 1]
    scale: int  # 1 very negative ... 5 very positive, as helpdesks show it
    confidence: Confidence
    probabilities: dict[SentimentLabel, float]


@dataclass(frozen=True, slots=True)
class RootCauseResult:
    label: RootCause
    scores: dict[RootCause, float]


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    label: CustomerType
    scores: dict[CustomerType, float]
    intensity: float


@dataclass(frozen=True, slots=True)
class Escalation:
    escalate: bool
    priority: Priority
    triggers: tuple[Trigger, ...]


@dataclass(frozen=True, slots=True)
class PlaybookResponse:
    id: str
    text: str
    # Agent slots the text still shows ("eta", "status"): facts only the agent can add.
    agent_input: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlaybookStep:
    step: Step
    responses: tuple[PlaybookResponse, ...]


@dataclass(frozen=True, slots=True)
class Playbook:
    steps: tuple[PlaybookStep, ...]
    avoid: tuple[str, ...] = field(default_factory=tuple)
    # The team that takes the message over (privacy, sales), or None for support itself.
    route: Route | None = None

    @property
    def needs_agent_input(self) -> bool:
        """Whether any suggested reply has a slot the agent must fill before sending."""
        return any(r.agent_input for step in self.steps for r in step.responses)
