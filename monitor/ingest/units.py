"""Never parse what did not change: a snapshot read unit by unit against stored fingerprints.

Why: a new version of a list changes a few dozen of its thousands of entries,
yet parsing and building every record was most of a replay's time. A format
that can (``Format.splits``) cuts its files into each entry's raw unit with a
hash of its bytes, which is cheap; the list's state keeps the fingerprint of
every current unit and the key it produced (``monitor.store.fingerprints``).
A unit whose fingerprint is stored stands for the stored record of its key:
same bytes, same code, same record. Only new units are parsed, checked and
hashed, and the result is the :class:`~monitor.ingest.intake.Intake` the full
parse would give.

Exact results always: anything the fast path does not read exactly as the
parser would (the format refuses the split, a unit fails to parse, a key
appears twice, a record the database cannot store) returns None, and the
caller takes the full parse, which gives the result or names the error. The
stored set is tagged with the applied snapshot it describes and with a digest
of this package's code, so a set written by other code (an upgrade that may
parse differently) or left behind by a version applied in full is not used.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from itertools import chain, compress, filterfalse, islice, repeat
from operator import itemgetter, not_
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection

from monitor.errors import ConfigError, ParseError
from monitor.files import SourceFile
from monitor.formats._csv_units import Runs
from monitor.formats.base import Format, SplitRefused, Unit, row_fingerprint
from monitor.ingest import differ, guards, held_state
from monitor.ingest.intake import BaseState, Intake
from monitor.ingest.spill import Spill
from monitor.records import Record
from monitor.store import fingerprints
from monitor.store.fingerprints import StoredUnit
from monitor.store.store import Store

log = logging.getLogger(__name__)
ENV = "WATCHLIST_MONITOR_FINGERPRINTS"
_SWITCH = {"1": True, "true": True, "on": True, "yes": True}
_SWITCH |= {"0": False, "false": False, "off": False, "no": False}


def enabled(configured: bool) -> bool:
    """Whether snapshots are read unit by unit: WATCHLIST_MONITOR_FINGERPRINTS, else the config.

    The switch exists so an operator can rule the mechanism out (and the tests can
    compare both ways); results are the same either way.
    """
    value = os.environ.get(ENV, "").strip().lower()
    if not value:
        return configured
    if value not in _SWITCH:
        raise ConfigError(f"{ENV}={value!r}: write 1/0, true/false, on/off or yes/no")
    return _SWITCH[value]


@functools.cache
def _code_digest() -> str:
    """A digest of every module of this package: fingerprints stand for records this code built."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def code_tag(fmt: Format) -> str:
    """Which format and code a stored fingerprint set was made by."""
    return f"{fmt.kind}:{_code_digest()}"


def made_by_this_code(tag: str) -> bool:
    """Whether a stored set's tag is this code's (for any format): only such a set is used."""
    return tag.endswith(f":{_code_digest()}")


@dataclass(frozen=True, kw_only=True)
class UnitPlan:
    """How the stored fingerprint set becomes this snapshot's once it is applied."""

    tag: str
    added: dict[str, StoredUnit]  # new fingerprints (every one when ``replace_all``)
    gone: set[str]  # stored fingerprints this snapshot no longer has
    replace_all: bool  # the set read was not this state's: write it anew
    known: dict[str, StoredUnit] = field(default_factory=dict)  # the set read (kept in memory)
    fields: dict[int, int] = field(default_factory=dict)  # the new set's units by fields bitmask
    rows: dict[bytes, str] | None = None  # the new set's rows, when each unit is one row
    rows_bytes: int = 0  # their length in all
    # The rows were the held ones with this version's changes (_take_rows): they name
    # the new set by construction, as the held rows named the set they came with.
    rows_derived: bool = False
    # With ``rows_derived``: ``rows`` are the held rows themselves, which become the new
    # set's (these rows out, these in) only once the version is committed (keep_applied).
    rows_change: tuple[list[bytes], dict[bytes, str]] | None = None
    runs: held_state.HeldRuns | None = None  # with ``rows``: the same rows as runs of the file

    def write(self, connection: Connection, list_id: str, snapshot_id: int) -> None:
        """Store this snapshot's set, in the transaction that applies the snapshot."""
        fingerprints.write(
            connection,
            list_id,
            snapshot_id=snapshot_id,
            tag=self.tag,
            added=self.added,
            gone=self.gone,
            replace_all=self.replace_all,
        )


