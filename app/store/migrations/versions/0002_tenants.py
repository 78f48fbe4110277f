"""Tenants, API keys, per-tenant banks and settings; conversations keyed by tenant.

A conversation is now identified by (tenant_id, id), so two tenants may use the same
conversation id; turns, outcomes and follow-ups carry the tenant to point at it. Everything
kept before tenants existed belongs to the default tenant.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHILDREN = ("turns", "outcomes", "follow_ups")
AWARE = sa.DateTime(timezone=True)


def _tenant() -> sa.Column[str]:
    return sa.Column("tenant_id", sa.String(64), nullable=False, server_default="default")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_conversation_tables()
    else:
        _alter_conversation_tables()
    op.create_index(
        "ix_conversations_tenant_id_customer_id", "conversations", ["tenant_id", "customer_id"]
    )
    op.create_index(
        "ix_turns_tenant_id_conversation_id_id", "turns", ["tenant_id", "conversation_id", "id"]
    )
    for child in ("outcomes", "follow_ups"):
        op.create_index(
            f"ix_{child}_tenant_id_conversation_id", child, ["tenant_id", "conversation_id"]
        )
    _create_tenant_tables()


def _alter_conversation_tables() -> None:
    """PostgreSQL: add the tenant, move the primary key, point the children at it."""
    for child in CHILDREN:
        op.add_column(child, _tenant())
        op.drop_constraint(f"{child}_conversation_id_fkey", child, type_="foreignkey")
    op.add_column("conversations", _tenant())
    op.drop_constraint("conversations_pkey", "conversations", type_="primary")
    op.create_primary_key("conversations_pkey", "conversations", ["tenant_id", "id"])
    for child in CHILDREN:
        op.create_foreign_key(
            f"{child}_tenant_id_conversation_id_fkey",
            child,
            "conversations",
            ["tenant_id", "conversation_id"],
            ["tenant_id", "id"],
            ondelete="CASCADE",
        )
    # Lookups now start with the tenant: upgrade() adds the indexes that do.
    op.drop_index("ix_conversations_customer_id", "conversations")
    op.drop_index("ix_turns_conversation_id_id", "turns")
    op.drop_index("ix_outcomes_conversation_id", "outcomes")
    op.drop_index("ix_follow_ups_conversation_id", "follow_ups")


def _rebuild_conversation_tables() -> None:
    """SQLite cannot change a primary key: build new tables, copy, drop the old ones.

    The children are moved aside first and dropped before their old parent, so dropping the
    parent (an implicit DELETE under foreign_keys=ON) cascades into nothing.
    """
    for table in (*CHILDREN, "conversations"):
        op.rename_table(table, f"_old_{table}")  # SQLite rewrites the children's references
    op.create_table(
        "conversations",
        _tenant(),
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("customer_id", sa.String(128), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.Column("updated_at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    _child(
        "turns",
        sa.Column("at", AWARE, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("sentiment_label", sa.String(16), nullable=False),
        sa.Column("sentiment_score", sa.Float(), nullable=False),
        sa.Column("customer_type", sa.String(32), nullable=False),
        sa.Column("intensity", sa.Float(), nullable=False),
        sa.Column("root_cause", sa.String(32), nullable=True),
        sa.Column("triggers", sa.JSON(), nullable=False),
        sa.Column("responses_suggested", sa.JSON(), nullable=False),
    )
    _child(
        "outcomes",
        sa.Column("at", AWARE, nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("responses_used", sa.JSON(), nullable=False),
        sa.Column("commitments", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    _child(
        "follow_ups",
        sa.Column("due_at", AWARE, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    bind = op.get_bind()
    for table in ("conversations", *CHILDREN):
        old = sa.Table(f"_old_{table}", sa.MetaData(), autoload_with=bind)
        names = [c.name for c in old.columns]
        columns = ", ".join(names)
        # Ids are copied as they are: they give the order of turns.
        op.execute(
            f"INSERT INTO {table} (tenant_id, {columns}) SELECT 'default', {columns} "
            f"FROM _old_{table}"
        )
    for table in (*CHILDREN, "conversations"):
        op.drop_table(f"_old_{table}")  # its indexes go with it
    op.create_index("ix_conversations_updated_at", "conversations", ["updated_at"])
    op.create_index("ix_follow_ups_due_at", "follow_ups", ["due_at"])


def _child(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _tenant(),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["tenant_id", "conversation_id"],
            ["conversations.tenant_id", "conversations.id"],
            ondelete="CASCADE",
        ),
    )


def _create_tenant_tables() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant_id", sa.String(64), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.Column("revoked_at", AWARE, nullable=True),
    )
    op.create_index("ix_api_keys_tenant_id", "api_keys", ["tenant_id"])
    op.create_index("ix_api_keys_prefix", "api_keys", ["prefix"])
    op.create_index("ix_api_keys_secret_hash", "api_keys", ["secret_hash"], unique=True)
    op.create_table(
        "tenant_versions",
        sa.Column("tenant_id", sa.String(64), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("created_at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "kind", "version"),
    )


def downgrade() -> None:
    raise NotImplementedError(
        "0002 cannot be undone: two tenants may now hold the same conversation id"
    )
