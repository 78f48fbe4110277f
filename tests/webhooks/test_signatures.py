"""Each helpdesk's signature scheme against fixed vectors, plus the ways a delivery is refused.

Vectors: Zendesk's own test-signing secret is the one its docs print for test requests
("dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==",
https://developer.zendesk.com/documentation/webhooks/verifying/). None of the four platforms
publishes a complete (secret, timestamp, body, signature) example for the scheme its docs now
describe, so the signatures below were computed with `openssl dgst -hmac` (outside this code)
over the documented message layout:

    Zendesk   base64 HMAC-SHA256 over timestamp + body
    Intercom  "sha1=" + hex HMAC-SHA1 over body   (developers.intercom.com, "Signed notifications")
    Front     base64 HMAC-SHA256 over timestamp ":" body, timestamp in ms
              (https://dev.frontapp.com/docs/application-webhooks)
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from app.core.errors import StaleWebhookError, WebhookAuthError
from app.webhooks.signatures import (
    basic_auth_password,
    verify_delivery,
    verify_front,
    verify_intercom,
    verify_token,
    verify_zendesk,
)

WINDOW = timedelta(minutes=5)

ZENDESK_SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
ZENDESK_BODY = b'{"ticket_id": "42", "text": "Where is my parcel?"}'
ZENDESK_TIMESTAMP = "2026-11-23T10:00:00Z"
ZENDESK_SIGNATURE = "1Ti2jkU1+baTD0ngCgimGtRsH97jJLqZePrpg3giNhk="
ZENDESK_AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

INTERCOM_SECRET = "intercom-client-secret-0001"
INTERCOM_BODY = b'{"type":"notification_event","topic":"ping","id":"notif_1"}'
INTERCOM_SHA1 = "sha1=71d9c19cbb9d45aed47ccd91145789ad2a9b4146"
INTERCOM_SHA256 = "sha256=27dc9011ffee17f6f1f5caf60f6720b7a857800a0fca901c588122a33d4c6c20"

# Front's subscription check body, as its docs show it.
FRONT_SECRET = "front-app-signing-key-0001"
FRONT_BODY = b'{"type": "sync", "authorization": {"id": "cmp_abc"}}'
FRONT_TIMESTAMP = "1795428000000"  # 2026-11-23T10:00:00Z in milliseconds
FRONT_SIGNATURE = "Ff+rYGfCd5hWvOZWTMglTuCIN3ssbXo9EKzqwzN2YnM="


def zendesk(**changes: object) -> None:
    given: dict = {
        "secret": ZENDESK_SECRET,
        "body": ZENDESK_BODY,
        "signature": ZENDESK_SIGNATURE,
        "timestamp": ZENDESK_TIMESTAMP,
        "now": ZENDESK_AT,
    } | changes
    verify_zendesk(
        given["secret"],
        given["body"],
        given["signature"],
        given["timestamp"],
        now=given["now"],
        window=WINDOW,
    )


def test_zendesk_vector_verifies() -> None:
    zendesk()
    zendesk(now=ZENDESK_AT + timedelta(minutes=4, seconds=59))  # inside the window


@pytest.mark.parametrize(
    "change",
    [
        {"body": ZENDESK_BODY.replace(b"parcel", b"refund")},
        {"secret": ZENDESK_SECRET + "x"},
        {"timestamp": "2026-11-23T10:00:01Z"},  # the timestamp is signed too
        {"signature": ZENDESK_SIGNATURE[:-2] + "A="},
        {"signature": None},
        {"timestamp": None},
        {"signature": "nøt-ascii"},
    ],
)
def test_zendesk_refuses_anything_changed_or_missing(change: dict) -> None:
    with pytest.raises(WebhookAuthError) as raised:
        zendesk(**change)
    assert raised.value.status == 401


def test_zendesk_signs_timestamp_then_body_not_the_other_way() -> None:
    # An earlier revision of Zendesk's page printed base64(HMACSHA256((BODY)(TIMESTAMP))) with
    # this example; the page now says TIMESTAMP + BODY, as Zendesk sends. The old example
    # must therefore not verify: it guards against the order being swapped back.
    with pytest.raises(WebhookAuthError):
        verify_zendesk(
            "HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA=",
            b'{"say": "hello"}',
            "tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw=",
            "2021-07-25T10:00:00Z",
            now=datetime(2021, 7, 25, 10, tzinfo=UTC),
            window=WINDOW,
        )


@pytest.mark.parametrize("offset", [timedelta(minutes=5, seconds=1), -timedelta(minutes=6)])
def test_zendesk_refuses_a_correct_signature_outside_the_replay_window(offset: timedelta) -> None:
    with pytest.raises(StaleWebhookError) as raised:
        zendesk(now=ZENDESK_AT + offset)
    assert (raised.value.status, raised.value.code) == (401, "stale_timestamp")


def test_intercom_vectors_verify_with_sha1_and_sha256() -> None:
    verify_intercom(INTERCOM_SECRET, INTERCOM_BODY, INTERCOM_SHA1)
    verify_intercom(INTERCOM_SECRET, INTERCOM_BODY, INTERCOM_SHA256)
    verify_intercom(INTERCOM_SECRET, INTERCOM_BODY, INTERCOM_SHA1.upper().replace("SHA1", "sha1"))


@pytest.mark.parametrize(
    ("body", "signature"),
    [
        (INTERCOM_BODY + b" ", INTERCOM_SHA1),
        (INTERCOM_BODY, INTERCOM_SHA1.replace("sha1=7", "sha1=8")),
        (INTERCOM_BODY, INTERCOM_SHA1.replace("sha1=", "md5=")),
        (INTERCOM_BODY, INTERCOM_SHA1.removeprefix("sha1=")),
        (INTERCOM_BODY, None),
    ],
)
def test_intercom_refuses(body: bytes, signature: str | None) -> None:
    with pytest.raises(WebhookAuthError):
        verify_intercom(INTERCOM_SECRET, body, signature)


def test_front_vector_verifies_and_its_timestamp_is_in_milliseconds() -> None:
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    verify_front(FRONT_SECRET, FRONT_BODY, FRONT_SIGNATURE, FRONT_TIMESTAMP, now=at, window=WINDOW)
    with pytest.raises(StaleWebhookError):
        verify_front(
            FRONT_SECRET,
            FRONT_BODY,
            FRONT_SIGNATURE,
            FRONT_TIMESTAMP,
            now=at + timedelta(minutes=10),
            window=WINDOW,
        )


@pytest.mark.parametrize(
    ("body", "signature", "timestamp"),
    [
        (FRONT_BODY.replace(b"cmp_abc", b"cmp_xyz"), FRONT_SIGNATURE, FRONT_TIMESTAMP),
        (FRONT_BODY, FRONT_SIGNATURE, "1795428000001"),
        (FRONT_BODY, None, FRONT_TIMESTAMP),
        (FRONT_BODY, FRONT_SIGNATURE, None),
        (FRONT_BODY, FRONT_SIGNATURE, "yesterday"),
    ],
)
def test_front_refuses(body: bytes, signature: str | None, timestamp: str | None) -> None:
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    with pytest.raises(WebhookAuthError):
        verify_front(FRONT_SECRET, body, signature, timestamp, now=at, window=WINDOW)


def test_freshdesk_token_from_header_or_basic_auth() -> None:
    token = "freshdesk-token-0123456789"
    verify_token(token, token)
    password = basic_auth_password("Basic " + base64.b64encode(f"any:{token}".encode()).decode())
    assert password == token
    for wrong in (None, "", token + "x", token[:-1]):
        with pytest.raises(WebhookAuthError):
            verify_token(token, wrong)


@pytest.mark.parametrize(
    "header", [None, "Bearer abc", "Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode()]
)
def test_basic_auth_password_of_other_headers_is_none(header: str | None) -> None:
    assert basic_auth_password(header) is None


def test_verify_delivery_reads_each_platforms_headers() -> None:
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    verify_delivery(
        "zendesk",
        ZENDESK_SECRET,
        ZENDESK_BODY,
        {
            "x-zendesk-webhook-signature": ZENDESK_SIGNATURE,
            "x-zendesk-webhook-signature-timestamp": ZENDESK_TIMESTAMP,
        },
        now=at,
        window=WINDOW,
    )
    verify_delivery(
        "intercom",
        INTERCOM_SECRET,
        INTERCOM_BODY,
        {"x-hub-signature": INTERCOM_SHA1},
        now=at,
        window=WINDOW,
    )
    verify_delivery(
        "front",
        FRONT_SECRET,
        FRONT_BODY,
        {"x-front-signature": FRONT_SIGNATURE, "x-front-request-timestamp": FRONT_TIMESTAMP},
        now=at,
        window=WINDOW,
    )
    verify_delivery(
        "freshdesk", "t" * 20, b"{}", {"x-triage-token": "t" * 20}, now=at, window=WINDOW
    )
    with pytest.raises(WebhookAuthError):
        verify_delivery("freshdesk", "t" * 20, b"{}", {}, now=at, window=WINDOW)
