"""/v1/triage and /v1/triage/batch: validate, triage in the shared batch, shape the answer."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ValidationError

from app.api.auth import ServiceDep, service_only
from app.api.deps import EngineDep, request_id_of, services_of
from app.api.idempotency import IDEMPOTENCY_STATUSES, IDEMPOTENT, settled_by_the_work
from app.api.problems import error_responses, item_error
from app.api.rate_limit import charge_work
from app.api.schemas import (
    BatchItemError,
    BatchRequest,
    BatchResponse,
    TriageRequest,
    TriageResponse,
)
from app.api.wire import to_input, to_response
from app.engine.triage import TriageInput, TriageResult

router = APIRouter()
KEYED_ERRORS = error_responses(400, 401, 403, 413, 422, 503, *IDEMPOTENCY_STATUSES)
# The role check comes first, so a key that may not triage claims no idempotency key.
SERVICE_ONLY = Depends(service_only)


async def run_triage(
    request: Request,
    items: list[TriageInput],
    respond: Callable[[list[TriageResult]], BaseModel],
) -> list[TriageResult]:
    """The batch's results; `respond` builds the answer from them, in case the request is cut
    off while they are computed and the answer must be kept for its Idempotency-Key."""
    # Concurrent requests share a forward pass, run in a worker thread off the event loop.
    services = services_of(request.app)
    results = await settled_by_the_work(request, services.triage_batcher.submit(items), respond)
    services.metrics.count_triggers(t for r in results for t in r.escalation.triggers)
    return results


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
    request_id = request_id_of(request)

    def respond(results: list[TriageResult]) -> TriageResponse:
        return to_response(results[0], engine, request_id)

    return respond(
        await run_triage(request, [to_input(body, tenant_id=principal.tenant_id)], respond)
    )


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
    # The budget counts messages: the call paid for one on arrival, the rest is paid here.
    await charge_work(request, len(body.items) - 1)
    request_id = request_id_of(request)
    results: list[TriageResponse | BatchItemError | None] = [None] * len(body.items)
    valid: list[tuple[int, TriageRequest]] = []
    for index, raw in enumerate(body.items):
        try:
            valid.append((index, TriageRequest.model_validate(raw)))
        except ValidationError as exc:
            results[index] = BatchItemError(index=index, error=item_error(exc, request_id))
    tenant_id = principal.tenant_id

    def respond(triaged: list[TriageResult]) -> BatchResponse:
        answers = list(results)
        for (index, _), result in zip(valid, triaged, strict=True):
            answers[index] = to_response(result, engine, request_id)
        return BatchResponse(results=[r for r in answers if r is not None], request_id=request_id)

    items = [to_input(item, tenant_id=tenant_id) for _, item in valid]
    return respond(await run_triage(request, items, respond))
