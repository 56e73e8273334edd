"""The periodic digest of a watchlist: every alert raised in the last scheduled period.

The window is fixed by the cron schedule, not by when the job happens to run:
(the fire time before the latest, the latest fire time]. So a digest run late,
twice, or by two daemons covers the same window, and the outbox row for that
window (found by its subject, under a lock) is queued only once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from jinja2 import Environment
from sqlalchemy import Connection, select

from monitor.config import Config
from monitor.cron import cron_trigger
from monitor.dates import utc_iso
from monitor.errors import ConfigError
from monitor.outbox.alerts import render_alert_parts
from monitor.outbox.enqueue import Outgoing, channels_for, enqueue, stamp
from monitor.store import schema as t
from monitor.store.store import Store
from monitor.watchlists.alerts import Alert, find_alerts
from monitor.watchlists.config import WatchlistConfig

LOOKBACKS = (timedelta(hours=2), timedelta(days=2), timedelta(days=40), timedelta(days=400))


def digest_window(cron: str, zone: str, now: datetime) -> tuple[datetime, datetime]:
    """The last completed period of the schedule: (previous fire, latest fire].

    Fire times are walked from the shortest look-back that holds two of them,
    so a schedule of every few minutes costs as little as a weekly one.
    """
    trigger = cron_trigger(cron, timezone=zone)
    for lookback in LOOKBACKS:
        fires: list[datetime] = []
        moment = trigger.get_next_fire_time(None, now - lookback)
        while moment is not None and moment <= now:
            fires = [*fires[-1:], moment]
            moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
        if len(fires) == 2:
            return fires[0], fires[1]
    raise ConfigError(f"digest schedule {cron!r} has no complete period before {now:%Y-%m-%d}")


def send_digest(
    store: Store,
    config: Config,
    environment: Environment,
    watchlist: WatchlistConfig,
    *,
    now: datetime,
) -> int:
    """Queue the digest of the last period to the watchlist's channels; returns alerts sent."""
    if watchlist.digest is None or not watchlist.notify:
        raise ConfigError(f"watchlist {watchlist.id!r} has no digest schedule or no channels")
    start, end = digest_window(watchlist.digest.cron, config.timezone, now)
    subject = f"Watchlist {watchlist.id} digest, {utc_iso(start)} to {utc_iso(end)}"
    with store.list_transaction(f"digest-{watchlist.id}") as tx:
        raised = [a for a in _raised(tx.connection, watchlist.id) if start < a.raised_at <= end]
        if not raised or _already_queued(tx.connection, subject):
            return 0
        message = Outgoing(
            about=watchlist.id,
            name=f"digest-{watchlist.id}-{stamp(end)}",
            subject=f"{subject}: {len(raised)} alerts",
            parts=render_alert_parts(environment, watchlist.id, raised),
        )
        channels = channels_for(config, watchlist.notify)
        enqueue(tx.connection, channels, message, snapshot_id=None, now=now)
    return len(raised)


def _raised(connection: Connection, watchlist_id: str) -> list[Alert]:
    return find_alerts(connection, watchlist=watchlist_id)


def _already_queued(connection: Connection, subject: str) -> bool:
    statement = select(t.deliveries.c.id).where(t.deliveries.c.subject.startswith(subject))
    return connection.execute(statement.limit(1)).first() is not None
