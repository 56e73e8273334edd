"""Search across lists: current entries by folded name, alias, identifier or key, and the
entries that were on a list once (delisted, re-keyed) by their recorded events.

Folding every name of every list is what a search costs, so each list's current entries
are kept folded in memory for as long as the list's state is the same (the newest
applied version, as the as-of queries read it); a new version is read again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from monitor.names import WILDCARDS, fold, search_fold
from monitor.reports.asof import matches
from monitor.store.queries import entry_history, list_ids, snapshot_as_of, versions_as_of


@dataclass(frozen=True, kw_only=True)
class Indexed:
    """One current entry, with its names and identifiers folded once."""

    key: str
    record: dict[str, Any]
    since: str | None
    names: tuple[tuple[str, str], ...]  # (as published, folded)
    identifiers: tuple[tuple[str, str], ...]


Cache = dict[str, tuple[int, list[Indexed]]]


def search(
    connection: Connection, query: str, now: datetime, cache: Cache | None = None
) -> list[dict[str, Any]]:
    """Every hit, current entries first (by list and name), then past ones."""
    results: list[dict[str, Any]] = []
    current: set[tuple[str, str]] = set()
    folded = search_fold(query)
    for list_id in list_ids(connection):
        for item in _current_entries(connection, list_id, now, {} if cache is None else cache):
            current.add((list_id, item.key))
            matched = _match(query, folded, item)
            if matched:
                results.append(_current(list_id, item, matched))
    results.sort(key=lambda r: (r["list"], fold(r["name"]), r["key"]))
    past: dict[tuple[str, str], dict[str, Any]] = {}
    for event in entry_history(connection, query, ()):
        pair = (event["list"], event["key"])
        if pair not in current:
            past[pair] = event  # events come oldest first: the last one says where it stands
    results += [_past(event) for _, event in sorted(past.items())]
    return results


def _current_entries(
    connection: Connection, list_id: str, now: datetime, cache: Cache
) -> list[Indexed]:
    snapshot = snapshot_as_of(connection, list_id, now)
    if snapshot is None:
        return []
    held = cache.get(list_id)
    if held is not None and held[0] == snapshot["id"]:
        return held[1]
    entries = [_indexed(version) for version in versions_as_of(connection, list_id, now)]
    cache[list_id] = (snapshot["id"], entries)
    return entries


def _indexed(version: dict[str, Any]) -> Indexed:
    record = version["record"]
    names = [record.get("name", ""), *record.get("aliases", [])]
    ids = [" ".join(str(p) for p in item[:2] if p) for item in record.get("identifiers", [])]
    return Indexed(
        key=version["key"],
        record=record,
        since=version["version_since"],
        names=tuple((str(n), fold(str(n))) for n in names),
        identifiers=tuple((text, fold(text)) for text in ids),
    )


def _match(query: str, folded: str, item: Indexed) -> str | None:
    """What :func:`monitor.reports.asof.matches` answers (a key, a name or an alias, folded
    as a substring), from the folded forms kept; then an identifier."""
    if WILDCARDS & set(query):
        return matches(query, item.key, item.record)
    if item.key == query:
        return item.key
    if not folded:
        return None
    for shown, name in (*item.names, *item.identifiers):
        if folded in name:
            return shown
    return None


def _current(list_id: str, item: Indexed, matched: str) -> dict[str, Any]:
    record = item.record
    return {
        "list": list_id,
        "key": item.key,
        "name": record["name"],
        "type": record.get("entry_type", ""),
        "status": "listed",
        "matched": matched,
        "source_list": record.get("source_list", ""),
        "programs": record.get("programs", []),
        "countries": record.get("countries", []),
        "since": item.since,
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
