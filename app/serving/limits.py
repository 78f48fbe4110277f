"""Token buckets per key: in this process's memory, or in Redis shared by every replica.

With `TRIAGE_REDIS_URL` set the buckets live in Redis, so every worker process and replica
draws from the same one; otherwise each process keeps its own in memory. The HTTP side (whose
bucket a request spends, the 429) is app.api.rate_limit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.config import Settings

log = logging.getLogger("triage.rate_limit")


_SWEEP_SECONDS = 60.0


_REDIS_TIMEOUT_S = 0.5


# KEYS[1]: the bucket; ARGV: tokens per second, capacity, cost. Returns the seconds to wait
# for `cost` tokens, "0" when they were taken. Redis's clock, so that hosts with skewed
# clocks agree.
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= cost then tokens = tokens - cost else wait = (cost - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


class RateLimiter(Protocol):
    async def take(self, key: str, cost: float = 1) -> float:
        """Take `cost` tokens from `key`'s bucket: 0 when allowed, else seconds until free.

        A cost above the bucket's size is charged as a full bucket, so a large batch waits
        for the bucket to fill rather than forever."""
        ...

    async def close(self) -> None: ...


class MemoryRateLimiter:
    """Token buckets in this process: `per_minute` tokens a minute, at most `burst` saved up."""

    def __init__(
        self, *, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._swept = clock()

    async def take(self, key: str, cost: float = 1) -> float:
        # No await inside: on the event loop this read-modify-write cannot interleave.
        cost_ = min(float(cost), self.burst)
        now = self._clock()
        tokens, at = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        wait = 0.0
        if tokens >= cost_:
            tokens -= cost_
        else:
            wait = (cost_ - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        if now - self._swept > _SWEEP_SECONDS:
            self._sweep(now)
        return wait

    async def close(self) -> None:
        self._buckets.clear()

    def _sweep(self, now: float) -> None:
        # A bucket that has refilled is the same as no bucket: forget it, so memory stays
        # bounded by the clients of the last few minutes.
        full = [
            k for k, (t, at) in self._buckets.items() if t + (now - at) * self.rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]
        self._swept = now


class RedisRateLimiter:
    """Token buckets in Redis, taken atomically by a script: shared by every worker."""

    def __init__(
        self, client: Redis, *, per_minute: int, burst: int, prefix: str = "triage:rl:"
    ) -> None:
        self.rate = per_minute / 60
        self.burst = burst
        self.prefix = prefix
        self._client = client
        self._script = client.register_script(_TAKE)
        self._failing = False

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisRateLimiter:
        client = Redis.from_url(
            url, socket_timeout=_REDIS_TIMEOUT_S, socket_connect_timeout=_REDIS_TIMEOUT_S
        )
        return cls(client, **kwargs)

    async def take(self, key: str, cost: float = 1) -> float:
        cost_ = min(cost, self.burst)
        try:
            wait = float(
                await self._script(keys=[self.prefix + key], args=[self.rate, self.burst, cost_])
            )
        except RedisError as exc:
            # Fail open: a limiter outage must not take triage down with it.
            if not self._failing:
                log.warning("rate limiter unavailable; not limiting", extra={"error": str(exc)})
            self._failing = True
            return 0.0
        if self._failing:
            log.info("rate limiter available again")
        self._failing = False
        return wait

    async def close(self) -> None:
        await self._client.aclose()


def limiter_from_settings(settings: Settings) -> RateLimiter | None:
    """The limiter the settings ask for; None when rate limiting is off."""
    if settings.rate_limit_per_minute == 0:
        return None
    per_minute, burst = settings.rate_limit_per_minute, settings.rate_limit_burst
    if settings.redis_url:
        return RedisRateLimiter.from_url(settings.redis_url, per_minute=per_minute, burst=burst)
    return MemoryRateLimiter(per_minute=per_minute, burst=burst)
