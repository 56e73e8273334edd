"""SQL for the outbox: deliveries queued with a snapshot's events, claimed, sent or retried.

A delivery moves pending -> sending -> sent, or back to failed with a later
``next_attempt_at``. Claiming is one conditional UPDATE, so of several
processes only one gets a row; while ``sending``, ``next_attempt_at`` is the
end of the claim, after which a crashed sender's row can be claimed again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from monitor.store import schema as t
from monitor.store.store import Store, as_utc

RETRYABLE = ("pending", "failed")
d = t.deliveries


@contextmanager
def writing(store: Store) -> Iterator[Connection]:
    """A short write transaction (BEGIN IMMEDIATE on SQLite)."""
    with (
        store.engine.connect().execution_options(immediate=True) as connection,
        connection.begin(),
    ):
        yield connection


def snapshot_row(connection: Connection, snapshot_id: int) -> Any:
    """The snapshot's row (inside its own transaction, before it is committed)."""
    return connection.execute(select(t.snapshots).where(t.snapshots.c.id == snapshot_id)).one()


def queue(
    connection: Connection,
    *,
    snapshot_id: int | None,
    channel: str,
    subject: str,
    body: dict[str, Any],
    now: datetime,
) -> int:
    result = connection.execute(
        insert(d).values(
            snapshot_id=snapshot_id,
            channel=channel,
            subject=subject,
            body=body,
            status="pending",
            attempts=0,
            last_error="",
            created_at=now,
            next_attempt_at=now,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _claimable(now: datetime, force: bool) -> Any:
    due = or_(d.c.next_attempt_at.is_(None), d.c.next_attempt_at <= now)
    waiting = and_(d.c.status.in_(RETRYABLE), due) if not force else d.c.status.in_(RETRYABLE)
    abandoned = and_(d.c.status == "sending", d.c.next_attempt_at <= now)
    return or_(waiting, abandoned)


def due(store: Store, *, now: datetime, force: bool = False) -> list[tuple[int, str]]:
    """(id, channel) of the deliveries to attempt now, oldest first."""
    with store.read() as connection:
        rows = connection.execute(
            select(d.c.id, d.c.channel).where(_claimable(now, force)).order_by(d.c.id)
        )
        return [(int(i), str(c)) for i, c in rows]


def claim(store: Store, delivery_id: int, *, now: datetime, until: datetime, force: bool) -> bool:
    """Take the delivery for this process until ``until``; False if another one has it."""
    with writing(store) as connection:
        result = connection.execute(
            update(d)
            .where(d.c.id == delivery_id, _claimable(now, force))
            .values(status="sending", attempts=d.c.attempts + 1, next_attempt_at=until)
        )
        return result.rowcount == 1


def load(store: Store, delivery_id: int) -> Any:
    with store.read() as connection:
        return connection.execute(select(d).where(d.c.id == delivery_id)).one()


def mark_sent(store: Store, delivery_id: int, *, now: datetime) -> None:
    with writing(store) as connection:
        connection.execute(
            update(d)
            .where(d.c.id == delivery_id)
            .values(status="sent", sent_at=now, next_attempt_at=None, last_error="")
        )


def mark_failed(store: Store, delivery_id: int, error: str, *, retry_at: datetime) -> None:
    with writing(store) as connection:
        connection.execute(
            update(d)
            .where(d.c.id == delivery_id)
            .values(status="failed", last_error=error, next_attempt_at=retry_at)
        )


def channel_summary(connection: Connection) -> dict[str, dict[str, Any]]:
    """Per channel: how many deliveries are in each status, and the newest error."""
    out: dict[str, dict[str, Any]] = {}
    counts = connection.execute(
        select(d.c.channel, d.c.status, func.count()).group_by(d.c.channel, d.c.status)
    )
    for channel, status, count in counts:
        out.setdefault(channel, {"counts": {}, "last_error": "", "next_attempt_at": None})
        out[channel]["counts"][status] = int(count)
    failing = connection.execute(
        select(d.c.channel, d.c.last_error, d.c.next_attempt_at)
        .where(d.c.status.in_(("failed", "sending")), d.c.last_error != "")
        .order_by(d.c.id)
    )
    for channel, error, next_at in failing:
        out[channel]["last_error"] = error
        out[channel]["next_attempt_at"] = as_utc(next_at)
    return out


def for_snapshot(connection: Connection, snapshot_id: int) -> list[Any]:
    return list(connection.execute(select(d).where(d.c.snapshot_id == snapshot_id)))
