"""Raised alerts in the database: written once inside the snapshot's transaction, read by commands.

:func:`record_alerts` skips alerts already raised, and the unique constraint
on (watchlist, watch entry, event) backs it up, so an alert is raised once per
event whatever is re-run. :func:`prior_matches` finds the entries that matched
a watchlist before (once watched, always watched). :func:`undelivered_alerts`
and :func:`mark_delivered` are the interface for the delivery of alerts
through a watchlist's channels.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from monitor.dates import utc_iso
from monitor.store import schema as t
from monitor.store.schema import alerts
from monitor.store.store import as_utc
from monitor.watchlists.matching import Match

BATCH = 500


@dataclass(frozen=True, kw_only=True)
class NewAlert:
    """An alert about to be recorded: which watchlist and event, and the match behind it."""

    watchlist: str
    event_id: int
    snapshot_id: int
    list_id: str
    baseline: bool
    match: Match

    @property
    def once_key(self) -> tuple[str, str, int]:
        return (self.watchlist, self.match.entry.key, self.event_id)


def record_alerts(connection: Connection, new: Sequence[NewAlert], raised_at: datetime) -> int:
    """Insert the alerts not raised before and return how many that was."""
    raised = _already_raised(connection, {a.event_id for a in new})
    rows: list[dict[str, Any]] = []
    for alert in new:
        if alert.once_key in raised:
            continue
        raised.add(alert.once_key)
        rows.append(_row(alert, raised_at))
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(alerts), rows[start : start + BATCH])
    return len(rows)


@dataclass(frozen=True, kw_only=True)
class PriorMatch:
    """An earlier alert on an entry: which watch entry it matched, as what, and when."""

    watchlist: str
    watch_entry: str
    key: str
    matched_value: str
    watch_value: str
    score: float
    kind: str
    observed_at: datetime | None


def prior_matches(
    connection: Connection, list_id: str, keys: Iterable[str], snapshot_id: int
) -> dict[str, list[PriorMatch]]:
    """The alerts raised before this snapshot on these keys of one list, by key, oldest first.

    Baseline matches count: an entry found at baseline is watched from then on.
    Only the keys asked for are read (through the events index on list and key).
    """
    wanted = sorted(set(keys))
    found: dict[str, list[PriorMatch]] = {}
    for start in range(0, len(wanted), BATCH):
        statement = (
            select(
                alerts.c.watchlist,
                alerts.c.watch_entry,
                alerts.c.matched_value,
                alerts.c.watch_value,
                alerts.c.score,
                t.events.c.key,
                t.events.c.kind,
                t.events.c.observed_at,
            )
            .join(t.events, t.events.c.id == alerts.c.event_id)
            .where(
                t.events.c.list_id == list_id,
                t.events.c.key.in_(wanted[start : start + BATCH]),
                t.events.c.snapshot_id != snapshot_id,
            )
            .order_by(t.events.c.observed_at, alerts.c.id)
        )
        for row in connection.execute(statement):
            found.setdefault(row.key, []).append(
                PriorMatch(
                    watchlist=row.watchlist,
                    watch_entry=row.watch_entry,
                    key=row.key,
                    matched_value=row.matched_value,
                    watch_value=row.watch_value,
                    score=float(row.score),
                    kind=row.kind,
                    observed_at=as_utc(row.observed_at),
                )
            )
    return found


def _already_raised(connection: Connection, event_ids: Iterable[int]) -> set[tuple[str, str, int]]:
    wanted = sorted(event_ids)
    found: set[tuple[str, str, int]] = set()
    for start in range(0, len(wanted), BATCH):
        statement = select(alerts.c.watchlist, alerts.c.watch_entry, alerts.c.event_id).where(
            alerts.c.event_id.in_(wanted[start : start + BATCH])
        )
        found.update((w, e, i) for w, e, i in connection.execute(statement))
    return found


def _row(alert: NewAlert, raised_at: datetime) -> dict[str, Any]:
    match = alert.match
    return {
        "watchlist": alert.watchlist,
        "watch_entry": match.entry.key,
        "event_id": alert.event_id,
        "snapshot_id": alert.snapshot_id,
        "list_id": alert.list_id,
        "baseline": alert.baseline,
        "matched_field": match.field,
        "matched_value": match.value,
        "watch_value": match.watch_value,
        "score": match.score,
        "why": match.why,
        "raised_at": raised_at,
    }


@dataclass(frozen=True, kw_only=True)
class Alert:
    """A raised alert with the event it is about, as commands and deliveries show it."""

    id: int
    watchlist: str
    watch_entry: str
    baseline: bool
    field: str
    value: str
    watch_value: str
    score: float
    why: str
    raised_at: datetime
    delivered_at: datetime | None
    event: dict[str, Any]

    @classmethod
    def from_row(cls, row: Row[Any]) -> Alert:
        observed = as_utc(row.observed_at)
        return cls(
            id=row.id,
            watchlist=row.watchlist,
            watch_entry=row.watch_entry,
            baseline=bool(row.baseline),
            field=row.matched_field,
            value=row.matched_value,
            watch_value=row.watch_value,
            score=float(row.score),
            why=row.why,
            raised_at=as_utc(row.raised_at) or datetime.min.replace(tzinfo=UTC),
            delivered_at=as_utc(row.delivered_at),
            event={
                "id": row.event_id,
                "list": row.list_id,
                "key": row.key,
                "kind": row.kind,
                "name": row.name,
                "programs": list(row.programs),
                "countries": list(row.countries),
                "categories": list(row.categories),
                "effective_date": row.effective_date.isoformat() if row.effective_date else None,
                "observed_at": utc_iso(observed) if observed else None,
                "snapshot_id": row.snapshot_id,
            },
        )

    @property
    def headline(self) -> str:
        """'listed' news, or 'already listed at baseline' for a list's first snapshot."""
        return "already listed at baseline" if self.baseline else str(self.event["kind"])

    def to_json(self) -> dict[str, Any]:
        return {
            "watchlist": self.watchlist,
            "watch_entry": self.watch_entry,
            "event": self.event,
            "matched_on": {
                "field": self.field,
                "value": self.value,
                "watch_value": self.watch_value,
                "why": self.why,
            },
            "score": self.score,
            "baseline": self.baseline,
            "raised_at": utc_iso(self.raised_at),
        }


