"""Turning events into a report: summary counts, headline sentences and sections.

The model built here is what every output format renders: the JSON report is
this model as JSON, text and Markdown render it through Jinja templates.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from jinja2 import Environment

from monitor.dates import utc_iso
from monitor.queries import EventQuery
from monitor.rendering import render

KINDS = ("listed", "delisted", "relisted", "modified", "rekeyed")
REPORT_FORMATS = ("text", "markdown", "json")
TEMPLATES = {"text": "report.txt.j2", "markdown": "report.md.j2"}
VERBS = {
    "listed": "added to",
    "relisted": "added again to",
    "delisted": "removed from",
    "rekeyed": "re-keyed on",
}


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


def _where(event: dict[str, Any]) -> str:
    source = event.get("source_list") or ""
    return f"{event['list']} / {source}" if source else str(event["list"])


def _top(counter: Counter[str], limit: int = 4) -> str:
    parts = [f"{n} {name}" for name, n in counter.most_common(limit)]
    rest = sum(counter.values()) - sum(n for _, n in counter.most_common(limit))
    return ", ".join(parts + ([f"{rest} other"] if rest else []))


def headlines(events: Sequence[dict[str, Any]]) -> list[str]:
    """Sentences a person would write, with the real numbers."""
    lines: list[str] = []
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        notice = (event.get("notice") or "") if event["kind"] in ("listed", "relisted") else ""
        groups[(event["kind"], _where(event), notice)].append(event)
    for (kind, where, notice), items in sorted(
        groups.items(), key=lambda g: (KINDS.index(g[0][0]), -len(g[1]))
    ):
        if kind == "modified":
            continue
        sentence = f"{_entries(len(items))} {VERBS[kind]} {where}"
        dates = sorted({e["effective_date"] for e in items if e["effective_date"]})
        detail = [notice] if notice else []
        if dates:
            detail.append(
                "effective " + (dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}")
            )
        if detail:
            sentence += f" ({', '.join(detail)})"
        countries = Counter(c for e in items for c in e["countries"][:1])
        programs = Counter(p for e in items for p in e["programs"])
        facts = []
        if programs:
            facts.append("programs: " + _top(programs))
        if countries:
            facts.append("countries: " + _top(countries))
        lines.append(sentence + (": " + "; ".join(facts) if facts else "") + ".")
    lines += _modification_headlines(events)
    return lines


def _modification_headlines(events: Sequence[dict[str, Any]]) -> list[str]:
    by_list: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        if event["kind"] == "modified":
            by_list[_where(event)].append(event)
    lines = []
    for where, items in sorted(by_list.items()):
        categories = Counter(c for e in items for c in e["categories"])
        remarks_only = sum(1 for e in items if e["categories"] == ["remarks"])
        line = f"{_entries(len(items))} modified on {where} ({_top(categories, 6)})"
        if remarks_only:
            line += f"; {remarks_only} of them changed only in remarks"
        lines.append(line + ".")
    return lines


def build_report(events: list[dict[str, Any]], query: EventQuery, now: datetime) -> dict[str, Any]:
    """The report model: the documented JSON schema plus headlines and sections."""
    summary = {kind: sum(1 for e in events if e["kind"] == kind) for kind in KINDS}
    undated = sum(1 for e in events if not e["effective_date"])
    sections: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for event in events:
        sections[_where(event)][event["kind"]].append(event)
    return {
        "generated_at": utc_iso(now),
        "period": {
            "since": _iso_day(query.since),
            "until": _iso_day(query.until),
            "date": query.clock,
        },
        "summary": summary,
        "undated_events": undated,
        "headlines": headlines(events),
        "sections": [
            {
                "where": where,
                "kinds": [{"kind": k, "events": by_kind[k]} for k in KINDS if k in by_kind],
            }
            for where, by_kind in sorted(sections.items())
        ],
        "events": events,
    }


def _iso_day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def render_report(environment: Environment, report: dict[str, Any], output_format: str) -> str:
    if output_format == "json":
        public = {k: v for k, v in report.items() if k != "sections"}
        return json.dumps(public, indent=2, ensure_ascii=False) + "\n"
    return render(environment, TEMPLATES[output_format], {"report": report})
