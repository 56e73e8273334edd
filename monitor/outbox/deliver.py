"""Sending what the outbox holds: each channel isolated, retried with backoff, sent once.

A delivery is claimed (so one process of several sends it), handed to its
channel, and marked sent only after the channel accepted it. A failure is
recorded with the channel's error (secrets scrubbed) and retried later with
a doubling delay; the channel is not tried again in the same pass, so its
reports keep their order. A crash between acceptance and the mark can resend
one message; every message carries a stable key (Message-ID, Idempotency-Key,
file name) so the receiver can recognise it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from monitor.config import Config, DeliverySettings
from monitor.notifiers import Message, Notifier
from monitor.outbox.enqueue import channels_for
from monitor.store import deliveries as sql
from monitor.store.store import Store, as_utc

log = logging.getLogger(__name__)

CLAIM = timedelta(minutes=10)


@dataclass
class DeliveryRun:
    """What one pass did, for the log line and the command's output."""

    sent: int = 0
    failed: dict[str, str] = field(default_factory=dict)

    def line(self) -> str:
        failures = "; ".join(f"{c}: {e}" for c, e in sorted(self.failed.items()))
        text = f"deliveries: {self.sent} sent"
        return text + (f", failed: {failures}" if failures else "")


def backoff(attempts: int, settings: DeliverySettings) -> timedelta:
    """retry_delay after the first failure, doubling each time, at most max_delay."""
    delay: timedelta = settings.retry_delay * (2 ** min(max(attempts - 1, 0), 20))
    return delay if delay < settings.max_delay else settings.max_delay


def deliver_due(
    store: Store,
    config: Config,
    *,
    now: datetime,
    channels: Iterable[str] | None = None,
    force: bool = False,
    stop: threading.Event | None = None,
) -> DeliveryRun:
    """Send the deliveries that are due (all waiting ones with ``force``)."""
    run = DeliveryRun()
    ready = channels_for(config, channels)
    for delivery_id, channel in sql.due(store, now=now, force=force):
        if stop is not None and stop.is_set():
            break
        notifier = ready.get(channel)
        if notifier is None or channel in run.failed:
            continue
        if sql.claim(store, delivery_id, now=now, until=now + CLAIM, force=force):
            _send_one(store, config, notifier, delivery_id, now, run)
    return run


def _send_one(
    store: Store,
    config: Config,
    notifier: Notifier,
    delivery_id: int,
    now: datetime,
    run: DeliveryRun,
) -> None:
    row = sql.load(store, delivery_id)
    message = _message(row)
    try:
        notifier.send(message)
    except Exception as exc:  # the per-channel boundary: nothing a channel does stops the others
        error = notifier.scrub(str(exc) or type(exc).__name__)
        retry_at = now + backoff(row.attempts, config.delivery)
        sql.mark_failed(store, delivery_id, error, retry_at=retry_at)
        run.failed[notifier.channel] = error
        log.warning(
            "%s: delivery %s to %s failed (attempt %s): %s; next try after %s",
            message.list_id,
            delivery_id,
            notifier.channel,
            row.attempts,
            error,
            retry_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            extra={"about": message.list_id, "channel": notifier.channel, "attempt": row.attempts},
        )
        return
    sql.mark_sent(store, delivery_id, now=now)
    run.sent += 1
    log.info(
        "%s: report %s sent to %s",
        message.list_id,
        delivery_id,
        notifier.channel,
        extra={"about": message.list_id, "channel": notifier.channel},
    )


def _message(row: Any) -> Message:
    body = row.body
    created = as_utc(row.created_at)
    assert created is not None
    return Message(
        delivery_id=row.id,
        list_id=body["list"],
        subject=row.subject,
        name=body["name"],
        parts=body["parts"],
        created_at=created,
    )