@dataclass(frozen=True, kw_only=True)
class UnitIntake(Intake):
    """An intake read unit by unit, with what to store of its fingerprints."""

    plan: UnitPlan = field(kw_only=True)
    # Classified as it was read (none for a baseline): Intake.classify needs every hash.
    classified: differ.Classification | None = None

    def classify(self) -> differ.Classification:
        return self.classified if self.classified is not None else super().classify()


def read_known(store: Store, base: BaseState, fmt: Format) -> dict[str, StoredUnit]:
    """The stored fingerprints of the base's state, when they were made by this code.

    The set this process stored itself when it applied that very state is not read
    again (``base.held``: :func:`monitor.ingest.intake.read_base` found it to be the
    database's state).
    """
    tag = code_tag(fmt)
    kept = base.held
    if kept is not None and kept.units is not None and kept.tag == tag:
        return kept.units
    with store.read() as connection:
        return fingerprints.read(connection, base.list_id, base.applied_id, tag)


def keep_applied(store: Store, taken: Intake, snapshot_id: int) -> None:
    """Hold the state just committed by applying ``taken`` as ``snapshot_id`` in memory.

    Its fingerprint set is the one the plan wrote, with its keys, fields and (when each
    unit is one row) rows. Its hashes are held from a first version on (read back from
    its spill, where each entry waited with its hash), and after that whenever the
    base's were at hand (held, or read whole by a full parse): the base's hashes with
    the changed entries' new ones and without the entries the snapshot lacks, exactly
    what the apply wrote. So a version read unit by unit finds the hashes of its new
    units' keys in memory instead of asking the database; one whose base had none
    (another process applied it) never reads them all just to keep them. A state larger
    than ``held_state.HOLD_LIMIT`` is not held.

    The base's containers (its hashes, fingerprint set, keys and rows: each ~9,100 entries
    of the SDN list, of which a version changes a few dozen) become the new state's in
    place rather than copied; the base's state is superseded by the commit, and it is
    forgotten first, so an error half-way leaves nothing held (the next version reads
    the database). Nothing else reads them: the list's writer alone uses held states.
    """
    held_state.forget(store, taken.base.list_id)
    if taken.count > held_state.HOLD_LIMIT:
        return
    hashes: dict[str, str] | None = None
    if taken.first is not None:
        hashes = {e.key: e.content_hash for batch in taken.first.batches() for e in batch}
    elif taken.base.hashes_at_hand:
        old = taken.base.hashes
        hashes = old if isinstance(old, dict) else dict(old)  # changed in place
        if isinstance(taken, UnitIntake) and taken.classified is not None:
            delisted: Iterable[str] = taken.classified.removed  # no pass over every key
        else:
            delisted = old.keys() - taken.keys
        for key in delisted:
            del hashes[key]
        for key, record in taken.changed.items():  # listed and modified
            hashes[key] = record.content_hash()
    state = held_state.HeldState(applied_id=snapshot_id, count=taken.count, hashes=hashes)
    if isinstance(taken, UnitIntake):
        state = replace(state, **_held_units(taken))
    elif hashes is None:  # never expected: every full read has its hashes
        return
    held_state.keep(store, taken.base.list_id, state)


