"""HTTP route for insights: what went wrong over a period, for the caller's team."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request

from app.api.auth import ServiceDep
from app.api.deps import StoreDep, request_id_of, services_of
from app.api.problems import error_responses
from app.api.schemas import (
    EscalationRateOut,
    InsightsBucketOut,
    InsightsResponse,
    InsightsTotalsOut,
    OutcomeSummaryOut,
    PeriodOut,
    ProblemOut,
    ResponseStatsOut,
)
from app.core.errors import InvalidRequestError
from app.engine.triage import TriageEngine
from app.insights.periods import MAX_DAYS, Bucket, Period
from app.insights.report import Insights, read_insights
from app.replies.bank import ResponseBank, fill

router = APIRouter(tags=["insights"])
DEFAULT_DAYS = 30
First = Annotated[
    date | None,
    Query(alias="from", description=f"First day (UTC); default: {DEFAULT_DAYS} days up to `to`."),
]
Last = Annotated[date | None, Query(alias="to", description="Last day (UTC), included; today.")]
BucketQuery = Annotated[Bucket, Query(description="Group the series by day or ISO week.")]


@router.get(
    "/v1/insights", response_model=InsightsResponse, responses=error_responses(401, 403, 422, 503)
)
async def insights(
    request: Request,
    principal: ServiceDep,
    store: StoreDep,
    first: First = None,
    last: Last = None,
    bucket: BucketQuery = "day",
) -> InsightsResponse:
    """Volumes, customer types, triggers, root causes, sentiment and escalation over time,
    and the replies that resolve conversations, for the caller's tenant."""
    period = period_of(first, last, bucket, today=datetime.now(UTC).date())
    found = await anyio.to_thread.run_sync(read_insights, store, principal.tenant_id, period)
    bank = await anyio.to_thread.run_sync(
        bank_of, services_of(request.app).loader.engine, principal.tenant_id
    )
    return insights_out(found, bank, request_id_of(request))


def bank_of(engine: TriageEngine | None, tenant_id: str) -> ResponseBank | None:
    """The tenant's current bank, which words the replies; None while the model loads."""
    return engine.for_tenant(tenant_id).bank if engine else None


def period_of(first: date | None, last: date | None, bucket: Bucket, *, today: date) -> Period:
    """The asked period, with defaults; a 422 when it is backwards or too long."""
    last = last or today
    try:
        if first is None:
            return Period.ending(last, days=DEFAULT_DAYS, bucket=bucket)
        return Period(first, last, bucket)
    except ValueError as exc:
        raise InvalidRequestError(
            f"{exc} (from and to are days, YYYY-MM-DD, {MAX_DAYS} at most)"
        ) from exc


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def insights_out(found: Insights, bank: ResponseBank | None, request_id: str) -> InsightsResponse:
    entries = {entry.id: entry for entry in bank.entries} if bank else {}
    period = found.period
    return InsightsResponse(
        period=PeriodOut(
            start=period.first, end=period.last, bucket=period.bucket, days=period.days
        ),
        totals=InsightsTotalsOut(
            turns=found.turns,
            conversations=found.conversations,
            flagged_turns=found.flagged_turns,
            flagged_conversations=found.flagged_conversations,
            mean_sentiment=found.mean_sentiment,
        ),
        escalation_rate=EscalationRateOut(
            turns=_share(found.flagged_turns, found.turns),
            conversations=_share(found.flagged_conversations, found.conversations),
        ),
        series=[
            InsightsBucketOut(
                start=b.start,
                turns=b.turns,
                conversations=b.conversations,
                flagged_turns=b.flagged_turns,
                mean_sentiment=b.mean_sentiment,
            )
            for b in found.series
        ],
        customer_types=found.customer_types,
        triggers=found.triggers,
        root_causes=found.root_causes,
        problems=[
            ProblemOut(root_cause=p.root_cause, trigger=p.trigger, conversations=p.conversations)
            for p in found.problems
        ],
        responses=[
            ResponseStatsOut(
                id=r.id,
                step=entries[r.id].step if r.id in entries else None,
                text=fill(entries[r.id].text, {}) if r.id in entries else None,
                used=r.used,
                resolved=r.resolved,
                resolution_rate=round(r.resolution_rate, 4),
            )
            for r in found.responses
        ],
        outcomes=OutcomeSummaryOut(
            conversations=found.outcomes.conversations,
            resolved=found.outcomes.resolved,
            resolution_rate=_share(found.outcomes.resolved, found.outcomes.conversations),
            mean_satisfaction=found.outcomes.mean_satisfaction,
        ),
        request_id=request_id,
    )