def _select() -> Any:
    return (
        select(
            alerts,
            t.events.c.key,
            t.events.c.kind,
            t.events.c.name,
            t.events.c.programs,
            t.events.c.countries,
            t.events.c.categories,
            t.events.c.effective_date,
            t.events.c.observed_at,
        )
        .join(t.events, t.events.c.id == alerts.c.event_id)
        .order_by(t.events.c.observed_at, alerts.c.watchlist, alerts.c.id)
    )


def find_alerts(
    connection: Connection,
    *,
    since: date | None = None,
    watchlist: str | None = None,
    snapshot_id: int | None = None,
    undelivered: bool = False,
) -> list[Alert]:
    """Alerts oldest first; ``since`` is read on the clock of the event (when it was observed)."""
    statement = _select()
    if since is not None:
        start = datetime.combine(since, time.min, tzinfo=UTC)
        statement = statement.where(t.events.c.observed_at >= start)
    if watchlist is not None:
        statement = statement.where(alerts.c.watchlist == watchlist)
    if snapshot_id is not None:
        statement = statement.where(alerts.c.snapshot_id == snapshot_id)
    if undelivered:
        statement = statement.where(alerts.c.delivered_at.is_(None))
    return [Alert.from_row(row) for row in connection.execute(statement)]


def undelivered_alerts(connection: Connection, snapshot_id: int) -> list[Alert]:
    """The alerts of one snapshot not yet sent: what a delivery of that snapshot must include.

    Baseline matches are among them, flagged ``baseline``, to be shown once as
    "already listed at baseline" rather than as news.
    """
    return find_alerts(connection, snapshot_id=snapshot_id, undelivered=True)


def mark_delivered(connection: Connection, alert_ids: Sequence[int], when: datetime) -> None:
    """Record that these alerts went out, so no later delivery repeats them."""
    ids = list(alert_ids)
    for start in range(0, len(ids), BATCH):
        connection.execute(
            update(alerts)
            .where(alerts.c.id.in_(ids[start : start + BATCH]), alerts.c.delivered_at.is_(None))
            .values(delivered_at=when)
        )


def event_ids(connection: Connection, snapshot_id: int) -> dict[tuple[str, str], int]:
    """The database ids of a snapshot's events by (key, kind): events carry no id themselves."""
    statement = select(t.events.c.key, t.events.c.kind, t.events.c.id).where(
        t.events.c.snapshot_id == snapshot_id
    )
    return {(key, kind): event_id for key, kind, event_id in connection.execute(statement)}
