"""Read-only questions asked of the store: events in a period, an entry's history, list stats."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, or_, select, text, true

from monitor.citations import event_links
from monitor.names import fold, search_fold
from monitor.store import overview
from monitor.store import schema as t
from monitor.store.store import as_utc


@dataclass(frozen=True, kw_only=True)
class EventQuery:
    """Which events a report covers, and by which clock its period is read."""

    lists: Sequence[str] = ()
    since: date | None = None
    until: date | None = None
    clock: str = "effective"
    kinds: Sequence[str] = ()
    include_baseline: bool = False
    timezone: str = "UTC"  # observation times are cut into days at midnight here


def _day_start(day: date, zone: str = "UTC") -> datetime:
    """Midnight starting ``day`` in ``zone``, as the UTC moment stored times compare with."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _period_condition(query: EventQuery) -> Any:
    """Effective clock: the effective date where given, else the observation time."""
    observed = []
    effective = []
    if query.since:
        observed.append(t.events.c.observed_at >= _day_start(query.since, query.timezone))
        effective.append(t.events.c.effective_date >= query.since)
    if query.until:
        end = _day_start(query.until + timedelta(days=1), query.timezone)
        observed.append(t.events.c.observed_at < end)
        effective.append(t.events.c.effective_date <= query.until)
    if query.clock == "observed":
        if not query.include_baseline:
            observed.append(~t.events.c.baseline)
        return and_(true(), *observed)
    dated = and_(t.events.c.effective_date.is_not(None), *effective)
    undated = and_(t.events.c.effective_date.is_(None), ~t.events.c.baseline, *observed)
    return or_(dated, undated)


def _events_with_snapshots(*, files: bool = True) -> Any:
    """Events joined with the snapshot each comes from (its sha256 and files: the evidence)
    and the subject of their entry (none in a database not linked yet).

    ``files=False`` leaves out the files, which a report does not show: decoding that JSON
    again for every event of a snapshot was a fifth of a month's report."""
    members = t.subject_members
    columns: list[Any] = [
        t.events,
        t.snapshots.c.sha256.label("snapshot_sha256"),
        t.snapshots.c.format.label("snapshot_format"),
        members.c.subject_id.label("subject_id"),
    ]
    if files:
        columns.append(t.snapshots.c.files.label("snapshot_files"))
    return (
        select(*columns)
        .join(t.snapshots, t.snapshots.c.id == t.events.c.snapshot_id)
        .outerjoin(
            members,
            and_(members.c.list_id == t.events.c.list_id, members.c.key == t.events.c.key),
        )
    )


def find_events(connection: Connection, query: EventQuery) -> list[dict[str, Any]]:
    """Events as plain dicts in the documented JSON shape, oldest first."""
    statement = (
        _events_with_snapshots(files=False)
        .where(_period_condition(query))
        .order_by(t.events.c.observed_at, t.events.c.list_id, t.events.c.kind, t.events.c.name)
    )
    if query.lists:
        statement = statement.where(t.events.c.list_id.in_(list(query.lists)))
    if query.kinds:
        statement = statement.where(t.events.c.kind.in_(list(query.kinds)))
    events = [_event_dict(row) for row in connection.execute(statement)]
    if query.timezone != "UTC":  # the day each was observed on, where the report's days are cut
        zone = ZoneInfo(query.timezone)
        for event in events:
            moment = datetime.fromisoformat(event["observed_at"].replace("Z", "+00:00"))
            event["observed_day"] = moment.astimezone(zone).date().isoformat()
    return events


def event_counts(connection: Connection, query: EventQuery) -> list[tuple[str, str, str, int]]:
    """(list, day, kind, count) of the events a report for ``query`` would hold, where the
    day is the one that places each event in a period by the query's clock (the dashboard's
    chart: the same selection as :func:`find_events`, counted by the database)."""
    zone = ZoneInfo(query.timezone)
    columns = (t.events.c.list_id, t.events.c.effective_date, t.events.c.observed_at)
    statement = (
        select(*columns, t.events.c.kind, func.count())
        .where(_period_condition(query))
        .group_by(*columns, t.events.c.kind)
    )
    if query.lists:
        statement = statement.where(t.events.c.list_id.in_(list(query.lists)))
    if query.kinds:
        statement = statement.where(t.events.c.kind.in_(list(query.kinds)))
    counts: dict[tuple[str, str, str], int] = {}
    for list_id, effective, observed, kind, number in connection.execute(statement):
        if query.clock == "effective" and effective is not None:
            day = effective.isoformat()
        else:
            moment = as_utc(observed)
            assert moment is not None
            day = moment.astimezone(zone).date().isoformat()
        counts[(list_id, day, kind)] = counts.get((list_id, day, kind), 0) + int(number)
    return [(list_id, day, kind, n) for (list_id, day, kind), n in counts.items()]


