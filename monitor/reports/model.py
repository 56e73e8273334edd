"""The report model: what every output format renders, built once from a list of events.

Two kinds of report share it: a digest (the events of a period, by the
effective or the observed clock) and a run report (what one check of one list
found: the events of one snapshot). The model is plain JSON-ready data; the
JSON report is a subset of it, and templates only lay out its display strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from monitor.dates import utc_iso
from monitor.errors import ConfigError
from monitor.kinds import EVENT_KINDS as KINDS
from monitor.kinds import GROUPINGS
from monitor.reports.changes import (
    BULK_MINIMUM,
    BulkEdit,
    bulk_index,
    deltas,
    find_bulk_edits,
    split_changes,
)
from monitor.reports.chart import build_chart
from monitor.reports.document import KindBlock, Period, Report, Row, Scope, Section
from monitor.reports.grouping import (
    group_counts,
    group_title,
    grouped,
    report_day,
    subject_key,
)
from monitor.reports.headlines import baseline_sentence, clock_sentence, headlines
from monitor.reports.periods import TIME_GROUPS, describe_period
from monitor.reports.words import (
    countries_text,
    day_text,
    notice_citation,
    where_label,
)
from monitor.store.queries import EventQuery, public_snapshot

KIND_TITLES = {
    "listed": "Listed",
    "delisted": "Delisted",
    "relisted": "Listed again",
    "modified": "Modified",
    "rekeyed": "Re-keyed",
}


def visible(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop modifications that change nothing a reader can see (reordering, spacing)."""
    return [e for e in events if e["kind"] != "modified" or deltas(e["changes"])]


def build_report(
    events: list[dict[str, Any]],
    query: EventQuery,
    now: datetime,
    *,
    by: str = "list",
    source: str = "",
    bulk_minimum: int = BULK_MINIMUM,
) -> Report:
    """A digest of a period: the documented JSON schema plus headlines, groups and sections."""
    scope: Scope = {
        "type": "digest",
        "title": f"Changes to sanctions lists: {describe_period(query.since, query.until)}",
        "filters": _filters(query, source),
    }
    period: Period = {"since": _iso(query.since), "until": _iso(query.until), "date": query.clock}
    return _model(events, now, scope, period, query.since, query.until, by, bulk_minimum)


def build_run_report(
    events: list[dict[str, Any]],
    snapshot: dict[str, Any],
    now: datetime,
    *,
    alerts: list[dict[str, Any]] | None = None,
    by: str = "list",
    bulk_minimum: int = BULK_MINIMUM,
) -> Report:
    """What one check of one list found: the events of one snapshot, by the observed clock,
    and the watchlist alerts they raised.

    ``snapshot`` is a :func:`monitor.store.queries.snapshot_info` dict.
    """
    observed = str(snapshot["observed_at"])
    scope: Scope = {
        "type": "run",
        "title": f"{snapshot['list']}: version of {day_text(observed)} {observed[11:16]} UTC",
        "filters": "",
        "snapshot": public_snapshot(snapshot),
    }
    day = date.fromisoformat(observed[:10])
    period: Period = {"since": day.isoformat(), "until": day.isoformat(), "date": "observed"}
    report = _model(events, now, scope, period, None, None, by, bulk_minimum)
    report["alerts"] = alerts or []
    return report


def _model(
    raw: list[dict[str, Any]],
    now: datetime,
    scope: Scope,
    period: Period,
    since: date | None,
    until: date | None,
    by: str,
    bulk_minimum: int,
) -> Report:
    events = visible(raw)
    clock = period["date"]
    bulk = find_bulk_edits(events, bulk_minimum)
    undated = sum(1 for e in events if not e["effective_date"])
    return {
        "generated_at": utc_iso(now),
        "scope": scope,
        "period": period,
        "period_text": describe_period(since, until) if scope["type"] == "digest" else "",
        "summary": {kind: sum(1 for e in events if e["kind"] == kind) for kind in KINDS},
        "subjects": subject_counts(events),
        "clock": clock_sentence(clock, len(events), undated),
        "undated_events": undated,
        "baseline_events": sum(1 for e in events if e["baseline"]),
        "baseline_note": baseline_sentence(sum(1 for e in events if e["baseline"])),
        "headlines": headlines(events, bulk),
        "groups": group_counts(events, clock),
        "bulk_edits": [b.as_dict() for b in bulk],
        "by": by,
        "sections": _sections(events, by, clock, bulk),
        "chart": build_chart(events, clock, since, until, by if by in TIME_GROUPS else None),
        "events": events,
    }


