"""Conversations, their turns, outcomes and follow-ups.

Revision ID: 0001
Revises:
Create Date: 2025-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _child(name: str, *columns: sa.Column[object]) -> None:
    """A table that belongs to one conversation and goes when the conversation goes."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id",
            sa.String(128),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        *columns,
    )


def upgrade() -> None:
    aware = sa.DateTime(timezone=True)
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("customer_id", sa.String(128), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("created_at", aware, nullable=False),
        sa.Column("updated_at", aware, nullable=False),
    )
    op.create_index("ix_conversations_customer_id", "conversations", ["customer_id"])
    op.create_index("ix_conversations_updated_at", "conversations", ["updated_at"])
    _child(
        "turns",
        sa.Column("at", aware, nullable=False),
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
    op.create_index("ix_turns_conversation_id_id", "turns", ["conversation_id", "id"])
    _child(
        "outcomes",
        sa.Column("at", aware, nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("responses_used", sa.JSON(), nullable=False),
        sa.Column("commitments", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_outcomes_conversation_id", "outcomes", ["conversation_id"])
    _child(
        "follow_ups",
        sa.Column("due_at", aware, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_follow_ups_conversation_id", "follow_ups", ["conversation_id"])
    op.create_index("ix_follow_ups_due_at", "follow_ups", ["due_at"])


def downgrade() -> None:
    for table in ("follow_ups", "outcomes", "turns", "conversations"):
        op.drop_table(table)
