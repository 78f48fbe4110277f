"""Alembic environment: migrates the connection ConversationStore.open hands over, or a URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from app.store.db import Base

config = context.config


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: later revisions rebuild tables in batch mode.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run them on a database")

given: Connection | None = config.attributes.get("connection")
if given is not None:
    run_migrations(given)
else:
    # The alembic command line, with sqlalchemy.url set in the ini file it was given.
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        run_migrations(connection)
    engine.dispose()
