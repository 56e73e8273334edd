"""Raising alerts as events are recorded: an apply hook run inside the snapshot's transaction.

The alerts commit or roll back together with the events they are about, so a
crash never leaves one without the other; and because a snapshot already
recorded is skipped before its transaction starts, alerts are raised once,
when the event is recorded, and never again on re-runs, restarts or replays.

Once watched, always watched: an entry whose key matched a watch entry before
(at baseline or by an alert) is alerted on each later event for that watch
entry, whatever its new name scores, and the alert says what it matched before.
Only the keys of this snapshot's events are looked up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.errors import ConfigError
from monitor.records import Event
from monitor.watchlists.alerts import (
    NewAlert,
    PriorMatch,
    event_ids,
    prior_matches,
    record_alerts,
)
from monitor.watchlists.config import WatchlistConfig, load_watchlists
from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.filters import event_passes
from monitor.watchlists.matching import ListedEntry, Match, WatchIndex, prepare
from monitor.watchlists.rarity import WordRarity

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from monitor.config import Config
    from monitor.ingest.pipeline import ApplyHook
    from monitor.store.store import ListTransaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompiledWatchlist:
    """A watchlist with its entries read and indexed, ready to match many events."""

    config: WatchlistConfig
    index: WatchIndex

    @cached_property
    def by_key(self) -> dict[str, WatchEntry]:
        """Watch entries by the key alerts refer to."""
        return {entry.key: entry for entry in self.index.entries}


def _file_stamp(path: Path | None) -> tuple[int, int]:
    """The entries file's mtime and size: an edited file is read and indexed again."""
    if path is None:
        return (0, 0)
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _compile(config: WatchlistConfig, stamp: tuple[int, int]) -> CompiledWatchlist:
    return CompiledWatchlist(config=config, index=WatchIndex(config.watch_entries()))


def compile_watchlist(config: WatchlistConfig) -> CompiledWatchlist:
    """The indexed watchlist, built once per configuration and version of its entries file."""
    path = config.entries if isinstance(config.entries, Path) else None
    try:
        return _compile(config, _file_stamp(path))
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise ConfigError(f"watchlist {config.id!r}: {path or 'entries'}: {reason}") from None


RARITY_MAX_AGE = 24 * 3600.0
"""Seconds a list's word counts are reused: a word's share of a list moves little between
versions, and counting reads every current entry."""
_rarities: dict[tuple[str, str], tuple[float, WordRarity]] = {}


def list_rarity(connection: Connection, list_id: str, events: Sequence[Event]) -> WordRarity:
    """The words frequent across a list's current entries, counted once a day per process
    (per database and list); at a list's first version, across that version's entries."""
    from monitor.watchlists.screening import current_records  # screening imports this module

    key = (str(connection.engine.url), list_id)
    cached = _rarities.get(key)
    if cached is not None and time.monotonic() - cached[0] < RARITY_MAX_AGE:
        return cached[1]
    rarity = WordRarity.of(record for _, record in current_records(connection, list_id))
    if rarity.entries < len(events):  # the entries are not written yet: a first version
        return WordRarity.of(event.record for event in events)
    if rarity.entries:  # an empty list is counted again next time
        _rarities[key] = (time.monotonic(), rarity)
    return rarity


class AlertHook:
    """Matches a snapshot's events against every watchlist and records the alerts."""

    def __init__(self, watchlists: Sequence[CompiledWatchlist]) -> None:
        self.watchlists = tuple(watchlists)

    def __call__(
        self, tx: ListTransaction, snapshot_id: int, events: Sequence[Event], now: datetime
    ) -> None:
        if not events:
            return
        ids = event_ids(tx.connection, snapshot_id)
        keys = {e.key for e in events} | {e.previous_key for e in events if e.previous_key}
        prior = prior_matches(tx.connection, tx.list_id, keys, snapshot_id)
        found: list[NewAlert] = []
        rarity = list_rarity(tx.connection, tx.list_id, events)
        for event in events:
            before = prior.get(event.key, []) + prior.get(event.previous_key or "", [])
            event_id = ids[(event.key, event.kind)]
            found += self._alerts_for(event, snapshot_id, event_id, before, rarity)
        raised = record_alerts(tx.connection, found, now)
        if raised:
            log.info("list %s: %s watchlist alert(s) raised", tx.list_id, raised)

    def _alerts_for(
        self,
        event: Event,
        snapshot_id: int,
        event_id: int,
        before: Sequence[PriorMatch],
        rarity: WordRarity,
    ) -> list[NewAlert]:
        listed = prepare(event.record)
        found = []
        for watchlist in self.watchlists:
            if not event_passes(watchlist.config.filters, event, listed):
                continue
            threshold = watchlist.config.threshold
            matches = watchlist.index.match(listed, threshold=threshold, rarity=rarity)
            matched = {m.entry.key for m in matches}
            earlier = [p for p in before if p.watchlist == watchlist.config.id]
            matches += _watched_before(watchlist, listed, earlier, matched)
            for match in matches:
                found.append(
                    NewAlert(
                        watchlist=watchlist.config.id,
                        event_id=event_id,
                        snapshot_id=snapshot_id,
                        list_id=event.list_id,
                        baseline=event.baseline,
                        match=match,
                    )
                )
        return found


def _watched_before(
    watchlist: CompiledWatchlist,
    listed: ListedEntry,
    earlier: Sequence[PriorMatch],
    matched: set[str],
) -> list[Match]:
    """Matches for the watch entries this key matched before and its present names do not."""
    first: dict[str, PriorMatch] = {}
    for prior in earlier:  # oldest first: the match that made the entry watched
        if prior.watch_entry not in matched and prior.watch_entry in watchlist.by_key:
            first.setdefault(prior.watch_entry, prior)
    if not first:
        return []
    now = {m.entry.key: m for m in watchlist.index.match(listed, threshold=0.0)}
    found = []
    for key, prior in first.items():
        current = now.get(key)
        seen = f", {prior.observed_at:%Y-%m-%d}" if prior.observed_at else ""
        why = (
            f"matched before as {prior.matched_value!r} ({prior.kind}{seen}, score "
            f"{prior.score:.2f}, watch {prior.watch_value!r}); once watched, always watched"
        )
        name = listed.record.name
        why += f": now {current.why}" if current else f": its name is now {name!r}"
        found.append(
            Match(
                entry=watchlist.by_key[key],
                field=current.field if current else "name",
                value=current.value if current else name,
                watch_value=current.watch_value if current else prior.watch_value,
                score=current.score if current else 0.0,
                why=why,
            )
        )
    return found


_validated: list[tuple[object, list[WatchlistConfig]]] = []


def _watchlists(config: Config) -> list[WatchlistConfig]:
    """Validated once per configuration object: a replay asks for its hooks per snapshot."""
    raw = config.watchlists
    if _validated and _validated[0][0] is raw:
        return _validated[0][1]
    loaded = load_watchlists(raw)
    _validated[:] = [(raw, loaded)]
    return loaded


def watchlist_hooks(config: Config) -> list[ApplyHook]:
    """The hooks an ingest or replay passes to the pipeline: none without watchlists.

    Bad watchlist configuration raises ConfigError here, before anything is ingested.
    """
    watchlists = _watchlists(config)
    if not watchlists:
        return []
    return [AlertHook([compile_watchlist(w) for w in watchlists])]
