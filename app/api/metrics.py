"""Prometheus metrics: one registry per app, so two apps in one process never share counts."""

from __future__ import annotations

import time
from collections.abc import Iterable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.domain import Trigger

# Seconds. Triage answers in milliseconds; the top buckets catch a stalled database or a timeout.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)
# The route label of requests no route handled: unknown paths, and requests refused before
# routing (413, 429). One label for all, so that made-up paths cannot explode the series.
UNROUTED = "unrouted"


class Metrics:
    """The service's metrics and the registry they live in."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.request_duration = Histogram(
            "triage_http_request_duration_seconds",
            "Time from the first byte of a request to the last byte of its response, by route.",
            ["method", "route"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.requests = Counter(
            "triage_http_requests",
            "Requests answered, by route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "triage_http_requests_in_flight",
            "Requests being handled now.",
            registry=self.registry,
        )
        self.inference_duration = Histogram(
            "triage_inference_duration_seconds",
            "Time of one batched model call (forward pass and decisions), by path.",
            ["path"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "triage_batch_size",
            "Messages per model call: how many concurrent requests shared a forward pass.",
            ["path"],
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.triggers = Counter(
            "triage_triggers",
            "Escalation triggers raised, by type.",
            ["type"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "triage_rate_limited",
            "Requests refused with 429 because their key or address ran out of tokens.",
            registry=self.registry,
        )
        self.timeouts = Counter(
            "triage_request_timeouts",
            "Requests cut off by the request timeout.",
            registry=self.registry,
        )
        self.idempotent_replays = Counter(
            "triage_idempotent_replays",
            "Retried requests answered from the stored response of their Idempotency-Key.",
            registry=self.registry,
        )

    def observe_batch(self, path: str, size: int, seconds: float) -> None:
        self.batch_size.labels(path).observe(size)
        self.inference_duration.labels(path).observe(seconds)

    def count_triggers(self, triggers: Iterable[Trigger]) -> None:
        for trigger in triggers:
            self.triggers.labels(trigger.type).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Times every HTTP request and counts it by its route template (not the raw path)."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}  # what the client gets if the app raises before answering

        async def send_with_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_with_status)
        finally:
            self.metrics.in_flight.dec()
            # The router writes the matched route into the scope on its way in.
            route = getattr(scope.get("route"), "path", None) or UNROUTED
            method = scope["method"]
            self.metrics.request_duration.labels(method, route).observe(
                time.perf_counter() - started
            )
            self.metrics.requests.labels(method, route, str(status["code"])).inc()
