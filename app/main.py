"""The app factory: settings in, a FastAPI app out; `app` is what uvicorn serves."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import __version__
from app.api import field_error, request_id_of, router
from app.api_admin import router as admin_router
from app.api_conversations import router as conversations_router
from app.api_insights import router as insights_router
from app.api_pages import router as pages_router
from app.api_replies import router as replies_router
from app.bank import ResponseBank
from app.batcher import MicroBatcher
from app.classifier import Classifier
from app.config import Settings
from app.conversations import ConversationMemory
from app.draining import drain_on_sigterm
from app.errors import TriageError
from app.head_specs import check_models_dir
from app.idempotency import IdempotencyMiddleware, IdempotencyStore, Replay, replay
from app.keys import KeyRing
from app.loading import load_bank, load_classifier
from app.logs import configure_logging
from app.metrics import Metrics, MetricsMiddleware
from app.metrics import router as metrics_router
from app.middleware import RequestContextMiddleware, TimeoutMiddleware, problem
from app.rate_limit import RateLimitMiddleware, limiter_from_settings
from app.score_cache import CachedClassifier
from app.screen_cors import router as screen_cors_router
from app.store_keeper import StoreKeeper
from app.tenant_configs import TenantConfigs
from app.triage import TriageEngine
from app.webhooks.routes import router as webhooks_router
from app.webhooks.worker import start_webhooks, stop_webhooks

log = logging.getLogger("triage.app")
PROBLEM_JSON = "application/problem+json"


def create_app(
    settings: Settings | None = None, *, classifier: Classifier | None = None
) -> FastAPI:
    """Build the service. Pass a classifier to skip loading the shipped model (tests do)."""
    settings = settings or Settings()
    configure_logging(settings.log_level)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.engine = None
        app.state.load_error = None
        app.state.inference_limiter = anyio.CapacityLimiter(settings.inference_concurrency)
        app.state.rate_limiter = limiter_from_settings(settings)
        app.state.idempotency = IdempotencyStore.from_settings(settings)
        restore_sigterm = drain_on_sigterm(app.state, delay_s=settings.shutdown_delay_s)
        # Cheap checks first, so a broken bank or model directory stops start-up with a clear
        # message; the encoder, the slow part, then loads while /readyz answers 503.
        bank = load_bank(settings)
        memory = ConversationMemory.from_settings(settings)
        keeper = StoreKeeper(memory, settings)
        app.state.store_keeper = keeper
        app.state.key_ring = KeyRing(lambda: keeper.store, grace=settings.auth_grace_s)
        app.state.tenant_configs = TenantConfigs(
            lambda: keeper.store, settings=settings, bank=bank, ttl=settings.tenant_refresh_s
        )
        keeper.start()
        if classifier is not None:
            app.state.engine = TriageEngine.from_settings(
                classifier, settings, bank=bank, memory=memory, configs=app.state.tenant_configs
            )
        else:
            check_models_dir(settings.models_dir)
            threading.Thread(
                target=_load_model, args=(app, settings, bank, memory), daemon=True
            ).start()
        app.state.triage_batcher = start_batcher(app, settings, lambda e: e.triage, path="triage")
        app.state.screen_batcher = start_batcher(app, settings, lambda e: e.screen, path="screen")
        start_webhooks(app, settings)
        yield
        # Uvicorn calls this once the requests in flight are answered.
        restore_sigterm()
        await stop_webhooks(app)  # first: it feeds the triage batcher
        await app.state.triage_batcher.stop()
        await app.state.screen_batcher.stop()
        keeper.stop()
        app.state.idempotency.close()
        if app.state.rate_limiter is not None:
            await app.state.rate_limiter.close()
        log.info("shutdown complete")

    app = FastAPI(
        title="sentiment-triage",
        version=__version__,
        summary="Sentiment, customer type, escalation triggers and a de-escalation playbook "
        "for every customer message.",
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    app.add_exception_handler(TriageError, _triage_error)  # type: ignore[arg-type]
    app.add_exception_handler(Replay, replay)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)
    app.include_router(router)
    app.include_router(screen_cors_router)
    app.include_router(admin_router)
    app.include_router(conversations_router)
    app.include_router(replies_router)
    app.include_router(insights_router)
    app.include_router(pages_router)
    app.include_router(metrics_router)
    app.include_router(webhooks_router)
    # Listed innermost first: the metrics see every request, the timeout only the app's work.
    app.add_middleware(
        TimeoutMiddleware, seconds=settings.request_timeout_s, on_timeout=metrics.timeouts.inc
    )
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def start_batcher(
    app: FastAPI,
    settings: Settings,
    method: Callable[[TriageEngine], Callable[[list], list]],
    *,
    path: str,
) -> MicroBatcher:
    # Routes check readiness first, so the engine exists whenever a batch runs.
    batcher: MicroBatcher = MicroBatcher(
        lambda items: method(app.state.engine)(items),
        max_size=settings.batch_max_size,
        max_wait=settings.batch_max_wait_ms / 1000,
        limiter=app.state.inference_limiter,
        observe=lambda size, seconds: app.state.metrics.observe_batch(path, size, seconds),
    )
    batcher.start()
    return batcher


def _load_model(
    app: FastAPI, settings: Settings, bank: ResponseBank, memory: ConversationMemory
) -> None:
    try:
        model: Classifier = load_classifier(settings)
        if settings.score_cache_size:
            model = CachedClassifier(model, max_entries=settings.score_cache_size)
        model.predict(["warm-up"])  # the first forward pass allocates; pay for it before ready
        app.state.engine = TriageEngine.from_settings(
            model, settings, bank=bank, memory=memory, configs=app.state.tenant_configs
        )
        log.info("model loaded", extra={"model_version": model.model_version})
    except Exception as exc:
        app.state.load_error = f"model failed to load: {exc}"
        log.critical("model failed to load", extra={"error": str(exc)})


def _problem_response(
    request: Request, status: int, code: str, message: str, **extra: object
) -> JSONResponse:
    body = problem(status, code, message, request_id_of(request), **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


async def _triage_error(request: Request, exc: TriageError) -> JSONResponse:
    response = _problem_response(request, exc.status, exc.code, exc.message)
    response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return _problem_response(
            request, 400, "malformed_json", "the request body is not valid JSON"
        )
    return _problem_response(
        request,
        422,
        "invalid_request",
        "the request does not match the schema; see errors",
        errors=[field_error(e) for e in errors],
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if isinstance(exc.__cause__, TriageError):
        # FastAPI wraps errors raised while reading the body (a chunked body over the limit).
        return await _triage_error(request, exc.__cause__)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return _problem_response(request, exc.status_code, code, message)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Logged with its type only: the traceback could quote the customer's message.
    log.error(
        "unexpected error",
        extra={"exc_type": type(exc).__name__, "request_id": request_id_of(request)},
    )
    return _problem_response(request, 500, "internal_error", "an unexpected error occurred")


app = create_app()
