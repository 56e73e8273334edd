"""The dashboard's chart: listings and delistings per day, week or month, per list.

It is the HTML report's chart (the same geometry, colours and table), and each bar
counts what ``/changes`` shows for its period and list by default (its link): events
placed by their effective date, else the day they were observed. The time axis spans
the days the monitor saw a change (from each applied version's summary), so a list's
baseline, whose entries carry listing dates decades old, does not stretch it; the
events are counted by the database, not loaded.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from monitor.reports.chart import DOWN, UP, geometry
from monitor.reports.periods import bucket, bucket_end, bucket_start, buckets_between, chart_size
from monitor.store import schema as t
from monitor.store.queries import EventQuery, event_counts
from monitor.store.store import as_utc

OTHERS = "other lists"
SERIES = 6
EMPTY = {"empty": True, "title": "Listings and delistings", "rows": []}


def dashboard_chart(connection: Connection, timezone: str) -> dict[str, Any]:
    """Bars per period and list over the span of every observed change (``empty`` if none)."""
    span = _observed_span(connection, ZoneInfo(timezone))
    if span is None:
        return EMPTY
    size = chart_size(*span)
    keys = buckets_between(*span, size)
    query = EventQuery(
        since=bucket_start(keys[0], size),
        until=bucket_end(keys[-1], size),
        clock="effective",
        kinds=UP + DOWN,
        timezone=timezone,
    )
    rows = event_counts(connection, query)
    if not rows:
        return EMPTY
    series = _series(rows)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for list_id, day, kind, number in rows:
        direction = "up" if kind in UP else "down"
        counts[(bucket(day, size), series[list_id], direction)] += number
    names = list(dict.fromkeys(series.values()))

    def link(key: str, name: str | None) -> str:
        pairs = [("list", name)] if name and name != OTHERS else []
        pairs += [
            ("since", bucket_start(key, size).isoformat()),
            ("until", bucket_end(key, size).isoformat()),
        ]
        return "/changes?" + urlencode(pairs)

    chart = geometry(keys, size, names, counts, link)
    chart["title"] = f"Listings (up) and delistings (down) per {size}, per list"
    return chart


def _observed_span(connection: Connection, zone: ZoneInfo) -> tuple[date, date] | None:
    """The first and last day a version listed or delisted something, or None."""
    rows = connection.execute(
        select(t.snapshots.c.observed_at, t.snapshots.c.summary).where(
            t.snapshots.c.status == "applied", t.snapshots.c.baseline.is_(False)
        )
    ).all()
    days = [
        _day(observed_at, zone)
        for observed_at, summary in rows
        if any(int((summary or {}).get(kind, 0)) for kind in UP + DOWN)
    ]
    return (min(days), max(days)) if days else None


def _day(observed_at: datetime, zone: ZoneInfo) -> date:
    moment = as_utc(observed_at)
    assert moment is not None
    return moment.astimezone(zone).date()


def _series(rows: list[tuple[str, str, str, int]]) -> dict[str, str]:
    """{list: series}: the busiest lists a colour each, the rest together (as the report)."""
    volume: dict[str, int] = defaultdict(int)
    for list_id, _, _, number in rows:
        volume[list_id] += number
    ranked = sorted(volume, key=lambda item: (-volume[item], item))
    kept = ranked if len(ranked) <= SERIES + 1 else ranked[:SERIES]
    return {item: item if item in kept else OTHERS for item in ranked}
