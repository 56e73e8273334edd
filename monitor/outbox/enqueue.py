"""Queueing one message for each of its channels: the one way anything enters the outbox.

Run reports, watchlist alerts, digests and notices are all rendered once, in
every format their channels ask for, then handed here. Each channel gets one
delivery row holding its finished parts; a format a message was not rendered
in (an alert sent to a channel that asks for CSV) gets the message's text, so
a channel is never left with nothing to send. The caller owns the
transaction: queued in the same one as the events, a message is never lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from monitor.store import deliveries as sql

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from monitor.config import Config
    from monitor.notifiers import Notifier


@dataclass(frozen=True, kw_only=True)
class Outgoing:
    """One message before it is queued: what it is about, its subject and its parts."""

    about: str  # the list or watchlist id the message is about
    name: str  # a file-name-safe name, stable for the message (a file channel's file name)
    subject: str
    parts: Mapping[str, str]  # format -> finished text; "text" is always present


def channels_for(config: Config, ids: Iterable[str] | None = None) -> dict[str, Notifier]:
    """The configured channels (all, or these ids) as ready-to-send notifiers."""
    from monitor.notifiers import build_notifier

    wanted = set(ids) if ids is not None else None
    return {
        n.id: build_notifier(n.kind, n.id, n.settings)
        for n in config.notifiers
        if wanted is None or n.id in wanted
    }


def formats_wanted(channels: Mapping[str, Notifier]) -> set[str]:
    """Every format at least one of these channels sends: what to render, once each."""
    return {f for channel in channels.values() for f in channel.formats}


def enqueue(
    connection: Connection,
    channels: Mapping[str, Notifier],
    message: Outgoing,
    *,
    snapshot_id: int | None,
    now: datetime,
) -> int:
    """Queue ``message`` once per channel, in the caller's transaction; returns how many."""
    for channel in channels.values():
        body = {
            "list": message.about,
            "name": message.name,
            "parts": {f: message.parts.get(f, message.parts["text"]) for f in channel.formats},
        }
        sql.queue(
            connection,
            snapshot_id=snapshot_id,
            channel=channel.channel,
            subject=message.subject,
            body=body,
            now=now,
        )
    return len(channels)


def stamp(moment: datetime) -> str:
    """A time as it appears in message names: 2021-12-16T014200Z."""
    return moment.strftime("%Y-%m-%dT%H%M%SZ")
