"""Per-key budgets of work: a token bucket per API key (else per client address), 429 when
empty. A request costs one token on arrival; a batch pays one more per extra message once
parsed (`charge_work`), so a batch of 32 costs what 32 single calls cost.

With `TRIAGE_REDIS_URL` set the buckets live in Redis, so every worker process and replica
draws from the same one; otherwise each process keeps its own in memory. With auth off,
loopback clients are not limited unless `TRIAGE_RATE_LIMIT_LOOPBACK` is set.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.deps import services_of, started_services
from app.api.problems import send_problem
from app.core.errors import RateLimitedError

log = logging.getLogger("triage.rate_limit")
# Probes and scrapes must keep working for a client that has spent its budget.
EXEMPT_PATHS = frozenset({"/livez", "/readyz", "/metrics"})
RATE_LIMITED = "rate_limited"
WEBHOOK_PREFIX = "/v1/webhooks/"
WEBHOOK_GUARD_COST = 0.1


def bucket_of(scope: Scope) -> str:
    """Whose budget a request spends: its API key's (hashed), else its client address's."""
    headers = dict(scope["headers"])
    presented = headers.get(b"x-api-key", b"")
    scheme, _, credentials = headers.get(b"authorization", b"").partition(b" ")
    if not presented and scheme.lower() == b"bearer":
        presented = credentials.strip()
    if presented:
        # The same key spends the same bucket in every process; the key itself is never stored.
        return "key:" + hashlib.sha256(presented).hexdigest()[:32]
    client = scope.get("client")
    return "addr:" + (client[0] if client else "unknown")


def exempt(scope: Scope) -> bool:
    """Whether this request spends no budget: probes, and local clients while auth is off."""
    if scope["path"] in EXEMPT_PATHS:
        return True
    services = started_services(scope["app"])
    settings = services.settings if services else None
    if settings is None or settings.auth or settings.rate_limit_loopback:
        return False
    client = scope.get("client")
    if not client:
        return False
    try:
        return ipaddress.ip_address(client[0]).is_loopback
    except ValueError:  # a test client or a unix socket names no address
        return False


async def charge_work(request: Request, extra: int) -> None:
    """Spend `extra` more tokens for a request doing more than one message's work."""
    if extra >= 1:
        await _spend(request, bucket_of(request.scope), extra, "this batch needs more")


async def charge_tenant(request: Request, tenant_id: str) -> None:
    """Spend a verified webhook delivery from its tenant's budget, whoever sent it.

    A busy helpdesk sends from a few addresses shared by many of its customers; once the
    signature proves whose delivery it is, the tenant's budget is the one that counts.
    """
    await _spend(request, f"tenant:{tenant_id}:webhooks", 1, "this tenant's webhooks need more")


async def _spend(request: Request, bucket: str, cost: float, what: str) -> None:
    services = started_services(request.app)
    limiter = services.rate_limiter if services else None
    if limiter is None or exempt(request.scope):
        return
    wait = await limiter.take(bucket, cost)
    if wait:
        services_of(request.app).metrics.rate_limited.inc()
        seconds = max(1, math.ceil(wait))
        raise RateLimitedError(
            f"{what} of the budget than is left; retry in {seconds} s", retry_after_s=seconds
        )


class RateLimitMiddleware:
    """Answers 429 with Retry-After, before any parsing, once a bucket is empty."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or exempt(scope):
            await self.app(scope, receive, send)
            return
        # Made in the lifespan: a Redis client belongs to the event loop that serves.
        services = started_services(scope["app"])
        limiter = services.rate_limiter if services else None
        # A webhook carries no key: its address pays only a tenth until the route has checked
        # the signature and charged the tenant (charge_tenant), so an unsigned flood from one
        # address is still cut off while a helpdesk's shared addresses are not.
        cost = WEBHOOK_GUARD_COST if scope["path"].startswith(WEBHOOK_PREFIX) else 1
        if limiter is None or not (wait := await limiter.take(bucket_of(scope), cost)):
            await self.app(scope, receive, send)
            return
        services_of(scope["app"]).metrics.rate_limited.inc()
        seconds = max(1, math.ceil(wait))
        await send_problem(
            send,
            429,
            RATE_LIMITED,
            f"too many requests; retry in {seconds} s",
            scope.get("state", {}).get("request_id", ""),
            headers=[(b"retry-after", str(seconds).encode())],
        )
