"""HTTP routes for conversation records: read, delete, and report the outcome."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Path, Request, Response

from app.api.auth import ServiceDep, service_only
from app.api.deps import StoreDep, request_id_of, services_of
from app.api.idempotency import IDEMPOTENCY_STATUSES, IDEMPOTENT
from app.api.problems import error_responses
from app.api.schemas import (
    ConversationRecordOut,
    FollowUpOut,
    IssueOut,
    OutcomeOut,
    OutcomeRequest,
    RaisedTrigger,
    SentimentPoint,
    TriggerOut,
    TurnOut,
)
from app.core.errors import ConversationNotFoundError
from app.engine.memory import main_root_cause
from app.store.conversations import ConversationRecord, NewOutcome, OutcomeRecord

# Every route reads or writes only the caller's tenant: another tenant's id is a 404.
router = APIRouter(
    prefix="/v1/conversations", tags=["conversations"], dependencies=[Depends(service_only)]
)
ERRORS = error_responses(400, 401, 403, 404, 422, 503)
ConversationId = Annotated[str, Path(min_length=1, max_length=128)]


@router.get("/{conversation_id}", response_model=ConversationRecordOut, responses=ERRORS)
async def read_conversation(
    conversation_id: ConversationId, request: Request, store: StoreDep, principal: ServiceDep
) -> ConversationRecordOut:
    """The interaction record: issue, sentiment over time, triggers, commitments, follow-ups."""
    record = await anyio.to_thread.run_sync(
        lambda: store.get(conversation_id, tenant_id=principal.tenant_id)
    )
    if record is None:
        raise ConversationNotFoundError(f"no conversation {conversation_id!r}")
    return interaction_record(record, request_id_of(request))


@router.delete("/{conversation_id}", status_code=204, responses=ERRORS)
async def delete_conversation(
    conversation_id: ConversationId, store: StoreDep, principal: ServiceDep
) -> Response:
    """Remove the conversation and everything derived from it."""
    deleted = await anyio.to_thread.run_sync(
        lambda: store.delete(conversation_id, tenant_id=principal.tenant_id)
    )
    if not deleted:
        raise ConversationNotFoundError(f"no conversation {conversation_id!r}")
    return Response(status_code=204)


@router.post(
    "/{conversation_id}/outcome",
    response_model=OutcomeOut,
    status_code=201,
    responses={**ERRORS, **error_responses(*IDEMPOTENCY_STATUSES)},
    dependencies=[IDEMPOTENT],  # a helpdesk retrying a webhook records the outcome once
)
async def record_outcome(
    conversation_id: ConversationId,
    body: OutcomeRequest,
    request: Request,
    store: StoreDep,
    principal: ServiceDep,
) -> OutcomeOut:
    """How it ended: resolved or not, satisfaction, which suggested replies the agent used.

    A resolved outcome schedules follow-ups to check that the fix held.
    """
    outcome = NewOutcome(at=datetime.now(UTC), **body.model_dump())
    memory = services_of(request.app).memory
    record = await anyio.to_thread.run_sync(
        lambda: memory.record_outcome(conversation_id, outcome, tenant_id=principal.tenant_id)
    )
    return outcome_out(record)


def outcome_out(record: OutcomeRecord) -> OutcomeOut:
    return OutcomeOut(
        id=record.id,
        resolved=record.resolved,
        satisfaction=record.satisfaction,
        responses_used=record.responses_used,
        commitments=record.commitments,
        actions=record.actions,
        note=record.note,
        at=record.at,
    )


def interaction_record(record: ConversationRecord, request_id: str) -> ConversationRecordOut:
    """Shape the stored conversation as a colleague would want to read it."""
    types = Counter(t.customer_type for t in record.turns)
    return ConversationRecordOut(
        id=record.id,
        customer_id=record.customer_id,
        channel=record.channel,
        created_at=record.created_at,
        updated_at=record.updated_at,
        issue=IssueOut(
            root_cause=main_root_cause(record.turns),
            customer_types=[t for t, _ in types.most_common()],
        ),
        sentiment=[
            SentimentPoint(at=t.at, score=t.sentiment_score, label=t.sentiment_label)
            for t in record.turns
        ],
        triggers=[
            RaisedTrigger(at=t.at, turn=t.index, **trigger)
            for t in record.turns
            for trigger in t.triggers
        ],
        commitments=[c for o in record.outcomes for c in o.commitments],
        actions=[a for o in record.outcomes for a in o.actions],
        outcomes=[outcome_out(o) for o in record.outcomes],
        follow_ups=[FollowUpOut(due_at=f.due_at, note=f.note) for f in record.follow_ups],
        turns=[
            TurnOut(
                index=t.index,
                at=t.at,
                channel=t.channel,
                text=t.text,
                sentiment_label=t.sentiment_label,
                sentiment_score=t.sentiment_score,
                customer_type=t.customer_type,
                intensity=t.intensity,
                root_cause=t.root_cause,
                triggers=[TriggerOut(**trigger) for trigger in t.triggers],
            )
            for t in record.turns
        ],
        request_id=request_id,
    )