def _event_dict(row: Any) -> dict[str, Any]:
    observed = as_utc(row.observed_at)
    event = {
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
        "subject": row.subject_id,
    }
    event["notice_links"] = [link.as_dict() for link in event_links(event, row.snapshot_format)]
    return event


def entry_history(connection: Connection, query: str, lists: Sequence[str]) -> list[dict[str, Any]]:
    """Every event of the entries whose key equals, or whose name contains, the query."""
    folded = search_fold(query)
    keys = (
        select(t.events.c.list_id, t.events.c.key)
        .distinct()
        .where(
            or_(
                t.events.c.key == query,
                # autoescape: '%' and '_' in a query are literal, never LIKE wildcards
                func.lower(t.events.c.name).contains(query.lower(), autoescape=True),
            )
        )
    )
    if lists:
        keys = keys.where(t.events.c.list_id.in_(list(lists)))
    pairs = {(lid, key) for lid, key in connection.execute(keys)}
    pairs |= _keys_by_folded_name(connection, folded, lists) if folded else set()
    return events_of(connection, pairs)


def events_of(connection: Connection, pairs: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """Every event of these (list, key) entries, oldest first within each entry, with the
    files each was read from."""
    pairs = set(pairs)
    if not pairs:
        return []
    out = []
    for list_id, chunk in _key_chunks(pairs):
        statement = _events_with_snapshots().where(
            t.events.c.list_id == list_id, t.events.c.key.in_(chunk)
        )
        for row in connection.execute(statement):
            item = _event_dict(row)
            item["files"] = [f.get("path", f.get("name")) for f in row.snapshot_files]
            item["_order"] = row.id
            out.append(item)
    out.sort(key=lambda e: (e["list"], e["key"], e["observed_at"], e.pop("_order")))
    return out


KEY_CHUNK = 500


def _key_chunks(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, list[str]]]:
    """(list, keys) in chunks: one IN per chunk, never a thousand ORs (SQLite's depth limit)."""
    by_list: dict[str, list[str]] = {}
    for list_id, key in sorted(pairs):
        by_list.setdefault(list_id, []).append(key)
    for list_id, keys in by_list.items():
        for start in range(0, len(keys), KEY_CHUNK):
            yield list_id, keys[start : start + KEY_CHUNK]


def _keys_by_folded_name(
    connection: Connection, folded: str, lists: Sequence[str]
) -> set[tuple[str, str]]:
    """Match names regardless of case, accents and punctuation (small lists: scan names)."""
    statement = select(t.events.c.list_id, t.events.c.key, t.events.c.name).distinct()
    if lists:
        statement = statement.where(t.events.c.list_id.in_(list(lists)))
    return {(lid, key) for lid, key, name in connection.execute(statement) if folded in fold(name)}


def applied_state(connection: Connection) -> tuple[int, int | None]:
    """How many versions are applied, and the newest one's id: it changes whenever a
    version is applied (approved in place too), so what depends only on the applied
    versions can be kept as long as it is the same."""
    count, newest = connection.execute(
        select(func.count(), func.max(t.snapshots.c.id)).where(t.snapshots.c.status == "applied")
    ).one()
    return int(count), newest


def list_overview(connection: Connection) -> list[dict[str, Any]]:
    """Each list with its format, last snapshot, last change and current entry count."""
    return overview.list_overview(
        lambda sql, params: connection.execute(text(sql), dict(params)).all()
    )


def _iso(moment: datetime | None) -> str | None:
    aware = as_utc(moment)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ") if aware else None


# --- snapshots, versions and past states (reports, histories, as-of) ---

SHA_PREFIX_MIN = 8
STATE_STATUSES = ("applied", "unchanged")


def file_label(entry: dict[str, Any]) -> str:
    """A snapshot file as ``<list>/<version>/<file>``: where it sits in any copy of the archive."""
    path = str(entry.get("path") or entry.get("name") or "")
    parts = path.replace("\\", "/").split("/")
    return "/".join(parts[-3:])


def snapshot_info(row: Any) -> dict[str, Any]:
    """A snapshot row as the plain dict reports cite as evidence."""
    return {
        "list": row.list_id,
        "sha256": row.sha256,
        "observed_at": _iso(row.observed_at),
        "files": [file_label(f) for f in row.files],
        "status": row.status,
        "baseline": bool(row.baseline),
        "record_count": row.record_count,
        "message": row.message or "",
        "id": row.id,
    }


