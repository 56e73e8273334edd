"""Crontab weekdays mean what users mean (Sunday = 0), not APScheduler 3's Monday = 0."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.cron import cron_trigger, weekday_names

SUNDAY = datetime(2026, 11, 29, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "fires"),
    [
        ("0 8 * * 1", "Mon 08:00"),
        ("0 8 * * 0", "Sun 08:00"),
        ("0 8 * * 7", "Sun 08:00"),
        ("0 8 * * 1-5", "Mon 08:00"),
        ("30 6 * * 6", "Sat 06:30"),
        ("0 8 * * mon", "Mon 08:00"),
        ("0 */2 * * *", "Sun 00:00"),
    ],
)
def test_weekdays_follow_crontab(expression: str, fires: str) -> None:
    moment = cron_trigger(expression, "UTC").get_next_fire_time(None, SUNDAY)
    assert moment is not None and moment.strftime("%a %H:%M") == fires


def test_weekday_fields_translate_to_names() -> None:
    assert weekday_names("1-5") == "mon,tue,wed,thu,fri"
    assert weekday_names("0,6") == "sun,sat"
    assert weekday_names("*/2") == "sun,tue,thu,sat"


@pytest.mark.parametrize("expression", ["0 8 * *", "0 8 * * 9", "x 8 * * 1"])
def test_bad_expressions_are_value_errors(expression: str) -> None:
    with pytest.raises(ValueError):
        cron_trigger(expression, "UTC")