def _held_units(taken: UnitIntake) -> dict[str, Any]:
    """The fingerprint set the plan wrote, and what goes with it, as HeldState fields:
    the set read and (``UnitPlan.rows_change``) the held rows changed in place."""
    plan = taken.plan
    stored_units = {} if plan.replace_all else plan.known
    for fp in plan.gone:
        stored_units.pop(fp, None)
    stored_units.update(plan.added)
    rows = plan.rows
    if rows is not None and plan.rows_change is not None:
        gone_rows, new_rows = plan.rows_change
        for row in gone_rows:
            del rows[row]
        rows.update(new_rows)
    keys = taken.keys
    keys = keys.apply() if isinstance(keys, held_state.SetAfter) else set(keys)
    if rows is not None and plan.rows_bytes > held_state.ROWS_LIMIT:
        rows = None  # a large file's rows cost more memory than they save time
    if rows is not None and not _name_the_set(rows, stored_units, derived=plan.rows_derived):
        rows = None  # never expected; the rows must name exactly the set, else none are held
    return {
        "tag": plan.tag,
        "units": stored_units,
        "keys": keys,
        "fields": plan.fields,
        "rows": rows,
        "rows_bytes": plan.rows_bytes if rows is not None else 0,
        "runs": plan.runs if rows is not None else None,
    }


def _name_the_set(
    rows: Mapping[bytes, str], stored_units: Mapping[str, StoredUnit], *, derived: bool
) -> bool:
    """Do the rows' fingerprints name exactly the stored set? Compared in full for rows
    split afresh; for rows derived from held ones that did (``UnitPlan.rows_derived``:
    the same rows less the gone units' plus the added units'), equal sizes say it."""
    if derived:
        return len(rows) == len(stored_units)
    return set(rows.values()) == stored_units.keys()


def fields_of(record: Record) -> int:
    """Bit i set: the record has differ.LOSS_FIELDS[i] (what the field-loss guard counts)."""
    return sum(1 << i for i, name in enumerate(differ.LOSS_FIELDS) if getattr(record, name))


def take(
    fmt: Format, files: Sequence[SourceFile], base: BaseState, known: dict[str, StoredUnit]
) -> UnitIntake | None:
    """The intake of this snapshot, parsing only units whose fingerprint is not in ``known``.

    None when the snapshot must be read by the full parse instead (see the module).
    With a stored set the state's hashes are not read: the set names every current
    key, so only the hashes of the keys that new units produced are asked for. When
    this process holds the state's rows (``held_rows``), the version is compared with
    them as two sets: of runs of rows when the state's runs are held too
    (:func:`_take_runs`), else of rows (:func:`_take_rows`), not unit by unit.
    """
    if known and len(known) != base.count:
        return take(fmt, files, base, {})  # not the state's set after all: trust none
    try:
        held = held_rows(base, fmt, known)
        if held is not None and held.runs is not None:
            by_runs = _take_runs(fmt, files, base, held)
            if by_runs is not None:
                return by_runs
        rows = fmt.split_rows(files)
        if rows is not None and held is not None:
            return _with_runs(fmt, files, _take_rows(fmt, rows, base, held))
        # Each unit is its row: the rows are held with the state (keep_applied), for the
        # next version, unless there are too many.
        hold = rows is not None and len(rows) <= held_state.HOLD_LIMIT
        row_fps = list(map(row_fingerprint, rows)) if hold and rows is not None else None
        if not known:  # a baseline, or a state whose stored set is not trusted
            split = fmt.split(files) if rows is None else fmt.units_of_rows(rows)
            taken = (
                _take_first(fmt, split, base) if not base.hashes else _take_anew(fmt, split, base)
            )
        elif rows is None:
            taken = _take_known(fmt, _unit_chunks(fmt.split(files)), base, known)
        else:
            chunks = _row_chunks(rows, row_fps, fmt.unit_of_row)
            taken = _take_known(fmt, chunks, base, known)
    except (SplitRefused, ParseError) as exc:
        return _refused(base, str(exc))
    if taken is None or rows is None or not hold:
        return taken
    fps = row_fps if row_fps is not None else list(map(row_fingerprint, rows))
    fingerprinted = dict(zip(rows, fps, strict=True))
    plan = replace(taken.plan, rows=fingerprinted, rows_bytes=sum(map(len, rows)))
    return replace(taken, plan=plan)


