"""Helpdesk webhooks end to end: a signed delivery in, triage, write-back to a fake helpdesk.

The helpdesk is tests/fake_platform.py, a real HTTP server on loopback; the app is the real
one with the fake classifier. Every flow checks that nothing public was ever sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.auth import Principal, get_principal
from app.core.config import Settings
from tests.conftest import FakeClassifier
from tests.fake_platform import FakePlatform, Recorded

ANGRY = "This is unacceptable!! I'm angry, I will contact my lawyer."
SECRETS = {
    "zendesk": "zendesk-signing-secret-0123456789",
    "freshdesk": "freshdesk-token-0123456789abcdef",
    "intercom": "intercom-client-secret-0123456789",
    "front": "front-signing-key-0123456789abcd",
}
CREDENTIALS = {
    "zendesk": {"email": "bot@acme.example", "api_token": "zd-api-token"},
    "freshdesk": {"api_key": "fd-api-key"},
    "intercom": {"access_token": "ic-access-token"},
    "front": {"api_token": "front-api-token"},
}
OPTIONS: dict[str, dict[str, Any]] = {"intercom": {"admin_id": "814860"}}
PLATFORMS = tuple(SECRETS)


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    platform = FakePlatform().start()
    yield platform
    platform.stop()


def webhook_settings(data_dir: Path, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "webhook_allow_insecure_hosts": ["127.0.0.1"],
        "webhook_poll_seconds": 0.05,
        "webhook_retry_base_seconds": 0.01,
        "log_level": "WARNING",
    }
    return Settings(**(values | changes))


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """Builds clients on one data directory; each is closed at the end of the test."""
    from app.main import create_app

    opened: list[TestClient] = []

    def build(**changes: Any) -> TestClient:
        client = TestClient(
            create_app(webhook_settings(tmp_path / "data", **changes), classifier=FakeClassifier())
        )
        client.__enter__()
        opened.append(client)
        return client

    yield build
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(app_client: Callable[..., TestClient]) -> TestClient:
    return app_client()


def connect(client: TestClient, platform: str, fake: FakePlatform, **changes: Any) -> None:
    body = {
        "secret": SECRETS[platform],
        "base_url": fake.base_url,
        "credentials": CREDENTIALS[platform],
        "options": OPTIONS.get(platform, {}),
    } | changes
    response = client.put(f"/v1/admin/integrations/{platform}", json=body)
    assert response.status_code == 200, response.text


def payload(platform: str, text: str = ANGRY, *, ticket: str = "4242") -> bytes:
    uid = uuid.uuid4().hex[:12]
    if platform in ("zendesk", "freshdesk"):
        body: dict[str, Any] = {
            "ticket_id": ticket,
            "requester_id": "9001",
            "text": text,
            "channel": "Mail",
        }
    elif platform == "intercom":
        body = {
            "type": "notification_event",
            "topic": "conversation.user.created",
            "id": f"notif_{uid}",
            "data": {
                "item": {
                    "type": "conversation",
                    "id": ticket,
                    "source": {"body": f"<p>{text}</p>", "author": {"type": "user", "id": "9001"}},
                }
            },
        }
    else:
        body = {
            "type": "inbound",
            "payload": {
                "id": f"evt_{uid}",
                "type": "inbound",
                "conversation": {"id": f"cnv_{ticket}"},
                "target": {
                    "_meta": {"type": "message"},
                    "data": {
                        "id": f"msg_{uid}",
                        "type": "email",
                        "text": text,
                        "recipients": [{"handle": "c@example.com", "role": "from"}],
                    },
                },
            },
        }
    return json.dumps(body).encode()


def signed(platform: str, body: bytes, *, at: datetime | None = None, secret: str = "") -> dict:
    """The headers the platform would send with `body`."""
    secret = secret or SECRETS[platform]
    at = at or datetime.now(UTC)
    if platform == "zendesk":
        stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        mac = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
        return {
            "x-zendesk-webhook-signature": base64.b64encode(mac).decode(),
            "x-zendesk-webhook-signature-timestamp": stamp,
        }
    if platform == "intercom":
        return {
            "x-hub-signature": "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
        }
    if platform == "front":
        stamp = str(int(at.timestamp() * 1000))
        mac = hmac.new(secret.encode(), stamp.encode() + b":" + body, hashlib.sha256).digest()
        return {
            "x-front-signature": base64.b64encode(mac).decode(),
            "x-front-request-timestamp": stamp,
        }
    return {"x-triage-token": secret}


def deliver(client: TestClient, platform: str, body: bytes, headers: dict | None = None) -> Any:
    headers = signed(platform, body) if headers is None else headers
    return client.post(
        f"/v1/webhooks/{platform}/default",
        content=body,
        headers={"content-type": "application/json", **headers},
    )


def deliveries(client: TestClient, platform: str) -> list[dict]:
    response = client.get(f"/v1/admin/integrations/{platform}/deliveries")
    assert response.status_code == 200, response.text
    return response.json()["deliveries"]


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
    """Poll until `condition` is truthy; the worker runs in the app's own event loop."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def settled(client: TestClient, platform: str, delivery: int) -> dict:
    def finished() -> dict | None:
        found = [d for d in deliveries(client, platform) if d["id"] == delivery]
        return found[0] if found and found[0]["status"] in ("done", "failed") else None

    return wait_for(finished, f"delivery {delivery} to finish")


