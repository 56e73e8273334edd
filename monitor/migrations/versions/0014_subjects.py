"""Subjects: one real-world party across lists, its members and the evidence linking them.

Revision ID: 0014_subjects
Revises: 0013_events_effective_observed

Why: the same company is on several lists (OFAC's non-SDN list and the trade.gov
CSL that republishes it); reports, history and alerts speak of it once. The
tables start empty: versions applied from now on fill them, in the transaction
that applies each version; a database that holds history already is filled by
``db relink-subjects`` (or a replay into a new database). The columns are spelled
out here, not taken from monitor/store/schema.py, so this migration keeps
creating the same tables whatever the code becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_subjects"
down_revision = "0013_events_effective_observed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subjects",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("entry_type", sa.String(20), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("snapshots.id"), nullable=False),
    )
    op.create_table(
        "subject_members",
        sa.Column("list_id", sa.String(100), primary_key=True),
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("subject_id", sa.Integer(), sa.ForeignKey("subjects.id"), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("strength", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("linked_list", sa.String(100), nullable=False),
        sa.Column("linked_key", sa.Text(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("snapshots.id"), nullable=False),
    )
    op.create_index("ix_subject_members_subject", "subject_members", ["subject_id"])
    op.create_table(
        "subject_tokens",
        sa.Column("list_id", sa.String(100), primary_key=True),
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("token", sa.Text(), primary_key=True),
        sa.Column("strength", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
    )
    op.create_index("ix_subject_tokens_token", "subject_tokens", ["token"])


def downgrade() -> None:
    op.drop_index("ix_subject_tokens_token", table_name="subject_tokens")
    op.drop_table("subject_tokens")
    op.drop_index("ix_subject_members_subject", table_name="subject_members")
    op.drop_table("subject_members")
    op.drop_table("subjects")
