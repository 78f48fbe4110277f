"""Practice sessions: agents rehearsing difficult customers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    aware = sa.DateTime(timezone=True)
    op.create_table(
        "practice_sessions",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("agent", sa.String(128), nullable=False),
        sa.Column("agent_name", sa.String(100), nullable=True),
        sa.Column("scenario_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("started_at", aware, nullable=False),
        sa.Column("updated_at", aware, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index(
        "ix_practice_sessions_tenant_id_agent_started_at",
        "practice_sessions",
        ["tenant_id", "agent", "started_at"],
    )
    op.create_index(
        "ix_practice_sessions_tenant_id_started_at",
        "practice_sessions",
        ["tenant_id", "started_at"],
    )


def downgrade() -> None:
    op.drop_table("practice_sessions")
