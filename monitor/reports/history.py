"""Entity history: every version of an entry, what changed, and the snapshot each fact comes from.

The events say what happened (listed, modified, delisted...); the stored
versions say what the entry was, from which snapshot until which. A step of
the history joins the two, and cites the snapshot (sha256, archive file,
observation time) so an analyst can open the very file a fact was read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from monitor.countries import country_name
from monitor.dates import utc_iso
from monitor.reports.changes import deltas
from monitor.reports.model import KIND_TITLES
from monitor.reports.words import countries_text, day_text, notice_citation, shorten
from monitor.store.queries import file_label
from monitor.store.subjects import Member
from monitor.subjects.views import subject_histories

FACT_LIMIT = 8


def history_pairs(events: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """The entries of the matching events, and the keys they had before a re-keying."""
    pairs: list[tuple[str, str]] = []
    for event in events:
        for key in (event.get("previous_key"), event["key"]):
            if key and (event["list"], key) not in pairs:
                pairs.append((event["list"], key))
    return pairs


def build_history(
    query: str,
    events: Sequence[dict[str, Any]],
    versions: dict[tuple[str, str], list[dict[str, Any]]],
    now: datetime,
    linked: tuple[dict[int, dict[str, Any]], dict[int, list[Member]]] | None = None,
) -> dict[str, Any]:
    """The history model: one item per entry, its steps oldest first; and, given the
    subjects of the entries (``linked``: :func:`monitor.subjects.views.subjects_of`), one
    item per subject with its presence on every list and one timeline."""
    by_entry: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for event in events:
        files = [file_label({"path": f}) for f in event.get("files", [])]
        by_entry.setdefault((event["list"], event["key"]), []).append({**event, "files": files})
    for pair in versions:
        by_entry.setdefault(pair, [])
    entries = [_entry(pair, by_entry[pair], versions.get(pair, [])) for pair in sorted(by_entry)]
    subjects, members = linked or ({}, {})
    return {
        "query": query,
        "generated_at": utc_iso(now),
        "entries": entries,
        "subjects": subject_histories(entries, subjects, members),
    }


def _entry(
    pair: tuple[str, str], events: list[dict[str, Any]], versions: list[dict[str, Any]]
) -> dict[str, Any]:
    ordered = sorted(events, key=lambda e: e["observed_at"])
    name = versions[-1]["record"]["name"] if versions else ordered[-1]["name"]
    return {
        "list": pair[0],
        "key": pair[1],
        "name": name,
        "status": _status(ordered, versions),
        "steps": [_step(e, versions) for e in ordered],
        "versions": [{"number": n, **v} for n, v in enumerate(versions, start=1)],
        "events": ordered,
    }


def _status(events: list[dict[str, Any]], versions: list[dict[str, Any]]) -> str:
    current = versions and versions[-1]["valid_to"] is None
    if current:
        since = versions[-1]["valid_from"]["observed_at"]
        return f"on the list (current version since {day_text(since)})"
    if events and events[-1]["kind"] == "delisted":
        return f"removed from the list (observed {day_text(events[-1]['observed_at'])})"
    if versions and versions[-1]["valid_to"]:
        return (
            f"no longer under this key (since {day_text(versions[-1]['valid_to']['observed_at'])})"
        )
    return "unknown"


def _step(event: dict[str, Any], versions: list[dict[str, Any]]) -> dict[str, Any]:
    version = _version_of(event, versions)
    number = versions.index(version) + 1 if version else None
    title = KIND_TITLES[event["kind"]] + (
        " (baseline: first version held)" if event["baseline"] else ""
    )
    return {
        "kind": event["kind"],
        "title": title,
        "observed_at": event["observed_at"],
        "observed": day_text(event["observed_at"]),
        "effective": day_text(event["effective_date"]) if event["effective_date"] else "",
        "notice": notice_citation(event.get("notice") or ""),
        "links": list(event.get("notice_links") or []),
        "previous_key": event.get("previous_key") or "",
        "snapshot": _snapshot_of(event),
        "changes": [d.describe() for d in deltas(event["changes"])],
        "version": number,
        "valid_to": version["valid_to"] if version else None,
        "facts": _facts(version["record"]) if version else [],
    }


def _version_of(event: dict[str, Any], versions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The version this event started (none for a delisting: it ended one)."""
    if event["kind"] == "delisted":
        return None
    for version in versions:
        start = version["valid_from"]
        if start["sha256"] == event["snapshot"] and start["observed_at"] == event["observed_at"]:
            return version
    return None


def _snapshot_of(event: dict[str, Any]) -> dict[str, Any]:
    """The snapshot an event was read from, as evidence."""
    return {
        "sha256": event["snapshot"],
        "files": list(event.get("files", [])),
        "observed_at": event["observed_at"],
    }


def _facts(record: dict[str, Any]) -> list[dict[str, str]]:
    """What the entry said in this version, as label/value pairs."""
    facts = [
        ("Name", record.get("name", "")),
        ("Type", record.get("entry_type", "")),
        ("Inner list", record.get("source_list", "")),
        ("Programs", ", ".join(record.get("programs", []))),
        ("Countries", ", ".join(countries_text(record.get("countries", [])))),
        ("Aliases", _some(record.get("aliases", []))),
        ("Identifiers", _some([_identifier(i) for i in record.get("identifiers", [])])),
        ("Addresses", _some(record.get("addresses", []))),
        ("Dates of birth", ", ".join(record.get("birth_dates", []))),
        ("Effective date", record.get("effective_date") or ""),
        ("Notice", notice_citation(record.get("notice", ""))),
        ("Remarks", shorten(record.get("remarks", ""), 200)),
    ]
    return [{"label": label, "value": value} for label, value in facts if value]


def _identifier(item: Sequence[str]) -> str:
    kind, value, country = [*item, "", "", ""][:3]
    return f"{kind} {value}" + (f" ({country_name(country)})" if country else "")


def _some(values: Sequence[str]) -> str:
    shown = "; ".join(shorten(v, 100) for v in values[:FACT_LIMIT])
    more = len(values) - FACT_LIMIT
    return shown + (f"; and {more} more" if more > 0 else "")
