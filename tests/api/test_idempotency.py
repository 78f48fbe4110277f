"""Idempotency-Key: a retried POST is answered once, from the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text

from app.core.config import Settings
from app.core.domain import Scores
from app.core.errors import IdempotencyInProgressError, IdempotencyKeyReusedError
from app.main import create_app
from app.store.conversations import ConversationStore
from app.store.db import create_store_engine
from app.store.idempotency import Claim, IdempotencyStore, StoredResponse, fingerprint
from tests.conftest import POSTGRES_URL, FakeClassifier, drop_store_tables
from tests.fake_server import SlowClassifier

DOWN_URL = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=1"
T0 = datetime(2030, 1, 1, 12, tzinfo=UTC)
ANGRY = {"text": "This is unacceptable, the third time I write!!"}


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test database, migrated; rebuilt if an older run left it without the keys table."""
    engine = create_engine(POSTGRES_URL)
    missing = not inspect(engine).has_table("idempotency_keys")
    engine.dispose()
    if missing:
        drop_store_tables()
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return "sqlite:///"
    return str(request.getfixturevalue("postgres_url"))


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keys(database_url: str, tmp_path: Path, clock: Clock) -> Iterator[IdempotencyStore]:
    ConversationStore.open(database_url, data_dir=tmp_path).close()  # migrates
    engine = create_store_engine(database_url, data_dir=tmp_path)
    store = IdempotencyStore(
        engine, ttl=timedelta(hours=24), lease=timedelta(seconds=30), clock=clock
    )
    yield store
    store.close()


@pytest.fixture
def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"  # PostgreSQL tests share one database


OK = StoredResponse(200, "application/json", b'{"ok": true}')


def claimed(keys: IdempotencyStore, tenant: str, key: str, fp: str) -> Claim:
    claim = keys.claim(tenant, key, fp)
    assert isinstance(claim, Claim)
    return claim


# --- what makes two requests the same ------------------------------------------------------


def test_the_same_json_in_another_key_order_is_the_same_request() -> None:
    one = fingerprint("POST", "/v1/triage", b'{"text": "hi", "channel": "chat"}')
    assert one == fingerprint("POST", "/v1/triage", b'{"channel":"chat","text":"hi"}')
    assert one != fingerprint("POST", "/v1/triage", b'{"text": "hi!", "channel": "chat"}')
    assert one != fingerprint("POST", "/v1/triage/batch", b'{"text": "hi", "channel": "chat"}')
    assert fingerprint("POST", "/x", b"\xff not json") != fingerprint("POST", "/x", b"not json")


# --- the store -----------------------------------------------------------------------------


def test_a_new_key_is_claimed_then_answered_from_the_store(
    keys: IdempotencyStore, tenant: str
) -> None:
    keys.complete(claimed(keys, tenant, "k1", "fp"), OK)
    assert keys.claim(tenant, "k1", "fp") == OK


def test_a_key_being_worked_on_is_409(keys: IdempotencyStore, tenant: str) -> None:
    keys.claim(tenant, "k1", "fp")
    with pytest.raises(IdempotencyInProgressError):
        keys.claim(tenant, "k1", "fp")


def test_a_key_reused_for_another_request_is_422(keys: IdempotencyStore, tenant: str) -> None:
    keys.complete(claimed(keys, tenant, "k1", "fp"), OK)
    with pytest.raises(IdempotencyKeyReusedError):
        keys.claim(tenant, "k1", "another fp")


def test_keys_belong_to_their_tenant(keys: IdempotencyStore, tenant: str) -> None:
    keys.complete(claimed(keys, tenant, "k1", "fp"), OK)
    assert isinstance(keys.claim(tenant + "-b", "k1", "another fp"), Claim)


def test_a_released_key_can_be_claimed_again(keys: IdempotencyStore, tenant: str) -> None:
    keys.release(claimed(keys, tenant, "k1", "fp"))
    assert isinstance(keys.claim(tenant, "k1", "fp"), Claim)


def test_an_attempt_that_died_frees_its_key_after_the_lease(
    keys: IdempotencyStore, tenant: str, clock: Clock
) -> None:
    dead = claimed(keys, tenant, "k1", "fp")
    clock.now += timedelta(seconds=31)
    retry = claimed(keys, tenant, "k1", "fp")
    assert retry != dead
    keys.complete(dead, StoredResponse(200, None, b"late"))
    keys.complete(retry, OK)
    assert keys.claim(tenant, "k1", "fp") == OK  # the dead attempt's answer was not kept


