"""Initial schema: lists, snapshots, temporal entity versions, events, deliveries.

Revision ID: 0001
Revises:

The tables are spelled out here (this revision used to create them from
schema.py, which would have changed what it creates whenever the schema
changed); tests/test_migrations.py checks that the migrations together still
build exactly what schema.py describes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "lists",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("format", sa.String(50), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(100), sa.ForeignKey("lists.id"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("source_uri", sa.Text(), nullable=False),
        sa.Column("format", sa.String(50), nullable=False),
        sa.Column("observed_at", UTC_TIME, nullable=False),
        sa.Column("published_at", UTC_TIME),
        sa.Column("recorded_at", UTC_TIME, nullable=False),
        sa.Column("record_count", sa.Integer()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("baseline", sa.Boolean(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
    )
    op.create_index("ix_snapshots_version", "snapshots", ["list_id", "sha256", "observed_at"])
    op.create_index("ix_snapshots_list_observed", "snapshots", ["list_id", "observed_at"])
    op.create_table(
        "entity_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(100), sa.ForeignKey("lists.id"), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Integer(), sa.ForeignKey("snapshots.id"), nullable=False),
        sa.Column("valid_to", sa.Integer(), sa.ForeignKey("snapshots.id")),
    )
    op.create_index("ix_versions_list_key", "entity_versions", ["list_id", "key"])
    op.create_index("ix_versions_current", "entity_versions", ["list_id", "valid_to"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(100), sa.ForeignKey("lists.id"), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("snapshots.id"), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("previous_key", sa.Text()),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("entry_type", sa.String(20), nullable=False),
        sa.Column("source_list", sa.String(200), nullable=False),
        sa.Column("programs", sa.JSON(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("notice", sa.Text(), nullable=False),
        sa.Column("effective_date", sa.Date()),
        sa.Column("observed_at", UTC_TIME, nullable=False),
        sa.Column("baseline", sa.Boolean(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
    )
    op.create_index("ix_events_list_observed", "events", ["list_id", "observed_at"])
    op.create_index("ix_events_effective", "events", ["effective_date"])
    op.create_index("ix_events_key", "events", ["list_id", "key"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("snapshots.id")),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("next_attempt_at", UTC_TIME),
        sa.Column("sent_at", UTC_TIME),
    )
    op.create_index("ix_deliveries_status", "deliveries", ["status", "channel"])


def downgrade() -> None:
    for table in ("deliveries", "events", "entity_versions", "snapshots", "lists"):
        op.drop_table(table)