def public_snapshot(info: dict[str, Any]) -> dict[str, Any]:
    """A snapshot as reports show it: without the database's own row id."""
    return {k: v for k, v in info.items() if k != "id"}


def find_snapshot(connection: Connection, ref: str, lists: Sequence[str]) -> dict[str, Any] | None:
    """A snapshot by sha256 prefix, or ``latest`` (of the one list given); newest match first."""
    statement = select(t.snapshots).order_by(
        t.snapshots.c.observed_at.desc(), t.snapshots.c.id.desc()
    )
    if lists:
        statement = statement.where(t.snapshots.c.list_id.in_(list(lists)))
    if ref != "latest":
        statement = statement.where(t.snapshots.c.sha256.startswith(ref.lower()))
    row = connection.execute(statement.limit(1)).first()
    return snapshot_info(row) if row else None


def snapshot_events(connection: Connection, snapshot_id: int) -> list[dict[str, Any]]:
    """The events one snapshot produced (a run report), in the documented JSON shape."""
    statement = (
        _events_with_snapshots()
        .where(t.events.c.snapshot_id == snapshot_id)
        .order_by(t.events.c.kind, t.events.c.name, t.events.c.key)
    )
    return [_event_dict(row) for row in connection.execute(statement)]


def _snapshot_rows(connection: Connection, ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = connection.execute(select(t.snapshots).where(t.snapshots.c.id.in_(sorted(ids))))
    return {row.id: snapshot_info(row) for row in rows}


def entry_versions(
    connection: Connection, pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Every stored version of these entries, oldest first, with the snapshots that bound it."""
    if not pairs:
        return {}
    v = t.entity_versions
    rows: list[Any] = []
    for list_id, chunk in _key_chunks(pairs):
        rows += connection.execute(
            select(v, t.snapshots.c.observed_at.label("from_observed"))
            .join(t.snapshots, t.snapshots.c.id == v.c.valid_from)
            .where(v.c.list_id == list_id, v.c.key.in_(chunk))
        ).all()
    rows.sort(key=lambda r: (r.list_id, r.key, as_utc(r.from_observed), r.id))
    snapshots = _snapshot_rows(
        connection, {r.valid_from for r in rows} | {r.valid_to for r in rows if r.valid_to}
    )
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault((row.list_id, row.key), []).append(
            {
                "record": json.loads(row.record),
                "content_hash": row.content_hash,
                "valid_from": snapshots[row.valid_from],
                "valid_to": snapshots[row.valid_to] if row.valid_to else None,
            }
        )
    return out


def list_ids(connection: Connection) -> list[str]:
    return [lid for (lid,) in connection.execute(select(t.lists.c.id).order_by(t.lists.c.id))]


def snapshot_as_of(connection: Connection, list_id: str, moment: datetime) -> dict[str, Any] | None:
    """The newest version of a list observed at or before a moment: the state it stood in."""
    row = connection.execute(
        select(t.snapshots)
        .where(
            t.snapshots.c.list_id == list_id,
            t.snapshots.c.status.in_(STATE_STATUSES),
            t.snapshots.c.observed_at <= moment,
        )
        .order_by(t.snapshots.c.observed_at.desc(), t.snapshots.c.id.desc())
        .limit(1)
    ).first()
    return snapshot_info(row) if row else None


def first_snapshot(connection: Connection, list_id: str) -> dict[str, Any] | None:
    row = connection.execute(
        select(t.snapshots)
        .where(t.snapshots.c.list_id == list_id, t.snapshots.c.status.in_(STATE_STATUSES))
        .order_by(t.snapshots.c.observed_at, t.snapshots.c.id)
        .limit(1)
    ).first()
    return snapshot_info(row) if row else None


def versions_as_of(connection: Connection, list_id: str, moment: datetime) -> list[dict[str, Any]]:
    """The entries of a list as it stood at a moment: versions valid from a snapshot observed
    at or before it, and not yet closed by one observed at or before it."""
    v = t.entity_versions
    start = t.snapshots.alias("start")
    end = t.snapshots.alias("end")
    statement = (
        select(v.c.key, v.c.record, start.c.observed_at.label("since"))
        .join(start, start.c.id == v.c.valid_from)
        .outerjoin(end, end.c.id == v.c.valid_to)
        .where(
            v.c.list_id == list_id,
            start.c.observed_at <= moment,
            or_(v.c.valid_to.is_(None), end.c.observed_at > moment),
        )
        .order_by(v.c.key)
    )
    return [
        {"key": key, "record": json.loads(record), "version_since": _iso(since)}
        for key, record, since in connection.execute(statement)
    ]
