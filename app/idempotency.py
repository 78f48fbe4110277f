"""Idempotency-Key: a retried POST gets the first attempt's answer and the work is done once.

The route's dependency claims the key (per tenant) before any work; the middleware keeps the
answer before the client sees it. A retry with the same key and body is answered from the
store with `Idempotent-Replayed: true`; with another body it is 422; while the first attempt
still runs it is 409. Keys live in the conversation database, so they hold across restarts
and replicas, and expire after `idempotency_ttl_hours`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Header, Request, Response
from sqlalchemy import Connection, Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import PrincipalDep
from app.config import Settings
from app.errors import TriageError
from app.store import StoreUnavailableError
from app.store_models import IDEMPOTENCY_KEY_LENGTH, IdempotencyKeyRow, create_store_engine

T = TypeVar("T")
log = logging.getLogger("triage.idempotency")
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_CLAIM = "idempotency_claim"  # where the dependency leaves its claim for the middleware
_PURGE_EVERY = timedelta(minutes=10)
_MIN_LEASE = timedelta(seconds=30)


class IdempotencyKeyReusedError(TriageError):
    status = 422
    code = "idempotency_key_reused"


class IdempotencyInProgressError(TriageError):
    status = 409
    code = "idempotency_in_progress"


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to do a keyed request's work, held by one attempt."""

    tenant_id: str
    key: str
    attempt: str


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    content_type: str | None
    body: bytes


class Replay(Exception):
    """Raised by the dependency to answer a retry from the store instead of running the route.

    Not an error: the app's handler for it sends the stored response.
    """

    def __init__(self, stored: StoredResponse) -> None:
        super().__init__("replay")
        self.stored = stored


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path and body (JSON compared as data)."""
    with contextlib.suppress(ValueError, RecursionError):  # not JSON: the bytes themselves
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(b"\0".join((method.encode(), path.encode(), body))).hexdigest()


class IdempotencyStore:
    """Claims, answers and expiry of idempotency keys, in the conversation database."""

    def __init__(
        self,
        engine: Engine,
        *,
        ttl: timedelta,
        lease: timedelta,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._engine = engine
        self._writer = engine.execution_options(sqlite_begin="IMMEDIATE")
        self.ttl = ttl
        self.lease = lease
        self._clock = clock
        self._purged = clock()

    @classmethod
    def from_settings(cls, settings: Settings) -> IdempotencyStore:
        engine = create_store_engine(
            settings.database_url or "sqlite:///", data_dir=settings.data_dir
        )
        # An attempt is cut off by the request timeout; one unanswered well after that died.
        lease = max(_MIN_LEASE, timedelta(seconds=2 * settings.request_timeout_s))
        return cls(engine, ttl=timedelta(hours=settings.idempotency_ttl_hours), lease=lease)

    def close(self) -> None:
        self._engine.dispose()

    def claim(self, tenant_id: str, key: str, fingerprint: str) -> Claim | StoredResponse:
        """The claim to do the work, or the stored answer of the attempt that did it.

        Raises IdempotencyKeyReusedError for another request under the same key and
        IdempotencyInProgressError while the first attempt runs.
        """
        now = self._clock()
        if now - self._purged >= _PURGE_EVERY:
            self._purged = now
            self.purge()

        def work(conn: Connection) -> Claim | StoredResponse:
            row = conn.execute(_row(tenant_id, key).with_for_update()).first()
            if row is not None and row.expires_at > now:
                if row.fingerprint != fingerprint:
                    raise IdempotencyKeyReusedError(
                        f"this {HEADER} was used for a different request; use a new key"
                    )
                if row.status is not None:
                    return StoredResponse(row.status, row.content_type, row.body or b"")
                if row.lease_until > now:
                    raise IdempotencyInProgressError(
                        f"a request with this {HEADER} is still running; retry shortly"
                    )
            attempt = secrets.token_hex(16)
            values: dict[str, Any] = {
                "fingerprint": fingerprint,
                "attempt": attempt,
                "status": None,
                "content_type": None,
                "body": None,
                "created_at": now,
                "lease_until": now + self.lease,
                "expires_at": now + self.ttl,
            }
            if row is None:
                insert = _insert(conn)(IdempotencyKeyRow).values(
                    tenant_id=tenant_id, key=key, **values
                )
                done = conn.execute(
                    insert.on_conflict_do_nothing(index_elements=["tenant_id", "key"])
                )
                if done.rowcount == 0:  # PostgreSQL: a concurrent first attempt got there first
                    raise IdempotencyInProgressError(
                        f"a request with this {HEADER} is still running; retry shortly"
                    )
            else:  # expired, or its attempt died without an answer: this attempt takes over
                conn.execute(_update(tenant_id, key, row.attempt).values(**values))
            return Claim(tenant_id, key, attempt)

        return self._transaction(work)

    def complete(self, claim: Claim, response: StoredResponse) -> None:
        """Keep the answer, for retries until the key expires."""
        query = _update(claim.tenant_id, claim.key, claim.attempt).values(
            status=response.status, content_type=response.content_type, body=response.body
        )
        self._transaction(lambda conn: conn.execute(query))

    def release(self, claim: Claim) -> None:
        """Give the key up unanswered (a server error): a retry does the work again."""
        query = delete(IdempotencyKeyRow).where(
            IdempotencyKeyRow.tenant_id == claim.tenant_id,
            IdempotencyKeyRow.key == claim.key,
            IdempotencyKeyRow.attempt == claim.attempt,
        )
        self._transaction(lambda conn: conn.execute(query))

    def purge(self) -> int:
        """Delete expired keys and their stored answers."""
        query = delete(IdempotencyKeyRow).where(IdempotencyKeyRow.expires_at <= self._clock())
        removed = self._transaction(lambda conn: conn.execute(query).rowcount)
        if removed:
            log.info("purged expired idempotency keys", extra={"count": removed})
        return removed

    def _transaction(self, work: Callable[[Connection], T]) -> T:
        try:
            with self._writer.begin() as conn:
                return work(conn)
        except (DBAPIError, PoolTimeoutError) as exc:
            raise StoreUnavailableError(
                "idempotency keys cannot be checked: the database is unavailable; retry shortly"
            ) from exc


def _row(tenant_id: str, key: str) -> Any:
    return select(IdempotencyKeyRow).where(
        IdempotencyKeyRow.tenant_id == tenant_id, IdempotencyKeyRow.key == key
    )


def _update(tenant_id: str, key: str, attempt: str) -> Any:
    return update(IdempotencyKeyRow).where(
        IdempotencyKeyRow.tenant_id == tenant_id,
        IdempotencyKeyRow.key == key,
        IdempotencyKeyRow.attempt == attempt,
    )


def _insert(conn: Connection) -> Any:
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


async def idempotent(
    request: Request,
    principal: PrincipalDep,
    key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            min_length=1,
            max_length=IDEMPOTENCY_KEY_LENGTH,
            description="Makes retries safe: a retry with the same key and body gets the "
            "first answer (with `Idempotent-Replayed: true`) and the work is done once. "
            "Keys are per tenant and expire after TRIAGE_IDEMPOTENCY_TTL_HOURS.",
        ),
    ] = None,
) -> None:
    """Claim the request's Idempotency-Key, or answer it from the store (see module doc)."""
    if key is None:
        return
    if request.app.state.store_keeper.store is None:
        raise StoreUnavailableError(
            "idempotency keys are kept in the conversation store, which is unavailable; "
            "retry shortly"
        )
    store: IdempotencyStore = request.app.state.idempotency
    this = fingerprint(request.method, request.url.path, await request.body())
    found = await anyio.to_thread.run_sync(store.claim, principal.tenant_id, key, this)
    if isinstance(found, StoredResponse):
        raise Replay(found)
    setattr(request.state, _CLAIM, found)


