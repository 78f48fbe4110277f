"""Helpdesk webhook deliveries and write-back jobs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    aware = sa.DateTime(timezone=True)
    op.create_table(
        "integrations",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("base_url", sa.String(300), nullable=False),
        sa.Column("credentials", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", aware, nullable=False),
        sa.Column("updated_at", aware, nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("delivery_id", sa.String(128), nullable=False),
        sa.Column("ticket_id", sa.String(100), nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=True),
        sa.Column("steps_done", sa.JSON(), nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("received_at", aware, nullable=False),
        sa.Column("next_attempt_at", aware, nullable=False),
        sa.Column("updated_at", aware, nullable=False),
        sa.UniqueConstraint(
            "tenant_id", "platform", "delivery_id", name="uq_webhook_deliveries_id"
        ),
    )
    op.create_index(
        "ix_webhook_deliveries_status_next_attempt_at",
        "webhook_deliveries",
        ["status", "next_attempt_at"],
    )
    op.create_index("ix_webhook_deliveries_updated_at", "webhook_deliveries", ["updated_at"])


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("integrations")
