"""The integrations table and the delivery queue, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from app.core.errors import StoreUnavailableError
from app.store.secrets import SecretBox, SecretKeyError
from app.webhooks.events import TicketEvent
from app.webhooks.integrations import Integration
from app.webhooks.plan import WritebackPlan
from app.webhooks.store import WebhookStore
from tests.conftest import POSTGRES_URL

KEY = Fernet.generate_key().decode()

T0 = datetime(2030, 1, 1, 12, tzinfo=UTC)
LEASE = timedelta(minutes=5)
EVENT = TicketEvent("4242", "9001", "Where is my parcel?", "email")
PLAN = WritebackPlan(("t__type__angry",), ("t__type__neutral",), "high", "note")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WebhookStore]:
    url = "sqlite:///" if request.param == "sqlite" else POSTGRES_URL
    opened = WebhookStore(url, data_dir=tmp_path / "data", box=SecretBox([KEY]))
    yield opened
    opened.close()
    if request.param == "postgresql":  # the shared database keeps no test's rows
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as conn:
            for table in ("webhook_deliveries", "integrations"):
                conn.execute(text(f"DELETE FROM {table} WHERE tenant_id LIKE 't-%'"))
        engine.dispose()


@pytest.fixture
def tenant() -> str:
    """A tenant of this test alone: PostgreSQL tests share one database."""
    return "t-" + uuid.uuid4().hex[:12]


def integration(tenant: str, **changes: object) -> Integration:
    values: dict = {
        "tenant_id": tenant,
        "platform": "zendesk",
        "secret": "s" * 20,
        "base_url": "https://acme.zendesk.com",
        # Long enough that the ciphertext cannot hold them by chance: a 3-letter token once
        # turned up inside a random base64 ciphertext and failed the at-rest test.
        "credentials": {"email": "agent@acme.example", "api_token": "zd-token-4f1c9e7b2a"},
        "options": {"tag_prefix": "acme"},
        "created_at": T0,
        "updated_at": T0,
    } | changes
    return Integration(**values)


def test_integrations_round_trip_per_tenant(store: WebhookStore, tenant: str) -> None:
    saved = store.put_integration(integration(tenant))
    assert saved == integration(tenant)
    assert store.integration(tenant, "zendesk") == saved
    assert store.integration(tenant, "front") is None
    assert store.integration(tenant + "-other", "zendesk") is None
    assert store.integrations(tenant) == [saved]


def raw_rows(store: WebhookStore, tenant: str) -> list[str]:
    """The integration rows as the database holds them, every column as text."""
    with store._engine.connect() as conn:
        rows = conn.execute(
            text("SELECT * FROM integrations WHERE tenant_id = :t"), {"t": tenant}
        ).all()
    return [" ".join(str(value) for value in row) for row in rows]


def test_secrets_and_credentials_are_encrypted_at_rest(store: WebhookStore, tenant: str) -> None:
    store.put_integration(integration(tenant, secret="whsec_TOPSECRET_42"))
    [row] = raw_rows(store, tenant)
    for secret in ("whsec_TOPSECRET_42", "agent@acme.example", "zd-token-4f1c9e7b2a"):
        assert secret not in row
    assert store.integration(tenant, "zendesk").secret == "whsec_TOPSECRET_42"


def test_a_new_key_first_rotates_every_row_and_the_old_key_can_then_go(
    tmp_path: Path, tenant: str
) -> None:
    old, new = KEY, Fernet.generate_key().decode()
    first = WebhookStore("sqlite:///", data_dir=tmp_path, box=SecretBox([old]))
    first.put_integration(integration(tenant))
    first.close()
    rotating = WebhookStore("sqlite:///", data_dir=tmp_path, box=SecretBox([new, old]))
    assert rotating.integration(tenant, "zendesk") == integration(tenant)  # re-sealed on open
    rotating.close()
    only_new = WebhookStore("sqlite:///", data_dir=tmp_path, box=SecretBox([new]))
    assert only_new.integration(tenant, "zendesk") == integration(tenant)
    only_new.close()


def test_a_plain_row_from_an_older_release_is_sealed_at_start(tmp_path: Path, tenant: str) -> None:
    store = WebhookStore("sqlite:///", data_dir=tmp_path, box=SecretBox([KEY]))
    store.put_integration(integration(tenant))
    with store._engine.begin() as conn:  # as a release before encryption left it
        conn.execute(
            text("UPDATE integrations SET secret = :s, credentials = :c WHERE tenant_id = :t"),
            {
                "s": "plain-secret",
                "c": '{"email": "agent@acme.example", "api_token": "zd-token-4f1c9e7b2a"}',
                "t": tenant,
            },
        )
    store.close()
    reopened = WebhookStore("sqlite:///", data_dir=tmp_path, box=SecretBox([KEY]))
    assert reopened.integration(tenant, "zendesk").secret == "plain-secret"
    [row] = raw_rows(reopened, tenant)
    assert "plain-secret" not in row and "zd-token-4f1c9e7b2a" not in row
    reopened.close()


def test_a_secret_without_its_key_is_a_clear_error(tmp_path: Path, tenant: str) -> None:
    store = WebhookStore("sqlite:///", data_dir=tmp_path, box=SecretBox([KEY]))
    store.put_integration(integration(tenant))
    store.close()
    wrong = WebhookStore(
        "sqlite:///", data_dir=tmp_path, box=SecretBox([Fernet.generate_key().decode()])
    )
    with pytest.raises(SecretKeyError, match="TRIAGE_SECRET_KEYS"):
        wrong.integration(tenant, "zendesk")
    wrong.close()


def test_replacing_an_integration_keeps_its_creation_time(store: WebhookStore, tenant: str) -> None:
    store.put_integration(integration(tenant))
    later = T0 + timedelta(days=1)
    replaced = store.put_integration(
        integration(tenant, secret="n" * 20, created_at=later, updated_at=later)
    )
    assert (replaced.secret, replaced.created_at, replaced.updated_at) == ("n" * 20, T0, later)
    assert store.delete_integration(tenant, "zendesk") is True
    assert store.delete_integration(tenant, "zendesk") is False


def test_a_delivery_is_queued_once(store: WebhookStore, tenant: str) -> None:
    first, new = store.enqueue(tenant, "zendesk", "sha256:abc", EVENT, T0)
    assert new and first.status == "queued" and first.event == EVENT
    again, new_again = store.enqueue(tenant, "zendesk", "sha256:abc", EVENT, T0 + LEASE)
    assert (again.id, new_again) == (first.id, False)
    # The same id from another platform or tenant is another delivery.
    assert store.enqueue(tenant, "freshdesk", "sha256:abc", EVENT, T0)[1]
    assert store.enqueue(tenant + "-b", "zendesk", "sha256:abc", EVENT, T0)[1]


def test_claims_take_due_deliveries_and_hide_them_for_the_lease(
    store: WebhookStore, tenant: str
) -> None:
    delivery, _ = store.enqueue(tenant, "zendesk", "d1", EVENT, T0)
    mine = [d for d in store.claim_due(T0, limit=100, lease=LEASE) if d.tenant_id == tenant]
    assert [d.id for d in mine] == [delivery.id]
    again = store.claim_due(T0 + LEASE - timedelta(seconds=1), limit=100, lease=LEASE)
    assert delivery.id not in [d.id for d in again]
    # The claimant died: once the lease is over, the delivery comes back.
    back = store.claim_due(T0 + LEASE, limit=100, lease=LEASE)
    assert delivery.id in [d.id for d in back]


def test_a_retry_is_claimed_when_due(store: WebhookStore, tenant: str) -> None:
    delivery, _ = store.enqueue(tenant, "zendesk", "d1", EVENT, T0)
    at = T0 + timedelta(seconds=120)
    store.retry_later(delivery.id, attempts=1, at=at, error="429", now=T0)
    early = store.claim_due(at - timedelta(seconds=1), limit=100, lease=LEASE)
    assert delivery.id not in [d.id for d in early]
    [due] = [d for d in store.claim_due(at, limit=100, lease=LEASE) if d.id == delivery.id]
    assert (due.attempts, due.last_error) == (1, "429")


def test_triage_keeps_the_plan_and_drops_the_text(store: WebhookStore, tenant: str) -> None:
    delivery, _ = store.enqueue(tenant, "zendesk", "d1", EVENT, T0)
    store.save_plan(delivery.id, PLAN, T0)
    store.step_done(delivery.id, ["tag"], T0)
    saved = store.delivery(delivery.id)
    assert saved is not None
    assert (saved.status, saved.plan, saved.steps_done) == ("writing", PLAN, ("tag",))
    assert saved.event.text == "" and saved.event.ticket_id == "4242"


def test_finished_deliveries_are_purged_after_retention(store: WebhookStore, tenant: str) -> None:
    done, _ = store.enqueue(tenant, "zendesk", "done", EVENT, T0)
    waiting, _ = store.enqueue(tenant, "zendesk", "waiting", EVENT, T0)
    store.finish(done.id, "done", T0)
    store.purge(T0 + timedelta(seconds=1))
    assert store.delivery(done.id) is None
    assert store.delivery(waiting.id) is not None  # still to do: never purged
    assert [d.id for d in store.deliveries(tenant, "zendesk", limit=10)] == [waiting.id]


def test_concurrent_claims_never_share_a_delivery(store: WebhookStore, tenant: str) -> None:
    queued = {store.enqueue(tenant, "zendesk", f"d{i}", EVENT, T0)[0].id for i in range(24)}
    claimed: list[list[int]] = []
    start = threading.Barrier(4)

    def claim() -> None:
        start.wait()
        mine: list[int] = []
        while batch := store.claim_due(T0, limit=3, lease=LEASE):
            mine += [d.id for d in batch if d.tenant_id == tenant]
        claimed.append(mine)

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [i for mine in claimed for i in mine]
    assert sorted(every) == sorted(queued)  # each once, none lost


def test_an_unreachable_database_is_unavailable(tmp_path: Path) -> None:
    down = WebhookStore(
        "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2",
        data_dir=tmp_path,
        box=SecretBox([KEY]),
    )
    with pytest.raises(StoreUnavailableError) as raised:
        down.integration("t", "zendesk")
    assert raised.value.status == 503


def test_any_text_a_customer_sends_is_stored(store: WebhookStore, tenant: str) -> None:
    text = "emoji 😡, quotes \"'`, accents éü, RTL مرحبا" + "x" * 19_000
    event = TicketEvent("4242", "c@example.com", text, "email")
    delivery, _ = store.enqueue(tenant, "zendesk", "odd", event, T0)
    saved = store.delivery(delivery.id)
    assert saved is not None and saved.event.text == text