IDEMPOTENT = Depends(idempotent)
# The statuses a keyed route adds to its OpenAPI responses.
IDEMPOTENCY_STATUSES = (409, 422, 503)


async def replay(request: Request, exc: Replay) -> Response:
    """The stored answer of the first attempt, marked as a replay."""
    request.app.state.metrics.idempotent_replays.inc()
    stored = exc.stored
    return Response(
        stored.body,
        status_code=stored.status,
        media_type=stored.content_type,
        headers={REPLAYED_HEADER: "true"},
    )


class IdempotencyMiddleware:
    """Stores the answer to a request that claimed a key, then sends it.

    The answer is held back until it is stored, so a client that saw an answer gets that
    same answer on any retry. A 5xx answer or a crash gives the key up instead, so that the
    retry does the work again.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not any(name == b"idempotency-key" for name, _ in scope["headers"])
        ):
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            if _claim_of(scope) is None:
                await send(message)
            else:
                held.append(message)

        try:
            await self.app(scope, receive, hold)
        except BaseException:
            await self._settle(scope, None)
            raise
        await self._settle(scope, held)
        for message in held:
            await send(message)

    async def _settle(self, scope: Scope, held: list[Message] | None) -> None:
        """Store the held answer, or give the key up when there is none worth keeping."""
        claim = _claim_of(scope)
        if claim is None:
            return
        store: IdempotencyStore = scope["app"].state.idempotency
        answer = _answer(held) if held else None
        # Shielded: a cancelled request must still settle its key one way or the other.
        with anyio.CancelScope(shield=True):
            try:
                if answer is None or answer.status >= 500:
                    await anyio.to_thread.run_sync(store.release, claim)
                else:
                    await anyio.to_thread.run_sync(store.complete, claim, answer)
            except StoreUnavailableError:
                # The work is done but cannot be recorded: the key frees itself when its lease
                # ends, and a retry after that does the work again.
                log.warning("idempotency key not settled: database unavailable")


def _answer(held: list[Message]) -> StoredResponse:
    start, *body = held
    content_type = dict(start.get("headers", [])).get(b"content-type")
    return StoredResponse(
        start["status"],
        content_type.decode("latin-1") if content_type else None,
        b"".join(message.get("body", b"") for message in body),
    )


def _claim_of(scope: Scope) -> Claim | None:
    claim: Claim | None = scope.get("state", {}).get(_CLAIM)
    return claim
