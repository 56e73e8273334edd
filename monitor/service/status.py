"""What ``watchlist-monitor status`` shows: each list's last check and error, each channel's queue.

Everything here is read from the database, so any process can show the
state of the daemons writing it. Source URLs are shown without credentials
or query values, and errors were scrubbed of secrets when they were stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitor.config import Config, ListConfig, source_kind
from monitor.cron import cron_trigger
from monitor.dates import utc_iso
from monitor.fetch.urls import shown_url
from monitor.service import quarantine
from monitor.service.schedules import describe, timezone_of
from monitor.store import deliveries as sql
from monitor.store import list_state
from monitor.store.list_state import ListState
from monitor.store.locks import daemon_holders
from monitor.store.queries import list_overview
from monitor.store.store import Store
from monitor.watchlists.config import WatchlistConfig


def _iso(moment: datetime | None) -> str | None:
    return utc_iso(moment) if moment else None


def collect(store: Store, config: Config, *, now: datetime) -> dict[str, Any]:
    """The status as plain data: the JSON output, and what the text template shows."""
    with store.read() as connection:
        overview = {item["list"]: item for item in list_overview(connection)}
        states = list_state.load_all(connection)
        changes = list_state.last_changes(connection)
        channels = sql.channel_summary(connection)
        held = quarantine.pending(connection)
    ids = [item.id for item in config.lists]
    ids += sorted(set(overview) - set(ids))
    lists = [
        _list_status(
            config.list_config(list_id),
            overview.get(list_id, {}),
            states.get(list_id, ListState(list_id=list_id)),
            changes.get(list_id),
            config,
            now,
        )
        for list_id in ids
    ]
    for entry in lists:
        entry["quarantined"] = [
            {"snapshot": h.id, "observed_at": _iso(h.observed_at), "reason": h.message}
            for h in held
            if h.list_id == entry["list"]
        ]
    return {
        "generated_at": utc_iso(now),
        "places": config.where(),
        "daemon": _daemon(store),
        "lists": lists,
        "channels": _channels(config, channels),
        "watchlists": _watchlists(config),
    }


def _daemon(store: Store) -> dict[str, Any]:
    """Whether a daemon holds the database: each holder's pid, host, since and mode."""
    holders = daemon_holders(store)
    return {"running": bool(holders), "holders": holders}


def _entry_count(item: WatchlistConfig) -> int | None:
    try:
        return len(item.watch_entries())
    except Exception:  # its file was edited since start-up: `watch test` says what is wrong
        return None


def _watchlists(config: Config) -> list[dict[str, Any]]:
    kinds = {n.id: n.kind for n in config.notifiers}
    return [
        {
            "watchlist": item.id,
            "entries": _entry_count(item),
            "lists": list(item.filters.lists),
            "threshold": item.threshold,
            "channels": [{"channel": c, "kind": kinds.get(c, "?")} for c in item.notify],
            "digest": item.digest.cron if item.digest else None,
        }
        for item in config.watchlists
    ]


def _list_status(
    item: ListConfig,
    overview: dict[str, Any],
    state: ListState,
    change: tuple[datetime | None, dict[str, int]] | None,
    config: Config,
    now: datetime,
) -> dict[str, Any]:
    shown = [shown_url(s) if source_kind(s) == "http" else s for s in item.sources]
    return {
        "list": item.id,
        "title": item.title or overview.get("title", ""),
        "source": " ".join(shown) or None,
        "schedule": describe(item.schedule) if item.schedule else None,
        "entries": overview.get("entries", 0),
        "last_check": _iso(state.last_check_at),
        "last_outcome": state.last_outcome or None,
        "last_message": state.last_message,
        "last_change": _iso(change[0]) if change else None,
        "last_change_summary": change[1] if change else {},
        "last_error": state.last_error or None,
        "failing_since": _iso(state.error_since),
        "failed_checks": state.failures,
        "next_run": _iso(state.next_run_at or _computed_next_run(item, state, config, now)),
        "next_run_by": "daemon" if state.next_run_at else ("schedule" if item.schedule else None),
        "channels": list(item.notify),
    }


def _computed_next_run(
    item: ListConfig, state: ListState, config: Config, now: datetime
) -> datetime | None:
    """The schedule's next time when no daemon recorded one (a cron time, or last check + every)."""
    schedule = item.schedule
    if schedule is None:
        return None
    if schedule.cron is not None:
        trigger = cron_trigger(schedule.cron, timezone=timezone_of(config))
        moment: datetime | None = trigger.get_next_fire_time(None, now)
        return moment
    assert schedule.every is not None
    return (state.last_check_at or now) + schedule.every


def _channels(config: Config, summary: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    kinds = {n.id: n.kind for n in config.notifiers}
    out = []
    for channel in [*kinds, *sorted(set(summary) - set(kinds))]:
        found = summary.get(channel, {"counts": {}, "last_error": "", "next_attempt_at": None})
        counts = found["counts"]
        out.append(
            {
                "channel": channel,
                "kind": kinds.get(channel, "(not configured)"),
                "pending": counts.get("pending", 0) + counts.get("sending", 0),
                "failed": counts.get("failed", 0),
                "sent": counts.get("sent", 0),
                "last_error": found["last_error"] or None,
                "next_attempt": _iso(found["next_attempt_at"]),
            }
        )
    return out
