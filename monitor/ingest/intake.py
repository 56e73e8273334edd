"""Reading a snapshot against the stored state: every entry's hash, and only changed records.

Why: holding every parsed record until the apply made a million-entry list
cost about 1.9 GiB, while a typical new version changes 1% of its entries. So
each record is checked and hashed as it is parsed, and compared with the
stored hash of its key at once: an unchanged entry is kept as its key only,
and only the records the apply will write (listed and modified entries) stay
in memory. A first version (no stored state) changes every entry: its entries
go to a temporary file as they are parsed (:mod:`monitor.ingest.spill`) and the
apply writes them from there in batches, so no version is ever held whole.

The stored hashes are read before the parse, outside the list's lock, so a
long parse never holds the lock. They are tagged with the list's newest
applied snapshot (every change of the state is one); the apply compares that
tag under the lock and, when another process changed the state meanwhile,
the snapshot is read again against the new state.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Collection, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from monitor.errors import GuardRejected, ParseError
from monitor.files import SourceFile
from monitor.formats import Format
from monitor.ingest import differ, guards, held_state
from monitor.ingest.delta import apply_delta
from monitor.ingest.spill import Spill
from monitor.records import Record
from monitor.store.store import ListTransaction, SnapshotInfo, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class BaseState:
    """The stored state a snapshot is compared with, and which state that was.

    The state's hashes are read when first asked for: a check read unit by unit
    (:mod:`monitor.ingest.units`) asks only for those of the entries whose raw
    unit is new (:meth:`hashes_of`), never for the million of a large list. Any
    read happens after the tag's, so a read that sees a newer state leaves the
    tag behind, and the apply reads the snapshot again.
    """

    list_id: str
    applied_id: int | None  # the list's newest applied snapshot; None: no state yet
    store: Store = field(repr=False, compare=False)
    # What this process kept when it applied that very state (its entry count, its
    # fingerprint set, and its hashes when it had them all; :mod:`monitor.ingest.held_state`),
    # used instead of reading them again.
    held: held_state.HeldState | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def hashes(self) -> Mapping[str, str]:
        """Every current key's content hash."""
        if self.held is not None and self.held.hashes is not None:
            return self.held.hashes
        if self.applied_id is None:
            return {}
        with self.store.read() as connection:
            return ListTransaction(connection, self.list_id).current_hashes()

    def hashes_of(self, keys: Collection[str]) -> dict[str, str]:
        """The content hashes of these keys, those of them in the state."""
        if self.hashes_at_hand:
            return {key: self.hashes[key] for key in keys if key in self.hashes}
        with self.store.read() as connection:
            return ListTransaction(connection, self.list_id).current_hashes_of(keys)

    @functools.cached_property
    def count(self) -> int:
        """How many entries the state has."""
        if self.held is not None:
            return self.held.count
        if self.hashes_at_hand:
            return len(self.hashes)
        with self.store.read() as connection:
            return ListTransaction(connection, self.list_id).current_count()

    @property
    def hashes_at_hand(self) -> bool:
        """Held, already read, or none to read: asking for them all costs no query."""
        held_hashes = self.held is not None and self.held.hashes is not None
        return held_hashes or "hashes" in self.__dict__ or self.applied_id is None

    def is_current(self, latest: SnapshotInfo | None) -> bool:
        """Is this still the list's state? ``latest`` is its newest applied snapshot, read
        under the list's lock."""
        return (latest.id if latest else None) == self.applied_id


def read_base(store: Store, list_id: str, *, use_held: bool = True) -> BaseState:
    """The list's current state, tagged with the snapshot that made it current.

    The tag is read first, and the hashes on first use (:class:`BaseState`): a change
    committed in between (PostgreSQL reads each statement afresh) leaves a tag older
    than the hashes, which the apply sees as a moved state and reads again; it never
    trusts a mixed state. The hashes this process wrote itself when it applied that
    very state are not read again (:mod:`monitor.ingest.held_state`), by the list's
    writer only: a held state's containers change in place when the writer applies the
    next version (``units.keep_applied``), so any other reader (a preview, in the web
    app's thread) says ``use_held=False`` and reads the database.
    """
    with store.read() as connection:
        latest = ListTransaction(connection, list_id).latest_applied_snapshot()
    if not use_held:
        return BaseState(list_id=list_id, applied_id=latest.id if latest else None, store=store)
    return base_at(store, list_id, latest)