def public_replies(requests: list[Recorded]) -> list[Recorded]:
    """Every request that would show something to the customer, on any of the platforms."""
    public = []
    for r in requests:
        body = r.body if isinstance(r.body, dict) else {}
        comment = (body.get("ticket") or {}).get("comment")
        if comment is not None and comment.get("public") is not False:
            public.append(r)  # Zendesk: a comment is public unless it says otherwise
        if r.path.endswith("/notes") and body.get("private") is not True:
            public.append(r)  # Freshdesk note
        if r.path.endswith("/reply") and (
            "/api/v2/" in r.path or body.get("message_type") != "note"
        ):
            public.append(r)  # Freshdesk reply, or an Intercom reply that is not a note
        if r.path.endswith("/messages"):
            public.append(r)  # Front: a message goes to the customer; comments do not
    return public


def tags_sent(platform: str, fake: FakePlatform) -> list[str]:
    if platform == "zendesk":
        return [
            t for r in fake.made("PUT", "/api/v2/tickets/4242/tags.json") for t in r.body["tags"]
        ]
    if platform == "freshdesk":
        return fake.made("PUT", "/api/v2/tickets/4242")[-1].body["tags"]
    if platform == "intercom":
        attached = [r.body["id"] for r in fake.made("POST", "/conversations/4242/tags")]
        return [tag_id.removeprefix("tag_") for tag_id in attached]
    ids = fake.made("POST", "/conversations/cnv_4242/tags")[-1].body["tag_ids"]
    return [
        "triage__sentiment__negative" if i == "tag_existing" else i.removeprefix("tag_")
        for i in ids
    ]


def notes_sent(platform: str, fake: FakePlatform) -> list[str]:
    if platform == "zendesk":
        puts = fake.made("PUT", "/api/v2/tickets/4242.json")
        return [r.body["ticket"]["comment"]["body"] for r in puts]
    path = {
        "freshdesk": "/api/v2/tickets/4242/notes",
        "intercom": "/conversations/4242/reply",
        "front": "/conversations/cnv_4242/comments",
    }[platform]
    return [r.body["body"] for r in fake.made("POST", path)]


# --- the full flow, per platform ----------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_signed_delivery_is_triaged_and_written_back_internally(
    platform: str, client: TestClient, fake: FakePlatform
) -> None:
    connect(client, platform, fake)
    response = deliver(client, platform, payload(platform))
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"

    final = settled(client, platform, response.json()["delivery"])
    assert final["status"] == "done", final
    tags = tags_sent(platform, fake)
    assert "triage__sentiment__negative" in tags
    assert "triage__type__angry" in tags
    assert "triage__priority__high" in tags
    [note] = notes_sent(platform, fake)
    assert "legal threat" in note and "contact my lawyer" in note  # the trigger, its evidence
    assert "Suggested playbook:" in note and "1. " in note
    assert public_replies(fake.requests) == []
    assert all(r.headers.get("authorization") for r in fake.requests)


