"""Raw-unit fingerprints: each current entry's unit hash and key, so unchanged units are not parsed.

Revision ID: 0012_unit_fingerprints
Revises: 0011_array_hashes

Why: a new version of a list changes a few dozen of its thousands of entries, yet
parsing every entry was most of a replay. The rows say which raw unit (a CSV row
with its sibling rows, an XML element) produced which current key; ``unit_sets``
says which applied snapshot and which code they belong to. The tables start empty:
the next version of each list is parsed in full and fills them. The columns are
spelled out here (not taken from monitor/store/schema.py) so that this migration
keeps creating the same tables whatever the code becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_unit_fingerprints"
down_revision = "0011_array_hashes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_sets",
        sa.Column("list_id", sa.String(100), sa.ForeignKey("lists.id"), primary_key=True),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(100), nullable=False),
    )
    op.create_table(
        "unit_fingerprints",
        sa.Column("list_id", sa.String(100), sa.ForeignKey("lists.id"), primary_key=True),
        sa.Column("fingerprint", sa.String(32), primary_key=True),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("fields", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("unit_fingerprints")
    op.drop_table("unit_sets")