def test_keys_expire_and_are_purged(keys: IdempotencyStore, tenant: str, clock: Clock) -> None:
    keys.complete(claimed(keys, tenant, "k1", "fp"), OK)
    clock.now += timedelta(hours=24)
    assert isinstance(keys.claim(tenant, "k1", "another fp"), Claim)  # expired: free again
    clock.now += timedelta(hours=24)
    assert keys.purge() >= 1
    with keys._engine.connect() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM idempotency_keys WHERE tenant_id = :t"), {"t": tenant}
        ).scalar()
    assert left == 0


# --- over HTTP -----------------------------------------------------------------------------


def app_client(
    tmp_path: Path, classifier: FakeClassifier, *, raise_errors: bool = True, **settings: object
) -> TestClient:
    full = Settings(data_dir=tmp_path / "data", **settings)  # type: ignore[arg-type]
    app = create_app(full, classifier=classifier)
    return TestClient(app, raise_server_exceptions=raise_errors)


@pytest.fixture
def client(
    tmp_path: Path, database_url: str, fake_classifier: FakeClassifier
) -> Iterator[TestClient]:
    url = None if database_url.startswith("sqlite") else database_url
    with app_client(tmp_path, fake_classifier, database_url=url) as test_client:
        yield test_client


def keyed(key: str | None = None) -> dict[str, str]:
    return {"Idempotency-Key": key or uuid.uuid4().hex}


