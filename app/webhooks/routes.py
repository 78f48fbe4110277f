"""HTTP routes: the webhook receiver each helpdesk calls, and the admin API for integrations.

The receiver authenticates by signature (the helpdesk sends no API key), queues the
delivery and answers 202 before any triage: helpdesks give a webhook a few seconds at most.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Annotated, cast

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.auth import Principal, PrincipalDep
from app.api.deps import services_of
from app.api.problems import error_responses
from app.api.rate_limit import charge_tenant
from app.core.errors import AdminOnlyError, IntegrationNotFoundError
from app.webhooks.events import PLATFORMS, Platform, parse_event
from app.webhooks.integrations import Integration, base_url_for, check_credentials
from app.webhooks.schemas import (
    DeliveryList,
    DeliveryOut,
    FrontChallenge,
    IntegrationIn,
    IntegrationList,
    IntegrationOut,
    WebhookReceipt,
)
from app.webhooks.signatures import verify_delivery
from app.webhooks.store import WebhookStore
from app.webhooks.worker import webhooks_of

router = APIRouter()


async def get_store(request: Request) -> WebhookStore:
    return webhooks_of(request.app).store


StoreDep = Annotated[WebhookStore, Depends(get_store)]


def known_platform(platform: str) -> Platform:
    if platform not in PLATFORMS:
        raise IntegrationNotFoundError(
            f"unknown platform {platform!r}; one of {', '.join(PLATFORMS)}"
        )
    return cast(Platform, platform)


def admin_of(principal: Principal) -> str:
    """The tenant whose integrations an admin manages; AdminOnlyError for other roles."""
    if principal.role != "admin":
        raise AdminOnlyError("integrations are managed with an admin key")
    return principal.tenant_id


@router.post(
    "/v1/webhooks/{platform}/{tenant_id}",
    status_code=202,
    response_model=WebhookReceipt,
    responses={200: {"model": WebhookReceipt}, **error_responses(401, 404, 413, 422, 503)},
    tags=["webhooks"],
)
async def receive(platform: str, tenant_id: str, request: Request, store: StoreDep) -> Response:
    """A helpdesk's webhook: verified with the tenant's secret, queued, answered at once.

    202 when queued; 200 for a delivery already received (it is processed once) and for
    events with nothing to triage (an agent's reply, a ping); Front's subscription check
    gets its challenge echoed.
    """
    name = known_platform(platform)
    integration = await anyio.to_thread.run_sync(store.integration, tenant_id, name)
    if integration is None:
        raise IntegrationNotFoundError(f"no {name} integration for tenant {tenant_id!r}")
    settings = services_of(request.app).settings
    body = await request.body()
    now = datetime.now(UTC)
    window = timedelta(seconds=settings.webhook_replay_window_seconds)
    verify_delivery(name, integration.secret, body, request.headers, now=now, window=window)
    await charge_tenant(request, tenant_id)
    challenge = request.headers.get("x-front-challenge")
    if name == "front" and challenge:
        return JSONResponse(FrontChallenge(challenge=challenge).model_dump())
    event = parse_event(name, body)
    if event is None:
        return JSONResponse(WebhookReceipt(status="ignored").model_dump())
    # Platforms that name their deliveries are deduplicated by that name; the others by the
    # body, which a platform's own retry repeats byte for byte.
    delivery_id = event.event_id or "sha256:" + hashlib.sha256(body).hexdigest()
    delivery, new = await anyio.to_thread.run_sync(
        lambda: store.enqueue(tenant_id, name, delivery_id, event, now)
    )
    if new:
        worker = webhooks_of(request.app).worker
        worker.wake()
    receipt = WebhookReceipt(status="queued" if new else "duplicate", delivery=delivery.id)
    return JSONResponse(receipt.model_dump(), status_code=202 if new else 200)


ADMIN_ERRORS = error_responses(403, 404, 422, 503)


@router.put(
    "/v1/admin/integrations/{platform}",
    response_model=IntegrationOut,
    responses=ADMIN_ERRORS,
    tags=["integrations"],
)
async def put_integration(
    platform: str, body: IntegrationIn, request: Request, principal: PrincipalDep, store: StoreDep
) -> IntegrationOut:
    """Connect (or reconnect) a helpdesk: its webhook secret, API host and credentials."""
    tenant_id = admin_of(principal)
    name = known_platform(platform)
    settings = services_of(request.app).settings
    base_url = base_url_for(
        name,
        body.base_url,
        allowed_hosts=settings.webhook_allowed_hosts,
        insecure_hosts=settings.webhook_allow_insecure_hosts,
    )
    check_credentials(name, body.credentials, body.options)
    now = datetime.now(UTC)
    integration = Integration(
        tenant_id=tenant_id,
        platform=name,
        secret=body.secret,
        base_url=base_url,
        credentials=body.credentials,
        options=body.options,
        created_at=now,
        updated_at=now,
    )
    saved = await anyio.to_thread.run_sync(store.put_integration, integration)
    return integration_out(saved)


@router.get(
    "/v1/admin/integrations",
    response_model=IntegrationList,
    responses=ADMIN_ERRORS,
    tags=["integrations"],
)
async def list_integrations(principal: PrincipalDep, store: StoreDep) -> IntegrationList:
    """The tenant's integrations, without their secrets."""
    tenant_id = admin_of(principal)
    found = await anyio.to_thread.run_sync(store.integrations, tenant_id)
    return IntegrationList(integrations=[integration_out(i) for i in found])


@router.get(
    "/v1/admin/integrations/{platform}",
    response_model=IntegrationOut,
    responses=ADMIN_ERRORS,
    tags=["integrations"],
)
async def get_integration(
    platform: str, principal: PrincipalDep, store: StoreDep
) -> IntegrationOut:
    """One integration, without its secret or credential values."""
    return integration_out(await _existing(platform, principal, store))


@router.delete(
    "/v1/admin/integrations/{platform}",
    status_code=204,
    responses=ADMIN_ERRORS,
    tags=["integrations"],
)
async def delete_integration(platform: str, principal: PrincipalDep, store: StoreDep) -> Response:
    """Disconnect a helpdesk: its webhooks get 404 and queued write-backs stop."""
    tenant_id = admin_of(principal)
    name = known_platform(platform)
    if not await anyio.to_thread.run_sync(store.delete_integration, tenant_id, name):
        raise IntegrationNotFoundError(f"no {name} integration for this tenant")
    return Response(status_code=204)


@router.get(
    "/v1/admin/integrations/{platform}/deliveries",
    response_model=DeliveryList,
    responses=ADMIN_ERRORS,
    tags=["integrations"],
)
async def list_deliveries(
    platform: str,
    principal: PrincipalDep,
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> DeliveryList:
    """The latest deliveries and how their write-back went: to check a new connection."""
    integration = await _existing(platform, principal, store)
    found = await anyio.to_thread.run_sync(
        lambda: store.deliveries(integration.tenant_id, integration.platform, limit=limit)
    )
    return DeliveryList(
        deliveries=[
            DeliveryOut(
                id=d.id,
                delivery_id=d.delivery_id,
                ticket_id=d.event.ticket_id,
                status=d.status,
                attempts=d.attempts,
                steps_done=list(d.steps_done),
                last_error=d.last_error,
                received_at=d.received_at,
                next_attempt_at=d.next_attempt_at,
            )
            for d in found
        ]
    )


async def _existing(platform: str, principal: Principal, store: WebhookStore) -> Integration:
    tenant_id = admin_of(principal)
    name = known_platform(platform)
    integration = await anyio.to_thread.run_sync(store.integration, tenant_id, name)
    if integration is None:
        raise IntegrationNotFoundError(f"no {name} integration for this tenant")
    return integration


def integration_out(integration: Integration) -> IntegrationOut:
    return IntegrationOut(
        platform=integration.platform,
        base_url=integration.base_url,
        webhook_path=f"/v1/webhooks/{integration.platform}/{integration.tenant_id}",
        credentials=sorted(integration.credentials),
        options=dict(integration.options),
        created_at=integration.created_at,
        updated_at=integration.updated_at,
    )
