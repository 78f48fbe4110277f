"""HTTP route for coaching: review an agent's draft reply before it is sent."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Depends, Request

from app.api.auth import ServiceDep, service_only
from app.api.deps import request_id_of, services_of
from app.api.problems import error_responses
from app.api.schemas import PhraseIssueOut, ReviewRequest, ReviewResponse
from app.core.errors import StoreUnavailableError
from app.replies.review import review_reply

router = APIRouter(prefix="/v1/replies", tags=["replies"], dependencies=[Depends(service_only)])
ERRORS = error_responses(400, 401, 403, 413, 422)


@router.post("/review", response_model=ReviewResponse, responses=ERRORS)
async def review(body: ReviewRequest, request: Request, principal: ServiceDep) -> ReviewResponse:
    """Phrases that tend to inflame (with a positive rewrite each), missing elements, a score."""
    apology_warranted = body.apology_warranted
    if apology_warranted is None and body.customer_text is None and body.conversation_id:
        apology_warranted = await anyio.to_thread.run_sync(
            last_turn_was_negative, request, principal.tenant_id, body.conversation_id
        )
    result = review_reply(
        body.draft,
        customer_text=body.customer_text,
        channel=body.channel,
        apology_warranted=apology_warranted,
    )
    return ReviewResponse(
        score=result.score,
        issues=[
            PhraseIssueOut(
                phrase=i.phrase, start=i.start, end=i.end, category=i.category, rewrite=i.rewrite
            )
            for i in result.issues
        ],
        missing=list(result.missing),
        request_id=request_id_of(request),
    )


def last_turn_was_negative(request: Request, tenant_id: str, conversation_id: str) -> bool | None:
    """Whether the customer's latest stored message was negative; None when unknown."""
    store = services_of(request.app).store_keeper.store
    if store is None:
        return None
    try:
        record = store.get(conversation_id, tenant_id=tenant_id)
    except StoreUnavailableError:
        return None
    if record is None or not record.turns:
        return None
    return record.turns[-1].sentiment_label == "negative"
