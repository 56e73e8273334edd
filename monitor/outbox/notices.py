"""Telling a list's channels that its checks keep failing, work again, or need a person.

Why: a daemon whose downloads fail quietly leaves a compliance team trusting a
stale list. After ``fetch.alert_after`` failed checks in a row (default 3:
one flaky download is not news) each channel of the list gets one notice, and
the first good check after that gets one "recovered" notice. A snapshot held
in quarantine (a mass delisting, or a delta waiting for a held one) waits for
a person, so it is told at once, with the command that settles it. Notices go
through the outbox like reports, so a channel that is down gets them later,
exactly once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from monitor.dates import utc_iso
from monitor.outbox.enqueue import Outgoing, channels_for, enqueue, stamp
from monitor.reports.environment import render
from monitor.store import deliveries as sql

if TYPE_CHECKING:
    from jinja2 import Environment

    from monitor.config import Config, ListConfig
    from monitor.ingest.pipeline import IngestResult
    from monitor.store.list_state import ListState
    from monitor.store.store import Store


@dataclass(frozen=True, kw_only=True)
class Notice:
    """One message about a list's checks, in every format a channel may want."""

    list_id: str
    kind: str  # failing | recovered | quarantined
    subject: str
    lines: tuple[str, ...]
    at: datetime
    snapshot_id: int | None = None  # the snapshot a quarantine notice is about

    def parts(self, environment: Environment) -> dict[str, str]:
        """Text, Markdown and HTML from the notice templates, and the JSON document."""
        text = render(environment, "notice.txt.j2", {"notice": self})
        return {
            "text": text,
            "markdown": render(environment, "notice.md.j2", {"notice": self}),
            "html": render(environment, "page.html.j2", {"title": self.subject, "text": text}),
            "json": json.dumps(
                {
                    "list": self.list_id,
                    "notice": self.kind,
                    "snapshot": self.snapshot_id,
                    "at": utc_iso(self.at),
                    "subject": self.subject,
                    "lines": list(self.lines),
                },
                indent=2,
            ),
        }


def failing_notice(
    list_config: ListConfig, before: ListState, error: str, *, now: datetime
) -> Notice | None:
    """The notice for this failed check, when it is the one that reaches the threshold."""
    threshold = list_config.fetch.alert_after
    failures = before.failures + 1
    if threshold == 0 or failures != threshold:
        return None
    since = before.error_since or now
    last_ok = utc_iso(before.last_ok_at) if before.last_ok_at else "never"
    return Notice(
        list_id=list_config.id,
        kind="failing",
        subject=f"{list_config.id}: {failures} checks failed in a row since {utc_iso(since)}",
        lines=(
            f"The last {failures} checks of {list_config.id} failed; the last good state "
            "stays current.",
            f"Latest error: {error}",
            f"Last good check: {last_ok}",
        ),
        at=now,
    )


def recovered_notice(list_config: ListConfig, before: ListState, *, now: datetime) -> Notice | None:
    """The notice for a good check after the channels were told of failures."""
    threshold = list_config.fetch.alert_after
    if threshold == 0 or before.failures < threshold:
        return None
    since = utc_iso(before.error_since) if before.error_since else "?"
    return Notice(
        list_id=list_config.id,
        kind="recovered",
        subject=f"{list_config.id}: checks work again after {before.failures} failures",
        lines=(
            f"{list_config.id} was checked successfully at {utc_iso(now)} after "
            f"{before.failures} failed checks since {since}.",
        ),
        at=now,
    )


def quarantine_notice(
    list_config: ListConfig, result: IngestResult, *, now: datetime
) -> Notice | None:
    """The notice for a snapshot this check quarantined (once: a held copy is 'skipped')."""
    if result.status != "quarantined" or result.snapshot_id is None:
        return None
    observed = utc_iso(result.observed_at) if result.observed_at else "?"
    return Notice(
        list_id=list_config.id,
        kind="quarantined",
        subject=f"{list_config.id}: snapshot {result.snapshot_id} held for review",
        lines=(
            f"The {list_config.id} version observed at {observed} was archived but not "
            f"applied: {result.message}.",
            "The last good state stays current until a person decides:",
            f"watchlist-monitor quarantine approve {result.snapshot_id}   (apply it)",
            f"watchlist-monitor quarantine reject {result.snapshot_id}    (keep it out)",
        ),
        at=now,
        snapshot_id=result.snapshot_id,
    )


def queue_notice(
    store: Store, config: Config, list_config: ListConfig, notice: Notice, environment: Environment
) -> int:
    """Queue the notice for each of the list's channels; returns how many were queued."""
    channels = channels_for(config, list_config.notify)
    if not channels:
        return 0
    about = f"-{notice.snapshot_id}" if notice.snapshot_id is not None else ""
    message = Outgoing(
        about=notice.list_id,
        name=f"{notice.list_id}-{notice.kind}{about}-{stamp(notice.at)}",
        subject=notice.subject,
        parts=notice.parts(environment),
    )
    with sql.writing(store) as connection:
        return enqueue(connection, channels, message, snapshot_id=None, now=notice.at)