def test_a_retried_triage_is_answered_once_and_its_turn_kept_once(
    client: TestClient, fake_classifier: FakeClassifier
) -> None:
    conversation = f"c-{uuid.uuid4().hex[:12]}"
    body = {**ANGRY, "conversation_id": conversation}
    headers = keyed()
    first = client.post("/v1/triage", json=body, headers=headers)
    calls = len(fake_classifier.batches)
    again = client.post("/v1/triage", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()  # the first answer, its request id included
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert len(fake_classifier.batches) == calls  # the model was not asked again
    record = client.get(f"/v1/conversations/{conversation}").json()
    assert len(record["turns"]) == 1
    assert "triage_idempotent_replays_total 1.0" in client.get("/metrics").text


def test_without_a_key_a_retry_is_a_new_request(client: TestClient) -> None:
    conversation = f"c-{uuid.uuid4().hex[:12]}"
    body = {**ANGRY, "conversation_id": conversation}
    client.post("/v1/triage", json=body)
    client.post("/v1/triage", json=body)
    assert len(client.get(f"/v1/conversations/{conversation}").json()["turns"]) == 2


def test_a_retried_outcome_is_recorded_once(client: TestClient) -> None:
    conversation = f"c-{uuid.uuid4().hex[:12]}"
    client.post("/v1/triage", json={**ANGRY, "conversation_id": conversation})
    headers = keyed()
    url = f"/v1/conversations/{conversation}/outcome"
    first = client.post(url, json={"resolved": True, "satisfaction": 4}, headers=headers)
    again = client.post(url, json={"satisfaction": 4, "resolved": True}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(client.get(f"/v1/conversations/{conversation}").json()["outcomes"]) == 1


def test_a_retried_batch_is_answered_from_the_store(
    client: TestClient, fake_classifier: FakeClassifier
) -> None:
    headers = keyed()
    body = {"items": [ANGRY, {"text": "thank you!"}, {"text": 5}]}
    first = client.post("/v1/triage/batch", json=body, headers=headers)
    calls = len(fake_classifier.batches)
    again = client.post("/v1/triage/batch", json=body, headers=headers)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert len(fake_classifier.batches) == calls


def test_the_same_key_with_another_body_is_422(client: TestClient) -> None:
    headers = keyed()
    client.post("/v1/triage", json=ANGRY, headers=headers)
    reused = client.post("/v1/triage", json={"text": "something else"}, headers=headers)
    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"
    assert reused.json()["code"] == "idempotency_key_reused"


def test_the_same_key_on_another_route_is_422(client: TestClient) -> None:
    headers = keyed()
    body = {"items": [ANGRY]}
    client.post("/v1/triage", json=body, headers=headers)  # a 422 of its own, kept for the key
    reused = client.post("/v1/triage/batch", json=body, headers=headers)
    assert reused.json()["code"] == "idempotency_key_reused"


def test_an_error_answer_is_replayed_too(client: TestClient) -> None:
    headers = keyed()
    first = client.post("/v1/triage", json={"text": ""}, headers=headers)
    again = client.post("/v1/triage", json={"text": ""}, headers=headers)
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"


def test_a_key_too_long_is_refused(client: TestClient) -> None:
    response = client.post("/v1/triage", json=ANGRY, headers=keyed("k" * 256))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]


class FailingOnce(FakeClassifier):
    """Fails its first call, as a crashed forward pass would."""

    def predict(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Scores]:
        if not self.batches:
            self.batches.append([])
            raise RuntimeError("the model fell over")
        return super().predict(texts, batch_size=batch_size)


def test_a_server_error_frees_the_key_for_the_retry(tmp_path: Path) -> None:
    headers = keyed()
    with app_client(tmp_path, FailingOnce(), raise_errors=False) as client:
        assert client.post("/v1/triage", json=ANGRY, headers=headers).status_code == 500
        retry = client.post("/v1/triage", json=ANGRY, headers=headers)
    assert retry.status_code == 200
    assert "idempotent-replayed" not in retry.headers


def test_a_request_still_running_makes_the_retry_409(tmp_path: Path) -> None:
    headers = keyed()
    with app_client(tmp_path, SlowClassifier(1.0)) as client:
        first: list[int] = []
        thread = threading.Thread(
            target=lambda: first.append(
                client.post("/v1/triage", json=ANGRY, headers=headers).status_code
            )
        )
        thread.start()
        # The first claims the key before its slow model call; wait for that claim.
        store: IdempotencyStore = client.app.state.services.idempotency  # type: ignore[attr-defined]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with store._engine.connect() as conn:
                if conn.execute(text("SELECT count(*) FROM idempotency_keys")).scalar():
                    break
            time.sleep(0.01)
        retry = client.post("/v1/triage", json=ANGRY, headers=headers)
        thread.join()
    assert first == [200]
    assert retry.status_code == 409
    assert retry.json()["code"] == "idempotency_in_progress"


def test_a_stored_answer_outlives_a_restart(tmp_path: Path) -> None:
    headers = keyed()
    with app_client(tmp_path, FakeClassifier()) as client:
        first = client.post("/v1/triage", json=ANGRY, headers=headers).json()
    with app_client(tmp_path, FakeClassifier()) as client:
        again = client.post("/v1/triage", json=ANGRY, headers=headers)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first


def test_without_the_database_a_keyed_request_is_503_and_an_unkeyed_one_answers(
    tmp_path: Path,
) -> None:
    with app_client(tmp_path, FakeClassifier(), database_url=DOWN_URL) as client:
        refused = client.post("/v1/triage", json=ANGRY, headers=keyed())
        answered = client.post("/v1/triage", json=ANGRY)
    assert refused.status_code == 503
    assert refused.json()["code"] == "store_unavailable"
    assert answered.status_code == 200


# --- the timeout race ----------------------------------------------------------------------


def test_a_retry_after_a_timeout_never_stores_the_turn_twice(tmp_path: Path) -> None:
    """The first attempt times out while its batch still runs and stores the turn: the retry
    finds the key in flight, then replays the answer the batch produced."""
    settings = Settings(data_dir=tmp_path / "data", request_timeout_s=0.5)
    classifier = SlowClassifier(2.5)
    body = {"text": "Where is my parcel?", "conversation_id": "race-1"}
    key = {"Idempotency-Key": "race-key-1"}
    with TestClient(create_app(settings, classifier=classifier)) as client:
        first = client.post("/v1/triage", json=body, headers=key)
        assert first.status_code == 503 and first.json()["code"] == "timeout"
        early = client.post("/v1/triage", json=body, headers=key)
        assert early.status_code == 409  # the first attempt's batch is still running
        deadline = time.monotonic() + 15
        while True:
            retry = client.post("/v1/triage", json=body, headers=key)
            if retry.status_code != 409 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert retry.status_code == 200
        assert retry.headers["idempotent-replayed"] == "true"
        turns = client.get("/v1/conversations/race-1").json()["turns"]
        assert len(turns) == 1
