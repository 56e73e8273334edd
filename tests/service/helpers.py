"""Reading the database the way an operator would check it after a test."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from monitor.store import Store, open_engine
from monitor.store import schema as t


def snapshot(url: str) -> dict[str, Any]:
    """Everything a failed check must leave as it was."""
    store = Store(open_engine(url))
    try:
        with store.read() as connection:
            snapshots = [
                (row.status, row.sha256)
                for row in connection.execute(
                    select(t.snapshots.c.status, t.snapshots.c.sha256).order_by(t.snapshots.c.id)
                )
            ]
            current = connection.execute(
                select(func.count())
                .select_from(t.entity_versions)
                .where(t.entity_versions.c.valid_to.is_(None))
            ).scalar_one()
            events = connection.execute(select(func.count()).select_from(t.events)).scalar_one()
            deliveries = [
                (row.channel, row.status, row.snapshot_id)
                for row in connection.execute(select(t.deliveries).order_by(t.deliveries.c.id))
            ]
    finally:
        store.engine.dispose()
    return {
        "snapshots": snapshots,
        "current": current,
        "events": events,
        "deliveries": deliveries,
    }


def listed_names(url: str) -> list[str]:
    """Names of the non-baseline events, one per event (duplicates would show twice)."""
    store = Store(open_engine(url))
    try:
        with store.read() as connection:
            return [
                name
                for (name,) in connection.execute(
                    select(t.events.c.name).where(~t.events.c.baseline).order_by(t.events.c.id)
                )
            ]
    finally:
        store.engine.dispose()


def database_text(url: str) -> str:
    """Every value in the service's tables, to look for secrets."""
    store = Store(open_engine(url))
    try:
        with store.read() as connection:
            parts = []
            for table in (t.deliveries, t.list_state, t.snapshots):
                parts += [repr(tuple(row)) for row in connection.execute(select(table))]
    finally:
        store.engine.dispose()
    return "\n".join(parts)