def held_rows(
    base: BaseState, fmt: Format, known: Mapping[str, StoredUnit]
) -> held_state.HeldState | None:
    """The held state, when it has the rows of ``known`` (this code's set of the state)."""
    kept = base.held
    if kept is None or kept.units is not known or kept.tag != code_tag(fmt):
        return None
    if kept.rows is None or kept.keys is None or kept.fields is None or not known:
        return None
    return kept


class _Chunk(NamedTuple):
    """Consecutive units of a snapshot: their fingerprints, and what each unit is made
    from when it must be parsed (``unit_of`` of an item)."""

    fingerprints: list[str]
    items: list[Any]
    unit_of: Callable[[Any], Unit]


def _take_known(
    fmt: Format, chunks: Iterable[_Chunk], base: BaseState, known: dict[str, StoredUnit]
) -> UnitIntake | None:
    """``take`` against a stored set: each unit's fingerprint looked up in ``known``, and
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
            unit = chunk.unit_of(item)
            record = fmt.parse_unit(unit)
            if guards.record_problem(record):
                return _refused(base, "an entry no database can store")
            if record.key in fresh:
                return _refused(base, "a key appears twice")
            added[unit.fingerprint] = (record.key, fields_of(record))
            fresh[record.key] = record
    gone_keys = {key for key, _ in unseen.values()}
    stored = base.hashes_of(fresh)
    # A new unit's key that the state has is a changed entry when that key's unit is
    # gone; otherwise an unchanged unit still gives it: twice.
    if known and any(key in stored and key not in gone_keys for key in fresh):
        return _refused(base, "a key appears twice")
    keys = _KeysAfter(known, gone_keys, fresh.keys())
    return _intake(
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


def _unit_chunks(split: Iterable[Unit]) -> Iterator[_Chunk]:
    """The units of ``Format.split`` in chunks of ``CHUNK``."""
    units_left = iter(split)
    while chunk := list(islice(units_left, CHUNK)):
        yield _Chunk(list(map(itemgetter(0), chunk)), chunk, _same_unit)


def _row_chunks(
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
    ``_take_known`` has checked that no new key is also given by a kept unit.
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


def _take_first(fmt: Format, split: Iterable[Unit], base: BaseState) -> UnitIntake | None:
    """``take`` of a list's first version: every unit parsed, its record kept on disk
    (a first version is never all in memory)."""
    keys: set[str] = set()
    added: dict[str, StoredUnit] = {}
    first = Spill()
    count = 0
    for unit in split:
        count += 1
        record = fmt.parse_unit(unit)
        if guards.record_problem(record):
            return _refused(base, "an entry no database can store")
        added[unit.fingerprint] = (record.key, fields_of(record))
        first.add(record)
        keys.add(record.key)
    if len(keys) != count:
        return _refused(base, "a key appears twice")
    return _intake(base, keys, {}, Counter(), added, set(), {}, first=first, tag=code_tag(fmt))


def _take_anew(fmt: Format, split: Iterable[Unit], base: BaseState) -> UnitIntake | None:
    """``take`` of a version whose state has no stored set this code can trust (none yet,
    one of another snapshot, or one written by other code: the first check after an
    upgrade): every unit is parsed, for the set is written anew, and compared with the
    state's hash as it is parsed, as the full parse does.

    Why: only the changed records are kept. Keeping every record until the end made the
    first check of a million-entry list after an upgrade hold them all (1.7 GiB).
    """
    hashes = base.hashes
    keys: set[str] = set()
    fresh: dict[str, Record] = {}
    kept: Counter[int] = Counter()
    added: dict[str, StoredUnit] = {}
    count = 0
    for unit in split:
        count += 1
        record = fmt.parse_unit(unit)
        if guards.record_problem(record):
            return _refused(base, "an entry no database can store")
        key, fields = added[unit.fingerprint] = (record.key, fields_of(record))
        keys.add(key)
        if hashes.get(key) == record.content_hash():
            kept[fields] += 1
        else:
            fresh[key] = record
    if len(keys) != count:
        return _refused(base, "a key appears twice")
    return _intake(base, keys, fresh, kept, added, set(), {}, first=None, tag=code_tag(fmt))


def _take_rows(
    fmt: Format, rows: list[bytes], base: BaseState, held: held_state.HeldState
) -> UnitIntake | None:
    """``take`` when the state's rows are held: this version's rows against them as sets.

    Set operations run in C, where looking each of ~9,100 units up was most of a
    version's time: the rows that are new are parsed, the rows that are gone name
    their fingerprints and keys, and every other row stands for its stored record.
    """
    assert held.rows is not None  # held_rows checked it
    before = held.rows
    present = set(rows)
    if len(present) != len(rows):
        return _refused(base, "a row appears twice")
    new_set = present.difference(before)
    # The held rows not in this version; none when every held row is (a common case).
    same = len(present) - len(new_set) == len(before)
    gone_rows = [] if same else list(filterfalse(present.__contains__, before))
    return _take_changes(fmt, new_set, gone_rows, base, held, runs=None)


def _take_runs(
    fmt: Format, files: Sequence[SourceFile], base: BaseState, held: held_state.HeldState
) -> UnitIntake | None:
    """``take`` when the state's runs of rows are held (``Format.split_runs``): this
    version's runs against them (``Runs.against``), and only the rows where the runs
    that differ differ (:func:`_run_changes`). None when the rows must decide
    (:func:`_take_rows`).

    Why: cutting all ~9,100 rows and hashing them into a set was most of what was left
    of a steady version; the runs are a few hundred, matched in place.
    """
    assert held.runs is not None and held.rows is not None  # take and held_rows checked
    try:
        runs = fmt.split_runs(files)
        if runs is None or runs.anchor != held.runs.anchor:
            return None
        changes = _run_changes(runs, held.runs, held.rows)
    except SplitRefused as exc:  # a run the cut cannot read: the rows decide
        log.debug("list %s: compared row by row, not run by run: %s", base.list_id, exc)
        return None
    if changes is None:
        return None
    new_set, gone_rows, now = changes
    return _take_changes(fmt, new_set, gone_rows, base, held, runs=now)


def _run_changes(
    runs: Runs, before: held_state.HeldRuns, rows: Mapping[bytes, str]
) -> tuple[set[bytes], list[bytes], held_state.HeldRuns] | None:
    """The rows new to this version, the held rows it lacks, and its runs to hold: what
    :func:`_take_rows` finds, from the runs that differ alone. None on anything odd.

    A run is cut into rows by its bytes alone, so a run held stands for the held rows
    it was cut into. The rows this version has are then those of the runs it shares
    with the held state and those of its new runs; the held ones, those of the shared
    runs and of the gone runs. A new run's row that is also in a shared run appears
    twice (None, as ``_take_rows`` refuses it); otherwise a new run's row is new to
    the state unless a gone run had it (a row moved between runs).

    A new run paired with a gone one (:func:`_paired`), and the new tail with the held
    one, are cut only where they differ (``Runs.changes``): the lines both begin and
    end with are rows of the held state that this version has too, in a new run as in
    a gone one, so they would cancel out below. Leaving them out changes no outcome:
    the held rows are distinct, so such a row that this version also has elsewhere
    is found here as a new row the held state has outside the gone rows (None).
    """
    compared = runs.against(before.pieces, before.index)
    if compared is None:
        return None  # a run twice: its rows twice
    order, new_pieces, gone_pieces = compared
    now = held_state.HeldRuns.of(order, runs.tail, runs.anchor)
    if now is None:
        return None  # a new run twice
    new_rows: list[bytes] = []
    gone_all: list[bytes] = []
    pairs, new_alone, gone_alone = _paired(new_pieces, gone_pieces)
    for new, old in pairs:
        new_part, old_part = runs.piece_changes(new, old)
        new_rows += new_part
        gone_all += old_part
    new_rows += [row for piece in new_alone for row in runs.rows_of(piece)]
    gone_all += [row for piece in gone_alone for row in runs.rows_of(piece)]
    if runs.tail != before.tail:
        new_part, old_part = runs.changes(runs.tail, before.tail)
        new_rows += new_part
        gone_all += old_part
    new_set, gone_set = set(new_rows), set(gone_all)
    if len(new_set) != len(new_rows) or len(gone_set) != len(gone_all):
        return None
    held = rows.keys()
    if not held >= gone_set:
        return None  # never expected: the held runs are cut into the held rows
    new_rows_only = new_set - gone_set
    if not held.isdisjoint(new_rows_only):
        return None  # also in a run this version shares with the state: twice
    return new_rows_only, list(gone_set - new_set), now


def _paired(
    new: Iterable[bytes], gone: Iterable[bytes]
) -> tuple[list[tuple[bytes, bytes]], list[bytes], list[bytes]]:
    """The new runs paired with gone ones that begin, else end, with the same line (a
    run with a row edited in it, as it is now and as it was), and those left alone.

    Any pairing gives the same rows (``_run_changes``); a good one leaves few to cut.
    """
    pairs: list[tuple[bytes, bytes]] = []
    alone: list[bytes] = []
    left = set(gone)
    for line_of in (_first_line, _last_line):
        by_line = {line_of(piece): piece for piece in left}
        alone = []
        for piece in new:
            old = by_line.pop(line_of(piece), None)
            if old is None:
                alone.append(piece)
            else:
                pairs.append((piece, old))
                left.discard(old)
        new = alone
    return pairs, alone, list(left)


def _first_line(piece: bytes) -> bytes:
    """A run's first line, its line end included."""
    return piece[: piece.find(b"\n") + 1]


