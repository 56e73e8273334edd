"""Queueing a run's report in the outbox, in the same transaction as its events.

The report is built from the snapshot's stored events and rendered once per
format that the list's channels need; each channel gets one delivery row
with its finished text. Because this runs as a pipeline ApplyHook, a crash
leaves either the events and their deliveries, or neither: a report is
never lost, and the delivery side (monitor.outbox.deliver) sends it later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from monitor.outbox.enqueue import Outgoing, channels_for, enqueue, formats_wanted
from monitor.reports.model import build_run_report
from monitor.reports.output import render_report
from monitor.store import deliveries as sql
from monitor.store.queries import snapshot_events, snapshot_info
from monitor.watchlists.alerts import find_alerts

if TYPE_CHECKING:
    from jinja2 import Environment

    from monitor.config import Config, ListConfig
    from monitor.ingest.pipeline import ApplyHook
    from monitor.records import Event
    from monitor.reports.document import Report
    from monitor.store.store import ListTransaction

SUBJECT_LIMIT = 180


def report_hook(config: Config, list_config: ListConfig, environment: Environment) -> ApplyHook:
    """An ApplyHook that queues this run's report for each channel the list notifies."""
    channels = channels_for(config, list_config.notify)

    def queue_report(
        tx: ListTransaction, snapshot_id: int, events: Sequence[Event], now: datetime
    ) -> None:
        # A snapshot's events are all baseline or none: the first says, without reading
        # a million-entry baseline's events back from disk (ingest/spill.py).
        if not channels or not events or events[0].baseline:
            return
        snapshot = snapshot_info(sql.snapshot_row(tx.connection, snapshot_id))
        rows = snapshot_events(tx.connection, snapshot_id)
        alerts = [a.to_json() for a in find_alerts(tx.connection, snapshot_id=snapshot_id)]
        report = build_run_report(rows, snapshot, now, alerts=alerts)
        message = Outgoing(
            about=list_config.id,
            name=f"{list_config.id}-{snapshot['observed_at'].replace(':', '')}",
            subject=report_subject(list_config, report),
            parts=render_parts(environment, report, formats_wanted(channels) | {"text"}),
        )
        enqueue(tx.connection, channels, message, snapshot_id=snapshot_id, now=now)

    return queue_report


def render_parts(
    environment: Environment, report: Report, formats: Iterable[str]
) -> dict[str, str]:
    """Each format rendered once."""
    return {fmt: render_report(environment, report, fmt) for fmt in sorted(formats)}


def report_subject(list_config: ListConfig, report: Report) -> str:
    """The list and the first headline, e.g. 'us-ofac-sdn: 1 entry added to us-ofac-sdn ...'."""
    lines: list[str] = report["headlines"]
    summary = ", ".join(f"{n} {kind}" for kind, n in report["summary"].items() if n)
    subject = f"{list_config.id}: {lines[0] if lines else summary or 'changes'}"
    if len(lines) > 1:
        subject += f" (+{len(lines) - 1} more)"
    if len(subject) > SUBJECT_LIMIT:
        subject = subject[: SUBJECT_LIMIT - 3].rstrip() + "..."
    return subject
