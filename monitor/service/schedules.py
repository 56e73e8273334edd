"""Schedules as people read them, and the time zone they run in.

Shared by the daemon, which runs them, and ``status``, which shows them;
kept apart from the daemon so that ``status`` does not import the scheduler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.errors import ConfigError

if TYPE_CHECKING:
    from monitor.config import Config, Schedule


def timezone_of(config: Config) -> ZoneInfo:
    try:
        return ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"timezone {config.timezone!r} is not a known time zone (e.g. UTC, Europe/Berlin)"
        ) from None


def describe(schedule: Schedule | None) -> str:
    if schedule is None:
        return "not scheduled"
    if schedule.cron is not None:
        return f"cron {schedule.cron}"
    assert schedule.every is not None
    return f"every {human_duration(schedule.every.total_seconds())}"


def human_duration(seconds: float) -> str:
    """3600 -> '1h', 5400 -> '1h30m', 5 -> '5s'."""
    parts = []
    rest = round(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return "".join(parts) or f"{seconds:g}s"
