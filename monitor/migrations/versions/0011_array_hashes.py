"""Content hashes over the canonical JSON array of a record, not the stored JSON object.

Revision ID: 0011_array_hashes
Revises: 0010_alerts

Why: hashing every entry of every snapshot was a fifth of a replay's
bookkeeping; an array in a fixed field order hashes the same content without
building and sorting a dict per entry (``Record.canonical_fields``). Stored
hashes are recomputed from the stored records, so unchanged entries still
compare equal after the upgrade. The field order is spelled out here, not taken
from monitor/records.py, so this migration keeps computing the same hashes
whatever the code becomes. Downgrade restores the old hashes (the sha256 of the
stored JSON object, which is exactly what the old canonical form was).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0011_array_hashes"
down_revision = "0010_alerts"
branch_labels = None
depends_on = None

BATCH = 2000
_ARRAY = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_VERSIONS = sa.table(
    "entity_versions",
    sa.column("id", sa.Integer),
    sa.column("record", sa.Text),
    sa.column("content_hash", sa.String),
)


def array_hash(record_json: str) -> str:
    """The sha256 of the record's fields as a JSON array, in the order of revision 0011."""
    data = json.loads(record_json)
    fields = [
        data["key"],
        data["name"],
        data.get("entry_type", "unknown"),
        data.get("source_list", ""),
        data.get("programs", []),
        data.get("aliases", []),
        data.get("countries", []),
        data.get("addresses", []),
        data.get("identifiers", []),
        data.get("birth_dates", []),
        data.get("effective_date"),
        data.get("notice", ""),
        data.get("remarks", ""),
        sorted(data.get("extra", {}).items()),
    ]
    return hashlib.sha256(_ARRAY.encode(fields).encode("utf-8")).hexdigest()


def object_hash(record_json: str) -> str:
    """The hash before revision 0011: the sha256 of the stored JSON object itself."""
    return hashlib.sha256(record_json.encode("utf-8")).hexdigest()


def _rehash(compute: Callable[[str], str]) -> None:
    """Recompute every stored hash, a batch of rows at a time (bounded memory)."""
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(_VERSIONS.c.id, _VERSIONS.c.record)
            .where(_VERSIONS.c.id > last_id)
            .order_by(_VERSIONS.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            _VERSIONS.update()
            .where(_VERSIONS.c.id == sa.bindparam("row_id"))
            .values(content_hash=sa.bindparam("new_hash")),
            [{"row_id": row.id, "new_hash": compute(row.record)} for row in rows],
        )
        last_id = rows[-1].id


def upgrade() -> None:
    _rehash(array_hash)


def downgrade() -> None:
    _rehash(object_hash)
