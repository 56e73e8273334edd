"""Search across lists: current entries by folded name, alias, identifier or key, and the
entries that were on a list once (delisted, re-keyed) by their recorded events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from monitor.names import fold, search_fold
from monitor.reports.asof import matches
from monitor.store.queries import entry_history, list_ids, versions_as_of


def search(connection: Connection, query: str, now: datetime) -> list[dict[str, Any]]:
    """Every hit, current entries first (by list and name), then past ones."""
    results: list[dict[str, Any]] = []
    current: set[tuple[str, str]] = set()
    for list_id in list_ids(connection):
        for version in versions_as_of(connection, list_id, now):
            key, record = version["key"], version["record"]
            current.add((list_id, key))
            matched = matches(query, key, record) or _identifier(query, record)
            if matched:
                results.append(_current(list_id, key, record, matched, version["version_since"]))
    results.sort(key=lambda r: (r["list"], fold(r["name"]), r["key"]))
    past: dict[tuple[str, str], dict[str, Any]] = {}
    for event in entry_history(connection, query, ()):
        pair = (event["list"], event["key"])
        if pair not in current:
            past[pair] = event  # events come oldest first: the last one says where it stands
    results += [_past(event) for _, event in sorted(past.items())]
    return results


def _identifier(query: str, record: dict[str, Any]) -> str | None:
    folded = search_fold(query)
    if not folded:
        return None
    for item in record.get("identifiers", []):
        text = " ".join(str(part) for part in item[:2] if part)
        if folded in fold(text):
            return text
    return None


def _current(
    list_id: str, key: str, record: dict[str, Any], matched: str, since: str | None
) -> dict[str, Any]:
    return {
        "list": list_id,
        "key": key,
        "name": record["name"],
        "type": record.get("entry_type", ""),
        "status": "listed",
        "matched": matched,
        "source_list": record.get("source_list", ""),
        "programs": record.get("programs", []),
        "countries": record.get("countries", []),
        "since": since,
    }


def _past(event: dict[str, Any]) -> dict[str, Any]:
    kind = event["kind"]
    return {
        "list": event["list"],
        "key": event["key"],
        "name": event["name"],
        "type": event["type"],
        "status": "delisted" if kind == "delisted" else f"not current (last: {kind})",
        "matched": event["name"],
        "source_list": event.get("source_list") or "",
        "programs": event["programs"],
        "countries": event["countries"],
        "since": event["observed_at"],
    }