def _last_line(piece: bytes) -> bytes:
    """A run's last line, up to its anchor (left out of the piece)."""
    return piece[piece.rfind(b"\n") + 1 :]


def _with_runs(
    fmt: Format, files: Sequence[SourceFile], taken: UnitIntake | None
) -> UnitIntake | None:
    """The intake with its file's runs, for the next version, when the runs' rows are
    exactly its rows (every line of the file is one row): its rows are known to be
    held, and a process that takes versions one after the other compares the next by
    its runs. Not done for a list's first version in a process (a one-off ``ingest``
    would never use them)."""
    if taken is None or taken.plan.rows is None:
        return taken
    runs = fmt.split_runs(files)
    if runs is None or not runs.lines_are_rows():
        return taken
    held = held_state.HeldRuns.of(runs.pieces, runs.tail, runs.anchor)
    if held is None:
        return taken  # a run twice: only rows can say
    return replace(taken, plan=replace(taken.plan, runs=held))


def _take_changes(
    fmt: Format,
    new_set: set[bytes],
    gone_rows: list[bytes],
    base: BaseState,
    held: held_state.HeldState,
    *,
    runs: held_state.HeldRuns | None,
) -> UnitIntake | None:
    """The intake from the rows new to this version and the held rows it lacks: the new
    rows are parsed, the gone ones name their fingerprints and keys, and every other
    row stands for its stored record. What the unit-by-unit loop counts (every key, the
    unchanged entries' fields) is the held state's less the gone units'."""
    assert held.units is not None and held.rows is not None  # held_rows checked them
    assert held.keys is not None and held.fields is not None
    before, known = held.rows, held.units
    gone = {before[row]: known[before[row]] for row in gone_rows}
    fresh: dict[str, Record] = {}
    added: dict[str, StoredUnit] = {}
    new_rows: dict[bytes, str] = {}
    new = {row: fmt.unit_of_row(row) for row in new_set}  # all checked first
    for row, unit in new.items():
        record = fmt.parse_unit(unit)
        if guards.record_problem(record):
            return _refused(base, "an entry no database can store")
        if record.key in fresh:
            return _refused(base, "a key appears twice")
        added[unit.fingerprint] = (record.key, fields_of(record))
        fresh[record.key] = record
        new_rows[row] = unit.fingerprint
    gone_keys = {key for key, _ in gone.values()}
    if not held.keys.isdisjoint(fresh.keys() - gone_keys):
        return _refused(base, "a key appears twice")
    # The held keys less the gone units' plus the new ones', read through (not copied)
    keys = held_state.SetAfter(held.keys, gone_keys, set(fresh))
    kept = defaultdict(int, held.fields)
    for _, fields in gone.values():
        kept[fields] -= 1
    taken = _intake(base, keys, fresh, kept, added, set(gone), known, first=None, tag=held.tag)
    size = held.rows_bytes - sum(map(len, gone_rows)) + sum(map(len, new_rows))
    plan = replace(
        taken.plan,
        rows=before,  # the held rows: changed in place once committed (_held_units)
        rows_change=(gone_rows, new_rows),
        rows_bytes=size,
        rows_derived=True,
        runs=runs,
    )
    return replace(taken, plan=plan)


