"""Each helpdesk's webhook signature scheme, as pure functions: return, or raise WebhookAuthError.

Every comparison is constant-time, and every signature is computed over the raw body bytes
as received: re-serialised JSON would not match.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from app.core.errors import StaleWebhookError, WebhookAuthError


def verify_zendesk(
    secret: str,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    *,
    now: datetime,
    window: timedelta,
) -> None:
    """X-Zendesk-Webhook-Signature: base64(HMAC-SHA256(secret, timestamp + body)).

    The timestamp (X-Zendesk-Webhook-Signature-Timestamp) is ISO 8601, e.g.
    "2021-07-25T10:00:00Z"; deliveries outside `window` of `now` are refused as replays.
    """
    if not signature or not timestamp:
        raise WebhookAuthError("missing X-Zendesk-Webhook-Signature or its timestamp header")
    expected = _sha256_base64(secret, timestamp.encode() + body)
    _require_equal(expected, signature)
    _require_recent(_iso_or_epoch(timestamp), now=now, window=window)


def verify_intercom(secret: str, body: bytes, signature: str | None) -> None:
    """X-Hub-Signature: "sha1=" + hex HMAC-SHA1(client secret, body).

    A "sha256=" value is checked with SHA-256 instead, should Intercom move to it; Intercom
    sends no timestamp, so replays are caught by the delivery id alone.
    """
    if not signature or "=" not in signature:
        raise WebhookAuthError("missing or malformed X-Hub-Signature header")
    algorithm, _, given = signature.partition("=")
    digests = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}
    if algorithm not in digests:
        raise WebhookAuthError(f"unsupported X-Hub-Signature algorithm {algorithm!r}")
    expected = hmac.new(secret.encode(), body, digests[algorithm]).hexdigest()
    _require_equal(expected, given.lower())


def verify_front(
    secret: str,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    *,
    now: datetime,
    window: timedelta,
) -> None:
    """X-Front-Signature: base64(HMAC-SHA256(app signing key, timestamp + ":" + body)).

    X-Front-Request-Timestamp is in milliseconds since the epoch.
    """
    if not signature or not timestamp:
        raise WebhookAuthError("missing X-Front-Signature or X-Front-Request-Timestamp header")
    expected = _sha256_base64(secret, timestamp.encode() + b":" + body)
    _require_equal(expected, signature)
    _require_recent(_epoch_millis(timestamp), now=now, window=window)


def verify_token(expected: str, given: str | None) -> None:
    """Freshdesk signs nothing: the webhook carries the tenant's secret token instead."""
    if not given:
        raise WebhookAuthError("missing X-Triage-Token header (or basic-auth password)")
    _require_equal(expected, given)


def basic_auth_password(authorization: str | None) -> str | None:
    """The password of an "Authorization: Basic ..." header, or None."""
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    _, separator, password = decoded.partition(":")
    return password if separator else None


def _sha256_base64(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def _require_equal(expected: str, given: str) -> None:
    # Bytes, so that a non-ASCII header compares (and fails) instead of raising TypeError.
    if not hmac.compare_digest(expected.encode(), given.strip().encode()):
        raise WebhookAuthError("the webhook signature does not match the integration's secret")


def _require_recent(at: datetime, *, now: datetime, window: timedelta) -> None:
    if abs(now - at) > window:
        raise StaleWebhookError(
            f"the webhook timestamp is more than {int(window.total_seconds())} s from now; "
            "refused as a possible replay"
        )


def _iso_or_epoch(value: str) -> datetime:
    try:
        if value.isdigit():
            return datetime.fromtimestamp(int(value), UTC)
        parsed = datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        raise WebhookAuthError(f"unreadable webhook timestamp {value[:40]!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _epoch_millis(value: str) -> datetime:
    try:
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        raise WebhookAuthError(f"unreadable webhook timestamp {value[:40]!r}") from None


def verify_delivery(
    platform: str,
    secret: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    now: datetime,
    window: timedelta,
) -> None:
    """Check a delivery with its platform's scheme; `headers` is case-insensitive."""
    if platform == "zendesk":
        signature = headers.get("x-zendesk-webhook-signature")
        timestamp = headers.get("x-zendesk-webhook-signature-timestamp")
        verify_zendesk(secret, body, signature, timestamp, now=now, window=window)
    elif platform == "intercom":
        verify_intercom(secret, body, headers.get("x-hub-signature"))
    elif platform == "front":
        signature, timestamp = (
            headers.get("x-front-signature"),
            headers.get("x-front-request-timestamp"),
        )
        verify_front(secret, body, signature, timestamp, now=now, window=window)
    elif platform == "freshdesk":
        given = headers.get("x-triage-token") or basic_auth_password(headers.get("authorization"))
        verify_token(secret, given)
    else:
        raise WebhookAuthError(f"no signature scheme for {platform!r}")
