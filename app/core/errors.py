"""The service's exceptions; each knows its HTTP status and stable error code.

    TriageError
    ├── ModelLoadError        500  model_load_failed   (start-up only)
    ├── BankInvalidError      500  bank_invalid        (start-up only)
    ├── ModelNotReadyError    503  model_not_ready
    ├── InvalidRequestError   422  invalid_request
    ├── PayloadTooLargeError  413  payload_too_large
    ├── NotFoundError         404  not_found
    │   ├── ScenarioNotFoundError 404 scenario_not_found
    │   └── SessionNotFoundError  404 session_not_found
    ├── SessionEndedError     409  session_ended
    ├── SessionConflictError  409  session_conflict
    ├── CredentialsInQueryError 400 credentials_in_query
    ├── UnauthorizedError     401  unauthorized        (with WWW-Authenticate)
    ├── ForbiddenError        403  forbidden
    └── RateLimitedError      429  rate_limited        (with Retry-After)

Domain code raises these; one handler in app.main turns them into the error body.
"""

from __future__ import annotations


class TriageError(Exception):
    status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def headers(self) -> dict[str, str]:
        """Response headers the status needs (WWW-Authenticate with a 401)."""
        return {}


class ModelLoadError(TriageError):
    code = "model_load_failed"


class BankInvalidError(TriageError):
    code = "bank_invalid"


class ModelNotReadyError(TriageError):
    status = 503
    code = "model_not_ready"


class InvalidRequestError(TriageError):
    status = 422
    code = "invalid_request"


class PayloadTooLargeError(TriageError):
    status = 413
    code = "payload_too_large"


class NotFoundError(TriageError):
    status = 404
    code = "not_found"


class CredentialsInQueryError(TriageError):
    """An API key in the URL: it would end up in proxy and browser logs, so it is refused."""

    status = 400
    code = "credentials_in_query"


class UnauthorizedError(TriageError):
    status = 401
    code = "unauthorized"

    def __init__(self, message: str, *, invalid_key: bool = False) -> None:
        super().__init__(message)
        self.invalid_key = invalid_key

    @property
    def headers(self) -> dict[str, str]:
        challenge = 'Bearer realm="sentiment-triage"'
        if self.invalid_key:
            challenge += ', error="invalid_token"'
        return {"WWW-Authenticate": challenge}


class ForbiddenError(TriageError):
    status = 403
    code = "forbidden"


class RateLimitedError(TriageError):
    """The caller's budget cannot pay for this much work now (a large batch)."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}


class StoreUnavailableError(TriageError):
    """The database cannot be reached, or stayed locked through every retry."""

    status = 503
    code = "store_unavailable"


class ConversationNotFoundError(NotFoundError):
    """An outcome or follow-up for a conversation the store does not hold."""


class VersionNotFoundError(NotFoundError):
    """A rollback to a version the tenant never had."""


class IdempotencyKeyReusedError(TriageError):
    status = 422
    code = "idempotency_key_reused"


class IdempotencyInProgressError(TriageError):
    status = 409
    code = "idempotency_in_progress"


class MalformedDocumentError(TriageError):
    status = 400
    code = "malformed_document"


class UnsupportedMediaTypeError(TriageError):
    status = 415
    code = "unsupported_media_type"


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


class ScenarioNotFoundError(NotFoundError):
    """No practice scenario with this id, or none matching the filters."""

    code = "scenario_not_found"


class SessionNotFoundError(NotFoundError):
    """No practice session with this id that the caller may see (another agent's is hidden)."""

    code = "session_not_found"


class SessionEndedError(TriageError):
    """A reply or a hint for a practice session that has already ended."""

    status = 409
    code = "session_ended"


class SessionConflictError(TriageError):
    """Another reply to the same practice session was saved first: reload and reply again."""

    status = 409
    code = "session_conflict"
