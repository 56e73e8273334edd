"""Search across lists: current entries by folded name, alias, identifier or key, and the
entries that were on a list once (delisted, re-keyed) by their recorded events.

Folding every name of every list is what a search costs, so each list's current entries
are kept folded in memory for as long as the list's state is the same (the newest
applied version, as the as-of queries read it); a new version is read again. The names
every event recorded are kept the same way, read again only from the first new event.
Both are searched as one joined string each (:class:`Haystack`): ``str.find`` scans the
whole SDN list and its history in a few milliseconds, a loop over every name in Python
took half a second.

Kept that way, they are hundreds of thousands of objects that every full run of the
cyclic garbage collector walked again: 0.7 s, at random, in whichever request allocated
enough to set one off (a month's report took a second now and then). They hold no
reference cycles, so once built they are moved out of the collector's reach
(:func:`_settle`); reference counting still frees them when a new version replaces them.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from monitor.names import WILDCARDS, fold, search_fold
from monitor.reports.asof import matches
from monitor.store import schema as t
from monitor.store.queries import (
    events_of,
    list_ids,
    snapshot_as_of,
    versions_as_of,
)

SEPARATOR = "\x00"  # in no folded or stored name (a NUL is refused on ingest)


class Haystack:
    """Many short texts searched for a substring at once, joined into one string."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.starts: list[int] = []
        position = 0
        for text in texts:
            self.starts.append(position)
            position += len(text) + 1
        self.text = SEPARATOR.join(texts)

    def find(self, needle: str) -> Iterator[int]:
        """The index of each text holding ``needle``, in order, each once."""
        if not needle or SEPARATOR in needle:
            return
        position = 0
        while (found := self.text.find(needle, position)) != -1:
            index = bisect_right(self.starts, found) - 1
            yield index
            if index + 1 == len(self.starts):
                return
            position = self.starts[index + 1]


@dataclass(frozen=True, kw_only=True)
class Indexed:
    """One current entry, with its names and identifiers folded once."""

    key: str
    record: dict[str, Any]
    since: str | None
    names: tuple[tuple[str, str], ...]  # (as published, folded)
    identifiers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, kw_only=True)
class ListIndex:
    """A list's current entries as they stood at one applied version."""

    snapshot_id: int
    items: list[Indexed]
    keys: dict[str, int]  # key -> position in items
    owners: list[tuple[int, str]]  # per text of the haystack: (item, the name as shown)
    haystack: Haystack

    @classmethod
    def build(cls, snapshot_id: int, items: list[Indexed]) -> ListIndex:
        owners: list[tuple[int, str]] = []
        texts: list[str] = []
        for position, item in enumerate(items):
            for shown, folded in (*item.names, *item.identifiers):
                owners.append((position, shown))
                texts.append(folded)
        return cls(
            snapshot_id=snapshot_id,
            items=items,
            keys={item.key: position for position, item in enumerate(items)},
            owners=owners,
            haystack=Haystack(texts),
        )

    def hits(self, query: str, folded: str) -> dict[int, str]:
        """{item: what matched}, as :func:`_match` answers for each item."""
        if WILDCARDS & set(query):
            found = {i: _match(query, folded, item) for i, item in enumerate(self.items)}
            return {i: matched for i, matched in found.items() if matched}
        hits: dict[int, str] = {}
        if query in self.keys:
            hits[self.keys[query]] = query
        for text in self.haystack.find(folded):
            position, shown = self.owners[text]
            hits.setdefault(position, shown)
        return hits


@dataclass
class PastIndex:
    """Every (list, key, name) events recorded, up to one event id."""

    last_id: int = 0
    pairs: list[tuple[str, str]] = field(default_factory=list)
    by_key: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    names: list[tuple[str, str]] = field(default_factory=list)  # (folded, lower-case)
    seen: set[tuple[str, str, str]] = field(default_factory=set)
    folded: Haystack = field(default_factory=lambda: Haystack([]))
    lowered: Haystack = field(default_factory=lambda: Haystack([]))

    def refresh(self, connection: Connection) -> None:
        """Take in the events recorded since the last search (all of them the first time)."""
        newest = connection.execute(select(func.max(t.events.c.id))).scalar() or 0
        if newest < self.last_id:  # another database behind the same URL: start again
            self.last_id = 0
            self.pairs, self.by_key, self.names, self.seen = [], {}, [], set()
        if newest == self.last_id:
            return
        rows = connection.execute(
            select(t.events.c.list_id, t.events.c.key, t.events.c.name).where(
                t.events.c.id > self.last_id, t.events.c.id <= newest
            )
        )
        for list_id, key, name in rows:
            if (list_id, key, name) not in self.seen:
                self.seen.add((list_id, key, name))
                self.pairs.append((list_id, key))
                self.by_key.setdefault(key, set()).add((list_id, key))
                self.names.append((fold(name), name.lower()))
        self.folded = Haystack([folded for folded, _ in self.names])
        self.lowered = Haystack([lowered for _, lowered in self.names])
        self.last_id = newest
        _settle()

    def matching(self, query: str, folded: str) -> set[tuple[str, str]]:
        """The entries whose key equals the query or whose recorded name holds it (folded,
        or as typed with case ignored): what :func:`entry_history` selects."""
        found = set(self.by_key.get(query, ()))
        found |= {self.pairs[i] for i in self.lowered.find(query.lower())}
        found |= {self.pairs[i] for i in self.folded.find(folded)}
        return found


@dataclass
class Cache:
    """What a long-lived process (the web app) keeps between searches."""

    lists: dict[str, ListIndex] = field(default_factory=dict)
    past: PastIndex = field(default_factory=PastIndex)


def search(
    connection: Connection, query: str, now: datetime, cache: Cache | None = None
) -> list[dict[str, Any]]:
    """Every hit, current entries first (by list and name), then past ones."""
    cache = cache or Cache()
    results: list[dict[str, Any]] = []
    current: dict[str, ListIndex] = {}
    folded = search_fold(query)
    for list_id in list_ids(connection):
        index = _current_entries(connection, list_id, now, cache)
        if index is None:
            continue
        current[list_id] = index
        for position, matched in index.hits(query, folded).items():
            results.append(_current(list_id, index.items[position], matched))
    results.sort(key=lambda r: (r["list"], fold(r["name"]), r["key"]))
    cache.past.refresh(connection)
    gone = {
        (list_id, key)
        for list_id, key in cache.past.matching(query, folded)
        if list_id not in current or key not in current[list_id].keys
    }
    past: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events_of(connection, gone):
        past[(event["list"], event["key"])] = event  # oldest first: the last one says where
    results += [_past(event) for _, event in sorted(past.items())]
    return results


def _current_entries(
    connection: Connection, list_id: str, now: datetime, cache: Cache
) -> ListIndex | None:
    snapshot = snapshot_as_of(connection, list_id, now)
    if snapshot is None:
        return None
    held = cache.lists.get(list_id)
    if held is not None and held.snapshot_id == snapshot["id"]:
        return held
    items = [_indexed(version) for version in versions_as_of(connection, list_id, now)]
    index = ListIndex.build(snapshot["id"], items)
    cache.lists[list_id] = index
    _settle()
    return index


def _settle() -> None:
    """Collect what is garbage now, then exempt every object still alive from later full
    collections (``gc.freeze``): the indexes just built live until a new version."""
    gc.collect()
    gc.freeze()


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
