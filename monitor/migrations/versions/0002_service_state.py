"""Service state: what the daemon remembers per list between checks.

Revision ID: 0002_service
Revises: 0001

The columns are spelled out here (not taken from schema.py) so that this
migration keeps creating the same table whatever the schema becomes later.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_service"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_state",
        sa.Column("list_id", sa.String(100), primary_key=True),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.Column("file_stamp", sa.Text()),
        sa.Column("seen", sa.JSON(), nullable=False),
        sa.Column("last_check_at", sa.DateTime(timezone=True)),
        sa.Column("last_outcome", sa.String(20), nullable=False),
        sa.Column("last_message", sa.Text(), nullable=False),
        sa.Column("last_ok_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("error_since", sa.DateTime(timezone=True)),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("list_state")
