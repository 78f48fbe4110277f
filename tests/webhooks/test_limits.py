"""Webhook budgets: a verified delivery spends its tenant's budget, not its sender's address."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.auth import Principal, get_principal
from app.api.deps import services_of
from app.main import create_app
from app.serving.limits import MemoryRateLimiter
from tests.conftest import FakeClassifier
from tests.fake_platform import FakePlatform
from tests.webhooks.test_routes import connect, payload, signed, webhook_settings

BURST = 5


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = webhook_settings(tmp_path / "data", rate_limit_per_minute=60, rate_limit_burst=BURST)
    with TestClient(create_app(settings, classifier=FakeClassifier())) as client:
        # Buckets on a stopped clock: a slow machine refilling them between deliveries (CI
        # under load once saw the 120th unsigned delivery let through) must not decide the
        # counts these tests assert.
        services = services_of(client.app)
        stopped = MemoryRateLimiter(per_minute=60, burst=BURST, clock=lambda: 0.0)
        client.app.state.services = dataclasses.replace(services, rate_limiter=stopped)
        yield client


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    platform = FakePlatform().start()
    yield platform
    platform.stop()


def connect_as(client: TestClient, tenant: str, fake: FakePlatform) -> None:
    client.app.dependency_overrides[get_principal] = lambda: Principal(tenant, "admin")  # type: ignore[attr-defined]
    connect(client, "zendesk", fake)
    client.app.dependency_overrides.clear()  # type: ignore[attr-defined]


def deliver(client: TestClient, tenant: str, *, sign: bool = True) -> int:
    body = payload("zendesk", ticket=uuid.uuid4().hex[:8])
    headers = signed("zendesk", body) if sign else {"x-zendesk-webhook-signature": "bad"}
    response = client.post(
        f"/v1/webhooks/zendesk/{tenant}",
        content=body,
        headers={"content-type": "application/json", **headers},
    )
    return response.status_code


def test_tenants_behind_one_helpdesk_address_each_have_their_budget(
    client: TestClient, fake: FakePlatform
) -> None:
    # One helpdesk, one sending address, two of its customers: neither throttles the other.
    for tenant in ("acme", "globex"):
        connect_as(client, tenant, fake)
    codes = [deliver(client, tenant) for tenant in ("acme", "globex") for _ in range(BURST)]
    assert set(codes) == {202}  # by address alone, the sixth would have been refused
    # A tenant past its own budget is told to come back later, in the documented shape.
    refused = client.post(
        "/v1/webhooks/zendesk/acme",
        content=(body := payload("zendesk")),
        headers={"content-type": "application/json", **signed("zendesk", body)},
    )
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1


def test_an_unsigned_flood_from_one_address_is_still_cut_off(
    client: TestClient, fake: FakePlatform
) -> None:
    connect_as(client, "acme", fake)
    codes = [deliver(client, "acme", sign=False) for _ in range(12 * BURST)]
    assert codes[: 6 * BURST] == [401] * (6 * BURST)  # an address pays a tenth per delivery
    assert codes[-1] == 429
    # The flood spent its address's guard, never the tenant's budget: the helpdesk's own
    # signed deliveries, from its own address, still go through.
    helpdesk = TestClient(client.app, client=("203.0.113.7", 443))
    assert deliver(helpdesk, "acme") == 202
