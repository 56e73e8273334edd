"""A version read against the stored fingerprint set, in a process that does not hold the state.

Each unit's fingerprint is looked up in the set read from the database (chunk by
chunk, in C) and only the units it lacks are parsed (:func:`take_known`); a list's
first version and a state whose set this code cannot trust parse every unit
(:func:`take_all`). :func:`monitor.ingest.units.take` chooses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from itertools import chain, compress, filterfalse, islice, repeat
from operator import itemgetter, not_
from typing import Any, NamedTuple

from monitor.formats.base import Format, Unit, row_fingerprint
from monitor.ingest.intake import BaseState
from monitor.ingest.spill import Spill
from monitor.ingest.unit_code import code_tag
from monitor.ingest.unit_intake import UnitIntake, intake, parse_new, refused
from monitor.records import Record
from monitor.store.fingerprints import StoredUnit


class _Chunk(NamedTuple):
    """Consecutive units of a snapshot: their fingerprints, and what each unit is made
    from when it must be parsed (``unit_of`` of an item)."""

    fingerprints: list[str]
    items: list[Any]
    unit_of: Callable[[Any], Unit]


def take_known(
    fmt: Format, chunks: Iterable[_Chunk], base: BaseState, known: dict[str, StoredUnit]
) -> UnitIntake | None:
    """``units.take`` against a stored set: each unit's fingerprint looked up in ``known``, and
    only the units it lacks made and parsed.

    Why chunks: a Python step per unit (making it, looking it up, adding its key to a
    set) was most of a million-entry list's check. Each chunk is looked up in C, the
    entries seen before are counted in C, and the new keys are checked against the
    state's own (the state's hashes of the new keys, and the keys of the gone units)
    rather than against a set of every key.
    """
    fresh: dict[str, Record] = {}  # records of new units: changed unless the stored hash says not
    kept: Counter[int] = Counter()  # unchanged entries by their fields bitmask
    added: dict[str, StoredUnit] = {}
    unseen = dict(known)  # what is left at the end is gone; a unit seen twice is parsed
    for chunk in chunks:
        hits = list(map(unseen.pop, chunk.fingerprints, repeat(None)))
        found = list(filter(None, hits))
        kept.update(map(itemgetter(1), found))
        if len(found) == len(hits):
            continue
        for item in compress(chunk.items, map(not_, hits)):  # the new units
            record = parse_new(fmt, chunk.unit_of(item), added)
            if record is None:
                return refused(base, "an entry no database can store")
            if record.key in fresh:
                return refused(base, "a key appears twice")
            fresh[record.key] = record
    gone_keys = {key for key, _ in unseen.values()}
    stored = base.hashes_of(fresh)
    # A new unit's key that the state has is a changed entry when that key's unit is
    # gone; otherwise an unchanged unit still gives it: twice.
    if known and any(key in stored and key not in gone_keys for key in fresh):
        return refused(base, "a key appears twice")
    keys = _KeysAfter(known, gone_keys, fresh.keys())
    return intake(
        base,
        keys,
        fresh,
        kept,
        added,
        set(unseen),
        known,
        first=None,
        tag=code_tag(fmt),
        stored=stored,
    )


def unit_chunks(split: Iterable[Unit]) -> Iterator[_Chunk]:
    """The units of ``Format.split`` in chunks of ``CHUNK``."""
    units_left = iter(split)
    while chunk := list(islice(units_left, CHUNK)):
        yield _Chunk(list(map(itemgetter(0), chunk)), chunk, _same_unit)


def row_chunks(
    rows: list[bytes], fingerprints: list[str] | None, unit_of_row: Callable[[bytes], Unit]
) -> Iterator[_Chunk]:
    """The rows of ``Format.split_rows`` in chunks of ``CHUNK``, fingerprinted chunk by
    chunk unless ``fingerprints`` are given: a new row becomes its unit only when it
    must be parsed (``Format.unit_of_row`` checks it)."""
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        if fingerprints is None:
            yield _Chunk(list(map(row_fingerprint, part)), part, unit_of_row)
        else:
            yield _Chunk(fingerprints[start : start + CHUNK], part, unit_of_row)


def _same_unit(unit: Unit) -> Unit:
    """A chunk of ``split``'s units holds the units themselves: nothing to make."""
    return unit


CHUNK = 4096


class _KeysAfter(AbstractSet[str]):
    """The keys of a version read against a stored set: the set's keys less the gone
    units' plus the new units', with no set of every key built unless one is iterated.

    The stored set names each key of the state once (one unit per key), and
    ``take_known`` has checked that no new key is also given by a kept unit.
    """

    def __init__(
        self, known: Mapping[str, StoredUnit], gone: AbstractSet[str], added: AbstractSet[str]
    ) -> None:
        self.known = known
        self.gone = gone
        self.added = added
        self._state: set[str] | None = None

    def __len__(self) -> int:
        return len(self.known) - len(self.gone) + len(self.added)

    def __contains__(self, key: object) -> bool:
        if key in self.added:
            return True
        if key in self.gone:
            return False
        if self._state is None:
            self._state = set(map(itemgetter(0), self.known.values()))
        return key in self._state

    def __iter__(self) -> Iterator[str]:
        state = map(itemgetter(0), self.known.values())
        return chain(filterfalse(self.gone.__contains__, state), self.added)


def take_all(fmt: Format, split: Iterable[Unit], base: BaseState) -> UnitIntake | None:
    """``units.take`` when every unit must be parsed, for the set is written anew: a
    list's first version (its records kept on disk: a first version is never all in
    memory), or a state whose stored set this code cannot trust (none yet, one of
    another snapshot, or one written by other code: the first check after an upgrade).
    Each record of such a state is compared with the state's hash as it is parsed, as
    the full parse does.

    Why: only the changed records are kept. Keeping every record until the end made the
    first check of a million-entry list after an upgrade hold them all (1.7 GiB).
    """
    hashes = base.hashes
    first = None if hashes else Spill()
    keys: set[str] = set()
    fresh: dict[str, Record] = {}
    kept: Counter[int] = Counter()
    added: dict[str, StoredUnit] = {}
    count = 0
    for unit in split:
        count += 1
        record = parse_new(fmt, unit, added)
        if record is None:
            return refused(base, "an entry no database can store")
        keys.add(record.key)
        if first is not None:
            first.add(record)
        elif hashes.get(record.key) == record.content_hash():
            kept[added[unit.fingerprint][1]] += 1
        else:
            fresh[record.key] = record
    if len(keys) != count:
        return refused(base, "a key appears twice")
    return intake(base, keys, fresh, kept, added, set(), {}, first=first, tag=code_tag(fmt))
