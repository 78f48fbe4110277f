"""Per-tenant response banks, settings and practice scenarios: validated, versioned, rolled back.

Versions only ever grow: publishing or rolling back adds version n + 1, so a replica that
sees a higher number knows to reload. Version 0 is the deployment's own bank or settings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.core.config import Settings, Thresholds
from app.core.errors import InvalidRequestError, VersionNotFoundError
from app.core.labels import Priority, TriggerType
from app.replies.bank import ResponseBank, _describe
from app.store.conversations import ConversationStore
from app.store.db import TenantRow, TenantVersionRow

# A practice scenario set ("scenarios") is validated by app.practice.library, above this one.
Kind = Literal["bank", "settings", "scenarios"]
KINDS: tuple[Kind, ...] = ("bank", "settings", "scenarios")
TENANT_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")
MAX_ORIGINS = 50


class SettingsOverrides(BaseModel):
    """What a tenant may change of the deployment's settings; everything else stays shared."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    thresholds: dict[str, Any] = Field(
        default_factory=dict,
        description="Any of the deployment's thresholds (TRIAGE_THRESHOLD_*), by field name.",
    )
    refund_limit: float | None = Field(None, ge=0)
    discount_limit: float | None = Field(None, ge=0)
    trigger_priority: dict[TriggerType, Priority] = Field(default_factory=dict)

    @field_validator("thresholds")
    @classmethod
    def _valid_thresholds(cls, given: dict[str, Any]) -> dict[str, Any]:
        # Validated as the whole Thresholds model would be, but only the given names are kept.
        try:
            checked = Thresholds.model_validate(given)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            raise ValueError(problems) from None
        kept = checked.model_dump(include=set(given))
        try:
            json.dumps(kept, allow_nan=False)  # kept as JSON, which has no infinity
        except ValueError:
            raise ValueError("thresholds must be finite numbers") from None
        return kept

    def applied_to(self, settings: Settings) -> Settings:
        """The deployment's settings with these overrides on top."""
        update: dict[str, Any] = {
            "thresholds": settings.thresholds.model_copy(update=self.thresholds),
            "trigger_priority": {**settings.trigger_priority, **self.trigger_priority},
        }
        if self.refund_limit is not None:
            update["refund_limit"] = self.refund_limit
        if self.discount_limit is not None:
            update["discount_limit"] = self.discount_limit
        return settings.model_copy(update=update)


def parse_bank(raw: object) -> ResponseBank:
    """A bank document (the format of app/resources/response_bank.yaml), validated.

    Raises InvalidRequestError naming the bad entry and field.
    """
    if not isinstance(raw, dict):
        raise InvalidRequestError("a response bank is a mapping with version and entries")
    try:
        return ResponseBank.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_describe(error, raw) for error in exc.errors())
        raise InvalidRequestError(f"invalid response bank: {problems}") from exc


def parse_settings(raw: object) -> SettingsOverrides:
    """Settings overrides, validated; InvalidRequestError names each bad field."""
    try:
        return SettingsOverrides.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidRequestError(f"invalid settings: {problems}") from exc


def normalise_origins(origins: list[str]) -> list[str]:
    """Origins as browsers send them (scheme://host[:port], lower case), deduplicated."""
    cleaned: list[str] = []
    for origin in origins:
        value = origin.strip().rstrip("/").lower()
        if not _ORIGIN.match(value):
            raise InvalidRequestError(
                f"{origin!r} is not an origin: write scheme://host[:port], no path"
            )
        if value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > MAX_ORIGINS:
        raise InvalidRequestError(f"at most {MAX_ORIGINS} origins")
    return cleaned


@dataclass(frozen=True, slots=True)
class ConfigVersion:
    version: int
    content: dict[str, Any] | None  # None: the deployment's own
    restored_from: int | None
    created_at: datetime | None  # None for version 0, which is never stored


DEPLOYMENT = ConfigVersion(version=0, content=None, restored_from=None, created_at=None)


def ensure_tenant(conn: Connection, tenant_id: str) -> None:
    """Create the tenant if new, and lock it: its writers then take turns, on both databases."""
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    new = dialect_insert(TenantRow).values(
        id=tenant_id, allowed_origins=[], created_at=datetime.now(UTC)
    )
    conn.execute(new.on_conflict_do_nothing(index_elements=["id"]))
    conn.execute(select(TenantRow.id).where(TenantRow.id == tenant_id).with_for_update())


