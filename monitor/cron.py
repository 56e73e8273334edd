"""Standard crontab expressions as APScheduler 3 triggers.

APScheduler 3 numbers weekdays from Monday = 0, while crontab (and every user)
means Sunday = 0 (or 7): its ``from_crontab('0 8 * * 1')`` fires on Tuesdays.
Weekday numbers are therefore translated to names before APScheduler sees them.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger

CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def cron_trigger(expression: str, timezone: tzinfo | str) -> CronTrigger:
    """A trigger for a five-field crontab expression; ValueError says what is wrong."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError("write five fields: minute hour day month weekday, e.g. '0 8 * * 1'")
    minute, hour, day, month, weekday = fields
    from apscheduler.triggers.cron import CronTrigger  # imported here: it is slow to import

    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=weekday_names(weekday),
        timezone=timezone,
    )


def weekday_names(field: str) -> str:
    """'1-5' -> 'mon,tue,wed,thu,fri'; '0,6' -> 'sun,sat'; names and '*' pass unchanged."""
    if field in ("*", "?") or any(c.isalpha() for c in field):
        return field
    days: list[str] = []
    for part in field.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            low, high = 0, 6
        elif "-" in span:
            low_text, high_text = span.split("-", 1)
            low, high = int(low_text), int(high_text)
        else:
            low = int(span)
            high = 6 if step_text else low
        if not (0 <= low <= 7 and 0 <= high <= 7 and step > 0):
            raise ValueError(f"weekday {part!r} is out of range 0-7 (0 and 7 are Sunday)")
        days += [CRONTAB_DAYS[n % 7] for n in range(low, high + 1, step)]
    return ",".join(dict.fromkeys(days))
