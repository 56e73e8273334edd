"""Digest periods (day, week, month) and the buckets that reports and charts group dates into.

Weeks are ISO weeks (Monday to Sunday), so "week 49" means the same days in
every report; days are calendar days in the configured ``timezone`` (UTC by default):
a period starts at midnight there.
"""

from __future__ import annotations

from datetime import date, timedelta

from monitor.errors import ConfigError
from monitor.kinds import PERIODS
from monitor.reports.words import MONTH_NAMES, MONTHS, day_text

TIME_GROUPS = PERIODS
CHART_SIZES = ("day", "week", "month", "year")


def period_bounds(kind: str, anchor: date) -> tuple[date, date]:
    """The first and last day of the day, week or month that contains the anchor."""
    if kind == "day":
        return anchor, anchor
    if kind == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=6)
    if kind == "month":
        start = anchor.replace(day=1)
        return start, _next_month(start) - timedelta(days=1)
    raise ConfigError(f"--period: unknown period {kind!r}; valid periods: {', '.join(PERIODS)}")


def previous_period(kind: str, today: date) -> tuple[date, date]:
    """The last complete period before today: yesterday, last week, last month."""
    if kind == "day":
        return period_bounds(kind, today - timedelta(days=1))
    if kind == "week":
        return period_bounds(kind, today - timedelta(days=7))
    return period_bounds(kind, today.replace(day=1) - timedelta(days=1))


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def describe_period(since: date | None, until: date | None) -> str:
    """'December 2021', 'week 49 of 2021 (6 to 12 Dec 2021)', '1 Nov 2021 to 30 Nov 2021'."""
    if since is None and until is None:
        return "all recorded changes"
    if since is None:
        return f"up to {day_text(until)}" if until else ""
    if until is None:
        return f"since {day_text(since)}"
    if since == until:
        return day_text(since)
    if (since, until) == period_bounds("month", since):
        return f"{MONTH_NAMES[since.month - 1]} {since.year}"
    if (since, until) == period_bounds("week", since):
        year, week, _ = since.isocalendar()
        return f"week {week} of {year} ({day_text(since)} to {day_text(until)})"
    return f"{day_text(since)} to {day_text(until)}"


def bucket(day: str, size: str) -> str:
    """The bucket key of an ISO day: '2021-12-02', '2021-W48', '2021-12'."""
    value = date.fromisoformat(day[:10])
    if size == "day":
        return value.isoformat()
    if size == "week":
        year, week, _ = value.isocalendar()
        return f"{year}-W{week:02d}"
    if size == "year":
        return str(value.year)
    return f"{value.year}-{value.month:02d}"


def bucket_start(key: str, size: str) -> date:
    if size == "day":
        return date.fromisoformat(key)
    if size == "week":
        return date.fromisocalendar(int(key[:4]), int(key[6:]), 1)
    if size == "year":
        return date(int(key), 1, 1)
    return date(int(key[:4]), int(key[5:7]), 1)


def bucket_end(key: str, size: str) -> date:
    """The last day of a bucket (a link to the bucket's period needs both ends)."""
    return _advance(bucket_start(key, size), size) - timedelta(days=1)


def bucket_label(key: str, size: str) -> str:
    """How a bucket reads as a heading: '2 Dec 2021', 'Week of 29 Nov 2021', 'Dec 2021'."""
    start = bucket_start(key, size)
    if size == "day":
        return day_text(start)
    if size == "week":
        return f"Week of {day_text(start)}"
    if size == "year":
        return str(start.year)
    return f"{MONTHS[start.month - 1]} {start.year}"


def buckets_between(first: date, last: date, size: str) -> list[str]:
    """Every bucket from first to last, empty ones included, so a chart's time axis is true."""
    keys: list[str] = []
    current = first
    while current <= last:
        key = bucket(current.isoformat(), size)
        if not keys or keys[-1] != key:
            keys.append(key)
        current = _advance(current, size)
    last_key = bucket(last.isoformat(), size)
    if not keys or keys[-1] != last_key:
        keys.append(last_key)
    return keys


def _advance(day: date, size: str) -> date:
    if size == "day":
        return day + timedelta(days=1)
    if size == "week":
        return day + timedelta(days=7 - day.weekday())
    if size == "year":
        return date(day.year + 1, 1, 1)
    return _next_month(day.replace(day=1))


def chart_size(first: date, last: date, limit: int = 62) -> str:
    """The finest bucket that keeps a chart under ``limit`` bars."""
    for size in CHART_SIZES[:-1]:
        if _bucket_count(first, last, size) <= limit:
            return size
    return "year"


def _bucket_count(first: date, last: date, size: str) -> int:
    """How many buckets a span needs, without listing them (a span may be decades)."""
    if size == "day":
        return (last - first).days + 1
    if size == "week":
        return (last - first).days // 7 + 2
    return (last.year - first.year) * 12 + last.month - first.month + 1
