"""The list state a process applied last, held in memory for its next version.

Why: a replay (or a daemon) takes a list's versions one after the other, and
each one is compared with the state the previous one left: about 9,100 stored
content hashes and as many raw-unit fingerprints for the SDN list, read back
from the database for every version although this very process just wrote
them. Reading them was a fifth of a replay's time.

So once a version is applied (committed), the process keeps the state it
wrote: its entry count, the fingerprint set with its keys (and each unit's raw
row, for a format whose units are single rows) and every key's content hash,
from the list's first version on (a version read unit by unit then finds the
hashes of its new units' keys here instead of asking the database; one read
against a state this process did not hold asks for those only, and holds no
hashes after it). It is used only when
the database says the list's state is still that one: its newest applied
snapshot is the one kept, with the same entry count. Any other process
applying a version makes a new applied snapshot, so the kept state is simply
not used and the database is read as before. A state is held per ``Store``
object (a new connection setup starts empty) and only up to ``HOLD_LIMIT``
entries, so a daemon watching a million-entry list does not carry it between
checks.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import chain, filterfalse

from monitor.store.fingerprints import StoredUnit
from monitor.store.store import SnapshotInfo, Store

# Larger states are read from the database each time (memory over speed).
HOLD_LIMIT = 250_000
# Rows are held only up to this many bytes in all (the SDN list's are about 3 MiB).
ROWS_LIMIT = 32 << 20


@dataclass(frozen=True, kw_only=True)
class HeldRuns:
    """The state's rows as runs (monitor.formats._csv_units.Runs): their rows are exactly
    ``HeldState.rows``, so the next version is compared with this one run by run."""

    pieces: Sequence[bytes]  # in the file's order, each once
    index: Mapping[bytes, int]  # each piece's place in ``pieces``
    tail: bytes
    anchor: bytes

    @classmethod
    def of(cls, pieces: Sequence[bytes], tail: bytes, anchor: bytes) -> HeldRuns | None:
        """The runs held, or None when a run appears twice (its rows twice: rows decide)."""
        index = {piece: place for place, piece in enumerate(pieces)}
        if len(index) != len(pieces):
            return None
        return cls(pieces=pieces, index=index, tail=tail, anchor=anchor)


@dataclass(frozen=True, kw_only=True)
class HeldState:
    """A list's state right after this process applied ``applied_id``."""

    applied_id: int
    count: int  # entries in the state
    hashes: Mapping[str, str] | None = None  # key -> content hash, as entity_versions has them
    tag: str = ""  # the code tag of ``units`` (monitor.ingest.units.code_tag)
    # The containers below become the next state's in place once the next version
    # applied over this one is committed (monitor.ingest.units.keep_applied), so only
    # the list's writer may read them (intake.read_base's ``use_held``).
    units: dict[str, StoredUnit] | None = None  # the stored fingerprint set, if any
    # With ``units``: every key of the state, and how many units have each fields bitmask.
    keys: set[str] | None = None
    fields: Mapping[int, int] | None = None
    # With ``units``, when each unit is one row (Format.split_rows): row -> fingerprint,
    # so the next version is compared with this one as two sets of rows.
    rows: dict[bytes, str] | None = None
    rows_bytes: int = 0  # the rows' length in all (held only up to ROWS_LIMIT)
    runs: HeldRuns | None = None  # with ``rows``, when the format cuts its file into runs

    def describes(self, latest: SnapshotInfo | None) -> bool:
        """Is the database's state of the list (its newest applied snapshot) this one?"""
        return (
            latest is not None
            and latest.id == self.applied_id
            and latest.record_count == self.count
        )


class SetAfter(AbstractSet[str]):
    """A held set less ``gone`` (keys it has) plus ``added`` (keys the rest lacks), read
    through without a copy.

    Why: a steady version changes a few dozen of the ~9,100 keys of the SDN list, and
    copying the held set to change it was a few percent of the version's time. The
    held set itself becomes this one by :meth:`apply`, in place, once the version is
    committed (it must stay the committed state's until then); the view then still
    reads the same.
    """

    def __init__(self, base: set[str], gone: AbstractSet[str], added: AbstractSet[str]) -> None:
        self.base = base
        self.gone = gone
        self.added = added

    def __contains__(self, key: object) -> bool:
        return key in self.added or (key in self.base and key not in self.gone)

    def __len__(self) -> int:
        return len(self.base) - len(self.gone) + len(self.added)

    def __iter__(self) -> Iterator[str]:
        return chain(filterfalse(self.gone.__contains__, self.base), self.added)

    def apply(self) -> set[str]:
        """Make the held set this one (in place) and return it."""
        self.base.difference_update(self.gone)
        self.base.update(self.added)
        self.gone, self.added = frozenset(), frozenset()
        return self.base


_HELD: weakref.WeakKeyDictionary[Store, dict[str, HeldState]] = weakref.WeakKeyDictionary()


def held(store: Store, list_id: str, latest: SnapshotInfo | None) -> HeldState | None:
    """The state kept for this list, when it is still the database's (``latest``)."""
    state = _HELD.get(store, {}).get(list_id)
    return state if state is not None and state.describes(latest) else None


def keep(store: Store, list_id: str, state: HeldState) -> None:
    """Remember the state just committed (call after the commit, never before)."""
    lists = _HELD.setdefault(store, {})
    if state.count > HOLD_LIMIT:
        lists.pop(list_id, None)
        return
    lists[list_id] = state


def forget(store: Store, list_id: str) -> None:
    """Drop what is kept for the list (its state changed in a way not followed here)."""
    _HELD.get(store, {}).pop(list_id, None)