def tenant_origins(store: ConversationStore, tenant_id: str) -> list[str]:
    query = select(TenantRow.allowed_origins).where(TenantRow.id == tenant_id)
    found = store.transaction(lambda conn: conn.execute(query).scalar())
    return list(found or [])


def set_tenant_origins(store: ConversationStore, tenant_id: str, origins: list[str]) -> list[str]:
    """Replace the pages allowed to use the tenant's widget keys."""
    cleaned = normalise_origins(origins)

    def work(conn: Connection) -> None:
        ensure_tenant(conn, tenant_id)
        query = update(TenantRow).where(TenantRow.id == tenant_id)
        conn.execute(query.values(allowed_origins=cleaned))

    store.transaction(work, write=True)
    return cleaned


def _row(row: Any) -> ConfigVersion:
    return ConfigVersion(row.version, row.content, row.restored_from, row.created_at)


def _mine(tenant_id: str, kind: Kind) -> Any:
    return (TenantVersionRow.tenant_id == tenant_id) & (TenantVersionRow.kind == kind)


def current_version(store: ConversationStore, tenant_id: str, kind: Kind) -> ConfigVersion:
    """The tenant's current bank or settings version; DEPLOYMENT before it ever set one."""
    query = select(TenantVersionRow).where(_mine(tenant_id, kind))
    query = query.order_by(TenantVersionRow.version.desc()).limit(1)
    row = store.transaction(lambda conn: conn.execute(query).first())
    return _row(row) if row else DEPLOYMENT


def list_versions(store: ConversationStore, tenant_id: str, kind: Kind) -> list[ConfigVersion]:
    """Every version, newest first, ending with version 0 (the deployment's own)."""
    query = select(TenantVersionRow).where(_mine(tenant_id, kind))
    query = query.order_by(TenantVersionRow.version.desc())
    rows = store.transaction(lambda conn: conn.execute(query).all())
    return [*(_row(row) for row in rows), DEPLOYMENT]


def latest_versions(store: ConversationStore, tenant_id: str) -> dict[Kind, int]:
    """The current version number of each kind: one small query, cheap to ask often."""
    query = select(TenantVersionRow.kind, func.max(TenantVersionRow.version))
    query = query.where(TenantVersionRow.tenant_id == tenant_id).group_by(TenantVersionRow.kind)
    rows = store.transaction(lambda conn: conn.execute(query).all())
    found = {kind: version for kind, version in rows}
    return {kind: int(found.get(kind, 0)) for kind in KINDS}


def publish(
    store: ConversationStore,
    tenant_id: str,
    kind: Kind,
    content: dict[str, Any] | None,
    *,
    restored_from: int | None = None,
) -> ConfigVersion:
    """Add the next version; it is current at once on every replica's next check."""

    def work(conn: Connection) -> ConfigVersion:
        ensure_tenant(conn, tenant_id)
        latest = select(func.max(TenantVersionRow.version)).where(_mine(tenant_id, kind))
        made = ConfigVersion(
            version=(conn.execute(latest).scalar() or 0) + 1,
            content=content,
            restored_from=restored_from,
            created_at=datetime.now(UTC),
        )
        values = {name: getattr(made, name) for name in ConfigVersion.__dataclass_fields__}
        conn.execute(insert(TenantVersionRow).values(tenant_id=tenant_id, kind=kind, **values))
        return made

    return store.transaction(work, write=True)


def rollback(store: ConversationStore, tenant_id: str, kind: Kind, version: int) -> ConfigVersion:
    """Make an earlier version current again, as a new version; 0 is the deployment's own."""
    if version == 0:
        return publish(store, tenant_id, kind, None, restored_from=0)
    query = select(TenantVersionRow.content).where(
        _mine(tenant_id, kind) & (TenantVersionRow.version == version)
    )
    found = store.transaction(lambda conn: conn.execute(query).first())
    if found is None:
        raise VersionNotFoundError(f"no {kind} version {version}")
    return publish(store, tenant_id, kind, found.content, restored_from=version)
