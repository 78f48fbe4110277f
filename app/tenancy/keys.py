"""API keys: made, hashed, looked up, listed and revoked; the plain key is shown only once.

A key reads `tri_<kind>_<40 random letters and digits>` (ak admin, sk service, pk widget, the
publishable one, tk agent, for training, lk lead). Only its SHA-256 is kept, with its first 15
characters to find and show it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast, get_args

from sqlalchemy import Connection, insert, select, update

from app.core.errors import InvalidRequestError, StoreUnavailableError
from app.store.conversations import ConversationStore
from app.store.db import ApiKeyRow, TenantRow
from app.tenancy.tenants import TENANT_ID_PATTERN, ensure_tenant, normalise_origins

# What a key may do; the table of routes per role is in app.api.auth.
Role = Literal["admin", "service", "widget", "agent", "lead"]
ROLES: tuple[Role, ...] = get_args(Role)
ROLE_PREFIX: dict[Role, str] = {
    "admin": "ak",
    "service": "sk",
    "widget": "pk",
    "agent": "tk",  # training: an agent's key reaches only its own practice sessions
    "lead": "lk",
}
SECRET_CHARS = 40  # about 238 bits: far beyond guessing, so a plain SHA-256 is enough
PREFIX_CHARS = 15  # "tri_pk_" and 8 random characters
_ALPHABET = string.ascii_letters + string.digits
_KEY = re.compile(rf"^tri_({'|'.join(ROLE_PREFIX.values())})_[A-Za-z0-9]{{{SECRET_CHARS}}}$")


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key as an admin sees it: never the key itself."""

    id: str
    tenant_id: str
    role: Role
    name: str | None
    prefix: str
    allowed_origins: list[str]
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewKey:
    key: ApiKey
    secret: str  # the plain key: returned once, then only its hash exists


@dataclass(frozen=True, slots=True)
class VerifiedKey:
    """Who a valid key speaks for; origins are the key's and its tenant's together."""

    key_id: str
    tenant_id: str
    role: Role
    origins: frozenset[str]
    name: str | None = None  # what the key is for; an agent key's name is the agent's


def generate(role: Role) -> str:
    random_part = "".join(secrets.choice(_ALPHABET) for _ in range(SECRET_CHARS))
    return f"tri_{ROLE_PREFIX[role]}_{random_part}"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_tenant_id(tenant_id: str) -> str:
    if not re.match(TENANT_ID_PATTERN, tenant_id):
        raise InvalidRequestError(
            f"tenant {tenant_id!r}: use 1 to 64 lower-case letters, digits, '-' or '_'"
        )
    return tenant_id


def create_key(
    store: ConversationStore,
    tenant_id: str,
    role: Role,
    *,
    name: str | None = None,
    origins: Sequence[str] = (),
) -> NewKey:
    """Make a key for the tenant (created if new) and keep its hash."""
    check_tenant_id(tenant_id)
    if role not in ROLES:
        raise InvalidRequestError(f"role {role!r}: one of {', '.join(ROLES)}")
    allowed = normalise_origins(list(origins))
    if allowed and role != "widget":
        raise InvalidRequestError("origins apply to widget keys only")
    secret = generate(role)
    key = ApiKey(
        id=f"key_{secrets.token_hex(8)}",
        tenant_id=tenant_id,
        role=role,
        name=name,
        prefix=secret[:PREFIX_CHARS],
        allowed_origins=allowed,
        created_at=datetime.now(UTC),
        revoked_at=None,
    )

    def work(conn: Connection) -> None:
        ensure_tenant(conn, tenant_id)
        values = {name: getattr(key, name) for name in ApiKey.__dataclass_fields__}
        conn.execute(insert(ApiKeyRow).values(secret_hash=digest(secret), **values))

    store.transaction(work, write=True)
    return NewKey(key, secret)


def list_keys(store: ConversationStore, tenant_id: str) -> list[ApiKey]:
    """The tenant's keys, revoked ones included, oldest first."""
    query = select(ApiKeyRow).where(ApiKeyRow.tenant_id == tenant_id)
    query = query.order_by(ApiKeyRow.created_at, ApiKeyRow.id)
    rows = store.transaction(lambda conn: conn.execute(query).all())
    return [_key(row) for row in rows]