def test_zendesk_write_back_requests(client: TestClient, fake: FakePlatform) -> None:
    connect(client, "zendesk", fake)
    settled(client, "zendesk", deliver(client, "zendesk", payload("zendesk")).json()["delivery"])
    [untag] = fake.made("DELETE", "/api/v2/tickets/4242/tags.json")
    assert "triage__sentiment__positive" in untag.body["tags"]
    assert "triage__sentiment__negative" not in untag.body["tags"]
    [update] = fake.made("PUT", "/api/v2/tickets/4242.json")
    assert update.body["ticket"]["priority"] == "high"
    assert update.body["ticket"]["comment"]["public"] is False
    expected = base64.b64encode(b"bot@acme.example/token:zd-api-token").decode()
    assert update.headers["authorization"] == f"Basic {expected}"


def test_freshdesk_keeps_the_tickets_own_tags_and_sets_priority(
    client: TestClient, fake: FakePlatform
) -> None:
    connect(client, "freshdesk", fake)
    settled(
        client, "freshdesk", deliver(client, "freshdesk", payload("freshdesk")).json()["delivery"]
    )
    [update] = fake.made("PUT", "/api/v2/tickets/4242")
    assert update.body["tags"][0] == "vip"  # the ticket's own tag survives
    assert "triage__type__neutral" not in update.body["tags"]  # a stale one of ours goes
    assert update.body["priority"] == 3  # high
    [note] = fake.made("POST", "/api/v2/tickets/4242/notes")
    assert note.body["private"] is True


def test_intercom_and_front_attribute_their_write_back(
    app_client: Callable[..., TestClient], fake: FakePlatform
) -> None:
    client = app_client()
    for platform in ("intercom", "front"):
        connect(client, platform, fake)
        settled(client, platform, deliver(client, platform, payload(platform)).json()["delivery"])
    assert {r.body["admin_id"] for r in fake.made("POST", "/conversations/4242/tags")} == {"814860"}
    [reply] = fake.made("POST", "/conversations/4242/reply")
    assert reply.body["message_type"] == "note" and reply.body["admin_id"] == "814860"
    assert reply.headers["intercom-version"]
    # Front: the tag that exists is reused; only the missing ones are created.
    created = {
        r.body["name"]
        for r in fake.made("POST", "/tags")
        if r.headers["authorization"].endswith("front-api-token")
    }
    assert "triage__sentiment__negative" not in created
    assert "triage__type__angry" in created


def test_the_message_is_kept_in_conversation_memory_under_the_ticket(
    client: TestClient, fake: FakePlatform
) -> None:
    connect(client, "zendesk", fake)
    for text in ("Where is my parcel?", ANGRY):
        body = payload("zendesk", text)
        settled(client, "zendesk", deliver(client, "zendesk", body).json()["delivery"])
    conversation = client.get("/v1/conversations/zendesk:4242")
    assert conversation.status_code == 200, conversation.text
    assert len(conversation.json()["turns"]) == 2


def test_the_message_text_is_not_kept_in_the_queue_once_triaged(
    client: TestClient, fake: FakePlatform
) -> None:
    connect(client, "zendesk", fake)
    delivery = deliver(client, "zendesk", payload("zendesk")).json()["delivery"]
    settled(client, "zendesk", delivery)
    stored = client.app.state.webhooks.store.delivery(delivery)
    assert stored.event.text == ""
    assert stored.plan is not None and stored.steps_done == ("untag", "tag", "note")


