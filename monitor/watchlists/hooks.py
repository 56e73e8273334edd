"""Raising alerts as events are recorded: an apply hook run inside the snapshot's transaction.

The alerts commit or roll back together with the events they are about, so a
crash never leaves one without the other; and because a snapshot already
recorded is skipped before its transaction starts, alerts are raised once,
when the event is recorded, and never again on re-runs, restarts or replays.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.errors import ConfigError
from monitor.records import Event
from monitor.watchlists.alerts import NewAlert, event_ids, record_alerts
from monitor.watchlists.config import WatchlistConfig, load_watchlists
from monitor.watchlists.filters import event_passes
from monitor.watchlists.matching import WatchIndex, prepare

if TYPE_CHECKING:
    from monitor.config import Config
    from monitor.ingest.pipeline import ApplyHook
    from monitor.store.store import ListTransaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompiledWatchlist:
    """A watchlist with its entries read and indexed, ready to match many events."""

    config: WatchlistConfig
    index: WatchIndex


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
        found: list[NewAlert] = []
        for event in events:
            found += self._alerts_for(event, snapshot_id, ids[(event.key, event.kind)])
        raised = record_alerts(tx.connection, found, now)
        if raised:
            log.info("list %s: %s watchlist alert(s) raised", tx.list_id, raised)

    def _alerts_for(self, event: Event, snapshot_id: int, event_id: int) -> list[NewAlert]:
        listed = prepare(event.record)
        found = []
        for watchlist in self.watchlists:
            if not event_passes(watchlist.config.filters, event, listed):
                continue
            for match in watchlist.index.match(listed, threshold=watchlist.config.threshold):
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
