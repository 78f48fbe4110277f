"""Idempotency keys in the database: a request claimed once, its answer kept for retries."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from app.core.config import Settings
from app.core.errors import (
    IdempotencyInProgressError,
    IdempotencyKeyReusedError,
    StoreUnavailableError,
)
from app.store.db import (
    IdempotencyKeyRow,
    create_store_engine,
    run_transaction,
)

log = logging.getLogger("triage.idempotency")
T = TypeVar("T")
HEADER = "Idempotency-Key"
_PURGE_EVERY = timedelta(minutes=10)
_MIN_LEASE = timedelta(seconds=30)


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
            return run_transaction(self._writer, work, store="idempotency store")
        except DBAPIError as exc:
            # Any other failure still means the key cannot be checked: never run the work twice.
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