# --- once only ----------------------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_repeated_delivery_is_processed_once(
    platform: str, client: TestClient, fake: FakePlatform
) -> None:
    connect(client, platform, fake)
    body = payload(platform)
    first = deliver(client, platform, body)
    again = deliver(client, platform, body, signed(platform, body))  # a new signature, same body
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == {"status": "duplicate", "delivery": first.json()["delivery"]}
    settled(client, platform, first.json()["delivery"])
    late = deliver(client, platform, body)
    assert late.json()["status"] == "duplicate"
    time.sleep(0.2)  # give a wrongly queued second copy the chance to be written back
    assert len(notes_sent(platform, fake)) == 1
    assert len(deliveries(client, platform)) == 1


# --- refused deliveries -------------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_bad_or_missing_signature_is_401_problem_json(
    platform: str, client: TestClient, fake: FakePlatform
) -> None:
    connect(client, platform, fake)
    body = payload(platform)
    for headers in (signed(platform, body, secret="another-secret-0123456789"), {}):
        response = deliver(client, platform, body, headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "invalid_signature"
    assert deliveries(client, platform) == []


@pytest.mark.parametrize("platform", ["zendesk", "front"])
def test_a_stale_timestamp_is_refused_as_a_replay(
    platform: str, client: TestClient, fake: FakePlatform
) -> None:
    connect(client, platform, fake)
    body = payload(platform)
    old = datetime.now(UTC) - timedelta(minutes=6)
    response = deliver(client, platform, body, signed(platform, body, at=old))
    assert response.status_code == 401
    assert response.json()["code"] == "stale_timestamp"
    recent = datetime.now(UTC) - timedelta(minutes=4)
    assert deliver(client, platform, body, signed(platform, body, at=recent)).status_code == 202


def test_unknown_tenant_or_platform_is_404(client: TestClient, fake: FakePlatform) -> None:
    connect(client, "zendesk", fake)
    body = payload("zendesk")
    unknown_tenant = client.post(
        "/v1/webhooks/zendesk/nobody", content=body, headers=signed("zendesk", body)
    )
    assert unknown_tenant.status_code == 404
    assert unknown_tenant.json()["code"] == "not_found"
    assert client.post("/v1/webhooks/kayako/default", content=body).status_code == 404
    # Connected to Zendesk only: a Freshdesk delivery for the same tenant has nowhere to go.
    assert deliver(client, "freshdesk", payload("freshdesk")).status_code == 404


def test_a_signed_but_unreadable_body_is_422(client: TestClient, fake: FakePlatform) -> None:
    connect(client, "zendesk", fake)
    for body in (
        b"not json",
        b"[]",
        b'{"text": "no ticket id"}',
        b'{"ticket_id": "../x", "text": "hi"}',
    ):
        response = deliver(client, "zendesk", body)
        assert response.status_code == 422, body
        assert response.json()["code"] == "invalid_webhook_payload"


def test_events_without_a_customer_message_are_acknowledged_and_ignored(
    client: TestClient, fake: FakePlatform
) -> None:
    connect(client, "intercom", fake)
    ping = json.dumps({"type": "notification_event", "topic": "ping", "id": "notif_ping"}).encode()
    agent_reply = json.dumps(
        {
            "topic": "conversation.user.replied",
            "id": "notif_agent",
            "data": {
                "item": {
                    "id": "4242",
                    "conversation_parts": {
                        "conversation_parts": [
                            {"body": "<p>We're on it</p>", "author": {"type": "admin", "id": "1"}}
                        ]
                    },
                }
            },
        }
    ).encode()
    for body in (ping, agent_reply):
        response = deliver(client, "intercom", body)
        assert (response.status_code, response.json()["status"]) == (200, "ignored")
    assert deliveries(client, "intercom") == []


def test_front_challenge_is_echoed_once_signed(client: TestClient, fake: FakePlatform) -> None:
    connect(client, "front", fake)
    body = b'{"type": "sync", "authorization": {"id": "cmp_abc"}}'
    headers = {**signed("front", body), "x-front-challenge": "abc123"}
    response = deliver(client, "front", body, headers)
    assert (response.status_code, response.json()) == (200, {"challenge": "abc123"})
    forged = {**signed("front", body, secret="not-the-signing-key-000"), "x-front-challenge": "abc"}
    assert deliver(client, "front", body, forged).status_code == 401


# --- retries ------------------------------------------------------------------------------


class SteppedClock:
    """The worker's clock, moved by hand: retries come due when the test says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def test_429_retry_after_is_honoured_and_no_step_is_repeated(
    client: TestClient, fake: FakePlatform
) -> None:
    clock = SteppedClock(datetime.now(UTC) + timedelta(hours=1))
    client.app.state.webhooks.worker.clock = clock
    connect(client, "zendesk", fake)
    fake.script("PUT", "/api/v2/tickets/4242.json", (429, {"Retry-After": "120"}, {}))
    delivery = deliver(client, "zendesk", payload("zendesk")).json()["delivery"]

    def deferred() -> dict | None:
        found = deliveries(client, "zendesk")[0]
        return found if found["attempts"] == 1 else None

    waiting = deferred_row = wait_for(deferred, "the 429 to defer the delivery")
    assert waiting["status"] == "writing"
    assert waiting["steps_done"] == ["untag", "tag"]
    assert "429" in waiting["last_error"]
    due = datetime.fromisoformat(deferred_row["next_attempt_at"])
    assert due == clock.now + timedelta(seconds=120)

    clock.now += timedelta(seconds=119)  # not yet due
    client.app.state.webhooks.worker.wake()
    time.sleep(0.2)
    assert len(fake.made("PUT", "/api/v2/tickets/4242.json")) == 1

    clock.now += timedelta(seconds=1)
    client.app.state.webhooks.worker.wake()
    assert settled(client, "zendesk", delivery)["status"] == "done"
    assert len(fake.made("PUT", "/api/v2/tickets/4242.json")) == 2  # the 429, then the note
    assert len(fake.made("PUT", "/api/v2/tickets/4242/tags.json")) == 1  # not repeated
    assert len(fake.made("DELETE", "/api/v2/tickets/4242/tags.json")) == 1


def test_server_errors_back_off_then_succeed(client: TestClient, fake: FakePlatform) -> None:
    connect(client, "freshdesk", fake)
    fake.script("POST", "/api/v2/tickets/4242/notes", (503, {}, {}), (502, {}, {}))
    delivery = deliver(client, "freshdesk", payload("freshdesk")).json()["delivery"]
    final = settled(client, "freshdesk", delivery)
    assert (final["status"], final["attempts"]) == ("done", 2)
    assert len(fake.made("POST", "/api/v2/tickets/4242/notes")) == 3
    assert len(fake.made("PUT", "/api/v2/tickets/4242")) == 1


def test_attempts_are_bounded(app_client: Callable[..., TestClient], fake: FakePlatform) -> None:
    client = app_client(webhook_max_attempts=3)
    connect(client, "zendesk", fake)
    fake.script("DELETE", "/api/v2/tickets/4242/tags.json", *[(500, {}, {})] * 5)
    final = settled(
        client, "zendesk", deliver(client, "zendesk", payload("zendesk")).json()["delivery"]
    )
    assert final["status"] == "failed"
    assert final["last_error"].startswith("gave up after 3 attempts")
    assert len(fake.made("DELETE", "/api/v2/tickets/4242/tags.json")) == 3
    assert fake.made("PUT", "/api/v2/tickets/4242.json") == []


def test_a_refusal_fails_at_once(client: TestClient, fake: FakePlatform) -> None:
    connect(client, "zendesk", fake)
    fake.script("DELETE", "/api/v2/tickets/4242/tags.json", (404, {}, {"error": "RecordNotFound"}))
    final = settled(
        client, "zendesk", deliver(client, "zendesk", payload("zendesk")).json()["delivery"]
    )
    assert (final["status"], final["attempts"]) == ("failed", 0)
    assert "404" in final["last_error"]


def test_a_restart_resumes_a_deferred_write_back(
    app_client: Callable[..., TestClient], fake: FakePlatform
) -> None:
    first = app_client()
    connect(first, "zendesk", fake)
    fake.script("PUT", "/api/v2/tickets/4242.json", (429, {"Retry-After": "0.3"}, {}))
    delivery = deliver(first, "zendesk", payload("zendesk")).json()["delivery"]
    wait_for(lambda: deliveries(first, "zendesk")[0]["attempts"] == 1, "the 429")
    first.__exit__(None, None, None)  # the service stops with the note still to write

    second = app_client()
    assert settled(second, "zendesk", delivery)["status"] == "done"
    assert len(notes_sent("zendesk", fake)) == 2  # the refused one and the one that landed
    assert len(fake.made("PUT", "/api/v2/tickets/4242/tags.json")) == 1


# --- configured hosts only ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "base_url"),
    [
        ("zendesk", "https://acme.zendesk.com.evil.example"),
        ("zendesk", "https://evil.example"),
        ("zendesk", "http://acme.zendesk.com"),  # https only
        ("freshdesk", "https://acme.zendesk.com"),  # another platform's domain
        ("intercom", "https://api.intercom.io.evil.example"),
        ("zendesk", "https://user:pw@acme.zendesk.com"),
        ("zendesk", "https://acme.zendesk.com/api/v2"),
        ("zendesk", "ftp://acme.zendesk.com"),
    ],
)
def test_integrations_accept_only_the_platforms_own_https_hosts(
    platform: str, base_url: str, client: TestClient, fake: FakePlatform
) -> None:
    response = client.put(
        f"/v1/admin/integrations/{platform}",
        json={
            "secret": SECRETS[platform],
            "base_url": base_url,
            "credentials": CREDENTIALS[platform],
            "options": OPTIONS.get(platform, {}),
        },
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_integration"


def test_plain_http_needs_the_explicit_setting(
    app_client: Callable[..., TestClient], fake: FakePlatform
) -> None:
    client = app_client(webhook_allow_insecure_hosts=[])
    body = {
        "secret": SECRETS["zendesk"],
        "base_url": fake.base_url,
        "credentials": CREDENTIALS["zendesk"],
    }
    assert client.put("/v1/admin/integrations/zendesk", json=body).status_code == 422
    ok = client.put(
        "/v1/admin/integrations/zendesk", json=body | {"base_url": "https://acme.zendesk.com"}
    )
    assert ok.status_code == 200


def test_write_back_refuses_a_redirect_to_another_host(
    client: TestClient, fake: FakePlatform
) -> None:
    connect(client, "zendesk", fake)
    elsewhere = fake.base_url.replace("127.0.0.1", "localhost") + "/api/v2/tickets/4242/tags.json"
    fake.script("DELETE", "/api/v2/tickets/4242/tags.json", (307, {"Location": elsewhere}, {}))
    final = settled(
        client, "zendesk", deliver(client, "zendesk", payload("zendesk")).json()["delivery"]
    )
    assert final["status"] == "failed"
    assert "refused http://localhost" in final["last_error"]
    assert len(fake.requests) == 1  # the redirect was never followed


def test_write_back_follows_a_redirect_on_the_same_host(
    client: TestClient, fake: FakePlatform
) -> None:
    connect(client, "zendesk", fake)
    moved = fake.base_url + "/api/v2/tickets/4343/tags.json"
    fake.script("DELETE", "/api/v2/tickets/4242/tags.json", (307, {"Location": moved}, {}))
    final = settled(
        client, "zendesk", deliver(client, "zendesk", payload("zendesk")).json()["delivery"]
    )
    assert final["status"] == "done"
    assert len(fake.made("DELETE", "/api/v2/tickets/4343/tags.json")) == 1


def test_write_back_refuses_a_pagination_link_to_another_host(
    client: TestClient, fake: FakePlatform
) -> None:
    connect(client, "front", fake)
    page = {"_results": [], "_pagination": {"next": "https://evil.example/tags?page=2"}}
    fake.script("GET", "/tags", (200, {}, page))
    final = settled(client, "front", deliver(client, "front", payload("front")).json()["delivery"])
    assert final["status"] == "failed"
    assert "refused https://evil.example" in final["last_error"]
    assert notes_sent("front", fake) == []


# --- the admin API ------------------------------------------------------------------------


def test_integrations_never_return_secrets(client: TestClient, fake: FakePlatform) -> None:
    connect(client, "zendesk", fake, options={"tag_prefix": "acme", "set_priority": False})
    one = client.get("/v1/admin/integrations/zendesk")
    listed = client.get("/v1/admin/integrations")
    for response in (one, listed):
        assert response.status_code == 200
        text = response.text
        assert SECRETS["zendesk"] not in text and "zd-api-token" not in text
    assert one.json()["credentials"] == ["api_token", "email"]
    assert one.json()["webhook_path"] == "/v1/webhooks/zendesk/default"
    assert [i["platform"] for i in listed.json()["integrations"]] == ["zendesk"]


def test_options_change_the_tags_and_leave_priority_alone(
    client: TestClient, fake: FakePlatform
) -> None:
    connect(client, "zendesk", fake, options={"tag_prefix": "acme", "set_priority": False})
    settled(client, "zendesk", deliver(client, "zendesk", payload("zendesk")).json()["delivery"])
    assert "acme__type__angry" in tags_sent("zendesk", fake)
    [update] = fake.made("PUT", "/api/v2/tickets/4242.json")
    assert "priority" not in update.body["ticket"]


def test_replacing_an_integration_rotates_its_secret(
    client: TestClient, fake: FakePlatform
) -> None:
    connect(client, "zendesk", fake)
    created = client.get("/v1/admin/integrations/zendesk").json()["created_at"]
    connect(client, "zendesk", fake, secret="a-brand-new-secret-0123456789")
    assert client.get("/v1/admin/integrations/zendesk").json()["created_at"] == created
    body = payload("zendesk")
    assert deliver(client, "zendesk", body).status_code == 401  # signed with the old secret
    fresh = signed("zendesk", body, secret="a-brand-new-secret-0123456789")
    assert deliver(client, "zendesk", body, fresh).status_code == 202


def test_deleting_an_integration_stops_its_webhooks(client: TestClient, fake: FakePlatform) -> None:
    connect(client, "zendesk", fake)
    assert client.delete("/v1/admin/integrations/zendesk").status_code == 204
    assert client.delete("/v1/admin/integrations/zendesk").status_code == 404
    assert client.get("/v1/admin/integrations/zendesk").status_code == 404
    assert deliver(client, "zendesk", payload("zendesk")).status_code == 404


@pytest.mark.parametrize(
    ("platform", "change", "complaint"),
    [
        ("zendesk", {"credentials": {"email": "bot@acme.example"}}, "credentials need"),
        ("intercom", {"options": {}}, "admin_id"),
        ("zendesk", {"options": {"tag_prefix": "Has Spaces"}}, "tag_prefix"),
        ("zendesk", {"options": {"colour": "red"}}, "unknown options"),
        ("zendesk", {"options": {"set_priority": "yes"}}, "set_priority"),
        ("intercom", {"options": {"admin_id": {"id": 1}}}, "admin_id"),
        ("zendesk", {"secret": "sixteen-chars-and-a-nul\u0000"}, "control characters"),
        ("zendesk", {"credentials": {"email": "a@b.c", "api_token": "tab\there"}}, "api_token"),
        ("zendesk", {"credentials": {"Email Address": "a@b.c"}}, "credential names"),
    ],
)
def test_incomplete_integrations_are_422(
    platform: str, change: dict, complaint: str, client: TestClient, fake: FakePlatform
) -> None:
    body = {
        "secret": SECRETS[platform],
        "base_url": fake.base_url,
        "credentials": CREDENTIALS[platform],
        "options": OPTIONS.get(platform, {}),
    } | change
    response = client.put(f"/v1/admin/integrations/{platform}", json=body)
    assert response.status_code == 422
    assert complaint in response.json()["message"] + json.dumps(response.json()["errors"])


def test_short_secrets_are_refused(client: TestClient, fake: FakePlatform) -> None:
    body = {"secret": "short", "base_url": fake.base_url, "credentials": CREDENTIALS["zendesk"]}
    assert client.put("/v1/admin/integrations/zendesk", json=body).status_code == 422


def test_only_admins_manage_integrations(client: TestClient, fake: FakePlatform) -> None:
    client.app.dependency_overrides[get_principal] = lambda: Principal("default", "service")
    body = {
        "secret": SECRETS["zendesk"],
        "base_url": fake.base_url,
        "credentials": CREDENTIALS["zendesk"],
    }
    for response in (
        client.put("/v1/admin/integrations/zendesk", json=body),
        client.get("/v1/admin/integrations"),
        client.get("/v1/admin/integrations/zendesk"),
        client.delete("/v1/admin/integrations/zendesk"),
        client.get("/v1/admin/integrations/zendesk/deliveries"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"


def test_integrations_belong_to_their_tenant(client: TestClient, fake: FakePlatform) -> None:
    connect(client, "zendesk", fake)
    client.app.dependency_overrides[get_principal] = lambda: Principal("acme", "admin")
    assert client.get("/v1/admin/integrations").json() == {"integrations": []}
    assert client.get("/v1/admin/integrations/zendesk").status_code == 404
    connect(client, "zendesk", fake, secret="acme-signing-secret-0123456789")
    body = payload("zendesk")
    headers = signed("zendesk", body, secret="acme-signing-secret-0123456789")
    response = client.post("/v1/webhooks/zendesk/acme", content=body, headers=headers)
    assert response.status_code == 202
    assert deliver(client, "zendesk", body, headers).status_code == 401  # not default's secret
    settled(client, "zendesk", response.json()["delivery"])
    # Triaged as the tenant's message: its conversation is the tenant's, no one else's.
    assert client.get("/v1/conversations/zendesk:4242").status_code == 200
    client.app.dependency_overrides[get_principal] = lambda: Principal("default", "admin")
    assert client.get("/v1/conversations/zendesk:4242").status_code == 404


# The README's "Connect Zendesk", step 4, verbatim: the trigger's JSON body.
README_TRIGGER_BODY = """{
  "ticket_id": "{{ticket.id}}",
  "requester_id": "{{ticket.requester.id}}",
  "channel": "{{ticket.via}}",
  "text": "{{ticket.latest_public_comment}}"
}"""


def test_the_readme_zendesk_walkthrough(client: TestClient, fake: FakePlatform) -> None:
    # Step 3, as the README writes it (the base URL is the stand-in helpdesk's).
    integration = client.put(
        "/v1/admin/integrations/zendesk",
        json={
            "secret": "<the webhook signing secret>",
            "base_url": fake.base_url,
            "credentials": {"email": "triage-bot@acme.example", "api_token": "<the API token>"},
        },
    )
    assert integration.status_code == 200
    assert integration.json()["webhook_path"] == "/v1/webhooks/zendesk/default"
    # Zendesk fills the placeholders and signs the body with the webhook's secret.
    rendered = (
        README_TRIGGER_BODY.replace("{{ticket.id}}", "35437")
        .replace("{{ticket.requester.id}}", "20978392")
        .replace("{{ticket.via}}", "Web form")
        .replace("{{ticket.latest_public_comment}}", ANGRY)
    ).encode()
    headers = signed("zendesk", rendered, secret="<the webhook signing secret>")
    response = client.post(integration.json()["webhook_path"], content=rendered, headers=headers)
    assert response.status_code == 202
    # Step 5: the delivery is done and the ticket has its tags and internal note.
    assert settled(client, "zendesk", response.json()["delivery"])["status"] == "done"
    tags = fake.made("PUT", "/api/v2/tickets/35437/tags.json")[0].body["tags"]
    assert {"triage__sentiment__negative", "triage__type__angry"} <= set(tags)
    [update] = fake.made("PUT", "/api/v2/tickets/35437.json")
    assert update.body["ticket"]["comment"]["public"] is False
