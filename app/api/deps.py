"""What the app holds, typed, and the dependencies routes take from it.

The lifespan builds one `Services` and keeps it on `app.state.services`; nothing else reads
or writes app.state. Routes take what they need through the `*Dep` aliases below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request
from starlette.applications import Starlette

from app.api.metrics import Metrics
from app.core.config import Settings
from app.core.errors import StoreUnavailableError
from app.engine.memory import ConversationMemory
from app.engine.triage import Screening, ScreenInput, TriageEngine, TriageInput, TriageResult
from app.practice.library import ScenarioLibrary
from app.serving.batcher import MicroBatcher
from app.serving.limits import RateLimiter
from app.serving.loader import EngineLoader
from app.store.conversations import ConversationStore
from app.store.idempotency import IdempotencyStore
from app.store.keeper import StoreKeeper
from app.tenancy.configs import TenantConfigs
from app.tenancy.keys import KeyRing


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a request may reach, built once by the lifespan (app.main)."""

    settings: Settings
    metrics: Metrics
    loader: EngineLoader
    store_keeper: StoreKeeper
    memory: ConversationMemory
    key_ring: KeyRing
    tenant_configs: TenantConfigs
    idempotency: IdempotencyStore
    rate_limiter: RateLimiter | None
    triage_batcher: MicroBatcher[TriageInput, TriageResult]
    screen_batcher: MicroBatcher[ScreenInput, Screening]
    scenarios: ScenarioLibrary  # each tenant's practice scenarios


def services_of(app: Starlette) -> Services:
    return cast(Services, app.state.services)


def started_services(app: Starlette) -> Services | None:
    """The services once the lifespan has started; None before (a middleware may ask early)."""
    return cast("Services | None", getattr(app.state, "services", None))


async def get_services(request: Request) -> Services:
    return services_of(request.app)


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_engine(request: Request) -> TriageEngine:
    return services_of(request.app).loader.require()


EngineDep = Annotated[TriageEngine, Depends(get_engine)]


async def get_store(request: Request) -> ConversationStore:
    store = services_of(request.app).store_keeper.store
    if store is None:
        raise StoreUnavailableError("the conversation store is unavailable; retry shortly")
    return store


StoreDep = Annotated[ConversationStore, Depends(get_store)]


def request_id_of(request: Request) -> str:
    return str(request.state.request_id)
