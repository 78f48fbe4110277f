"""The conversation store's database: tables, engines and migrations (app/store/migrations)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Dialect,
    Engine,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    make_url,
    text,
)
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from app.core.errors import StoreUnavailableError
from app.core.labels import DEFAULT_TENANT

ID_LENGTH = 128  # app.api.schemas.MAX_ID_CHARS: the longest id a client may send
TENANT_ID_LENGTH = 64
IDEMPOTENCY_KEY_LENGTH = 255
T = TypeVar("T")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "conversations.sqlite3"
_BUSY_TIMEOUT_MS = 5_000
_PG_CONNECT_TIMEOUT_S = 5
_MIGRATION_LOCK = 0x7472_6961_6765  # any constant: the PostgreSQL advisory lock key


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite would otherwise drop the offset silently."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware one")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


def _tenant_column() -> Mapped[str]:
    return mapped_column(String(TENANT_ID_LENGTH), server_default=DEFAULT_TENANT)


def _of_conversation() -> ForeignKeyConstraint:
    """A child row's link to its conversation: the tenant and the conversation id together."""
    return ForeignKeyConstraint(
        ["tenant_id", "conversation_id"],
        ["conversations.tenant_id", "conversations.id"],
        ondelete="CASCADE",
    )


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_tenant_id_customer_id", "tenant_id", "customer_id"),)

    # The team the conversation belongs to; every read and write is filtered on it, and two
    # teams may use the same conversation id without meeting.
    tenant_id: Mapped[str] = mapped_column(
        String(TENANT_ID_LENGTH), primary_key=True, server_default=DEFAULT_TENANT
    )
    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    # The last turn or outcome: what retention counts from.
    updated_at: Mapped[datetime] = mapped_column(index=True)


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (
        _of_conversation(),
        Index("ix_turns_tenant_id_conversation_id_id", "tenant_id", "conversation_id", "id"),
    )

    # Autoincrement ids give the order of turns, even for turns with the same timestamp.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_column()
    conversation_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(16))  # a conversation may move channels
    text: Mapped[str | None] = mapped_column(Text)
    sentiment_label: Mapped[str] = mapped_column(String(16))
    sentiment_score: Mapped[float] = mapped_column(Float)
    customer_type: Mapped[str] = mapped_column(String(32))
    intensity: Mapped[float] = mapped_column(Float)
    root_cause: Mapped[str | None] = mapped_column(String(32))
    triggers: Mapped[list[Any]]
    # How many triggers the turn raised: which turns a recount of the roll-ups opens the JSON of.
    flagged: Mapped[int] = mapped_column(Integer, server_default="0")
    responses_suggested: Mapped[list[Any]]