def subject_counts(events: Sequence[dict[str, Any]]) -> dict[str, int]:
    """The summary counted in subjects: a company listed on two lists is one listing
    (an entry not linked yet counts as a subject of its own); ``total`` is every subject
    the events are about."""
    counts = {kind: len({subject_key(e) for e in events if e["kind"] == kind}) for kind in KINDS}
    counts["total"] = len({subject_key(e) for e in events})
    return counts


def _filters(query: EventQuery, source: str) -> str:
    parts = []
    if query.lists:
        parts.append("lists: " + ", ".join(query.lists))
    if source:
        parts.append(f"inner list: {source}")
    if query.kinds:
        parts.append("events: " + ", ".join(query.kinds))
    if query.include_baseline and query.clock == "observed":
        parts.append("baseline entries included")
    return "; ".join(parts)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _sections(
    events: Sequence[dict[str, Any]], by: str, clock: str, bulk: Sequence[BulkEdit]
) -> list[Section]:
    if by not in GROUPINGS:
        raise ConfigError(f"--by: unknown grouping {by!r}; valid groupings: {', '.join(GROUPINGS)}")
    index = bulk_index(bulk)
    return [
        {
            "key": key,
            "title": group_title(key, by, items),
            "count": len(items),
            "kinds": [
                _kind_block(kind, items, clock, index) for kind in KINDS if _has(items, kind)
            ],
        }
        for key, items in grouped(events, by, clock)
    ]


def _has(items: Sequence[dict[str, Any]], kind: str) -> bool:
    return any(e["kind"] == kind for e in items)


def _kind_block(
    kind: str, items: Sequence[dict[str, Any]], clock: str, index: dict[tuple[Any, ...], int]
) -> KindBlock:
    chosen = sorted(
        (e for e in items if e["kind"] == kind),
        key=lambda e: (report_day(e, clock), e["name"].casefold(), e["key"]),
    )
    rows = [_row(e, clock, index) for e in chosen]
    shown = [r for r in rows if kind != "modified" or r["changes"]]
    return {
        "kind": kind,
        "title": KIND_TITLES[kind],
        "count": len(rows),
        "rows": shown,
        "bulk_only": len(rows) - len(shown),
    }


def _row(event: dict[str, Any], clock: str, index: dict[tuple[Any, ...], int]) -> Row:
    """One event as display strings."""
    changed = event["kind"] in ("modified", "rekeyed")
    own, numbers = split_changes(event, index) if changed else ([], [])
    row: Row = {
        "name": event["name"],
        "key": event["key"],
        "kind": event["kind"],
        "where": where_label(event["list"], event.get("source_list") or ""),
        "type": event["type"] or "unknown",
        "programs": ", ".join(event["programs"]),
        "countries": ", ".join(countries_text(event["countries"])),
        "notice": notice_citation(event.get("notice") or ""),
        "links": list(event.get("notice_links") or []),
        "effective": day_text(event["effective_date"]) if event["effective_date"] else "",
        "observed": day_text(event["observed_at"]),
        "date": report_day(event, clock),
        "baseline": event["baseline"],
        "previous_key": event.get("previous_key") or "",
        "changes": [d.describe() for d in own],
        "bulk": ", ".join(f"B{n}" for n in numbers),
        "snapshot": (event.get("snapshot") or "")[:12],
        "details": "",
    }
    row["details"] = _details(row)
    return row


def _details(row: Row) -> str:
    """The facts of a row on one line, for plain text."""
    parts = [row["type"]] if row["type"] != "unknown" else []
    if row["programs"]:
        parts.append(f"programs: {row['programs']}")
    if row["countries"]:
        parts.append(f"countries: {row['countries']}")
    if row["notice"]:
        parts.append(row["notice"])
    if row["links"]:
        parts.append("see " + ", ".join(link["url"] for link in row["links"]))
    if row["effective"]:
        parts.append(f"effective {row['effective']}")
    parts.append(f"observed {row['observed']}" + (" (baseline)" if row["baseline"] else ""))
    return "; ".join(parts)
