"""Day roll-ups for the lead's report, filled from the turns already stored.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _of_conversation() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", "conversation_id"],
        ["conversations.tenant_id", "conversations.id"],
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "report_days",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("customer_type", sa.String(32), nullable=False),
        sa.Column("root_cause", sa.String(32), nullable=False),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("flagged_turns", sa.Integer(), nullable=False),
        sa.Column("sentiment_sum", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "day", "customer_type", "root_cause"),
    )
    op.create_table(
        "report_conversation_days",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("flagged_turns", sa.Integer(), nullable=False),
        sa.Column("previous_day", sa.Date(), nullable=True),
        sa.Column("previous_flagged_day", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "day", "conversation_id"),
        _of_conversation(),
    )
    op.create_index(
        "ix_report_conversation_days_conversation",
        "report_conversation_days",
        ["tenant_id", "conversation_id", "day"],
    )
    op.create_index(
        "ix_report_conversation_days_report",
        "report_conversation_days",
        ["tenant_id", "day", "previous_day", "previous_flagged_day", "flagged_turns"],
    )
    op.create_table(
        "report_trigger_days",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("root_cause", sa.String(32), nullable=False),
        sa.Column("trigger", sa.String(32), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("raised", sa.Integer(), nullable=False),
        sa.Column("previous_day", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "day", "root_cause", "trigger", "conversation_id"),
        _of_conversation(),
    )
    op.create_index(
        "ix_report_trigger_days_conversation",
        "report_trigger_days",
        ["tenant_id", "conversation_id", "root_cause", "trigger", "day"],
    )
    op.create_index(
        "ix_report_trigger_days_report",
        "report_trigger_days",
        ["tenant_id", "root_cause", "trigger", "previous_day", "day", "raised"],
    )
    _fill_from_turns()
    # The report no longer reads the turns: the index 0005 added for it only slows writes.
    op.drop_index("ix_turns_tenant_id_at_report", table_name="turns")


def _fill_from_turns() -> None:
    """Count the turns kept before this release, once (the service keeps them up from here)."""
    if op.get_bind().dialect.name == "postgresql":
        day = "(t.at AT TIME ZONE 'UTC')::date"
        elements = "json_array_elements(t.triggers) AS j(value)"
        kind = "j.value->>'type'"
    else:
        day = "substr(t.at, 1, 10)"  # SQLite keeps UTC as text that starts with the day
        elements = "json_each(t.triggers) AS j"
        kind = "json_extract(j.value, '$.type')"
    flagged = "SUM(CASE WHEN t.flagged > 0 THEN 1 ELSE 0 END)"
    op.execute(
        "INSERT INTO report_days (tenant_id, day, customer_type, root_cause, turns, "
        "flagged_turns, sentiment_sum) "
        f"SELECT t.tenant_id, {day}, t.customer_type, COALESCE(t.root_cause, ''), COUNT(*), "
        f"{flagged}, SUM(t.sentiment_score) FROM turns t GROUP BY 1, 2, 3, 4"
    )
    op.execute(
        "INSERT INTO report_conversation_days (tenant_id, day, conversation_id, turns, "
        "flagged_turns) "
        f"SELECT t.tenant_id, {day}, t.conversation_id, COUNT(*), {flagged} "
        "FROM turns t GROUP BY 1, 2, 3"
    )
    op.execute(
        "INSERT INTO report_trigger_days (tenant_id, day, root_cause, trigger, "
        "conversation_id, raised) "
        f"SELECT t.tenant_id, {day}, COALESCE(t.root_cause, ''), {kind}, t.conversation_id, "
        f"COUNT(*) FROM turns t, {elements} WHERE t.flagged > 0 GROUP BY 1, 2, 3, 4, 5"
    )
    same_conversation = (
        "p.tenant_id = r.tenant_id AND p.conversation_id = r.conversation_id AND p.day < r.day"
    )
    op.execute(
        "UPDATE report_conversation_days AS r SET "
        f"previous_day = (SELECT MAX(p.day) FROM report_conversation_days p "
        f"WHERE {same_conversation}), "
        f"previous_flagged_day = (SELECT MAX(p.day) FROM report_conversation_days p "
        f"WHERE {same_conversation} AND p.flagged_turns > 0)"
    )
    op.execute(
        "UPDATE report_trigger_days AS r SET previous_day = (SELECT MAX(p.day) "
        f"FROM report_trigger_days p WHERE {same_conversation} "
        "AND p.root_cause = r.root_cause AND p.trigger = r.trigger)"
    )


def downgrade() -> None:
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
    op.drop_index("ix_report_trigger_days_report", table_name="report_trigger_days")
    op.drop_index("ix_report_trigger_days_conversation", table_name="report_trigger_days")
    op.drop_table("report_trigger_days")
    op.drop_index("ix_report_conversation_days_conversation", table_name="report_conversation_days")
    op.drop_table("report_conversation_days")
    op.drop_table("report_days")
