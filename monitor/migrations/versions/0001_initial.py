"""Initial schema: lists, snapshots, temporal entity versions, events, deliveries.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from monitor.store.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = ("lists", "snapshots", "entity_versions", "events", "deliveries")


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind, tables=[metadata.tables[name] for name in TABLES])


def downgrade() -> None:
    bind = op.get_bind()
    metadata.drop_all(bind, tables=[metadata.tables[name] for name in reversed(TABLES)])
