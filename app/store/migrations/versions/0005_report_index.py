"""The lead's report at scale: a count of triggers per turn and an index the report reads.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("turns", sa.Column("flagged", sa.Integer(), server_default="0", nullable=False))
    # Turns kept before this release: counted from their JSON, once.
    op.execute("UPDATE turns SET flagged = json_array_length(triggers)")
    op.create_index(
        "ix_turns_tenant_id_at_report",
        "turns",
        [
            "tenant_id",
            "at",
            "customer_type",
            "root_cause",
            "sentiment_score",
            "flagged",
            "conversation_id",
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_turns_tenant_id_at_report", table_name="turns")
    op.drop_column("turns", "flagged")
