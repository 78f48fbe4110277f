"""The wire contract: request and response bodies of API v1, and the error body."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.core.labels import (
    Channel,
    Confidence,
    CustomerType,
    EmotionLabel,
    FactKind,
    IntentLabel,
    Priority,
    RequestLabel,
    RootCause,
    Route,
    SentimentLabel,
    Step,
    TriggerSource,
    TriggerType,
)
from app.tenancy.keys import Role

MAX_TEXT_CHARS = 20_000
MAX_BATCH_ITEMS = 64
MAX_ID_CHARS = 128
MAX_HISTORY_TURNS = 20


def refuse_blank(value: str, info: ValidationInfo) -> str:
    """A text field that holds only white space is refused, saying which field."""
    if not value.strip():
        raise ValueError(f"{info.field_name} must contain something other than white space")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReplyContext(Strict):
    """Values for the placeholders in suggested replies.

    Names left out are phrased around. The facts only the agent can know (`eta`, `status`,
    `cause`, `fix`, `decision`, `answer`, `options`, `offer`, `details`, and `issue`, what
    went wrong in a few words) stay in the text as `{eta}` fields for the agent to fill
    unless given here. `order_id` and `amount`, when left out, come from the message itself.
    """

    customer_name: str | None = Field(None, max_length=200)
    agent_name: str | None = Field(None, max_length=200)
    lead_name: str | None = Field(None, max_length=200)
    company: str | None = Field(None, max_length=200)
    order_id: str | None = Field(None, max_length=200)
    amount: str | None = Field(None, max_length=200)
    follow_up_time: str | None = Field(None, max_length=200)
    eta: str | None = Field(None, max_length=200)
    status: str | None = Field(None, max_length=500)
    cause: str | None = Field(None, max_length=500)
    fix: str | None = Field(None, max_length=500)
    decision: str | None = Field(None, max_length=500)
    answer: str | None = Field(None, max_length=1000)
    options: str | None = Field(None, max_length=1000)
    offer: str | None = Field(None, max_length=500)
    details: str | None = Field(None, max_length=1000)
    issue: str | None = Field(None, max_length=200)


class HistoryTurn(Strict):
    """An earlier customer message of the conversation, for callers that keep their own."""

    text: str = Field(..., min_length=1, max_length=MAX_TEXT_CHARS)
    at: AwareDatetime | None = None


class TriageRequest(Strict):
    text: str = Field(
        ..., min_length=1, max_length=MAX_TEXT_CHARS, description="The customer's message."
    )
    conversation_id: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS)
    customer_id: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS)
    channel: Channel = "chat"
    context: ReplyContext = Field(default_factory=ReplyContext)
    history: list[HistoryTurn] | None = Field(
        None,
        max_length=MAX_HISTORY_TURNS,
        description="Stateless mode: earlier customer messages, oldest first. "
        "Not combined with conversation_id.",
    )
    store: bool = Field(
        True, description="False: use the conversation, but keep nothing of this message."
    )

    @model_validator(mode="after")
    def _one_kind_of_memory(self) -> TriageRequest:
        if self.history is not None and self.conversation_id is not None:
            raise ValueError("send either conversation_id (stored memory) or history, not both")
        return self

    _not_blank = field_validator("text")(refuse_blank)

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
    needs_agent_input: bool = Field(
        False, description="true when the text shows a field such as {eta} the agent must fill"
    )
    agent_input: list[str] = Field(
        default_factory=list,
        description="the fields to fill, in order: facts only the agent can know",
    )


class FactOut(BaseModel):
    """A specific the customer gave; `text[start:end]` of the message."""

    kind: FactKind
    text: str
    start: int
    end: int


class PlaybookStepOut(BaseModel):
    step: Step
    responses: list[ResponseOut]


class ConversationOut(BaseModel):
    id: str | None = Field(..., description="null in stateless mode")
    available: bool = Field(..., description="false when the conversation store is down")
    stored: bool = Field(..., description="whether this message was kept")
    turns: int | None = None
    sentiment_trend: float | None = Field(
        None, description="change of the sentiment score per turn over the recent turns"
    )
    first_score: float | None = None
    last_score: float | None = None


class TriageResponse(BaseModel):
    sentiment: SentimentOut
    emotions: dict[EmotionLabel, float]
    intents: dict[IntentLabel, float] = Field(
        ..., description="What the customer asks for: a human, a refund, to cancel."
    )
    requests: dict[RequestLabel, float] = Field(
        default_factory=dict,
        description="What the customer asks for, in full (learned from real customers' "
        "messages; several can be high); empty with a model that lacks the head.",
    )
    asked: list[RequestLabel] = Field(
        default_factory=list,
        description="The requests the playbook answers, decided from `requests`, first first.",
    )
    route: Route | None = Field(
        None,
        description="The team that takes the message over: privacy (data erasure) or sales "
        "(buying and pricing); null for support itself.",
    )
    facts: list[FactOut] = Field(
        default_factory=list,
        description="Specifics found in the message: amounts, dates, times, durations, "
        "order or ticket numbers, named people, deadlines.",
    )
    language: str | None = Field(
        None,
        description="ISO 639-1 code of the message's language; null when it is too short to "
        "tell (read as English).",
    )
    language_supported: bool = Field(
        True,
        description="false for a language the model was not trained on (only English is): "
        "the sentiment confidence is then low and triggers come only from patterns.",
    )
    root_cause: RootCauseOut | None = Field(..., description="Why the customer is upset.")
    customer_type: CustomerTypeOut
    intensity: float = Field(..., ge=0, le=1)
    escalation: EscalationOut
    playbook: list[PlaybookStepOut]
    needs_agent_input: bool = Field(
        False, description="true when any suggested reply has a field the agent must fill"
    )
    avoid: list[str]
    conversation: ConversationOut | None = Field(
        None, description="present when conversation_id or history was sent"
    )
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


class OutcomeRequest(Strict):
    resolved: bool
    satisfaction: int | None = Field(None, ge=1, le=5)
    responses_used: list[str] = Field(default_factory=list, max_length=50)
    commitments: list[str] = Field(default_factory=list, max_length=50)
    actions: list[str] = Field(default_factory=list, max_length=50)
    note: str | None = Field(None, max_length=5_000)


class OutcomeOut(BaseModel):
    id: int
    resolved: bool
    satisfaction: int | None
    responses_used: list[str]
    commitments: list[str]
    actions: list[str]
    note: str | None
    at: datetime


class TurnOut(BaseModel):
    index: int
    at: datetime
    channel: Channel
    text: str | None = Field(..., description="redacted, or null when text is not kept")
    sentiment_label: SentimentLabel
    sentiment_score: float
    customer_type: CustomerType
    intensity: float
    root_cause: str | None
    triggers: list[TriggerOut]


class RaisedTrigger(TriggerOut):
    at: datetime
    turn: int


class FollowUpOut(BaseModel):
    due_at: datetime
    note: str


class IssueOut(BaseModel):
    root_cause: str | None = Field(..., description="the cause named most often")
    customer_types: list[CustomerType] = Field(..., description="types seen, most frequent first")


class SentimentPoint(BaseModel):
    at: datetime
    score: float
    label: SentimentLabel


class ConversationRecordOut(BaseModel):
    """The interaction record: everything a colleague needs to pick the conversation up."""

    id: str
    customer_id: str | None
    channel: Channel
    created_at: datetime
    updated_at: datetime
    issue: IssueOut
    sentiment: list[SentimentPoint]
    triggers: list[RaisedTrigger]
    commitments: list[str]
    actions: list[str]
    outcomes: list[OutcomeOut]
    follow_ups: list[FollowUpOut]
    turns: list[TurnOut]
    request_id: str


class ReviewRequest(Strict):
    draft: str = Field(
        ..., min_length=1, max_length=MAX_TEXT_CHARS, description="The agent's reply."
    )
    customer_text: str | None = Field(
        None, min_length=1, max_length=MAX_TEXT_CHARS, description="The message it answers."
    )
    conversation_id: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS)
    channel: Channel = "chat"
    apology_warranted: bool | None = Field(
        None, description="Whether the reply must apologise; inferred when left out."
    )

    _draft_not_blank = field_validator("draft")(refuse_blank)


class PhraseIssueOut(BaseModel):
    phrase: str = Field(..., description="draft[start:end]")
    start: int
    end: int
    category: str
    rewrite: str = Field(..., description="A positive way to say it instead.")


class ReviewResponse(BaseModel):
    score: float = Field(..., ge=0, le=1, description="1 is a reply a team lead would send as is.")
    issues: list[PhraseIssueOut]
    missing: list[str] = Field(
        ..., description="Elements the reply lacks: acknowledgement, apology, next_step."
    )
    request_id: str


class ScreenRequest(Strict):
    text: str = Field(..., min_length=1, max_length=MAX_TEXT_CHARS)
    channel: Channel = "chat"
    suggest: bool = Field(
        False, description="Also return up to 3 replies from the playbook (the chat widget does)."
    )

    _screen_text_not_blank = field_validator("text")(refuse_blank)


class SuggestionOut(BaseModel):
    id: str = Field(..., description="The bank entry: report it in the outcome's responses_used.")
    step: Step
    text: str
    needs_agent_input: bool = Field(
        False, description="true when the text shows a field such as {eta} the agent must fill"
    )
    agent_input: list[str] = Field(default_factory=list, description="the fields to fill")


class ScreenResponse(BaseModel):
    """A pre-screen for chat widgets: a boolean to act on and the evidence to show."""

    flagged: bool = Field(..., description="A lead should step in now.")
    priority: Priority
    triggers: list[TriggerOut]
    customer_type: CustomerType
    sentiment: SentimentLabel
    language: str | None = Field(None, description="ISO 639-1, or null when too short to tell.")
    language_supported: bool = Field(
        True, description="false when the model was not trained on the message's language."
    )
    suggestions: list[SuggestionOut] | None = Field(
        None, description="Replies to offer the agent, in playbook order; only when suggest=true."
    )
    request_id: str


class PeriodOut(BaseModel):
    start: date = Field(..., description="The first day (UTC), as `from` asked.")
    end: date = Field(..., description="The last day (UTC), included.")
    bucket: Literal["day", "week"] = Field(..., description="Weeks start on Monday (ISO).")
    days: int


class InsightsTotalsOut(BaseModel):
    turns: int = Field(..., description="Customer messages kept in the period.")
    conversations: int = Field(..., description="Conversations with a message in the period.")
    flagged_turns: int = Field(..., description="Messages that raised at least one trigger.")
    flagged_conversations: int
    mean_sentiment: float | None = Field(..., description="Mean score, -1 ... 1; null if none.")


class EscalationRateOut(BaseModel):
    turns: float | None = Field(..., description="Share of messages that raised a trigger.")
    conversations: float | None = Field(..., description="Share of conversations that did.")


class InsightsBucketOut(BaseModel):
    start: date = Field(..., description="The bucket's first day.")
    turns: int
    conversations: int
    flagged_turns: int
    mean_sentiment: float | None = Field(..., description="null for a bucket without messages")


class ProblemOut(BaseModel):
    root_cause: str = Field(..., description='"unknown" when the model named none.')
    trigger: str
    conversations: int = Field(..., description="Conversations where this cause led to it.")


class ResponseStatsOut(BaseModel):
    id: str
    step: Step | None = Field(..., description="null when the bank no longer has the entry")
    text: str | None = Field(..., description="The reply as the current bank words it.")
    used: int = Field(..., description="Conversations with an outcome that used it.")
    resolved: int = Field(..., description="Of those, resolved by their latest outcome.")
    resolution_rate: float


class OutcomeSummaryOut(BaseModel):
    conversations: int = Field(..., description="Conversations with an outcome in the period.")
    resolved: int
    resolution_rate: float | None
    mean_satisfaction: float | None = Field(..., description="1 ... 5; null if none was given.")


class InsightsResponse(BaseModel):
    """What happened over a period: the feedback loop for team leads."""

    period: PeriodOut
    totals: InsightsTotalsOut
    escalation_rate: EscalationRateOut
    series: list[InsightsBucketOut] = Field(..., description="One per bucket, empty ones too.")
    customer_types: dict[str, int] = Field(..., description="Messages by customer type.")
    triggers: dict[str, int] = Field(..., description="Triggers raised, by type.")
    root_causes: dict[str, int] = Field(..., description="Messages by root cause.")
    problems: list[ProblemOut] = Field(
        ..., description="The recurring problems: cause and trigger pairs, most frequent first."
    )
    responses: list[ResponseStatsOut] = Field(
        ..., description="Replies used, ranked by how often their conversations were resolved."
    )
    outcomes: OutcomeSummaryOut
    request_id: str


# --- /v1/admin: keys, origins, and each tenant's bank and settings versions ----------------


class KeyCreateRequest(Strict):
    role: Role
    name: str | None = Field(
        None, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$", description="What the key is for."
    )
    origins: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Widget keys only: pages (scheme://host[:port]) that may use the key, "
        "besides the tenant's own allowed origins.",
    )


class KeyOut(BaseModel):
    id: str
    tenant_id: str
    role: Role
    name: str | None
    prefix: str = Field(..., description="The key's first characters, to recognise it.")
    origins: list[str]
    created_at: datetime
    revoked_at: datetime | None


class KeyCreated(KeyOut):
    key: str = Field(..., description="The key itself: shown this once; only its hash is kept.")


class KeyList(BaseModel):
    keys: list[KeyOut]


class OriginsBody(Strict):
    origins: list[str] = Field(
        ..., max_length=50, description="Pages (scheme://host[:port]) for the widget keys."
    )


class RollbackRequest(Strict):
    version: int = Field(
        ...,
        ge=0,
        le=2**31 - 1,  # a database INTEGER: a larger one is a 422, not a driver overflow
        description="The version to restore; 0 is the deployment's.",
    )


class VersionOut(BaseModel):
    version: int = Field(..., description="0 is the deployment's own, never stored.")
    restored_from: int | None = Field(..., description="Set when a rollback made this version.")
    created_at: datetime | None
    current: bool


class VersionList(BaseModel):
    versions: list[VersionOut] = Field(..., description="Newest first.")


class TenantBankOut(BaseModel):
    version: int = Field(..., description="The tenant's bank version; 0 is the deployment's.")
    restored_from: int | None
    created_at: datetime | None
    bank_version: str = Field(..., description="The version the bank document names.")
    entries: int
    bank: dict[str, Any]


class BankCheck(BaseModel):
    valid: bool
    bank_version: str
    entries: int


class EffectiveSettingsOut(BaseModel):
    thresholds: dict[str, Any]
    refund_limit: float
    discount_limit: float
    trigger_priority: dict[TriggerType, Priority]


class TenantSettingsOut(BaseModel):
    version: int = Field(..., description="The tenant's settings version; 0: no overrides.")
    restored_from: int | None
    created_at: datetime | None
    overrides: dict[str, Any]
    effective: EffectiveSettingsOut = Field(..., description="The deployment's, overridden.")
