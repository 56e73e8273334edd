"""A list's first version, kept on disk between the parse and the apply.

Why: a first version has no stored state to compare with, so every entry is
"changed" and the apply writes every one. Held in memory until then, the
records of a million-entry list took about 1.5 GiB. The parse runs before the
list's lock is taken (a long parse never holds the lock, and a state that
moved meanwhile is read again), so the entries cannot go straight into the
database either: each one is written here as the plain values the store
writes (:class:`~monitor.store.listing.Listing`), in batches, to an anonymous
temporary file, and the apply reads it back one batch at a time inside its
one transaction.

``marshal`` is used because the values are only strings, ``None`` and tuples,
written and read by this process: it is several times faster than pickling
records or re-reading their JSON.

A first version of at most :data:`KEEP_RECORDS` entries also keeps its records
in memory (about 1 KB each): its events, which every apply hook iterates
(subjects, watchlists), are then made from them instead of being rebuilt from
their JSON, which was half of linking a 9,000-entry first version. Such a
version keeps its entries' stored values in memory too (about as much again)
and never writes the file: for the SDN list's 9,000 entries, marshalling them
out and back was a tenth of what the spill cost. A larger version drops both as
soon as it passes the limit and goes on on disk, so memory stays bounded.
"""

from __future__ import annotations

import json
import marshal
import struct
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import IO, overload

from monitor.ingest import differ
from monitor.records import Event, Record
from monitor.store import bulk
from monitor.store.listing import Listing

_FRAME = struct.Struct("<Q")  # the byte length of the marshalled batch that follows
KEEP_RECORDS = 50_000  # a first version up to this many entries keeps its records too


class Spill:
    """Entries of a first version in an anonymous temporary file, in batches (in memory
    while the version has at most KEEP_RECORDS entries).

    The file has no name and goes when the object does (or at :meth:`close`); it is
    made only when the version passes the limit. Every read seeks first, so several
    readers may iterate it in turn.
    """

    def __init__(self, batch: int | None = None) -> None:
        # Owned by the object and closed with it: results keep it for their events.
        self._file: IO[bytes] | None = None
        self._batch = batch or bulk.BATCH
        self._pending: list[Listing] = []
        self._end = 0
        self.count = 0
        self._records: list[Record] | None = []

    def add(self, record: Record) -> None:
        """Keep one entry: its version row and event values (and the record itself while
        the version has at most KEEP_RECORDS entries)."""
        self._pending.append(Listing.of(record))
        self.count += 1
        if self._records is not None:
            self._records.append(record)
            if len(self._records) <= KEEP_RECORDS:
                return  # small enough to keep: its values stay in memory too
            self._records = None  # too many to hold: the events are read from the file
        if len(self._pending) >= self._batch:
            self._flush(whole_batches=True)

    @property
    def records(self) -> Sequence[Record] | None:
        """The records in the order they were added, when the version was small enough to
        keep them; None for a larger one."""
        return self._records

    def _flush(self, *, whole_batches: bool = False) -> None:
        """Write the pending entries to the file, one frame per batch (``whole_batches``:
        only full batches, the rest stays pending)."""
        pending = self._pending
        end = len(pending) - len(pending) % self._batch if whole_batches else len(pending)
        if end == 0:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="watchlist-monitor-baseline-")  # noqa: SIM115
        for start in range(0, end, self._batch):
            # marshal takes plain tuples only (not the named tuple)
            data = marshal.dumps(list(map(tuple, pending[start : min(start + self._batch, end)])))
            self._file.seek(self._end)
            self._file.write(_FRAME.pack(len(data)))
            self._file.write(data)
            self._end += _FRAME.size + len(data)
        self._pending = pending[end:]

    def batches(self) -> Iterator[list[Listing]]:
        """The entries in the order they were added, one batch at a time."""
        if self._file is None:  # a version kept in memory
            pending = self._pending
            for start in range(0, len(pending), self._batch):
                yield pending[start : start + self._batch]
            return
        self._flush()
        offset = 0
        while offset < self._end:
            self._file.seek(offset)
            (size,) = _FRAME.unpack(self._file.read(_FRAME.size))
            data = self._file.read(size)
            offset += _FRAME.size + size
            yield [Listing._make(values) for values in marshal.loads(data)]

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._pending = []
        self._records = None


class FirstVersionEvents(Sequence[Event]):
    """The listed events of a first version, rebuilt from its spill as they are read.

    What the apply hooks and the caller get for a baseline instead of a million
    events in memory; iterating it reads the spill again (records are rebuilt
    from their stored JSON, as the store reads them back), or, for a version
    small enough to keep them, makes them from the records the parse built.
    """

    def __init__(self, spill: Spill, list_id: str, observed_at: datetime) -> None:
        self._spill = spill
        self._list_id = list_id
        self._observed_at = observed_at

    def __len__(self) -> int:
        return self._spill.count

    def __iter__(self) -> Iterator[Event]:
        kept = self._spill.records
        if kept is not None:  # the records themselves: what their JSON would give back
            yield from differ.baseline_events(self._list_id, self._observed_at, kept)
            return
        for batch in self._spill.batches():
            records = [Record.from_dict(json.loads(entry.record)) for entry in batch]
            yield from differ.baseline_events(self._list_id, self._observed_at, records)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        """By position (reads the spill up to it): for the rare caller that indexes."""
        if isinstance(index, slice):
            return list(self)[index]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError("event index out of range")
        return next(islice(self, position, None))
