"""Each list's overview: format, current entries, snapshots by status, the last one.

The one definition of these queries, as SQL both SQLite and PostgreSQL run:
:func:`monitor.store.queries.list_overview` runs it through SQLAlchemy, and
``lists`` on an up-to-date SQLite file through the standard library's sqlite3
(:mod:`monitor.store.sqlite_read`), which starts several times faster than
importing SQLAlchemy. Neither this module nor that one imports SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

Run = Callable[[str, Mapping[str, Any]], Sequence[Sequence[Any]]]
"""Runs one statement with ``:name`` parameters and returns its rows."""

CURRENT_ENTRIES = (
    "SELECT list_id, count(*) FROM entity_versions WHERE valid_to IS NULL GROUP BY list_id"
)
LISTS = "SELECT id, title, format FROM lists ORDER BY id"
LAST_SNAPSHOT = (
    "SELECT observed_at, status, message FROM snapshots WHERE list_id = :list "
    "ORDER BY observed_at DESC, id DESC LIMIT 1"
)
SNAPSHOTS_BY_STATUS = "SELECT status, count(*) FROM snapshots WHERE list_id = :list GROUP BY status"


def list_overview(run: Run) -> list[dict[str, Any]]:
    """Each list with its format, last snapshot, last change and current entry count."""
    current = {str(list_id): int(count) for list_id, count in run(CURRENT_ENTRIES, {})}
    out = []
    for list_id, title, format_ in run(LISTS, {}):
        last = next(iter(run(LAST_SNAPSHOT, {"list": list_id})), None)
        counts = run(SNAPSHOTS_BY_STATUS, {"list": list_id})
        out.append(
            {
                "list": list_id,
                "title": title,
                "format": format_,
                "entries": current.get(list_id, 0),
                "snapshots": {str(status): int(count) for status, count in counts},
                "last_snapshot": stored_iso(last[0]) if last else None,
                "last_status": last[1] if last else None,
                "last_message": last[2] if last else "",
            }
        )
    return out


def stored_iso(value: datetime | str | None) -> str | None:
    """A stored time as ISO 8601 UTC ('2021-12-30T18:50:00Z').

    PostgreSQL returns aware datetimes; SQLite stores naive UTC text
    ('2021-12-30 18:50:00.000000'), which a plain SQL statement returns as is.
    """
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
