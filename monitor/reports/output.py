"""Rendering a report model into each output format.

Text, Markdown and HTML go through templates (the user may override any of
them); JSON, CSV and Atom are data formats written here or through the feed
template. HTML and Atom are always rendered with escaping on, through an
overlay of the one environment, whatever the template is called: a value
from a list (an entity named ``<script>``) must never become markup.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from jinja2 import Environment

from monitor.reports.changes import deltas
from monitor.reports.document import Report
from monitor.reports.environment import render
from monitor.reports.feed import build_feed
from monitor.reports.grouping import report_day

TEMPLATE_SUFFIXES = {"text": "txt", "markdown": "md", "html": "html"}
JSON_KEYS = (
    "generated_at",
    "scope",
    "period",
    "summary",
    "subjects",
    "clock",
    "undated_events",
    "baseline_events",
    "headlines",
    "groups",
    "bulk_edits",
    "events",
)
CSV_COLUMNS = (
    "list",
    "source_list",
    "key",
    "kind",
    "name",
    "type",
    "programs",
    "countries",
    "notice",
    "notice_urls",
    "effective_date",
    "observed_at",
    "report_date",
    "baseline",
    "snapshot",
    "previous_key",
    "categories",
    "changes",
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def template_name(report: Report, output_format: str) -> str:
    """``report.html.j2`` for a digest, ``run.html.j2`` for the report of one check."""
    stem = "run" if report["scope"]["type"] == "run" else "report"
    return f"{stem}.{TEMPLATE_SUFFIXES[output_format]}.j2"


def markup_environment(environment: Environment) -> Environment:
    """The one environment with escaping forced on, compiled apart from the plain templates.

    Made once per environment and kept on it: a long-lived process (the web app) would
    otherwise compile every template again for every page (two thirds of the dashboard's
    time on the real SDN history)."""
    found: Environment | None = getattr(environment, "_markup_overlay", None)
    if found is None:
        found = environment.overlay(autoescape=True, cache_size=50)
        environment._markup_overlay = found  # type: ignore[attr-defined]
    return found


def render_report(environment: Environment, report: Report, output_format: str) -> str:
    """The report in one of :data:`REPORT_FORMATS`."""
    if output_format == "json":
        return json.dumps(public_json(report), indent=2, ensure_ascii=False) + "\n"
    if output_format == "csv":
        return events_csv(report["events"], report["period"]["date"])
    if output_format == "atom":
        feed = build_feed(report["events"], report["generated_at"], report["scope"]["title"])
        return render(markup_environment(environment), "feed.atom.j2", {"feed": feed})
    if output_format == "html":
        name = template_name(report, output_format)
        return render(markup_environment(environment), name, {"report": report})
    if output_format == "markdown":
        escaped = escape_strings(report, markdown_escape)
        return render(environment, template_name(report, output_format), {"report": escaped})
    return render(environment, template_name(report, output_format), {"report": report})


def render_history(environment: Environment, history: dict[str, Any], output_format: str) -> str:
    """An entry history in text, Markdown, HTML (escaped) or JSON (``subjects``: each
    subject once, with its presence on every list and one timeline; ``entries``: each
    entry with its events, versions and steps)."""
    if output_format == "json":
        public = {"subjects": history["subjects"], "entries": history["entries"]}
        return json.dumps(public, indent=2, ensure_ascii=False) + "\n"
    if output_format == "html":
        return render(markup_environment(environment), "history.html.j2", {"history": history})
    if output_format == "markdown":
        escaped = escape_strings(history, markdown_escape)
        return render(environment, "history.md.j2", {"history": escaped})
    return render(environment, "history.txt.j2", {"history": history})


def public_json(report: Report) -> dict[str, Any]:
    """The documented JSON schema: the original keys, headlines and group counts."""
    fields: dict[str, Any] = dict(report)
    public = {key: fields[key] for key in JSON_KEYS}
    if "alerts" in report:  # run reports: the watchlist alerts this check raised
        public["alerts"] = report["alerts"]
    return public


def markdown_escape(text: str) -> str:
    """Backslash-escape what Markdown would read as markup (tables, emphasis, raw HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def escape_strings(value: Any, escape: Any) -> Any:
    """Every text escaped, except link targets (``url``): a template puts those inside
    ``<...>`` where escaping would break them."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {k: v if k == "url" else escape_strings(v, escape) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_strings(v, escape) for v in value]
    return value


def events_csv(events: list[dict[str, Any]], clock: str) -> str:
    """One row per event; cells that a spreadsheet would run as a formula are defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerow([_cell(v) for v in _csv_row(event, clock)])
    return buffer.getvalue()


def _csv_row(event: dict[str, Any], clock: str) -> list[Any]:
    return [
        event["list"],
        event.get("source_list") or "",
        event["key"],
        event["kind"],
        event["name"],
        event["type"],
        "; ".join(event["programs"]),
        "; ".join(event["countries"]),
        event.get("notice") or "",
        " ".join(link["url"] for link in event.get("notice_links") or ()),
        event["effective_date"] or "",
        event["observed_at"],
        report_day(event, clock),
        "yes" if event["baseline"] else "no",
        event.get("snapshot") or "",
        event.get("previous_key") or "",
        "; ".join(event["categories"]),
        " | ".join(d.describe() for d in deltas(event["changes"])),
    ]


def _cell(value: Any) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