def base_at(store: Store, list_id: str, latest: SnapshotInfo | None) -> BaseState:
    """The list's state as of ``latest``, its newest applied snapshot read by the caller
    (:func:`read_base`, or a read of the list's snapshots just made)."""
    return BaseState(
        list_id=list_id,
        applied_id=latest.id if latest else None,
        store=store,
        held=held_state.held(store, list_id, latest),
    )


@dataclass(frozen=True, kw_only=True)
class Intake:
    """A parsed snapshot as the apply needs it."""

    base: BaseState
    keys: AbstractSet[str]  # every entry of the snapshot
    changed: dict[str, Record]  # entries whose hash differs from the base (none for a baseline)
    # Every entry, on disk, when there is no stored state to compare with (a baseline).
    first: Spill | None = None
    # How many unchanged entries have each of differ.LOSS_FIELDS: the field-loss guard's
    # "entries that had it" without reading the unchanged entries' stored records.
    kept_fields: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.keys)

    @property
    def current_count(self) -> int:
        """How many entries the state read against has (the share guards' denominator)."""
        return self.base.count

    def classify(self) -> differ.Classification:
        differing = self.keys if self.first is not None else self.changed
        return differ.classify(self.base.hashes, self.keys, differing)


def take(records: Iterable[Record], base: BaseState, *, file_name: str) -> Intake:
    """Check, hash and compare each record as it is parsed; keep only the changed ones.

    With no stored hashes every entry is new: they are kept in a :class:`Spill`
    rather than in ``changed``. Raises GuardRejected for text no database can
    store and ParseError for a key that appears twice, naming the entry.
    """
    keys: set[str] = set()
    changed: dict[str, Record] = {}
    kept = dict.fromkeys(differ.LOSS_FIELDS, 0)
    stored = base.hashes
    first = None if stored else Spill()
    for record in records:
        if problem := guards.record_problem(record):
            raise GuardRejected(problem)
        key = record.key
        if key in keys:
            raise ParseError(f"key {key!r} appears twice", file=file_name)
        keys.add(key)
        if first is not None:
            first.add(record)
        elif stored.get(key) != record.content_hash():
            changed[key] = record
        else:
            for name in differ.LOSS_FIELDS:
                if getattr(record, name):
                    kept[name] += 1
    return Intake(base=base, keys=keys, changed=changed, kept_fields=kept, first=first)


def read_snapshot(store: Store, base: BaseState, fmt: Format, files: list[SourceFile]) -> Intake:
    """Parse a snapshot's files against the base: what the apply takes, and what a preview
    of a held version shows (both read, neither writes)."""
    parser = fmt.with_previous_keys(base.hashes)  # natural keys stay where they were
    records = _parse_delta(store, base, fmt, files) if fmt.delta else parser.parse(files)
    return take(records, base, file_name=files[0].name)


def _parse_delta(
    store: Store, base: BaseState, fmt: Format, files: list[SourceFile]
) -> list[Record]:
    """A delta file applied to the state the intake read; from here on it is a full snapshot.

    Deltas are applied in order of observation like any snapshot, so the
    older-than-current guard keeps them from being applied out of order. The
    records are those of the base's keys: were the state to move meanwhile, the
    apply sees it and reads again.
    """
    list_id = base.list_id
    with store.read() as connection:
        current = ListTransaction(connection, list_id).current_records(base.hashes)
    result = apply_delta(current, fmt.parse_delta(files))
    if note := result.describe():
        log.info("list %s: %s", list_id, note)
    return list(result.records.values())
