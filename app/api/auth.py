"""Who is calling: the tenant and role behind a request, from its API key.

With auth off (local use, the default) every request acts as the default tenant's admin.
With TRIAGE_AUTH=true a key is required, in `Authorization: Bearer <key>` or `X-API-Key`:

    admin    bank, settings, scenarios, keys (/v1/admin/*), and everything below but widget's
    service  triage, conversations, replies, insights; practice for a named agent, its report
    widget   /v1/screen only, and only from its tenant's allowed origins (publishable)
    lead     practice (/v1/practice/*) for the whole tenant, and its report
    agent    practice only, and only its own sessions (the agent is the key)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated

import anyio
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPBearer

from app.api.deps import services_of
from app.core.errors import CredentialsInQueryError, ForbiddenError, UnauthorizedError
from app.core.labels import DEFAULT_TENANT
from app.tenancy.keys import Role

# Query parameters that would carry a key in the URL, where logs and referrers keep it.
QUERY_CREDENTIALS = frozenset({"api_key", "apikey", "api-key", "key", "access_token", "token"})
# Declared for the OpenAPI document (the docs' Authorize button); get_principal reads headers.
_BEARER = HTTPBearer(auto_error=False, description="Authorization: Bearer tri_..._...")
_API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same key, instead")


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    role: Role
    key_id: str | None = None  # None when auth is off
    origins: frozenset[str] = field(default_factory=frozenset)  # where a widget key may be used
    name: str | None = None  # the key's name: for an agent key, the agent's


LOCAL_ADMIN = Principal(tenant_id=DEFAULT_TENANT, role="admin")


async def get_principal(
    request: Request,
    _bearer: object = Security(_BEARER),
    _api_key: object = Security(_API_KEY),
) -> Principal:
    """The caller, authenticated once per request and kept on request.state.principal.

    Raises CredentialsInQueryError for a key in the URL (auth on or off), and with auth on
    UnauthorizedError for a missing, unknown or revoked key. Async, like every dependency
    on the hot path: FastAPI runs a plain `def` dependency in a worker thread, a hop that
    cost more than the rest of the HTTP work together. Only the key lookup, which reads
    the database, goes to a thread.
    """
    known: Principal | None = getattr(request.state, "principal", None)
    if known is not None:
        return known
    if QUERY_CREDENTIALS & {name.lower() for name in request.query_params}:
        raise CredentialsInQueryError(
            "never put an API key in the URL: send it as Authorization: Bearer <key> or X-API-Key"
        )
    services = services_of(request.app)
    if not services.settings.auth:
        principal = LOCAL_ADMIN
    else:
        key_ring = services.key_ring
        found = await anyio.to_thread.run_sync(key_ring.verify, presented_key(request))
        if found is None:
            raise UnauthorizedError("the API key is unknown or revoked", invalid_key=True)
        principal = Principal(
            found.tenant_id, found.role, found.key_id, found.origins, name=found.name
        )
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def presented_key(request: Request) -> str:
    """The key from the Authorization or X-API-Key header; both may be sent if they agree."""
    bearer = None
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise UnauthorizedError("send the key as Authorization: Bearer <key>")
        bearer = value.strip()
    header = request.headers.get("x-api-key", "").strip() or None
    if bearer and header and bearer != header:
        raise UnauthorizedError("Authorization and X-API-Key carry different keys")
    key = bearer or header
    if key is None:
        raise UnauthorizedError("an API key is required: Authorization: Bearer <key> or X-API-Key")
    return key


def request_origin(request: Request) -> str | None:
    origin = request.headers.get("origin")
    return origin.strip().rstrip("/").lower() if origin else None


def require_role(*roles: Role) -> Callable[[Principal, Request], Awaitable[Principal]]:
    """A dependency that lets only these roles through (403 otherwise).

    A widget key must also come from one of its allowed origins, as a browser states it.
    """

    async def check(principal: PrincipalDep, request: Request) -> Principal:
        if principal.role not in roles:
            raise ForbiddenError(
                f"a {principal.role} key cannot call this route; it needs {' or '.join(roles)}"
            )
        if principal.role == "widget" and request_origin(request) not in principal.origins:
            raise ForbiddenError("this widget key may only be used from its allowed origins")
        return principal

    return check


admin_only = require_role("admin")
service_only = require_role("service", "admin")
screen_only = require_role("widget", "service", "admin")
practice_only = require_role("agent", "lead", "service", "admin")
practice_report_only = require_role("lead", "service", "admin")
AdminDep = Annotated[Principal, Depends(admin_only)]
ServiceDep = Annotated[Principal, Depends(service_only)]
ScreenDep = Annotated[Principal, Depends(screen_only)]
PracticeDep = Annotated[Principal, Depends(practice_only)]
PracticeReportDep = Annotated[Principal, Depends(practice_report_only)]
