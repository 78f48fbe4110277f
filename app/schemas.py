"""The wire contract: request and response bodies of API v1, and the error body."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.labels import (
    Channel,
    Confidence,
    CustomerType,
    EmotionLabel,
    IntentLabel,
    Priority,
    RootCause,
    SentimentLabel,
    Step,
    TriggerSource,
    TriggerType,
)

MAX_TEXT_CHARS = 20_000
MAX_BATCH_ITEMS = 64
MAX_ID_CHARS = 128


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReplyContext(Strict):
    """Values for the placeholders in suggested replies; any left out are phrased around."""

    customer_name: str | None = Field(None, max_length=200)
    agent_name: str | None = Field(None, max_length=200)
    lead_name: str | None = Field(None, max_length=200)
    company: str | None = Field(None, max_length=200)
    order_id: str | None = Field(None, max_length=200)
    eta: str | None = Field(None, max_length=200)


class TriageRequest(Strict):
    text: str = Field(
        ..., min_length=1, max_length=MAX_TEXT_CHARS, description="The customer's message."
    )
    conversation_id: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS)
    customer_id: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS)
    channel: Channel = "chat"
    context: ReplyContext = Field(default_factory=ReplyContext)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("text must contain something other than white space")
        return text

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "I want to speak to your manager, this is the third time I'm writing!",
                    "conversation_id": "ticket-4711",
                    "channel": "email",
                    "context": {"customer_name": "Sam", "agent_name": "Alex"},
                }
            ]
        },
    )


class SentimentOut(BaseModel):
    label: SentimentLabel
    score: float = Field(..., ge=-1, le=1, description="P(positive) - P(negative).")
    scale: int = Field(..., ge=1, le=5, description="1 very negative ... 5 very positive.")
    confidence: Confidence = Field(..., description="How sure the model is of the label.")
    probabilities: dict[SentimentLabel, float]


class RootCauseOut(BaseModel):
    label: RootCause
    scores: dict[RootCause, float]


class CustomerTypeOut(BaseModel):
    label: CustomerType
    scores: dict[CustomerType, float]


class TriggerOut(BaseModel):
    type: TriggerType
    evidence: str = Field(..., description="The words that raised it: text[start:end].")
    start: int = Field(..., ge=0)
    end: int = Field(..., ge=0)
    source: TriggerSource
    confidence: float = Field(..., ge=0, le=1)


class EscalationOut(BaseModel):
    escalate: bool
    priority: Priority
    triggers: list[TriggerOut]


class ResponseOut(BaseModel):
    id: str
    text: str


class PlaybookStepOut(BaseModel):
    step: Step
    responses: list[ResponseOut]


class TriageResponse(BaseModel):
    sentiment: SentimentOut
    emotions: dict[EmotionLabel, float]
    intents: dict[IntentLabel, float] = Field(
        ..., description="What the customer asks for: a human, a refund, to cancel."
    )
    root_cause: RootCauseOut | None = Field(..., description="Why the customer is upset.")
    customer_type: CustomerTypeOut
    intensity: float = Field(..., ge=0, le=1)
    escalation: EscalationOut
    playbook: list[PlaybookStepOut]
    avoid: list[str]
    model_version: str
    bank_version: str
    request_id: str


class BatchRequest(Strict):
    # Items are validated one by one so that one bad item does not sink the others.
    items: list[dict[str, Any]] = Field(..., min_length=1, max_length=MAX_BATCH_ITEMS)


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str


class ErrorBody(BaseModel):
    """RFC 9457 problem details plus a stable `code`, a `message` and the request id."""

    type: str = "about:blank"
    title: str
    status: int
    code: str
    message: str
    request_id: str
    errors: list[FieldError] = Field(default_factory=list)


class BatchItemError(BaseModel):
    index: int
    error: ErrorBody


class BatchResponse(BaseModel):
    results: list[TriageResponse | BatchItemError]
    request_id: str


class Health(BaseModel):
    status: str
    model_version: str | None = None
    bank_version: str | None = None
    detail: str | None = None
