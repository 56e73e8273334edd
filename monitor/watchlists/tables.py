"""The alerts table (migration 0010): one row per watch entry and event, never two.

The unique constraint on (watchlist, watch entry, event) is what makes alerts
fire on change only: a re-run, a restart or a replay of the same snapshot can
try to raise an alert again, and the database refuses it.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from monitor.store.schema import metadata

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watchlist", String(100), nullable=False),
    Column("watch_entry", String(500), nullable=False),
    Column("event_id", Integer, ForeignKey("events.id"), nullable=False),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("list_id", String(100), nullable=False),
    # A match in a list's first snapshot: "already listed at baseline", not news.
    Column("baseline", Boolean, nullable=False, default=False),
    Column("matched_field", String(20), nullable=False),
    Column("matched_value", Text, nullable=False),
    Column("watch_value", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("why", Text, nullable=False, default=""),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    UniqueConstraint("watchlist", "watch_entry", "event_id", name="uq_alerts_once"),
)
Index("ix_alerts_snapshot", alerts.c.snapshot_id)
Index("ix_alerts_watchlist", alerts.c.watchlist, alerts.c.raised_at)
