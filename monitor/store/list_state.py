"""SQL for what the service remembers per list between checks (the ``list_state`` table).

Each function is one short transaction. Several daemons may share a
PostgreSQL database, so writes are an UPDATE first and an INSERT only when
the row is missing (a concurrent INSERT is retried as an UPDATE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from monitor.store import schema as t
from monitor.store.deliveries import writing
from monitor.store.store import Store, as_utc


@dataclass(frozen=True, kw_only=True)
class ListState:
    """One list's row; a list never checked has the defaults."""

    list_id: str
    etag: str | None = None
    last_modified: str | None = None
    file_stamp: str | None = None
    seen: tuple[str, ...] = ()
    last_check_at: datetime | None = None
    last_outcome: str = ""
    last_message: str = ""
    last_ok_at: datetime | None = None
    last_error: str = ""
    error_since: datetime | None = None
    failures: int = 0
    next_run_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Any) -> ListState:
        return cls(
            list_id=row.list_id,
            etag=row.etag,
            last_modified=row.last_modified,
            file_stamp=row.file_stamp,
            seen=tuple(row.seen or ()),
            last_check_at=as_utc(row.last_check_at),
            last_outcome=row.last_outcome or "",
            last_message=row.last_message or "",
            last_ok_at=as_utc(row.last_ok_at),
            last_error=row.last_error or "",
            error_since=as_utc(row.error_since),
            failures=int(row.failures or 0),
            next_run_at=as_utc(row.next_run_at),
        )


def load(store: Store, list_id: str) -> ListState:
    with store.read() as connection:
        row = connection.execute(
            select(t.list_state).where(t.list_state.c.list_id == list_id)
        ).first()
    return ListState.from_row(row) if row else ListState(list_id=list_id)


def load_all(connection: Connection) -> dict[str, ListState]:
    rows = connection.execute(select(t.list_state))
    return {row.list_id: ListState.from_row(row) for row in rows}


def save(store: Store, list_id: str, **values: Any) -> None:
    """Set these columns of the list's row, creating the row when it is missing."""
    if "seen" in values:
        values["seen"] = list(values["seen"])
    for attempt in range(2):
        try:
            with writing(store) as connection:
                _upsert(connection, list_id, values)
            return
        except IntegrityError:
            if attempt:
                raise


def _upsert(connection: Connection, list_id: str, values: dict[str, Any]) -> None:
    done = connection.execute(
        update(t.list_state).where(t.list_state.c.list_id == list_id).values(**values)
    )
    if done.rowcount == 0:
        defaults = {"seen": [], "last_outcome": "", "last_message": "", "last_error": ""}
        connection.execute(
            insert(t.list_state).values(**{**defaults, "failures": 0, **values, "list_id": list_id})
        )


def record_failure(store: Store, list_id: str, error: str, *, now: datetime) -> ListState:
    """Count one more failed check; returns the state before, to report a failure once."""
    before = load(store, list_id)
    save(
        store,
        list_id,
        last_check_at=now,
        last_outcome="failed",
        last_message=error,
        last_error=error,
        error_since=before.error_since or now,
        failures=before.failures + 1,
    )
    return before


def record_success(
    store: Store, list_id: str, outcome: str, message: str, *, now: datetime, **validators: Any
) -> ListState:
    """A check that worked clears the error; returns the state before (was it failing?)."""
    before = load(store, list_id)
    save(
        store,
        list_id,
        last_check_at=now,
        last_outcome=outcome,
        last_message=message,
        last_ok_at=now,
        last_error="",
        error_since=None,
        failures=0,
        **validators,
    )
    return before


def last_changes(connection: Connection) -> dict[str, tuple[datetime | None, dict[str, int]]]:
    """Per list, when its newest applied snapshot was observed and what it changed."""
    rows = connection.execute(
        select(t.snapshots.c.list_id, t.snapshots.c.observed_at, t.snapshots.c.summary)
        .where(t.snapshots.c.status == "applied")
        .order_by(t.snapshots.c.observed_at, t.snapshots.c.id)
    )
    return {row.list_id: (as_utc(row.observed_at), dict(row.summary or {})) for row in rows}
