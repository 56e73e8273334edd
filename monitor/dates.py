"""Dates: when a snapshot was observed, and parsing user-supplied dates.

A historical file must carry its own date: inside the file (a publish date),
or in its path (``2021-12-16T0142Z``, ``2021-06-03``, ``20240527194702``).
Replays never fall back to the current time silently, and no observation
may lie more than :data:`FUTURE_TOLERANCE` after the current time: one
version dated in the future would make every real version after it look older.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from monitor.errors import ConfigError, InputError

# How far after the current time an observation may be (clock skew between machines,
# a publisher's time zone); anything later is refused.
FUTURE_TOLERANCE = timedelta(days=1)

_PATH_STAMP = re.compile(
    r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})"  # date: 2021-12-16 or 20211216
    r"(?:[T_ ]?(\d{2})[:h]?(\d{2})(?::?(\d{2}))?(?:\.\d+)?Z?)?"  # time: T0142Z, T01:42:52Z
    r"(?!\d)"
)


def _stamp(match: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute, second = match.groups()
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None


def date_from_path(paths: Sequence[Path]) -> datetime | None:
    """The most specific date or timestamp in the paths' names, nearest folder first."""
    for path in paths:
        for part in reversed(path.parts):
            for match in _PATH_STAMP.finditer(part):
                compact = "-" not in match.group(0)
                if compact and not match.group(4):
                    continue
                stamp = _stamp(match)
                if stamp and 1990 <= stamp.year <= 2100:
                    return stamp
    return None


def parse_user_datetime(value: str, option: str) -> datetime:
    """An ISO date or date-time from the command line, as aware UTC."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"{option}: {value!r} is not an ISO date or date-time "
            "(e.g. 2021-12-16 or 2021-12-16T01:42:00Z)"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_user_date(value: str, option: str) -> date:
    return parse_user_datetime(value, option).date()


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def folder_stamp(moment: datetime) -> str:
    """Archive folder name: '2021-12-16T0142Z'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H%MZ")


def not_in_future(observed_at: datetime, now: datetime, what: str) -> datetime:
    """The observation time, unless it lies more than a day after ``now``."""
    if observed_at > now + FUTURE_TOLERANCE:
        raise InputError(
            f"{what}: observed at {utc_iso(observed_at)}, more than a day after the current "
            f"time ({utc_iso(now)}); a version dated in the future would make every later "
            "real version look older: check --observed-at, the date in the path, or the clock"
        )
    return observed_at
