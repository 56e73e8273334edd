"""Read-only questions asked of the store: events in a period, an entry's history, list stats."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, true

from monitor.names import fold
from monitor.store import schema as t
from monitor.store.store import as_utc

DATE_CLOCKS = ("effective", "observed")


@dataclass(frozen=True, kw_only=True)
class EventQuery:
    """Which events a report covers, and by which clock its period is read."""

    lists: Sequence[str] = ()
    since: date | None = None
    until: date | None = None
    clock: str = "effective"
    kinds: Sequence[str] = ()
    include_baseline: bool = False


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _period_condition(query: EventQuery) -> Any:
    """Effective clock: the effective date where given, else the observation time."""
    observed = []
    effective = []
    if query.since:
        observed.append(t.events.c.observed_at >= _day_start(query.since))
        effective.append(t.events.c.effective_date >= query.since)
    if query.until:
        observed.append(t.events.c.observed_at < _day_start(query.until + timedelta(days=1)))
        effective.append(t.events.c.effective_date <= query.until)
    if query.clock == "observed":
        if not query.include_baseline:
            observed.append(~t.events.c.baseline)
        return and_(true(), *observed)
    dated = and_(t.events.c.effective_date.is_not(None), *effective)
    undated = and_(t.events.c.effective_date.is_(None), ~t.events.c.baseline, *observed)
    return or_(dated, undated)


def find_events(connection: Connection, query: EventQuery) -> list[dict[str, Any]]:
    """Events as plain dicts in the documented JSON shape, oldest first."""
    statement = (
        select(
            t.events,
            t.snapshots.c.sha256.label("snapshot_sha256"),
            t.snapshots.c.files.label("snapshot_files"),
        )
        .join(t.snapshots, t.snapshots.c.id == t.events.c.snapshot_id)
        .where(_period_condition(query))
        .order_by(t.events.c.observed_at, t.events.c.list_id, t.events.c.kind, t.events.c.name)
    )
    if query.lists:
        statement = statement.where(t.events.c.list_id.in_(list(query.lists)))
    if query.kinds:
        statement = statement.where(t.events.c.kind.in_(list(query.kinds)))
    return [_event_dict(row) for row in connection.execute(statement)]


def _event_dict(row: Any) -> dict[str, Any]:
    observed = as_utc(row.observed_at)
    return {
        "list": row.list_id,
        "key": row.key,
        "kind": row.kind,
        "name": row.name,
        "type": row.entry_type,
        "source_list": row.source_list,
        "programs": list(row.programs),
        "countries": list(row.countries),
        "notice": row.notice,
        "effective_date": row.effective_date.isoformat() if row.effective_date else None,
        "observed_at": observed.strftime("%Y-%m-%dT%H:%M:%SZ") if observed else None,
        "baseline": bool(row.baseline),
        "snapshot": row.snapshot_sha256,
        "previous_key": row.previous_key,
        "categories": list(row.categories),
        "changes": list(row.changes),
    }


def entry_history(connection: Connection, query: str, lists: Sequence[str]) -> list[dict[str, Any]]:
    """Every event of the entries whose key equals, or whose name contains, the query."""
    folded = fold(query)
    keys = (
        select(t.events.c.list_id, t.events.c.key)
        .distinct()
        .where(or_(t.events.c.key == query, func.lower(t.events.c.name).contains(query.lower())))
    )
    if lists:
        keys = keys.where(t.events.c.list_id.in_(list(lists)))
    pairs = {(lid, key) for lid, key in connection.execute(keys)}
    pairs |= _keys_by_folded_name(connection, folded, lists) if folded else set()
    if not pairs:
        return []
    statement = (
        select(
            t.events,
            t.snapshots.c.sha256.label("snapshot_sha256"),
            t.snapshots.c.files.label("snapshot_files"),
        )
        .join(t.snapshots, t.snapshots.c.id == t.events.c.snapshot_id)
        .where(or_(*[and_(t.events.c.list_id == lid, t.events.c.key == key) for lid, key in pairs]))
        .order_by(t.events.c.list_id, t.events.c.key, t.events.c.observed_at, t.events.c.id)
    )
    out = []
    for row in connection.execute(statement):
        item = _event_dict(row)
        item["files"] = [f.get("path", f.get("name")) for f in row.snapshot_files]
        out.append(item)
    return out


def _keys_by_folded_name(
    connection: Connection, folded: str, lists: Sequence[str]
) -> set[tuple[str, str]]:
    """Match names regardless of case, accents and punctuation (small lists: scan names)."""
    statement = select(t.events.c.list_id, t.events.c.key, t.events.c.name).distinct()
    if lists:
        statement = statement.where(t.events.c.list_id.in_(list(lists)))
    return {(lid, key) for lid, key, name in connection.execute(statement) if folded in fold(name)}


def list_overview(connection: Connection) -> list[dict[str, Any]]:
    """Each list with its format, last snapshot, last change and current entry count."""
    current = dict(
        connection.execute(
            select(t.entity_versions.c.list_id, func.count())
            .where(t.entity_versions.c.valid_to.is_(None))
            .group_by(t.entity_versions.c.list_id)
        ).all()
    )
    out = []
    for row in connection.execute(select(t.lists).order_by(t.lists.c.id)):
        last = connection.execute(
            select(t.snapshots)
            .where(t.snapshots.c.list_id == row.id)
            .order_by(t.snapshots.c.observed_at.desc(), t.snapshots.c.id.desc())
            .limit(1)
        ).first()
        counts = dict(
            connection.execute(
                select(t.snapshots.c.status, func.count())
                .where(t.snapshots.c.list_id == row.id)
                .group_by(t.snapshots.c.status)
            ).all()
        )
        out.append(
            {
                "list": row.id,
                "title": row.title,
                "format": row.format,
                "entries": int(current.get(row.id, 0)),
                "snapshots": {str(k): int(v) for k, v in counts.items()},
                "last_snapshot": _iso(last.observed_at) if last else None,
                "last_status": last.status if last else None,
                "last_message": last.message if last else "",
            }
        )
    return out


def _iso(moment: datetime | None) -> str | None:
    aware = as_utc(moment)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ") if aware else None


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
