"""HTTP routes for practice: agents rehearse difficult customers and see how they did.

An agent key sees only its own sessions (another's is a 404, as if it did not exist); lead,
service and admin keys see the whole tenant's. The report is for leads, services and admins.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar, cast

import anyio
from fastapi import APIRouter, Body, Depends, Path, Query, Request

from app.api.auth import (
    PracticeDep,
    PracticeReportDep,
    Principal,
    practice_only,
)
from app.api.deps import EngineDep, StoreDep, request_id_of, services_of
from app.api.idempotency import IDEMPOTENCY_STATUSES, IDEMPOTENT
from app.api.practice_schemas import (
    HintOut,
    PracticeReplyRequest,
    PracticeReplyResponse,
    PracticeReportOut,
    ScenarioList,
    SessionCreateRequest,
    SessionOut,
    SessionStarted,
)
from app.api.practice_wire import reply_out, report_out, session_out, started_out, summary_out
from app.api.problems import error_responses
from app.core.errors import ForbiddenError, InvalidRequestError
from app.core.labels import CustomerType, TriggerType
from app.practice import sessions
from app.practice.coach import hint_input, suggestion
from app.practice.library import matching
from app.practice.report import read_practice_report, report_period
from app.practice.scenarios import Difficulty

T = TypeVar("T")
LOCAL_AGENT = "local"  # who practises with auth off
router = APIRouter(prefix="/v1/practice", tags=["practice"])
ERRORS = error_responses(400, 401, 403, 404, 422, 503)
# The role check comes first, so a key that may not practise claims no idempotency key.
PLAYING = [Depends(practice_only), IDEMPOTENT]
SessionId = Annotated[str, Path(min_length=1, max_length=64)]
First = Annotated[date | None, Query(alias="from", description="First day (UTC); 30 days ago.")]
Last = Annotated[date | None, Query(alias="to", description="Last day (UTC), included; today.")]


async def run(work: Callable[..., T], *args: Any) -> T:
    return await anyio.to_thread.run_sync(work, *args)


def who_practises(principal: Principal, named: str | None) -> tuple[str, str | None]:
    """The agent a new session belongs to, and the name to show."""
    if principal.role == "agent":
        if named not in (None, principal.key_id):
            raise ForbiddenError("an agent key practises as itself only")
        return str(principal.key_id), principal.name
    if named is not None:
        return named, None
    if principal.role == "service":
        raise InvalidRequestError("a service key must name the agent who practises (agent)")
    return principal.key_id or LOCAL_AGENT, principal.name


def only_own(principal: Principal) -> str | None:
    """The agent whose sessions alone the caller may see; None: the whole tenant's."""
    return principal.key_id if principal.role == "agent" else None


@router.get("/scenarios", response_model=ScenarioList, responses=ERRORS)
async def list_scenarios(
    request: Request,
    principal: PracticeDep,
    customer_type: CustomerType | None = None,
    difficulty: Annotated[int | None, Query(ge=1, le=3)] = None,
    trigger: TriggerType | None = None,
) -> ScenarioList:
    """The scenarios the caller's team can rehearse, optionally filtered."""
    found = await run(services_of(request.app).scenarios.for_tenant, principal.tenant_id)
    chosen = matching(
        found,
        customer_type=customer_type,
        difficulty=cast(Difficulty | None, difficulty),
        trigger=trigger,
    )
    return ScenarioList(version=found.version, scenarios=[summary_out(s) for s in chosen])


@router.post(
    "/sessions",
    response_model=SessionStarted,
    status_code=201,
    responses={**ERRORS, **error_responses(*IDEMPOTENCY_STATUSES)},
    dependencies=PLAYING,
)
async def start_session(
    request: Request,
    principal: PracticeDep,
    store: StoreDep,
    body: Annotated[SessionCreateRequest | None, Body()] = None,
) -> SessionStarted:
    """Start rehearsing: the scenario asked for, or one at random among those matching."""
    body = body or SessionCreateRequest()
    agent, agent_name = who_practises(principal, body.agent)
    library = services_of(request.app).scenarios
    played = await run(
        lambda: sessions.start(
            store,
            library,
            principal.tenant_id,
            agent=agent,
            agent_name=agent_name,
            scenario_id=body.scenario_id,
            customer_type=body.customer_type,
            difficulty=body.difficulty,
            trigger=body.trigger,
        )
    )
    return started_out(played, request_id_of(request))


@router.post(
    "/sessions/{session_id}/replies",
    response_model=PracticeReplyResponse,
    responses={**ERRORS, **error_responses(409, *IDEMPOTENCY_STATUSES)},
    dependencies=PLAYING,
)
async def reply_to_customer(
    session_id: SessionId,
    body: PracticeReplyRequest,
    request: Request,
    principal: PracticeDep,
    store: StoreDep,
) -> PracticeReplyResponse:
    """Send the agent's reply: skill-by-skill feedback, the customer's mood and answer.

    409 `session_ended` once the session has ended; 409 `session_conflict` when another
    reply to the session was saved first.
    """
    library = services_of(request.app).scenarios
    played = await run(
        lambda: sessions.answer(
            store, library, principal.tenant_id, session_id, body.text, agent=only_own(principal)
        )
    )
    return reply_out(played, request_id_of(request))


@router.get("/sessions/{session_id}", response_model=SessionOut, responses=ERRORS)
async def read_session(
    session_id: SessionId, request: Request, principal: PracticeDep, store: StoreDep
) -> SessionOut:
    """The transcript with feedback on every reply, and the score card so far."""
    library = services_of(request.app).scenarios
    played = await run(
        lambda: sessions.read(
            store, library, principal.tenant_id, session_id, agent=only_own(principal)
        )
    )
    return session_out(played, request_id_of(request))


@router.get(
    "/sessions/{session_id}/hint",
    response_model=HintOut,
    responses={**ERRORS, **error_responses(409)},
)
async def hint(
    session_id: SessionId,
    request: Request,
    principal: PracticeDep,
    store: StoreDep,
    engine: EngineDep,  # 503 model_not_ready while the model loads
) -> HintOut:
    """The reply the service itself would suggest now; 409 `session_ended` once it ended."""
    services = services_of(request.app)
    played = await run(
        lambda: sessions.read_active(
            store, services.scenarios, principal.tenant_id, session_id, agent=only_own(principal)
        )
    )
    item = hint_input(
        played.scenario,
        played.record.session,
        now=datetime.now(UTC),
        tenant_id=principal.tenant_id,
    )
    # Through the shared batch: the forward pass takes an inference slot like any triage.
    result = (await services.triage_batcher.submit([item]))[0]
    return HintOut(text=suggestion(result), request_id=request_id_of(request))


@router.get(
    "/report",
    response_model=PracticeReportOut,
    responses=error_responses(401, 403, 422, 503),
)
async def report(
    request: Request,
    principal: PracticeReportDep,
    store: StoreDep,
    first: First = None,
    last: Last = None,
) -> PracticeReportOut:
    """Per agent and week: sessions, endings, scores and skills; the scenarios lost most."""
    period = report_period(first, last, today=datetime.now(UTC).date())
    library = services_of(request.app).scenarios
    found = await run(read_practice_report, store, library, principal.tenant_id, period)
    return report_out(found, request_id_of(request))
