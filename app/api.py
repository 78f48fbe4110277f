"""HTTP routes of API v1: validate, call the engine off the event loop, shape the answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from app.auth import DEFAULT_TENANT, ScreenDep, ServiceDep, service_only
from app.domain import Trigger
from app.errors import ModelNotReadyError
from app.idempotency import IDEMPOTENCY_STATUSES, IDEMPOTENT
from app.labels import Channel
from app.playbook import build_playbook
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
    SuggestionOut,
    TriageRequest,
    TriageResponse,
    TriggerOut,
)
from app.screen_cors import cors_headers
from app.triage import (
    PastMessage,
    Screening,
    ScreenInput,
    TriageEngine,
    TriageInput,
    TriageResult,
)

router = APIRouter()


# Any route can answer these: a body that is not JSON or a key put in the URL (400), the
# rate limit (429) and the request timeout (503).
ALWAYS_POSSIBLE = (400, 429, 503)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer, all in the one error body."""
    return {
        status: {"model": ErrorBody, "content": {"application/problem+json": {}}}
        for status in sorted({*statuses, *ALWAYS_POSSIBLE})
    }


ERRORS = error_responses(400, 401, 403, 413, 422, 503)
KEYED_ERRORS = error_responses(400, 401, 403, 413, 422, 503, *IDEMPOTENCY_STATUSES)
# The role check comes first, so a key that may not triage claims no idempotency key.
SERVICE_ONLY = Depends(service_only)


async def get_engine(request: Request) -> TriageEngine:
    engine: TriageEngine | None = request.app.state.engine
    if engine is None:
        raise ModelNotReadyError("the model is still loading; retry shortly")
    return engine


EngineDep = Annotated[TriageEngine, Depends(get_engine)]


def request_id_of(request: Request) -> str:
    return str(request.state.request_id)


async def run_triage(request: Request, items: list[TriageInput]) -> list[TriageResult]:
    # Concurrent requests share a forward pass, run in a worker thread off the event loop.
    results: list[TriageResult] = await request.app.state.triage_batcher.submit(items)
    request.app.state.metrics.count_triggers(t for r in results for t in r.escalation.triggers)
    return results


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
        bank_version=result.bank_version or engine.bank.version,
        request_id=request_id,
    )


@router.post(
    "/v1/triage",
    response_model=TriageResponse,
    responses=KEYED_ERRORS,
    dependencies=[SERVICE_ONLY, IDEMPOTENT],
    tags=["triage"],
)
async def triage(
    body: TriageRequest, request: Request, engine: EngineDep, principal: ServiceDep
) -> TriageResponse:
    """Triage one customer message: sentiment, customer type, triggers and a playbook."""
    [result] = await run_triage(request, [to_input(body, tenant_id=principal.tenant_id)])
    return to_response(result, engine, request_id_of(request))


@router.post(
    "/v1/triage/batch",
    response_model=BatchResponse,
    responses=KEYED_ERRORS,
    dependencies=[SERVICE_ONLY, IDEMPOTENT],
    tags=["triage"],
)
async def triage_batch(
    body: BatchRequest, request: Request, engine: EngineDep, principal: ServiceDep
) -> BatchResponse:
    """Triage up to 64 messages in one call; a bad item gets its own error, in its place."""
    request_id = request_id_of(request)
    results: list[TriageResponse | BatchItemError | None] = [None] * len(body.items)
    valid: list[tuple[int, TriageRequest]] = []
    for index, raw in enumerate(body.items):
        try:
            valid.append((index, TriageRequest.model_validate(raw)))
        except ValidationError as exc:
            results[index] = BatchItemError(index=index, error=item_error(exc, request_id))
    tenant_id = principal.tenant_id
    triaged = await run_triage(request, [to_input(item, tenant_id=tenant_id) for _, item in valid])
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


@router.post(
    "/v1/screen",
    response_model=ScreenResponse,
    response_model_exclude_none=True,  # the default answer stays as small as it was
    responses=ERRORS,
    tags=["triage"],
)
async def screen(
    body: ScreenRequest,
    request: Request,
    response: Response,
    engine: EngineDep,
    principal: ScreenDep,
) -> ScreenResponse:
    """Pre-screen one chat message: flagged or not, the triggers with evidence, type, sentiment.

    The one route a widget key may call, from its allowed origins (CORS: app.screen_cors).
    """
    response.headers.update(cors_headers(request, principal))
    item = ScreenInput(body.text, tenant_id=principal.tenant_id)
    [result] = await request.app.state.screen_batcher.submit([item])
    request.app.state.metrics.count_triggers(result.escalation.triggers)
    replies = None
    if body.suggest:
        # The tenant's bank may need a database read: kept off the event loop, and off the
        # cheapest path altogether when no suggestions are asked for.
        tenant_engine = await anyio.to_thread.run_sync(engine.for_tenant, principal.tenant_id)
        replies = suggestions(tenant_engine, result, body.channel)
    return ScreenResponse(
        flagged=result.escalation.escalate,
        priority=result.escalation.priority,
        triggers=[trigger_out(t) for t in result.escalation.triggers],
        customer_type=result.customer.label,
        sentiment=result.sentiment,
        suggestions=replies,
        request_id=request_id_of(request),
    )


MAX_SUGGESTIONS = 3


def suggestions(engine: TriageEngine, result: Screening, channel: Channel) -> list[SuggestionOut]:
    """The first replies of the playbook, for a widget to offer; no model call, no store read."""
    thresholds = engine.settings.thresholds
    playbook = build_playbook(
        engine.bank,
        profile=result.customer,
        escalation=result.escalation,
        channel=channel,
        peak_anger_intensity=thresholds.peak_intensity,
        secondary_type_score=thresholds.secondary_type_score,
    )
    replies = [
        SuggestionOut(id=r.id, step=step.step, text=r.text)
        for step in playbook.steps
        for r in step.responses
    ]
    return replies[:MAX_SUGGESTIONS]


@router.get("/livez", response_model=Health, tags=["health"])
async def livez() -> Health:
    """The process is up and serving HTTP."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}}, tags=["health"])
async def readyz(request: Request) -> Health | JSONResponse:
    """Ready once the model is loaded and the conversation store answers; 503 otherwise.

    Also 503 from SIGTERM on, while the requests in flight finish (app.draining).
    """
    engine: TriageEngine | None = request.app.state.engine
    detail = None
    if getattr(request.app.state, "draining", False):
        detail = "shutting down"
    elif engine is None:
        detail = request.app.state.load_error or "loading the model"
    elif not await anyio.to_thread.run_sync(request.app.state.store_keeper.healthy):
        detail = "conversation store unavailable"
    if detail or engine is None:
        return JSONResponse(
            Health(status="unavailable", detail=detail).model_dump(), status_code=503
        )
    return Health(status="ok", model_version=engine.model_version, bank_version=engine.bank.version)