def _intake(
    base: BaseState,
    keys: AbstractSet[str],
    fresh: dict[str, Record],
    kept: dict[int, int],
    added: dict[str, StoredUnit],
    gone: set[str],
    known: dict[str, StoredUnit],
    *,
    first: Spill | None,
    tag: str,
    stored: dict[str, str] | None = None,
) -> UnitIntake:
    """The intake from what a take found: ``kept`` counts the fields of the units seen
    before, ``fresh`` holds the records of the new units (none for a baseline)."""
    fields = Counter(kept)  # the new state's units by fields bitmask
    fields.update(mask for _, mask in added.values())
    if stored is None:
        stored = base.hashes_of(fresh) if first is None else {}
    changed = {k: r for k, r in fresh.items() if stored.get(k) != r.content_hash()}
    for key, record in fresh.items():
        if key not in changed:  # new bytes, same record
            kept[fields_of(record)] += 1
    plan = UnitPlan(
        tag=tag,
        added=added,
        gone=gone,
        replace_all=not known,
        known=known,
        fields=dict(fields),
    )
    log.debug("list %s: %s of %s units parsed", base.list_id, len(added), len(keys))
    gone_units = {fp: known[fp] for fp in gone}
    return UnitIntake(
        base=base,
        keys=keys,
        changed=changed,
        kept_fields=_field_counts(kept) if first is None else dict.fromkeys(differ.LOSS_FIELDS, 0),
        first=first,
        plan=plan,
        classified=_classify(base, keys, changed, stored, known, gone_units)
        if first is None
        else None,
    )


def _classify(
    base: BaseState,
    keys: AbstractSet[str],
    changed: dict[str, Record],
    stored: dict[str, str],
    known: dict[str, StoredUnit],
    gone: dict[str, StoredUnit],
) -> differ.Classification:
    """What happened to each key, without the state's hashes when a stored set was used:
    a key the state has but this snapshot lacks produced one of the gone units."""
    if not known:
        return differ.classify(base.hashes, keys, changed)
    return differ.Classification(
        added=sorted(k for k in changed if k not in stored),
        removed=sorted({key for key, _ in gone.values() if key not in keys}),
        changed=sorted(k for k in changed if k in stored),
        unchanged_count=len(keys) - len(changed),
    )


def _field_counts(kept: dict[int, int]) -> dict[str, int]:
    """How many unchanged entries have each of differ.LOSS_FIELDS, from their bitmasks."""
    return {
        name: sum(n for fields, n in kept.items() if fields >> i & 1)
        for i, name in enumerate(differ.LOSS_FIELDS)
    }


def _refused(base: BaseState, why: str) -> UnitIntake | None:
    """None, saying why: the caller reads the snapshot by the full parse."""
    log.debug("list %s: read in full, not unit by unit: %s", base.list_id, why)
    return None
