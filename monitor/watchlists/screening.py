"""Screening a watchlist against the current entries of the lists, to tune it before going live.

Alerts fire on change only, so a watchlist never reports what was already
listed before it was configured; ``watch test`` answers that question instead,
with every match's score, including near misses below the threshold.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from monitor.records import Record
from monitor.store import schema as t
from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.filters import entry_passes
from monitor.watchlists.hooks import CompiledWatchlist
from monitor.watchlists.matching import Match, prepare
from monitor.watchlists.rarity import WordRarity


@dataclass(frozen=True, kw_only=True)
class Hit:
    """One current entry matching one watch entry."""

    list_id: str
    key: str
    name: str
    match: Match
    alert: bool  # at or above the watchlist's threshold

    def to_json(self) -> dict[str, Any]:
        return {
            "list": self.list_id,
            "key": self.key,
            "name": self.name,
            "matched_on": {
                "field": self.match.field,
                "value": self.match.value,
                "watch_value": self.match.watch_value,
                "why": self.match.why,
            },
            "score": self.match.score,
            "alert": self.alert,
        }


@dataclass(frozen=True, kw_only=True)
class Screening:
    """Every watch entry with its hits, and how many current entries were looked at."""

    checked: int
    lists: tuple[str, ...]
    hits: dict[str, list[Hit]]
    entries: tuple[WatchEntry, ...]


def current_records(connection: Connection, list_id: str | None) -> Iterator[tuple[str, Record]]:
    """The current entries (versions without valid_to), of one list or of all."""
    versions = t.entity_versions
    statement = select(versions.c.list_id, versions.c.record).where(versions.c.valid_to.is_(None))
    if list_id is not None:
        statement = statement.where(versions.c.list_id == list_id)
    for found_list, text in connection.execute(statement.order_by(versions.c.id)):
        yield found_list, Record.from_dict(json.loads(text))


def screen(
    connection: Connection, watchlist: CompiledWatchlist, list_id: str | None, min_score: float
) -> Screening:
    """Match every current entry that passes the watchlist's filters (its kinds do not apply).

    The entries are read first: each list's word counts (:mod:`monitor.watchlists.rarity`)
    are taken over all its entries before any is matched.
    """
    entries = watchlist.index.entries
    hits: dict[str, list[Hit]] = {entry.key: [] for entry in entries}
    checked = 0
    by_list: dict[str, list[Record]] = {}
    for found_list, record in current_records(connection, list_id):
        by_list.setdefault(found_list, []).append(record)
    for found_list, records in by_list.items():
        rarity = WordRarity.of(records)
        for record in records:
            checked += _screen_one(watchlist, found_list, record, min_score, rarity, hits)
    for found in hits.values():
        found.sort(key=lambda h: (-h.match.score, h.list_id, h.key))
    return Screening(checked=checked, lists=tuple(sorted(by_list)), hits=hits, entries=entries)


def _screen_one(
    watchlist: CompiledWatchlist,
    found_list: str,
    record: Record,
    min_score: float,
    rarity: WordRarity,
    hits: dict[str, list[Hit]],
) -> int:
    """Add one entry's matches to ``hits``; 1 when it passed the filters and was matched."""
    threshold = watchlist.config.threshold
    listed = prepare(record)
    if not entry_passes(watchlist.config.filters, found_list, listed):
        return 0
    for match in watchlist.index.match(listed, threshold=min_score, rarity=rarity):
        hits[match.entry.key].append(
            Hit(
                list_id=found_list,
                key=record.key,
                name=record.name,
                match=match,
                alert=match.score >= threshold,
            )
        )
    return 1
