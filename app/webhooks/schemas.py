"""The webhook feature's wire contract: integration config in and out, delivery receipts."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_SECRET_CHARS = 500
_CREDENTIAL_NAME = re.compile(r"^[a-z_]{1,40}$")


class IntegrationIn(BaseModel):
    """A tenant's connection to one helpdesk; PUT replaces the whole of it."""

    model_config = ConfigDict(extra="forbid")

    secret: str = Field(
        ...,
        min_length=16,
        max_length=MAX_SECRET_CHARS,
        description="Zendesk: the webhook's signing secret. Intercom: the app's client secret. "
        "Front: the app's signing key. Freshdesk: a random token you choose, sent by the "
        "automation rule in X-Triage-Token.",
    )
    base_url: str | None = Field(
        None,
        max_length=300,
        description="The API host, e.g. https://acme.zendesk.com or https://acme.freshdesk.com; "
        "Intercom and Front default to their public API hosts.",
    )
    credentials: dict[str, str] = Field(
        ...,
        max_length=4,
        description="Zendesk: email + api_token (or oauth_token). Freshdesk: api_key. "
        "Intercom: access_token. Front: api_token. Stored, never returned.",
    )
    options: dict[str, Any] = Field(
        default_factory=dict,
        description='tag_prefix (default "triage"), set_priority (default true), '
        "admin_id (Intercom: the admin who authors notes and tags; required).",
    )

    @field_validator("secret")
    @classmethod
    def _printable_secret(cls, value: str) -> str:
        if not value.isprintable():
            raise ValueError("the secret has control characters")
        return value

    @field_validator("credentials")
    @classmethod
    def _printable_credentials(cls, value: dict[str, str]) -> dict[str, str]:
        for name, credential in value.items():
            if not _CREDENTIAL_NAME.match(name):
                raise ValueError(f"credential names are 1 to 40 of a-z and _, not {name[:40]!r}")
            if not (0 < len(credential) <= MAX_SECRET_CHARS and credential.isprintable()):
                raise ValueError(f"credential {name[:40]!r} is empty, too long or unprintable")
        return value


class IntegrationOut(BaseModel):
    platform: str
    base_url: str
    webhook_path: str = Field(..., description="Where the helpdesk must POST its webhooks.")
    credentials: list[str] = Field(..., description="The names of the stored credentials.")
    options: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class IntegrationList(BaseModel):
    integrations: list[IntegrationOut]


class WebhookReceipt(BaseModel):
    """The answer to a helpdesk: sent before any triage happens."""

    status: Literal["queued", "duplicate", "ignored"]
    delivery: int | None = Field(None, description="The delivery's id in this service.")


class FrontChallenge(BaseModel):
    challenge: str


class DeliveryOut(BaseModel):
    id: int
    delivery_id: str
    ticket_id: str
    status: Literal["queued", "writing", "done", "failed"]
    attempts: int
    steps_done: list[str]
    last_error: str | None
    received_at: datetime
    next_attempt_at: datetime


class DeliveryList(BaseModel):
    deliveries: list[DeliveryOut]
