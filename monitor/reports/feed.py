"""The Atom feed of events: stable ids and times, so feed readers show each change once.

An entry's id is a name-based UUID of what identifies the event (list, key,
kind, snapshot), so the same event has the same id in every run; its
``updated`` time is when the change was observed, never the time of the run.
The feed's own ``updated`` is its newest entry's. Characters XML 1.0 cannot
carry are dropped from the values.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from monitor.reports.changes import deltas
from monitor.reports.words import countries_text, day_text, list_name, notice_citation

# Fixed namespace: changing it would change every id readers have seen.
NAMESPACE = uuid.UUID("5b0a3c1e-4f7d-5a52-9d1c-8e2f6b7a9c30")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TITLES = {
    "listed": "Added to",
    "relisted": "Added again to",
    "delisted": "Removed from",
    "modified": "Changed on",
    "rekeyed": "Re-keyed on",
}


def xml_text(value: Any) -> str:
    return _NOT_XML.sub("", str(value))


def entry_id(event: dict[str, Any]) -> str:
    identity = "|".join(
        str(event.get(k) or "") for k in ("list", "key", "kind", "snapshot", "previous_key")
    )
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, identity)}"


def feed_id(title: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, 'feed|' + title)}"


def build_feed(events: Sequence[dict[str, Any]], generated_at: str, title: str) -> dict[str, Any]:
    """Newest first; the feed is dated by its newest event (the run time only when empty)."""
    ordered = sorted(events, key=lambda e: (e["observed_at"], e["list"], e["key"]), reverse=True)
    entries = [_entry(e) for e in ordered]
    return {
        "id": feed_id(title),
        "title": xml_text(title),
        "updated": entries[0]["updated"] if entries else generated_at,
        "entries": entries,
    }


def _entry(event: dict[str, Any]) -> dict[str, Any]:
    where = list_name(event["list"], event.get("source_list") or "", event["programs"]).name
    return {
        "id": entry_id(event),
        "title": xml_text(f"{TITLES[event['kind']]} {where}: {event['name']}"),
        "updated": event["observed_at"],
        "categories": [xml_text(c) for c in (event["kind"], event["list"], *event["programs"])],
        "summary": xml_text(_summary(event)),
        "links": [
            {"href": xml_text(link["url"]), "title": xml_text(link["label"])}
            for link in event.get("notice_links") or ()
        ],
    }


def _summary(event: dict[str, Any]) -> str:
    lines = [f"{event['name']} [{event['list']} {event['key']}], {event['type']}"]
    if event["programs"]:
        lines.append("Programs: " + ", ".join(event["programs"]))
    if event["countries"]:
        lines.append("Countries: " + ", ".join(countries_text(event["countries"])))
    if event.get("notice"):
        lines.append("Notice: " + notice_citation(event["notice"]))
    lines += [f"{link['label']}: {link['url']}" for link in event.get("notice_links") or ()]
    if event["effective_date"]:
        lines.append("Effective: " + day_text(event["effective_date"]))
    lines.append(f"Observed: {event['observed_at']} (snapshot {event.get('snapshot') or ''})")
    lines += [d.describe() for d in deltas(event["changes"])]
    return "\n".join(lines)
