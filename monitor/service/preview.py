"""What a held version would change: its files diffed against the current state, unapplied.

The person deciding on a quarantined version needs more than the guard's one line
("would delist 4,107 of 9,107 entries"): how many entries of each kind, and which.
This reads the held files exactly as the apply would (the same intake and differ,
against the list's current state) and writes nothing: no snapshot row, no event,
no archive file. A version that can no longer be read says why instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from monitor.config import Config
from monitor.errors import MonitorError
from monitor.files import SourceFile, size_limit
from monitor.formats import AUTO, resolve_format
from monitor.ingest import differ, guards, intake
from monitor.kinds import EventKind
from monitor.records import Event
from monitor.service.quarantine import Held
from monitor.store.store import ListTransaction, Store

# Entries shown of each kind; the counts say how many there are in all.
FIRST = 5


@dataclass(frozen=True, kw_only=True)
class Preview:
    """The counts by kind and the first entries of each kind, or why there are none."""

    counts: dict[str, int]
    first: dict[str, list[dict[str, Any]]]
    against: int | None  # the applied snapshot the version was compared with
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "first": self.first,
            "against": self.against,
            "error": self.error,
        }


# (held snapshot, the list's applied snapshot) -> its preview: a long-lived process (the
# web app) parses a held version once per state of its list, not once per page view.
Cache = dict[tuple[int, int | None], Preview]


def preview(
    store: Store, config: Config, held: Held, *, first: int = FIRST, cache: Cache | None = None
) -> Preview:
    """Diff a held version against its list's current state, without applying it."""
    if cache is not None:
        with store.read() as connection:
            latest = ListTransaction(connection, held.list_id).latest_applied_snapshot()
        known = cache.get((held.id, latest.id if latest else None))
        if known is not None:
            return known
    # Not the writer's held state: it may change in place while this reads it.
    base = intake.read_base(store, held.list_id, use_held=False)
    found = _preview(store, config, held, base, first)
    if cache is not None:
        cache[(held.id, base.applied_id)] = found
    return found


def _preview(
    store: Store, config: Config, held: Held, base: intake.BaseState, first: int
) -> Preview:
    try:
        events = _events(store, config, held, base)
    except (MonitorError, OSError) as exc:
        return Preview(counts={}, first={}, against=base.applied_id, error=str(exc))
    counts = Counter(event.kind.value for event in events)
    shown: dict[str, list[dict[str, Any]]] = {}
    for event in events:  # sorted by kind, then key, by the differ
        items = shown.setdefault(event.kind.value, [])
        if len(items) < first:
            items.append(_entry(event))
    return Preview(
        counts={kind.value: counts.get(kind.value, 0) for kind in EventKind},
        first=shown,
        against=base.applied_id,
    )


def _events(store: Store, config: Config, held: Held, base: intake.BaseState) -> list[Event]:
    files = [SourceFile.from_path(p) for p in held.paths if p.name != guards.DECISION_FILE]
    if not files:
        raise MonitorError("its archived files are not recorded")
    list_config = config.list_config(held.list_id)
    with size_limit(config.file_size_limit(list_config)):  # as the apply reads them
        fmt = resolve_format(held.format or AUTO, files).configure(list_config.mapping)
        taken = intake.read_snapshot(store, base, fmt, files)
    if not base.hashes:
        return differ.baseline_events(held.list_id, held.observed_at, taken.changed.values())
    found = taken.classify()
    with store.read() as connection:
        tx = ListTransaction(connection, held.list_id)
        previous = tx.current_records([*found.removed, *found.changed])
        seen_before = tx.keys_seen_before(found.added)
    return differ.build_events(
        differ.DiffInput(
            list_id=held.list_id,
            observed_at=held.observed_at,
            added={key: taken.changed[key] for key in found.added},
            removed={key: previous[key] for key in found.removed},
            changed={key: (previous[key], taken.changed[key]) for key in found.changed},
            seen_before=seen_before,
            detect_rekeys=list_config.detect_rekeys,
        )
    )


def _entry(event: Event) -> dict[str, Any]:
    return {
        "key": event.key,
        "name": event.record.name,
        "previous_key": event.previous_key,
        "fields": sorted({change.field for change in event.changes if change.field != "key"}),
    }
