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
from typing import Any

from jinja2 import Environment
from markupsafe import escape

from monitor.config import Config, ListConfig
from monitor.ingest.pipeline import ApplyHook
from monitor.notifiers import Notifier, build_notifier
from monitor.records import Event
from monitor.reports.model import build_run_report
from monitor.reports.output import REPORT_FORMATS, render_report
from monitor.store import deliveries as sql
from monitor.store.queries import snapshot_events, snapshot_info
from monitor.store.store import ListTransaction
from monitor.watchlists.alerts import find_alerts

SUBJECT_LIMIT = 180


def notifiers(config: Config, channels: Iterable[str] | None = None) -> dict[str, Notifier]:
    """The configured channels (all, or these ids) as ready-to-send notifiers."""
    wanted = set(channels) if channels is not None else None
    return {
        n.id: build_notifier(n.kind, n.id, n.settings)
        for n in config.notifiers
        if wanted is None or n.id in wanted
    }


def report_hook(
    config: Config, list_config: ListConfig, environment: Environment, *, now: datetime
) -> ApplyHook:
    """An ApplyHook that queues this run's report for each channel the list notifies."""
    channels = notifiers(config, list_config.notify)

    def queue_report(tx: ListTransaction, snapshot_id: int, events: Sequence[Event]) -> None:
        if not channels or not events or all(e.baseline for e in events):
            return
        snapshot = snapshot_info(sql.snapshot_row(tx.connection, snapshot_id))
        rows = snapshot_events(tx.connection, snapshot_id)
        report = build_run_report(rows, snapshot, now)
        report["alerts"] = [
            a.to_json() for a in find_alerts(tx.connection, snapshot_id=snapshot_id)
        ]
        formats = {f for channel in channels.values() for f in channel.formats}
        parts = render_parts(environment, report, formats)
        subject = report_subject(list_config, report)
        name = f"{list_config.id}-{snapshot['observed_at'].replace(':', '')}"
        for channel in channels.values():
            body = {
                "list": list_config.id,
                "name": name,
                "parts": {f: parts[f] for f in channel.formats},
            }
            sql.queue(
                tx.connection,
                snapshot_id=snapshot_id,
                channel=channel.channel,
                subject=subject,
                body=body,
                now=now,
            )

    return queue_report


def render_parts(
    environment: Environment, report: dict[str, Any], formats: Iterable[str]
) -> dict[str, str]:
    """Each format rendered once; HTML falls back to the text in a page until a template exists."""
    parts: dict[str, str] = {}
    html_template = "run.html.j2" in environment.list_templates()
    for fmt in sorted(formats):
        if fmt == "html" and not ("html" in REPORT_FORMATS and html_template):
            text = parts.get("text") or render_report(environment, report, "text")
            parts[fmt] = html_page(report["headlines"][:1], text)
        else:
            parts[fmt] = render_report(environment, report, fmt)
    return parts


def html_page(title: Sequence[str], text: str) -> str:
    """A minimal HTML page around the text report; every value is escaped."""
    heading = escape(title[0]) if title else "Watchlist Monitor report"
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        f"<title>{heading}</title></head>\n<body><h1>{heading}</h1>\n"
        f"<pre>{escape(text)}</pre>\n</body></html>\n"
    )


def report_subject(list_config: ListConfig, report: dict[str, Any]) -> str:
    """The list and the first headline, e.g. 'us-ofac-sdn: 1 entry added to us-ofac-sdn ...'."""
    lines: list[str] = report["headlines"]
    summary = ", ".join(f"{n} {kind}" for kind, n in report["summary"].items() if n)
    subject = f"{list_config.id}: {lines[0] if lines else summary or 'changes'}"
    if len(lines) > 1:
        subject += f" (+{len(lines) - 1} more)"
    if len(subject) > SUBJECT_LIMIT:
        subject = subject[: SUBJECT_LIMIT - 3].rstrip() + "..."
    return subject
