"""Domain to wire: engine results as the API's response models, requests as engine inputs.

The routes and the CLI (`triage batch`, `triage classify`) both answer through these, so a
message reads the same whichever way it came in.
"""

from __future__ import annotations

from app.api.schemas import (
    ConversationOut,
    CustomerTypeOut,
    EscalationOut,
    FactOut,
    PlaybookStepOut,
    ResponseOut,
    RootCauseOut,
    SentimentOut,
    TriageRequest,
    TriageResponse,
    TriggerOut,
)
from app.core.domain import Trigger
from app.core.labels import DEFAULT_TENANT
from app.engine.triage import PastMessage, TriageEngine, TriageInput, TriageResult


def to_input(body: TriageRequest, *, tenant_id: str = DEFAULT_TENANT) -> TriageInput:
    values = {k: v for k, v in body.context.model_dump().items() if v}
    history = (
        tuple(PastMessage(text=h.text, at=h.at) for h in body.history)
        if body.history is not None
        else None
    )
    return TriageInput(
        text=body.text,
        channel=body.channel,
        values=values,
        conversation_id=body.conversation_id,
        customer_id=body.customer_id,
        history=history,
        store=body.store,
        tenant_id=tenant_id,
    )


def conversation_out(result: TriageResult) -> ConversationOut | None:
    state = result.conversation
    if state is None:
        return None
    context, current = state.context, state.context.trend
    return ConversationOut(
        id=context.id,
        available=context.available,
        stored=state.stored,
        turns=current.turns if current else None,
        sentiment_trend=current.slope if current else None,
        first_score=current.first_score if current else None,
        last_score=current.last_score if current else None,
    )


def trigger_out(trigger: Trigger) -> TriggerOut:
    return TriggerOut(
        type=trigger.type,
        evidence=trigger.evidence,
        start=trigger.start,
        end=trigger.end,
        source=trigger.source,
        confidence=round(trigger.confidence, 4),
    )


def to_response(result: TriageResult, engine: TriageEngine, request_id: str) -> TriageResponse:
    s, c, e = result.sentiment, result.customer, result.escalation
    return TriageResponse(
        sentiment=SentimentOut(
            label=s.label,
            score=s.score,
            scale=s.scale,
            confidence=s.confidence,
            probabilities=s.probabilities,
        ),
        emotions=result.emotions,  # type: ignore[arg-type]
        intents=result.intents,  # type: ignore[arg-type]
        requests=result.requests,  # type: ignore[arg-type]
        asked=list(result.asked),
        route=result.route,
        facts=[FactOut(kind=f.kind, text=f.text, start=f.start, end=f.end) for f in result.facts],
        language=result.language.code,
        language_supported=result.language.supported,
        root_cause=(
            RootCauseOut(label=result.root_cause.label, scores=result.root_cause.scores)
            if result.root_cause
            else None
        ),
        customer_type=CustomerTypeOut(label=c.label, scores=c.scores),
        intensity=c.intensity,
        escalation=EscalationOut(
            escalate=e.escalate,
            priority=e.priority,
            triggers=[trigger_out(t) for t in e.triggers],
        ),
        playbook=[
            PlaybookStepOut(
                step=step.step,
                responses=[
                    ResponseOut(
                        id=r.id,
                        text=r.text,
                        needs_agent_input=bool(r.agent_input),
                        agent_input=list(r.agent_input),
                    )
                    for r in step.responses
                ],
            )
            for step in result.playbook.steps
        ],
        needs_agent_input=result.playbook.needs_agent_input,
        avoid=list(result.playbook.avoid),
        conversation=conversation_out(result),
        model_version=engine.model_version,
        bank_version=result.bank_version or engine.bank.version,
        request_id=request_id,
    )
