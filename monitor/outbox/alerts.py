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
from typing import TYPE_CHECKING, Any

from monitor.outbox.enqueue import Outgoing, channels_for, enqueue, stamp
from monitor.reports.environment import render
from monitor.subjects.alerts import SubjectAlert, per_subject
from monitor.watchlists.alerts import Alert, mark_delivered, undelivered_alerts

if TYPE_CHECKING:
    from jinja2 import Environment

    from monitor.config import Config
    from monitor.ingest.pipeline import ApplyHook
    from monitor.records import Event
    from monitor.store.store import ListTransaction

SUBJECT_LIMIT = 200


def alert_delivery_hook(config: Config, environment: Environment) -> ApplyHook:
    """Queue each watchlist's new alerts to its channels, in the snapshot's transaction."""
    watchlists = {w.id: w for w in config.watchlists if w.notify}

    def queue_alerts(
        tx: ListTransaction, snapshot_id: int, events: Sequence[Event], now: datetime
    ) -> None:
        if not watchlists:
            return
        by_watchlist: dict[str, list[Alert]] = defaultdict(list)
        for alert in undelivered_alerts(tx.connection, snapshot_id):
            if alert.watchlist in watchlists:
                by_watchlist[alert.watchlist].append(alert)
        for watchlist_id, alerts in sorted(by_watchlist.items()):
            # one alert per change of one subject; one sent before from another list is not
            # sent again, but every alert is marked handed on
            sending = per_subject(tx.connection, alerts)
            if sending:
                message = Outgoing(
                    about=watchlist_id,
                    name=f"alerts-{watchlist_id}-{stamp(now)}-{snapshot_id}",
                    subject=alert_subject(watchlist_id, [s.alert for s in sending]),
                    parts=render_alert_parts(environment, watchlist_id, sending),
                )
                channels = channels_for(config, watchlists[watchlist_id].notify)
                enqueue(tx.connection, channels, message, snapshot_id=snapshot_id, now=now)
            mark_delivered(tx.connection, [a.id for a in alerts], now)

    return queue_alerts


def render_alert_parts(
    environment: Environment, watchlist_id: str, alerts: Sequence[Alert | SubjectAlert]
) -> dict[str, str]:
    """The message as text, Markdown (the text), HTML (a table) and JSON; per subject
    (:class:`SubjectAlert`: naming every list it is on) or per raised alert."""
    items = [a.to_json() for a in alerts]
    plain = [a.alert if isinstance(a, SubjectAlert) else a for a in alerts]
    context: dict[str, Any] = {
        "watchlist": watchlist_id,
        "alerts": items,
        "subject": alert_subject(watchlist_id, plain),
    }
    text = render(environment, "alerts.txt.j2", context)
    document = {"watchlist": watchlist_id, "alerts": items}
    return {
        "text": text,
        "markdown": text,
        "html": render(environment, "alerts.html.j2", context),
        "json": json.dumps(document, indent=2, ensure_ascii=False) + "\n",
    }


def alert_subject(watchlist_id: str, alerts: list[Alert]) -> str:
    """'Watchlist portfolio: SZ DJI TECHNOLOGY CO., LTD. listed (+2 more)'."""
    first = alerts[0]
    subject = f"Watchlist {watchlist_id}: {first.event['name']} {first.headline}"
    if len(alerts) > 1:
        subject += f" (+{len(alerts) - 1} more)"
    return subject if len(subject) <= SUBJECT_LIMIT else subject[: SUBJECT_LIMIT - 3] + "..."
