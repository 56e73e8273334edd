"""A version compared with the rows (or runs of rows) of the state this process holds.

A process that applied the state holds its rows (``held_state.HeldState.rows``);
the next version's rows are compared with them as two sets (:func:`take_rows`), or
its runs of rows with the held runs, cutting only those that differ
(:func:`take_runs`), rather than looking each unit up in the stored set.
:func:`monitor.ingest.units.take` chooses.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import filterfalse

from monitor.files import SourceFile
from monitor.formats._csv_units import Runs
from monitor.formats.base import Format, SplitRefused
from monitor.ingest import held_state
from monitor.ingest.intake import BaseState
from monitor.ingest.unit_code import code_tag
from monitor.ingest.unit_intake import UnitIntake, intake, parse_new, refused
from monitor.records import Record
from monitor.store.fingerprints import StoredUnit

log = logging.getLogger(__name__)


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


def take_rows(
    fmt: Format, rows: list[bytes], base: BaseState, held: held_state.HeldState
) -> UnitIntake | None:
    """``units.take`` when the state's rows are held: this version's rows against them as sets.

    Set operations run in C, where looking each of ~9,100 units up was most of a
    version's time: the rows that are new are parsed, the rows that are gone name
    their fingerprints and keys, and every other row stands for its stored record.
    """
    assert held.rows is not None  # held_rows checked it
    before = held.rows
    present = set(rows)
    if len(present) != len(rows):
        return refused(base, "a row appears twice")
    new_set = present.difference(before)
    # The held rows not in this version; none when every held row is (a common case).
    same = len(present) - len(new_set) == len(before)
    gone_rows = [] if same else list(filterfalse(present.__contains__, before))
    return _take_changes(fmt, new_set, gone_rows, base, held, runs=None)


def take_runs(
    fmt: Format, files: Sequence[SourceFile], base: BaseState, held: held_state.HeldState
) -> UnitIntake | None:
    """``units.take`` when the state's runs of rows are held (``Format.split_runs``): this
    version's runs against them (``Runs.against``), and only the rows where the runs
    that differ differ (:func:`_run_changes`). None when the rows must decide
    (:func:`take_rows`).

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
    :func:`take_rows` finds, from the runs that differ alone. None on anything odd.

    A run is cut into rows by its bytes alone, so a run held stands for the held rows
    it was cut into. The rows this version has are then those of the runs it shares
    with the held state and those of its new runs; the held ones, those of the shared
    runs and of the gone runs. A new run's row that is also in a shared run appears
    twice (None, as ``take_rows`` refuses it); otherwise a new run's row is new to
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


def with_runs(
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
        record = parse_new(fmt, unit, added)
        if record is None:
            return refused(base, "an entry no database can store")
        if record.key in fresh:
            return refused(base, "a key appears twice")
        fresh[record.key] = record
        new_rows[row] = unit.fingerprint
    gone_keys = {key for key, _ in gone.values()}
    if not held.keys.isdisjoint(fresh.keys() - gone_keys):
        return refused(base, "a key appears twice")
    # The held keys less the gone units' plus the new ones', read through (not copied)
    keys = held_state.SetAfter(held.keys, gone_keys, set(fresh))
    kept = defaultdict(int, held.fields)
    for _, fields in gone.values():
        kept[fields] -= 1
    taken = intake(base, keys, fresh, kept, added, set(gone), known, first=None, tag=held.tag)
    size = held.rows_bytes - sum(map(len, gone_rows)) + sum(map(len, new_rows))
    plan = replace(
        taken.plan,
        rows=before,  # the held rows: changed in place once committed (units._held_units)
        rows_change=(gone_rows, new_rows),
        rows_bytes=size,
        rows_derived=True,
        runs=runs,
    )
    return replace(taken, plan=plan)
