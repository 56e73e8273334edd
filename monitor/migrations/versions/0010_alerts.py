"""Watchlist alerts: one row per (watchlist, watch entry, event), enforced by a unique constraint.

Revision ID: 0010_alerts
Revises: 0002_service

The columns are spelled out here (not taken from monitor/store/schema.py)
so that this migration keeps creating the same table whatever the code becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_alerts"
down_revision = "0002_service"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("watchlist", sa.String(100), nullable=False),
        sa.Column("watch_entry", sa.String(500), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id"), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("snapshots.id"), nullable=False),
        sa.Column("list_id", sa.String(100), nullable=False),
        sa.Column("baseline", sa.Boolean(), nullable=False),
        sa.Column("matched_field", sa.String(20), nullable=False),
        sa.Column("matched_value", sa.Text(), nullable=False),
        sa.Column("watch_value", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("watchlist", "watch_entry", "event_id", name="uq_alerts_once"),
    )
    op.create_index("ix_alerts_snapshot", "alerts", ["snapshot_id"])
    op.create_index("ix_alerts_watchlist", "alerts", ["watchlist", "raised_at"])


def downgrade() -> None:
    op.drop_index("ix_alerts_watchlist", table_name="alerts")
    op.drop_index("ix_alerts_snapshot", table_name="alerts")
    op.drop_table("alerts")
