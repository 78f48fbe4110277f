"""Rate limits: token buckets in memory and in Redis (shared by workers), 429 with Retry-After."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.rate_limit import bucket_of
from app.core.config import Settings
from app.main import create_app
from app.serving.limits import MemoryRateLimiter, RedisRateLimiter, limiter_from_settings
from tests.conftest import FakeClassifier

REDIS_URL = "redis://127.0.0.1:6379/0"
DOWN_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def take_all(limiter: MemoryRateLimiter | RedisRateLimiter, key: str, n: int) -> list[float]:
    async def run() -> list[float]:
        return [await limiter.take(key) for _ in range(n)]

    return asyncio.run(run())


# --- in memory -----------------------------------------------------------------------------


def test_a_bucket_allows_its_burst_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(per_minute=60, burst=3, clock=clock)
    waits = take_all(limiter, "a", 4)
    assert waits[:3] == [0, 0, 0]
    assert waits[3] == pytest.approx(1.0)  # one token a second


def test_tokens_come_back_at_the_configured_rate() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(per_minute=120, burst=1, clock=clock)
    assert take_all(limiter, "a", 2) == [0, pytest.approx(0.5)]
    clock.now += 0.5
    assert take_all(limiter, "a", 1) == [0]


def test_buckets_are_per_key() -> None:
    limiter = MemoryRateLimiter(per_minute=60, burst=1, clock=Clock())
    assert take_all(limiter, "a", 1) == [0]
    assert take_all(limiter, "b", 1) == [0]
    assert take_all(limiter, "a", 1)[0] > 0


def test_full_buckets_are_forgotten_so_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(per_minute=60, burst=2, clock=clock)
    take_all(limiter, "idle", 1)
    clock.now += 120  # refilled long ago, and the sweep is due
    take_all(limiter, "busy", 1)
    assert set(limiter._buckets) == {"busy"}


def test_rate_limiting_off_means_no_limiter() -> None:
    assert limiter_from_settings(Settings(rate_limit_per_minute=0)) is None
    assert isinstance(limiter_from_settings(Settings()), MemoryRateLimiter)
    redis_limiter = limiter_from_settings(Settings(redis_url=REDIS_URL))
    assert isinstance(redis_limiter, RedisRateLimiter)
    asyncio.run(redis_limiter.close())


# --- Redis ---------------------------------------------------------------------------------


def redis_limiter(prefix: str, *, url: str = REDIS_URL, burst: int = 3) -> RedisRateLimiter:
    return RedisRateLimiter.from_url(url, per_minute=60, burst=burst, prefix=prefix)


def test_two_redis_limiters_share_one_bucket() -> None:
    prefix = f"test:{uuid.uuid4().hex}:"

    async def run() -> list[float]:
        # Two limiters, as two worker processes would have: one budget between them.
        first, second = redis_limiter(prefix), redis_limiter(prefix)
        waits = [await first.take("k"), await second.take("k"), await first.take("k")]
        waits.append(await second.take("k"))
        waits.append(await first.take("other"))
        await first.close()
        await second.close()
        return waits

    waits = asyncio.run(run())
    assert waits[:3] == [0, 0, 0]
    assert 0 < waits[3] <= 1.0
    assert waits[4] == 0


def test_redis_buckets_expire_once_they_would_be_full_again() -> None:
    prefix = f"test:{uuid.uuid4().hex}:"

    async def run() -> int:
        limiter = redis_limiter(prefix)
        await limiter.take("k")
        ttl: int = await limiter._client.pttl(prefix + "k")
        await limiter.close()
        return ttl

    # Three tokens at one a second refill in 3 s; the key lives that long and a second more.
    assert 3000 < asyncio.run(run()) <= 4000


def test_an_unreachable_redis_lets_requests_through() -> None:
    async def run() -> list[float]:
        limiter = redis_limiter("test:", url=DOWN_REDIS_URL, burst=1)
        waits = [await limiter.take("k") for _ in range(3)]
        await limiter.close()
        return waits

    assert asyncio.run(run()) == [0, 0, 0]


# --- whose budget --------------------------------------------------------------------------


def scope(*headers: tuple[bytes, bytes], client: str = "10.0.0.1") -> dict:
    return {"type": "http", "headers": list(headers), "client": (client, 50000)}


def test_a_key_spends_its_own_bucket_whichever_header_carries_it() -> None:
    by_header = bucket_of(scope((b"x-api-key", b"tri_sk_abc")))
    by_bearer = bucket_of(scope((b"authorization", b"Bearer tri_sk_abc"), client="10.0.0.2"))
    assert by_header == by_bearer
    assert by_header.startswith("key:") and "tri_sk_abc" not in by_header
    assert bucket_of(scope((b"x-api-key", b"tri_sk_xyz"))) != by_header


def test_without_a_key_the_client_address_is_the_bucket() -> None:
    assert bucket_of(scope()) == "addr:10.0.0.1"
    assert bucket_of(scope((b"authorization", b"Basic abc"))) == "addr:10.0.0.1"


# --- over HTTP -----------------------------------------------------------------------------


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", rate_limit_per_minute=60, rate_limit_burst=2)
    with TestClient(create_app(settings, classifier=FakeClassifier())) as client:
        yield client


def test_over_the_limit_is_429_problem_json_with_retry_after(limited: TestClient) -> None:
    body = {"text": "hello"}
    assert [limited.post("/v1/triage", json=body).status_code for _ in range(2)] == [200, 200]
    refused = limited.post("/v1/triage", json=body, headers={"X-Request-ID": "req-429"})
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "1"
    problem = refused.json()
    assert problem["code"] == "rate_limited"
    assert problem["status"] == 429
    assert problem["request_id"] == "req-429" == refused.headers["x-request-id"]


def test_probes_and_metrics_are_never_limited(limited: TestClient) -> None:
    for _ in range(5):
        assert limited.get("/livez").status_code == 200
        assert limited.get("/readyz").status_code == 200
        assert limited.get("/metrics").status_code == 200
    assert limited.post("/v1/triage", json={"text": "hi"}).status_code == 200


def test_each_api_key_has_its_own_budget(limited: TestClient) -> None:
    for key in ("tri_sk_one", "tri_sk_two"):
        codes = [
            limited.post("/v1/triage", json={"text": "hi"}, headers={"X-API-Key": key}).status_code
            for _ in range(3)
        ]
        assert codes == [200, 200, 429]


def test_refusals_are_counted_in_the_metrics(limited: TestClient) -> None:
    for _ in range(4):
        limited.post("/v1/triage", json={"text": "hi"})
    scrape = limited.get("/metrics").text
    assert "triage_rate_limited_total 2.0" in scrape
    # Refused before routing: counted under one route label, with their status.
    assert 'triage_http_requests_total{method="POST",route="unrouted",status="429"} 2.0' in scrape


def test_two_apps_on_one_redis_share_the_budget(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        redis_url=REDIS_URL,
        rate_limit_per_minute=60,
        rate_limit_burst=2,
    )
    key = {"X-API-Key": f"tri_sk_{uuid.uuid4().hex}"}  # a bucket no other test run has used
    first = TestClient(create_app(settings, classifier=FakeClassifier()))
    second = TestClient(create_app(settings, classifier=FakeClassifier()))
    with first, second:
        codes = [
            client.post("/v1/triage", json={"text": "hi"}, headers=key).status_code
            for client in (first, second, first)
        ]
    assert codes == [200, 200, 429]


# --- budgets that count work, and the first day on one machine --------------------------


def test_a_large_cost_takes_that_many_tokens_and_waits_for_them() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(per_minute=60, burst=40, clock=clock)

    async def run() -> list[float]:
        return [await limiter.take("a", 32), await limiter.take("a", 32)]

    first, second = asyncio.run(run())
    assert first == 0
    assert second == pytest.approx(24.0)  # 8 tokens left, 24 more at one a second


def test_a_redis_bucket_charges_the_cost_too() -> None:
    limiter = RedisRateLimiter.from_url(
        REDIS_URL, per_minute=60, burst=40, prefix=f"t:{uuid.uuid4()}:"
    )

    async def run() -> list[float]:
        try:
            return [await limiter.take("a", 32), await limiter.take("a", 32)]
        finally:
            await limiter.close()

    first, second = asyncio.run(run())
    assert first == 0 and second > 20


def batch(n: int) -> dict:
    return {"items": [{"text": f"message {i}"} for i in range(n)]}


def test_a_batch_spends_one_token_per_message(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", rate_limit_per_minute=60, rate_limit_burst=40)
    with TestClient(create_app(settings, classifier=FakeClassifier())) as client:
        assert client.post("/v1/triage/batch", json=batch(32)).status_code == 200
        refused = client.post("/v1/triage/batch", json=batch(32))
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert int(refused.headers["retry-after"]) >= 20
        # Single calls still fit in what is left.
        assert client.post("/v1/triage", json={"text": "hi"}).status_code == 200


def test_a_refused_batch_with_an_idempotency_key_is_done_on_retry(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", rate_limit_per_minute=60, rate_limit_burst=40)
    with TestClient(create_app(settings, classifier=FakeClassifier())) as client:
        client.post("/v1/triage/batch", json=batch(32))
        key = {"Idempotency-Key": f"k-{uuid.uuid4()}"}
        assert client.post("/v1/triage/batch", json=batch(32), headers=key).status_code == 429
    # A fresh budget (as after Retry-After): the same key does the work, no replayed 429.
    with TestClient(create_app(settings, classifier=FakeClassifier())) as client:
        assert client.post("/v1/triage/batch", json=batch(32), headers=key).status_code == 200


def test_a_local_backlog_with_auth_off_is_never_refused(tmp_path: Path) -> None:
    # The first-day case: one script on the same machine, 148 batches of 32 back to back.
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings, classifier=FakeClassifier())
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        codes = {client.post("/v1/triage/batch", json=batch(32)).status_code for _ in range(148)}
    assert codes == {200}


def test_loopback_is_limited_when_the_operator_asks(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        rate_limit_per_minute=60,
        rate_limit_burst=2,
        rate_limit_loopback=True,
    )
    with TestClient(
        create_app(settings, classifier=FakeClassifier()), client=("127.0.0.1", 1)
    ) as client:
        codes = [client.post("/v1/triage", json={"text": "hi"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_defaults_fit_a_helpdesk_and_count_messages() -> None:
    settings = Settings()
    assert settings.rate_limit_per_minute >= 6_000  # at least 100 messages a second per key
    assert settings.rate_limit_burst >= 64 * 16  # sixteen full batches at once
    assert settings.rate_limit_loopback is False
