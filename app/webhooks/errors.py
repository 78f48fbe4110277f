"""The webhook feature's request errors; app.main turns them into problem+json like the rest.

TriageError
├── WebhookAuthError          401  invalid_signature
│   └── StaleWebhookError     401  stale_timestamp
├── AdminOnlyError            403  forbidden
├── InvalidRequestError       422  invalid_request
│   ├── WebhookPayloadError   422  invalid_webhook_payload
│   └── IntegrationConfigError 422 invalid_integration
└── NotFoundError             404  not_found
    └── IntegrationNotFoundError
"""

from __future__ import annotations

from app.errors import InvalidRequestError, NotFoundError, TriageError


class WebhookAuthError(TriageError):
    """The delivery's signature or token is missing or does not match the tenant's secret."""

    status = 401
    code = "invalid_signature"


class StaleWebhookError(WebhookAuthError):
    """A correctly signed delivery whose timestamp is outside the replay window."""

    code = "stale_timestamp"


class AdminOnlyError(TriageError):
    status = 403
    code = "forbidden"


class WebhookPayloadError(InvalidRequestError):
    """A verified delivery whose body this service cannot read."""

    code = "invalid_webhook_payload"


class IntegrationConfigError(InvalidRequestError):
    code = "invalid_integration"


class IntegrationNotFoundError(NotFoundError):
    """No integration for this tenant and platform (or an unknown platform)."""
