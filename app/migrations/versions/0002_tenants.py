"""Tenants, API keys, per-tenant banks and settings.

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


def upgrade() -> None:
    # Conversations kept before tenants existed belong to the default tenant.
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(
            sa.Column("tenant_id", sa.String(64), nullable=False, server_default="default")
        )
    op.create_index("ix_conversations_tenant_id", "conversations", ["tenant_id"])


def downgrade() -> None:
    op.drop_index("ix_conversations_tenant_id", "conversations")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("tenant_id")
