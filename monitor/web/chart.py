"""The dashboard's chart: listings and delistings per day, week or month, per list.

It is the HTML report's chart (the same geometry, colours and table), counted from
each applied version's summary rather than from its events: one row per version,
so the whole history of every list costs a few thousand rows, not every event.
Each bar links to the changes of its period on its list.
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
from monitor.store.store import as_utc

OTHERS = "other lists"
SERIES = 6


def dashboard_chart(connection: Connection, zone: ZoneInfo) -> dict[str, Any]:
    """Bars per period and list over the span of every recorded change (``empty`` if none).

    Days are the configured time zone's, as the report's ``--date observed`` counts them,
    so a bar's link shows the same changes the bar counts.
    """
    rows = connection.execute(
        select(t.snapshots.c.list_id, t.snapshots.c.observed_at, t.snapshots.c.summary).where(
            t.snapshots.c.status == "applied", t.snapshots.c.baseline.is_(False)
        )
    ).all()
    moves: list[tuple[str, date, int, int]] = []
    for list_id, observed_at, summary in rows:
        summary = summary or {}
        up = sum(int(summary.get(kind, 0)) for kind in UP)
        down = sum(int(summary.get(kind, 0)) for kind in DOWN)
        if up or down:
            moves.append((list_id, _day(observed_at, zone), up, down))
    if not moves:
        return {"empty": True, "title": "Listings and delistings", "rows": []}
    first = min(day for _, day, _, _ in moves)
    last = max(day for _, day, _, _ in moves)
    size = chart_size(first, last)
    series = _series(moves)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for list_id, day, up, down in moves:
        key = bucket(day.isoformat(), size)
        counts[(key, series[list_id], "up")] += up
        counts[(key, series[list_id], "down")] += down
    names = list(dict.fromkeys(series.values()))

    def link(key: str, name: str | None) -> str:
        pairs = [("list", name)] if name and name != OTHERS else []
        pairs += [
            ("since", bucket_start(key, size).isoformat()),
            ("until", bucket_end(key, size).isoformat()),
            ("date", "observed"),
        ]
        return "/changes?" + urlencode(pairs)

    chart = geometry(buckets_between(first, last, size), size, names, counts, link)
    chart["title"] = f"Listings (up) and delistings (down) per {size}, per list"
    return chart


def _day(observed_at: datetime, zone: ZoneInfo) -> date:
    moment = as_utc(observed_at)
    assert moment is not None
    return moment.astimezone(zone).date()


def _series(moves: list[tuple[str, date, int, int]]) -> dict[str, str]:
    """{list: series}: the busiest lists a colour each, the rest together (as the report)."""
    volume: dict[str, int] = defaultdict(int)
    for list_id, _, up, down in moves:
        volume[list_id] += up + down
    ranked = sorted(volume, key=lambda item: (-volume[item], item))
    kept = ranked if len(ranked) <= SERIES + 1 else ranked[:SERIES]
    return {item: item if item in kept else OTHERS for item in ranked}