class OutcomeRow(Base):
    __tablename__ = "outcomes"
    __table_args__ = (
        _of_conversation(),
        Index("ix_outcomes_tenant_id_conversation_id", "tenant_id", "conversation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_column()
    conversation_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    at: Mapped[datetime]
    resolved: Mapped[bool]
    satisfaction: Mapped[int | None]
    responses_used: Mapped[list[Any]]
    commitments: Mapped[list[Any]]
    actions: Mapped[list[Any]]
    note: Mapped[str | None] = mapped_column(Text)


class FollowUpRow(Base):
    __tablename__ = "follow_ups"
    __table_args__ = (
        _of_conversation(),
        Index("ix_follow_ups_tenant_id_conversation_id", "tenant_id", "conversation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_column()
    conversation_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    due_at: Mapped[datetime] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(Text)


# The lead's report reads these day roll-ups, kept with every turn written or deleted, rather
# than the turns themselves: a 90-day report then reads a few thousand counts, not 300,000
# turns. A day is the turn's UTC date, the unit every report period is made of
# (app.insights.periods). Distinct conversations cannot be added up across days, so the
# per-conversation tables keep one row per conversation and day (none of them holds text).


class ReportDayRow(Base):
    """Turns per day, customer type and root cause ("" for none), with their sums."""

    __tablename__ = "report_days"

    tenant_id: Mapped[str] = mapped_column(String(TENANT_ID_LENGTH), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    customer_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    root_cause: Mapped[str] = mapped_column(String(32), primary_key=True)
    turns: Mapped[int]
    flagged_turns: Mapped[int]  # turns that raised at least one trigger
    sentiment_sum: Mapped[float] = mapped_column(Float)


class ReportConversationDayRow(Base):
    """A conversation's turns on one day, and its previous days with turns and with triggers.

    A conversation counts once in a period: on its first day there, the one whose previous
    day falls before the period. So distinct conversations are plain counts of these rows,
    grouped by (day, previous day), with no DISTINCT over the period's rows.
    """

    __tablename__ = "report_conversation_days"
    __table_args__ = (
        _of_conversation(),
        # A conversation's days in order: its deletion, and each row's previous day.
        Index("ix_report_conversation_days_conversation", "tenant_id", "conversation_id", "day"),
        Index(
            "ix_report_conversation_days_report",
            "tenant_id",
            "day",
            "previous_day",
            "previous_flagged_day",
            "flagged_turns",
        ),
    )

    tenant_id: Mapped[str] = mapped_column(String(TENANT_ID_LENGTH), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    turns: Mapped[int]
    flagged_turns: Mapped[int]
    previous_day: Mapped[date | None] = mapped_column(Date)
    previous_flagged_day: Mapped[date | None] = mapped_column(Date)  # the last one before


class ReportTriggerDayRow(Base):
    """Triggers a conversation raised on one day, by the turn's root cause ("" for none).

    `previous_day`: the conversation's last earlier day with the same cause and trigger, so a
    conversation counts once per (cause, trigger) in a period, as above.
    """

    __tablename__ = "report_trigger_days"
    __table_args__ = (
        _of_conversation(),
        Index(
            "ix_report_trigger_days_conversation",
            "tenant_id",
            "conversation_id",
            "root_cause",
            "trigger",
            "day",
        ),
        # In the report's GROUP BY order (no sort); the day is checked from the index.
        Index(
            "ix_report_trigger_days_report",
            "tenant_id",
            "root_cause",
            "trigger",
            "previous_day",
            "day",
            "raised",
        ),
    )

    tenant_id: Mapped[str] = mapped_column(String(TENANT_ID_LENGTH), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    root_cause: Mapped[str] = mapped_column(String(32), primary_key=True)
    trigger: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    raised: Mapped[int]
    previous_day: Mapped[date | None] = mapped_column(Date)


class TenantRow(Base):
    """A team sharing the deployment; created with its first key or its first setting."""

    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(TENANT_ID_LENGTH), primary_key=True)
    # Pages (scheme://host[:port]) whose chat widgets may call /v1/screen with a widget key.
    allowed_origins: Mapped[list[Any]]
    created_at: Mapped[datetime]


class ApiKeyRow(Base):
    """An API key: only its SHA-256 is kept; the key itself is shown once, at creation."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # public: to list and revoke
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(100))
    # The key's first characters: shown in lists, and where a lookup starts.
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), index=True, unique=True)  # SHA-256, hex
    allowed_origins: Mapped[list[Any]]  # widget keys: added to the tenant's own
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class TenantVersionRow(Base):
    """One version of a tenant's response bank or settings overrides; the highest is current.

    Versions are never changed: a rollback adds a new version with the old content, so every
    replica sees a change as a higher number.
    """

    __tablename__ = "tenant_versions"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # bank, settings, scenarios
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    content: Mapped[dict[str, Any] | None]  # None: the deployment's own bank or settings
    restored_from: Mapped[int | None]
    created_at: Mapped[datetime]


class IntegrationRow(Base):
    """A tenant's connection to a helpdesk (app.webhooks.integrations)."""

    __tablename__ = "integrations"

    tenant_id: Mapped[str] = mapped_column(String(TENANT_ID_LENGTH), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    secret: Mapped[str] = mapped_column(Text)  # webhook signing secret or token
    base_url: Mapped[str] = mapped_column(String(300))
    credentials: Mapped[dict[str, Any]]
    options: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class WebhookDeliveryRow(Base):
    """One helpdesk webhook delivery: queued, triaged, written back, once (app.webhooks.store)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The same delivery twice (a platform's retry, a replay) is one row: processed once.
        UniqueConstraint("tenant_id", "platform", "delivery_id", name="uq_webhook_deliveries_id"),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(TENANT_ID_LENGTH))
    platform: Mapped[str] = mapped_column(String(16))
    delivery_id: Mapped[str] = mapped_column(String(128))  # the platform's, or the body's hash
    ticket_id: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)  # erased once triaged
    status: Mapped[str] = mapped_column(String(16))  # queued, writing, done, failed
    attempts: Mapped[int]
    plan: Mapped[dict[str, Any] | None]  # what write-back puts on the ticket
    steps_done: Mapped[list[Any]]  # write-back steps already acknowledged by the platform
    last_error: Mapped[str | None] = mapped_column(String(300))
    received_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)


class IdempotencyKeyRow(Base):
    """A request sent with an Idempotency-Key and, once answered, its answer (app.api.idempotency).

    The stored body can quote the customer's message (trigger evidence): rows expire soon.
    """

    __tablename__ = "idempotency_keys"

    tenant_id: Mapped[str] = mapped_column(String(TENANT_ID_LENGTH), primary_key=True)
    key: Mapped[str] = mapped_column(String(IDEMPOTENCY_KEY_LENGTH), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    attempt: Mapped[str] = mapped_column(String(32))  # the attempt that holds the key
    status: Mapped[int | None]  # None while that attempt runs
    content_type: Mapped[str | None] = mapped_column(String(128))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    # An attempt still unanswered by then has died (a crash): a retry may take the key over.
    lease_until: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


def create_store_engine(url: str, *, data_dir: Path) -> Engine:
    """An engine for a sqlite or postgresql URL; "sqlite:///" is a file in data_dir."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, data_dir)
    if parsed.get_backend_name() == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is installed
        connect_args = {"connect_timeout": _PG_CONNECT_TIMEOUT_S}
        if "connect_timeout" in parsed.query:
            connect_args = {}
        # pre_ping: a connection the server dropped (restart, failover) is replaced, not used.
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    raise ValueError(f"unsupported store url {parsed!r}: use sqlite or postgresql+psycopg")


def _sqlite_engine(url: URL, data_dir: Path) -> Engine:
    if url.database == ":memory:":
        raise ValueError("an in-memory SQLite store would lose every conversation at exit")
    path = Path(url.database or SQLITE_FILE)
    path = path if path.is_absolute() else data_dir / path
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url.set(database=str(path)))

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy emits BEGIN itself (below): the driver's implicit one skips SELECTs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
        # FULL: a commit is on disk when it returns; NORMAL in WAL mode can lose the last
        # acknowledged commits if the machine goes down.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # ConversationStore asks writers for "BEGIN IMMEDIATE" with an execution option.
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', '')}")

    return engine


def migrate(conn: Connection) -> None:
    """Upgrade the schema to the latest revision in store/migrations, in conn's transaction."""
    if conn.dialect.name == "postgresql":
        # Two workers starting together would otherwise both create the tables.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


# For a locked SQLite file (each attempt waits out busy_timeout) or a PostgreSQL conflict.
TRANSACTION_ATTEMPTS = 3
_PG_RETRY_STATES = {"40001", "40P01"}  # serialization failure, deadlock detected


class RetryTransaction(Exception):
    """Raised by a unit of work whose rows changed under it: run it again from the start."""


def run_transaction(engine: Engine, work: Callable[[Connection], T], *, store: str) -> T:
    """Run `work(conn)` in one transaction, again when the database asks for it.

    The one retrying transaction of every store (conversations, idempotency keys, webhooks).
    A database that cannot be reached, a pool with no free connection, or work that keeps
    asking for a retry becomes StoreUnavailableError (503) naming `store`; other database
    errors, integrity errors included, propagate unchanged.
    """
    for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
        try:
            with engine.begin() as conn:
                return work(conn)
        except RetryTransaction:
            if attempt == TRANSACTION_ATTEMPTS:
                raise StoreUnavailableError(f"the {store}'s rows kept changing") from None
        except DBAPIError as exc:
            if attempt < TRANSACTION_ATTEMPTS and is_transient(exc):
                # Jitter, so two writers that collided do not collide again in step.
                time.sleep(random.uniform(0.01, 0.05) * attempt)
                continue
            if is_connection_failure(exc):
                raise StoreUnavailableError(f"{store} unavailable: {exc.orig}") from exc
            raise
        except PoolTimeoutError as exc:
            raise StoreUnavailableError(f"no free connection to the {store}") from exc
    raise AssertionError("unreachable")


def is_transient(exc: DBAPIError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in _PG_RETRY_STATES:
        return True
    message = str(exc.orig).lower()
    return isinstance(exc, OperationalError) and ("locked" in message or "busy" in message)


def is_connection_failure(exc: DBAPIError) -> bool:
    return exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError))


class PracticeSessionRow(Base):
    """One practice session: an agent rehearsing a scenario (app.practice.store).

    `state` is the whole simulation (app.practice.simulator.Session.to_dict); `version` grows
    with every saved reply, so two replies sent at once cannot both apply.
    """

    __tablename__ = "practice_sessions"
    __table_args__ = (
        # An agent's own sessions, newest first; and the lead's report over a period.
        Index(
            "ix_practice_sessions_tenant_id_agent_started_at", "tenant_id", "agent", "started_at"
        ),
        Index("ix_practice_sessions_tenant_id_started_at", "tenant_id", "started_at"),
    )

    tenant_id: Mapped[str] = mapped_column(String(TENANT_ID_LENGTH), primary_key=True)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4, hex
    agent: Mapped[str] = mapped_column(String(ID_LENGTH))  # the agent key's id, or a given name
    agent_name: Mapped[str | None] = mapped_column(String(100))  # the key's name, to show
    scenario_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # active, resolved, escalated, lost
    score: Mapped[int | None]  # 0-100 once ended
    state: Mapped[dict[str, Any]]
    version: Mapped[int]
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
