"""Practice scenarios: difficult customers an agent can rehearse, validated like the bank.

A scenario is a customer with a case: who they are, the facts (what went wrong, what the agent
may and may not offer), the opening message, and how they react. Every message the simulated
customer can send carries the customer type and the triggers it is written to show; a test
reads each one with the real engine and checks them (tests/practice/test_scenario_messages.py).
The file is the project's own words; a team can publish its own set per tenant.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.core.labels import (
    CUSTOMER_TYPES,
    MESSAGE_TRIGGER_TYPES,
    ROOT_CAUSES,
    Channel,
    CustomerType,
    RootCause,
    TriggerType,
)

Difficulty = Literal[1, 2, 3]
# What an agent's reply can do well; the judge scores each and the report follows them.
Skill = Literal[
    "acknowledge",  # names the problem or the feeling before anything else
    "empathy",  # recognises how the customer feels
    "apology_timing",  # at high intensity, acknowledgement or empathy before any apology
    "restate",  # gives back a specific of the case (an order, a date, what went wrong)
    "next_step",  # a concrete action with a time
    "positive_language",  # says what can be done, not what cannot
    "boundary",  # a refusal or a limit comes with an alternative
    "promise_safety",  # offers nothing beyond what the scenario allows
    "escalation",  # brings in a lead when the customer asks or the case needs one
]
SKILLS: tuple[Skill, ...] = (
    "acknowledge",
    "empathy",
    "apology_timing",
    "restate",
    "next_step",
    "positive_language",
    "boundary",
    "promise_safety",
    "escalation",
)
Reaction = Literal["calmer", "worse", "accepts", "asks_lead", "lost"]


class ScenarioError(Exception):
    """The scenario file is missing, unreadable or invalid."""


class CustomerMessage(BaseModel):
    """A message the simulated customer can send, and how the engine should read it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=2, max_length=1000)
    customer_type: CustomerType
    triggers: tuple[TriggerType, ...] = ()  # the message triggers it must raise, no others


class Persona(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=60)
    summary: str = Field(min_length=10, max_length=400)  # who they are, what they want


class Facts(BaseModel):
    """The case as the agent may look it up: the simulation never goes beyond it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: str | None = None  # an order, ticket or account number the customer gives
    what_went_wrong: str = Field(min_length=10)
    timeline: tuple[str, ...] = ()  # dated events, in order
    may_offer: tuple[str, ...] = Field(min_length=1)  # what the agent is allowed to offer
    may_not_offer: tuple[str, ...] = ()  # what the customer may push for and cannot have
    # Words for the playbook's agent slots ({eta}, {fix}, ...): the facts the agent would know.
    slots: dict[str, str] = Field(default_factory=dict)


class Reactions(BaseModel):
    """What the customer says next, by what the agent's last reply did to their mood."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    calmer: tuple[CustomerMessage, ...] = Field(min_length=1)  # the reply helped
    worse: tuple[CustomerMessage, ...] = Field(min_length=1)  # the reply inflamed
    accepts: CustomerMessage  # a solution they take: the session ends resolved
    asks_lead: CustomerMessage  # they want someone more senior
    lost: CustomerMessage  # they give up on the company: the session ends lost


class Behaviour(BaseModel):
    """How this customer's mood (0 lost, 100 calm) moves."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_mood: int = Field(ge=5, le=70)
    accept_at: int = Field(default=60, ge=30, le=95)  # mood at which a concrete step is taken
    ask_lead_below: int = Field(default=15, ge=0, le=60)  # mood under which they ask for a lead
    calmed_by: tuple[Skill, ...] = Field(min_length=1)  # count double for this customer
    worsened_by: tuple[Skill, ...] = ()  # missing these costs double
    # The case needs a lead whatever the agent does (a legal threat, a safety risk): handing
    # it over well is the good ending.
    needs_lead: bool = False


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    title: str = Field(min_length=5, max_length=100)
    customer_type: CustomerType
    root_cause: RootCause
    triggers: tuple[TriggerType, ...] = ()  # what the case is about: the opening raises them
    difficulty: Difficulty
    channel: Channel = "chat"
    persona: Persona
    facts: Facts
    opening: CustomerMessage
    reactions: Reactions
    behaviour: Behaviour

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.opening.customer_type != self.customer_type:
            raise ValueError(
                f"the opening is written as {self.opening.customer_type}, "
                f"the scenario as {self.customer_type}"
            )
        if not set(self.triggers) <= set(self.opening.triggers):
            raise ValueError("the opening must raise every trigger the scenario is about")
        if "human_request" not in self.reactions.asks_lead.triggers:
            raise ValueError("the asks_lead message must raise human_request")
        return self

    def messages(self) -> Iterable[tuple[str, CustomerMessage]]:
        """Every message the customer can send, named by where it sits."""
        yield "opening", self.opening
        for name in ("calmer", "worse"):
            for n, message in enumerate(getattr(self.reactions, name)):
                yield f"{name}[{n}]", message
        for name in ("accepts", "asks_lead", "lost"):
            yield name, getattr(self.reactions, name)


class ScenarioSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    scenarios: tuple[Scenario, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ScenarioSet:
        ids = [s.id for s in self.scenarios]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"scenario ids used twice: {twice}")
        return self

    def get(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    @classmethod
    def parse(cls, content: object) -> ScenarioSet:
        try:
            return cls.model_validate(content)
        except ValidationError as error:
            raise ScenarioError(f"invalid scenarios: {error}") from error

    @classmethod
    def load(cls, path: str | Path) -> ScenarioSet:
        try:
            content = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise ScenarioError(f"cannot read scenarios {path}: {error}") from error
        return cls.parse(content)

    @classmethod
    def default(cls) -> ScenarioSet:
        """The scenarios shipped with the service (app/resources/practice_scenarios.yaml)."""
        text = resources.files("app.resources").joinpath("practice_scenarios.yaml").read_text()
        return cls.parse(yaml.safe_load(text))


def coverage_gaps(scenarios: ScenarioSet) -> list[str]:
    """What the set leaves uncovered: every customer type, root cause and message trigger."""
    gaps = []
    for kind, wanted, found in (
        ("customer type", CUSTOMER_TYPES, {s.customer_type for s in scenarios.scenarios}),
        ("root cause", ROOT_CAUSES, {s.root_cause for s in scenarios.scenarios}),
        (
            "trigger",
            MESSAGE_TRIGGER_TYPES,
            {t for s in scenarios.scenarios for t in s.triggers},
        ),
    ):
        gaps += [f"no scenario for the {kind} {label}" for label in wanted if label not in found]
    return gaps
