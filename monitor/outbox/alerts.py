"""Sending watchlist alerts through the watchlist's channels, once.

An ApplyHook placed after the watchlist hook: inside the snapshot's
transaction it takes the alerts of that snapshot not yet handed on, renders
one message per watchlist and queues it in the outbox for each channel the
watchlist notifies, then marks the alerts delivered. The outbox sends each
queued message exactly once, so an alert is never lost and never repeated.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from jinja2 import Environment

from monitor.config import Config
from monitor.ingest.pipeline import ApplyHook
from monitor.outbox.run_report import html_page, notifiers
from monitor.records import Event
from monitor.reports.environment import render
from monitor.store import deliveries as sql
from monitor.store.store import ListTransaction
from monitor.watchlists.alerts import Alert, mark_delivered, undelivered_alerts

SUBJECT_LIMIT = 200


def alert_delivery_hook(config: Config, environment: Environment, *, now: datetime) -> ApplyHook:
    """Queue each watchlist's new alerts to its channels, in the snapshot's transaction."""
    watchlists = {w.id: w for w in config.watchlists if w.notify}

    def queue_alerts(tx: ListTransaction, snapshot_id: int, events: Sequence[Event]) -> None:
        if not watchlists:
            return
        by_watchlist: dict[str, list[Alert]] = defaultdict(list)
        for alert in undelivered_alerts(tx.connection, snapshot_id):
            if alert.watchlist in watchlists:
                by_watchlist[alert.watchlist].append(alert)
        for watchlist_id, alerts in sorted(by_watchlist.items()):
            _queue(tx, snapshot_id, watchlist_id, alerts, config, environment, now)
            mark_delivered(tx.connection, [a.id for a in alerts], now)

    return queue_alerts


def _queue(
    tx: ListTransaction,
    snapshot_id: int,
    watchlist_id: str,
    alerts: list[Alert],
    config: Config,
    environment: Environment,
    now: datetime,
) -> None:
    channels = notifiers(config, next(w for w in config.watchlists if w.id == watchlist_id).notify)
    parts = render_alert_parts(environment, watchlist_id, alerts)
    subject = alert_subject(watchlist_id, alerts)
    name = f"alerts-{watchlist_id}-{now.strftime('%Y-%m-%dT%H%M%SZ')}-{snapshot_id}"
    for channel in channels.values():
        body = {
            "list": watchlist_id,
            "name": name,
            "parts": {f: parts.get(f, parts["text"]) for f in channel.formats},
        }
        sql.queue(
            tx.connection,
            snapshot_id=snapshot_id,
            channel=channel.channel,
            subject=subject,
            body=body,
            now=now,
        )


def render_alert_parts(
    environment: Environment, watchlist_id: str, alerts: list[Alert]
) -> dict[str, str]:
    """The message as text, Markdown (the text), HTML (escaped) and JSON."""
    items = [a.to_json() for a in alerts]
    text = render(environment, "alerts.txt.j2", {"watchlist": watchlist_id, "alerts": items})
    document: dict[str, Any] = {"watchlist": watchlist_id, "alerts": items}
    return {
        "text": text,
        "markdown": text,
        "html": html_page([alert_subject(watchlist_id, alerts)], text),
        "json": json.dumps(document, indent=2, ensure_ascii=False) + "\n",
    }


def alert_subject(watchlist_id: str, alerts: list[Alert]) -> str:
    """'Watchlist portfolio: SZ DJI TECHNOLOGY CO., LTD. listed (+2 more)'."""
    first = alerts[0]
    subject = f"Watchlist {watchlist_id}: {first.event['name']} {first.headline}"
    if len(alerts) > 1:
        subject += f" (+{len(alerts) - 1} more)"
    return subject if len(subject) <= SUBJECT_LIMIT else subject[: SUBJECT_LIMIT - 3] + "..."