def revoke_key(store: ConversationStore, tenant_id: str, key_id: str) -> ApiKey | None:
    """Revoke the tenant's key (again is harmless); None when the tenant has no such key."""
    mine = (ApiKeyRow.tenant_id == tenant_id) & (ApiKeyRow.id == key_id)

    def work(conn: Connection) -> ApiKey | None:
        revoke = update(ApiKeyRow).where(mine & ApiKeyRow.revoked_at.is_(None))
        conn.execute(revoke.values(revoked_at=datetime.now(UTC)))
        row = conn.execute(select(ApiKeyRow).where(mine)).first()
        return _key(row) if row else None

    return store.transaction(work, write=True)


def find_key(store: ConversationStore, secret: str) -> VerifiedKey | None:
    """The live key matching `secret`, or None; the hash is compared in constant time."""
    if not _KEY.match(secret):
        return None
    wanted = digest(secret)
    query = (
        select(
            ApiKeyRow.id,
            ApiKeyRow.tenant_id,
            ApiKeyRow.role,
            ApiKeyRow.name,
            ApiKeyRow.secret_hash,
            ApiKeyRow.allowed_origins,
            TenantRow.allowed_origins.label("tenant_origins"),
        )
        .join(TenantRow, TenantRow.id == ApiKeyRow.tenant_id)
        .where(ApiKeyRow.prefix == secret[:PREFIX_CHARS], ApiKeyRow.revoked_at.is_(None))
    )
    rows = store.transaction(lambda conn: conn.execute(query).all())
    for row in rows:
        if hmac.compare_digest(row.secret_hash, wanted):
            return VerifiedKey(
                key_id=row.id,
                tenant_id=row.tenant_id,
                role=cast(Role, row.role),
                origins=frozenset([*row.allowed_origins, *row.tenant_origins]),
                name=row.name,
            )
    return None


class KeyRing:
    """Checks every key against the database, so a revoked key stops at once on every replica.

    While the database is unreachable, a key verified in the last `grace` seconds still
    works, so triage keeps answering through a short outage as it does without auth.
    """

    def __init__(
        self,
        store: Callable[[], ConversationStore | None],
        *,
        grace: float,
        max_entries: int = 10_000,
    ) -> None:
        self._store = store
        self._grace = grace
        self._max_entries = max_entries
        self._recent: dict[str, tuple[float, VerifiedKey]] = {}
        self._lock = threading.Lock()

    def verify(self, secret: str) -> VerifiedKey | None:
        """The key's owner, None for an unknown or revoked key.

        Raises StoreUnavailableError when the database cannot say and the key was not
        verified recently.
        """
        wanted = digest(secret)
        try:
            store = self._store()
            if store is None:
                raise StoreUnavailableError("the key store is unavailable; retry shortly")
            found = find_key(store, secret)
        except StoreUnavailableError:
            with self._lock:
                verified_at, known = self._recent.get(wanted, (float("-inf"), None))
            if known is not None and time.monotonic() - verified_at < self._grace:
                return known
            raise
        with self._lock:
            self._recent.pop(wanted, None)
            if found is not None:
                self._recent[wanted] = (time.monotonic(), found)
                while len(self._recent) > self._max_entries:
                    self._recent.pop(next(iter(self._recent)))  # the least recently verified
        return found

    def forget(self, key_id: str) -> None:
        """Drop a revoked key from memory, so not even an outage revives it here."""
        with self._lock:
            for wanted in [w for w, (_, k) in self._recent.items() if k.key_id == key_id]:
                del self._recent[wanted]


def _key(row: Any) -> ApiKey:
    return ApiKey(
        id=row.id,
        tenant_id=row.tenant_id,
        role=cast(Role, row.role),
        name=row.name,
        prefix=row.prefix,
        allowed_origins=list(row.allowed_origins),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def widget_origins(store: ConversationStore) -> frozenset[str]:
    """Every origin a live widget key may be used from: its own and its tenant's."""
    tenants = (
        select(TenantRow.allowed_origins)
        .join(ApiKeyRow, ApiKeyRow.tenant_id == TenantRow.id)
        .where(ApiKeyRow.role == "widget", ApiKeyRow.revoked_at.is_(None))
    )
    keys = select(ApiKeyRow.allowed_origins).where(
        ApiKeyRow.role == "widget", ApiKeyRow.revoked_at.is_(None)
    )

    def work(conn: Connection) -> frozenset[str]:
        lists = [*conn.execute(tenants).scalars(), *conn.execute(keys).scalars()]
        return frozenset(origin for origins in lists for origin in origins)

    return store.transaction(work)
