"""/v1/screen, the chat widget's pre-screen, and its CORS: the one route a browser calls.

A preflight carries no key, so it is answered for any origin that some tenant allows; the
real response names the origin only when the caller's widget key allows it, so no other
page can read the answer.
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request, Response

from app.api.auth import Principal, ScreenDep, request_origin
from app.api.deps import EngineDep, request_id_of, services_of
from app.api.problems import error_responses
from app.api.schemas import ScreenRequest, ScreenResponse, SuggestionOut
from app.api.wire import trigger_out
from app.core.errors import StoreUnavailableError
from app.core.labels import Channel
from app.engine.triage import Screening, ScreenInput, TriageEngine
from app.replies.facts import extract_facts, fact_values
from app.replies.playbook import build_playbook
from app.tenancy.keys import widget_origins

SCREEN_PATH = "/v1/screen"
ALLOWED_HEADERS = "authorization, content-type, x-api-key, x-request-id"
PREFLIGHT_MAX_AGE_S = 600
ERRORS = error_responses(400, 401, 403, 413, 422, 503)

router = APIRouter()


@router.options(SCREEN_PATH, include_in_schema=False)
async def screen_preflight(request: Request) -> Response:
    """Answer the browser's preflight for a widget's POST /v1/screen."""
    origin = request_origin(request)
    allowed = origin is not None and await anyio.to_thread.run_sync(origin_known, request, origin)
    if not allowed:
        return Response(status_code=204, headers={"Vary": "Origin"})
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": request.headers["origin"],
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_S),
            "Vary": "Origin",
        },
    )


def origin_known(request: Request, origin: str) -> bool:
    """Whether any tenant or live widget key allows the origin; any origin with auth off."""
    services = services_of(request.app)
    if not services.settings.auth:
        return True
    store = services.store_keeper.store
    if store is None:
        return False
    try:
        return origin in widget_origins(store)
    except StoreUnavailableError:
        return False


def cors_headers(request: Request, principal: Principal) -> dict[str, str]:
    """Headers that let the calling page read the answer, when its origin is allowed."""
    origin = request_origin(request)
    if origin is None:
        return {}
    allowed = not services_of(request.app).settings.auth or (
        principal.role == "widget" and origin in principal.origins
    )
    if not allowed:
        return {"Vary": "Origin"}
    return {
        "Access-Control-Allow-Origin": request.headers["origin"],
        "Access-Control-Expose-Headers": "x-request-id",
        "Vary": "Origin",
    }


@router.post(
    SCREEN_PATH,
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

    The one route a widget key may call, from its allowed origins (CORS: above).
    """
    response.headers.update(cors_headers(request, principal))
    item = ScreenInput(body.text, tenant_id=principal.tenant_id)
    services = services_of(request.app)
    [result] = await services.screen_batcher.submit([item])
    services.metrics.count_triggers(result.escalation.triggers)
    replies = None
    if body.suggest:
        # The tenant's bank may need a database read: kept off the event loop, and off the
        # cheapest path altogether when no suggestions are asked for.
        tenant_engine = await anyio.to_thread.run_sync(engine.for_tenant, principal.tenant_id)
        replies = suggestions(tenant_engine, result, body.channel, body.text)
    return ScreenResponse(
        flagged=result.escalation.escalate,
        priority=result.escalation.priority,
        triggers=[trigger_out(t) for t in result.escalation.triggers],
        customer_type=result.customer.label,
        sentiment=result.sentiment,
        language=result.language.code,
        language_supported=result.language.supported,
        suggestions=replies,
        request_id=request_id_of(request),
    )


MAX_SUGGESTIONS = 3


def suggestions(
    engine: TriageEngine, result: Screening, channel: Channel, text: str
) -> list[SuggestionOut]:
    """The first replies of the playbook, for a widget to offer; no model call, no store read."""
    thresholds = engine.settings.thresholds
    playbook = build_playbook(
        engine.bank,
        profile=result.customer,
        escalation=result.escalation,
        channel=channel,
        values=fact_values(extract_facts(text), text),
        requests=result.asked or None,
        route=result.route,
        text=text,
        peak_anger_intensity=thresholds.peak_intensity,
        mild_intensity=thresholds.mild_intensity,
        secondary_type_score=thresholds.secondary_type_score,
    )
    replies = [
        SuggestionOut(
            id=r.id,
            step=step.step,
            text=r.text,
            needs_agent_input=bool(r.agent_input),
            agent_input=list(r.agent_input),
        )
        for step in playbook.steps
        for r in step.responses
    ]
    return replies[:MAX_SUGGESTIONS]
