"""The composition root: settings in, a FastAPI app out; `app` is what uvicorn serves."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI

from app import __version__
from app.api.deps import Services
from app.api.idempotency import IdempotencyMiddleware, Replay, replay
from app.api.metrics import Metrics, MetricsMiddleware
from app.api.middleware import RequestContextMiddleware, TimeoutMiddleware
from app.api.problems import add_error_handlers
from app.api.rate_limit import RateLimitMiddleware
from app.api.routes import (
    admin,
    conversations,
    health,
    insights,
    pages,
    practice,
    replies,
    screen,
    triage,
)
from app.api.routes import metrics as metrics_route
from app.core.config import Settings
from app.core.logs import configure_logging
from app.engine.memory import ConversationMemory
from app.model.base import Classifier
from app.model.head_specs import check_models_dir
from app.practice.library import ScenarioLibrary
from app.practice.scenarios import ScenarioSet
from app.replies.bank import load_bank
from app.serving.batcher import MicroBatcher
from app.serving.draining import drain_on_sigterm
from app.serving.limits import limiter_from_settings
from app.serving.loader import EngineLoader, build_engine
from app.store.idempotency import IdempotencyStore
from app.store.keeper import StoreKeeper
from app.tenancy.configs import TenantConfigs
from app.tenancy.keys import KeyRing
from app.webhooks import routes as webhooks
from app.webhooks.worker import start_webhooks, stop_webhooks

log = logging.getLogger("triage.app")


def create_app(
    settings: Settings | None = None, *, classifier: Classifier | None = None
) -> FastAPI:
    """Build the service. Pass a classifier to skip loading the shipped model (tests do)."""
    settings = settings or Settings()
    configure_logging(settings.log_level)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = start_services(settings, metrics, classifier=classifier)
        app.state.services = services
        restore_sigterm = drain_on_sigterm(services.loader, delay_s=settings.shutdown_delay_s)
        app.state.webhooks = start_webhooks(
            settings,
            triage=services.triage_batcher.submit,
            ready=lambda: services.loader.ready,
        )
        yield
        # Uvicorn calls this once the requests in flight are answered.
        restore_sigterm()
        await stop_webhooks(app.state.webhooks)  # first: it feeds the triage batcher
        await services.triage_batcher.stop()
        await services.screen_batcher.stop()
        services.store_keeper.stop()
        services.idempotency.close()
        if services.rate_limiter is not None:
            await services.rate_limiter.close()
        log.info("shutdown complete")

    app = FastAPI(
        title="sentiment-triage",
        version=__version__,
        summary="Sentiment, customer type, escalation triggers and a de-escalation playbook "
        "for every customer message.",
        lifespan=lifespan,
    )
    add_error_handlers(app)
    app.add_exception_handler(Replay, replay)  # type: ignore[arg-type]
    routes = (
        triage,
        screen,
        health,
        admin,
        conversations,
        replies,
        insights,
        practice,
        pages,
        metrics_route,
    )
    for module in routes:
        app.include_router(module.router)
    app.include_router(webhooks.router)
    # Listed innermost first: the metrics see every request, the timeout only the app's work.
    app.add_middleware(
        TimeoutMiddleware, seconds=settings.request_timeout_s, on_timeout=metrics.timeouts.inc
    )
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def start_services(
    settings: Settings, metrics: Metrics, *, classifier: Classifier | None
) -> Services:
    """Everything the requests will reach; the model loads in the background if not given."""
    # Cheap checks first, so a broken bank or model directory stops start-up with a clear
    # message; the encoder, the slow part, then loads while /readyz answers 503.
    bank = load_bank(settings)
    scenarios = ScenarioSet.default()
    keeper = StoreKeeper(settings)
    memory = ConversationMemory.from_settings(settings, store_of=lambda: keeper.store)
    configs = TenantConfigs(
        lambda: keeper.store, settings=settings, bank=bank, ttl=settings.tenant_refresh_s
    )
    keeper.start()
    loader = EngineLoader()
    if classifier is not None:
        engine = build_engine(
            settings, bank=bank, memory=memory, configs=configs, classifier=classifier
        )
        loader.set_engine(engine)
    else:
        check_models_dir(settings.models_dir)
        loader.start(lambda: build_engine(settings, bank=bank, memory=memory, configs=configs))
    # Routes check readiness first, so the engine exists whenever a batch runs.
    inference_slots = anyio.CapacityLimiter(settings.inference_concurrency)

    def batcher(
        path: str,
        run: Callable[[list[Any]], list[Any]],
        finish: Callable[[list[Any], list[Any]], list[Any]] | None = None,
    ) -> MicroBatcher[Any, Any]:
        found: MicroBatcher[Any, Any] = MicroBatcher(
            run,
            finish=finish,
            max_size=settings.batch_max_size,
            max_wait=settings.batch_max_wait_ms / 1000,
            limiter=inference_slots,
            observe=lambda size, seconds: metrics.observe_batch(path, size, seconds),
        )
        found.start()
        return found

    return Services(
        settings=settings,
        metrics=metrics,
        loader=loader,
        store_keeper=keeper,
        memory=memory,
        key_ring=KeyRing(lambda: keeper.store, grace=settings.auth_grace_s),
        tenant_configs=configs,
        idempotency=IdempotencyStore.from_settings(settings),
        rate_limiter=limiter_from_settings(settings),
        # The forward pass holds the inference slot; the store's reads and writes do not.
        triage_batcher=batcher(
            "triage",
            lambda items: loader.require().score(items),
            lambda items, scores: loader.require().decide(items, scores),
        ),
        screen_batcher=batcher("screen", lambda items: loader.require().screen(items)),
        scenarios=ScenarioLibrary(lambda: keeper.store, default=scenarios),
    )


app = create_app()
