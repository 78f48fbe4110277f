"""The conversation store's database: tables, engines and migrations (app/migrations)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Dialect,
    Engine,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    create_engine,
    event,
    make_url,
    text,
)
from sqlalchemy.engine import URL
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

ID_LENGTH = 128  # app.schemas.MAX_ID_CHARS: the longest id a client may send
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


class ConversationRow(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    # The team the conversation belongs to; every read and write is filtered on it.
    tenant_id: Mapped[str] = mapped_column(String(64), index=True, server_default="default")
    customer_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    # The last turn or outcome: what retention counts from.
    updated_at: Mapped[datetime] = mapped_column(index=True)


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (Index("ix_turns_conversation_id_id", "conversation_id", "id"),)

    # Autoincrement ids give the order of turns, even for turns with the same timestamp.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(16))  # a conversation may move channels
    text: Mapped[str | None] = mapped_column(Text)
    sentiment_label: Mapped[str] = mapped_column(String(16))
    sentiment_score: Mapped[float] = mapped_column(Float)
    customer_type: Mapped[str] = mapped_column(String(32))
    intensity: Mapped[float] = mapped_column(Float)
    root_cause: Mapped[str | None] = mapped_column(String(32))
    triggers: Mapped[list[Any]]
    responses_suggested: Mapped[list[Any]]


class OutcomeRow(Base):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    resolved: Mapped[bool]
    satisfaction: Mapped[int | None]
    responses_used: Mapped[list[Any]]
    commitments: Mapped[list[Any]]
    actions: Mapped[list[Any]]
    note: Mapped[str | None] = mapped_column(Text)


class FollowUpRow(Base):
    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(Text)


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
    """Upgrade the schema to the latest revision in app/migrations, inside conn's transaction."""
    if conn.dialect.name == "postgresql":
        # Two workers starting together would otherwise both create the tables.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
