"""HTTP routes of API v1: validate, call the engine off the event loop, shape the answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from app.domain import Trigger
from app.errors import ModelNotReadyError
from app.schemas import (
    BatchItemError,
    BatchRequest,
    BatchResponse,
    ConversationOut,
    CustomerTypeOut,
    ErrorBody,
    EscalationOut,
    FieldError,
    Health,
    PlaybookStepOut,
    ResponseOut,
    RootCauseOut,
    ScreenRequest,
    ScreenResponse,
    SentimentOut,
    TriageRequest,
    TriageResponse,
    TriggerOut,
)
from app.triage import PastMessage, TriageEngine, TriageInput, TriageResult

router = APIRouter()


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer, all in the one error body."""
    return {
        status: {"model": ErrorBody, "content": {"application/problem+json": {}}}
        for status in statuses
    }


ERRORS = error_responses(400, 413, 422, 503)


def get_engine(request: Request) -> TriageEngine:
    engine: TriageEngine | None = request.app.state.engine
    if engine is None:
        raise ModelNotReadyError("the model is still loading; retry shortly")
    return engine


EngineDep = Annotated[TriageEngine, Depends(get_engine)]


def request_id_of(request: Request) -> str:
    return str(request.state.request_id)


async def run_triage(request: Request, items: list[TriageInput]) -> list[TriageResult]:
    # Concurrent requests share a forward pass, run in a worker thread off the event loop.
    return await request.app.state.triage_batcher.submit(items)


def to_input(body: TriageRequest) -> TriageInput:
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
                responses=[ResponseOut(id=r.id, text=r.text) for r in step.responses],
            )
            for step in result.playbook.steps
        ],
        avoid=list(result.playbook.avoid),
        conversation=conversation_out(result),
        model_version=engine.model_version,
        bank_version=engine.bank.version,
        request_id=request_id,
    )


@router.post("/v1/triage", response_model=TriageResponse, responses=ERRORS, tags=["triage"])
async def triage(body: TriageRequest, request: Request, engine: EngineDep) -> TriageResponse:
    """Triage one customer message: sentiment, customer type, triggers and a playbook."""
    [result] = await run_triage(request, [to_input(body)])
    return to_response(result, engine, request_id_of(request))


@router.post("/v1/triage/batch", response_model=BatchResponse, responses=ERRORS, tags=["triage"])
async def triage_batch(body: BatchRequest, request: Request, engine: EngineDep) -> BatchResponse:
    """Triage up to 64 messages in one call; a bad item gets its own error, in its place."""
    request_id = request_id_of(request)
    results: list[TriageResponse | BatchItemError | None] = [None] * len(body.items)
    valid: list[tuple[int, TriageRequest]] = []
    for index, raw in enumerate(body.items):
        try:
            valid.append((index, TriageRequest.model_validate(raw)))
        except ValidationError as exc:
            results[index] = BatchItemError(index=index, error=item_error(exc, request_id))
    triaged = await run_triage(request, [to_input(item) for _, item in valid])
    for (index, _), result in zip(valid, triaged, strict=True):
        results[index] = to_response(result, engine, request_id)
    return BatchResponse(results=[r for r in results if r is not None], request_id=request_id)


def item_error(exc: ValidationError, request_id: str) -> ErrorBody:
    return ErrorBody(
        title="Unprocessable Content",
        status=422,
        code="invalid_request",
        message="this item is not a valid triage request",
        request_id=request_id,
        errors=[field_error(e) for e in exc.errors()],
    )


def field_error(error: Mapping[str, Any]) -> FieldError:
    # The offending input is left out: it may be the customer's message itself.
    return FieldError(
        loc=[str(p) if not isinstance(p, int) else p for p in error["loc"]], msg=error["msg"]
    )


@router.post("/v1/screen", response_model=ScreenResponse, responses=ERRORS, tags=["triage"])
async def screen(body: ScreenRequest, request: Request, engine: EngineDep) -> ScreenResponse:
    """Pre-screen one chat message: flagged or not, the triggers with evidence, type, sentiment."""
    [result] = await request.app.state.screen_batcher.submit([body.text])
    return ScreenResponse(
        flagged=result.escalation.escalate,
        priority=result.escalation.priority,
        triggers=[trigger_out(t) for t in result.escalation.triggers],
        customer_type=result.customer.label,
        sentiment=result.sentiment,
        request_id=request_id_of(request),
    )


@router.get("/livez", response_model=Health, tags=["health"])
async def livez() -> Health:
    """The process is up and serving HTTP."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}}, tags=["health"])
async def readyz(request: Request) -> Health | JSONResponse:
    """Ready once the model is loaded and the conversation store answers; 503 otherwise."""
    engine: TriageEngine | None = request.app.state.engine
    detail = None
    if engine is None:
        detail = request.app.state.load_error or "loading the model"
    elif not await anyio.to_thread.run_sync(request.app.state.store_keeper.healthy):
        detail = "conversation store unavailable"
    if detail or engine is None:
        return JSONResponse(
            Health(status="unavailable", detail=detail).model_dump(), status_code=503
        )
    return Health(status="ok", model_version=engine.model_version, bank_version=engine.bank.version)
