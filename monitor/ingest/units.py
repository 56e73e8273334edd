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

This module holds the entry points (:func:`take`, :func:`read_known`,
:func:`keep_applied`) and the state a process keeps in memory between versions.
The rest is apart, one responsibility a module: the switch and the code tag
(:mod:`monitor.ingest.unit_code`), what a take produces
(:mod:`monitor.ingest.unit_intake`), a version read against the stored set by a
process that does not hold the state (:mod:`monitor.ingest.stored_set_takes`),
and one compared with the rows this process holds
(:mod:`monitor.ingest.held_takes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats.base import Format, SplitRefused, row_fingerprint
from monitor.ingest import held_state, held_takes, stored_set_takes, unit_intake
from monitor.ingest.intake import BaseState, Intake
from monitor.ingest.unit_code import ENV, code_tag, enabled, made_by_this_code
from monitor.ingest.unit_intake import UnitIntake
from monitor.store import fingerprints
from monitor.store.fingerprints import StoredUnit
from monitor.store.store import Store

__all__ = [
    "ENV",
    "UnitIntake",
    "code_tag",
    "enabled",
    "keep_applied",
    "made_by_this_code",
    "read_known",
    "take",
]


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
    the set read and (``unit_intake.UnitPlan.rows_change``) the held rows changed in place."""
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
    split afresh; for rows derived from held ones that did
    (``unit_intake.UnitPlan.rows_derived``: the same rows less the gone units' plus the
    added units'), equal sizes say it."""
    if derived:
        return len(rows) == len(stored_units)
    return set(rows.values()) == stored_units.keys()


def take(
    fmt: Format, files: Sequence[SourceFile], base: BaseState, known: dict[str, StoredUnit]
) -> UnitIntake | None:
    """The intake of this snapshot, parsing only units whose fingerprint is not in ``known``.

    None when the snapshot must be read by the full parse instead (see the module).
    With a stored set the state's hashes are not read: the set names every current
    key, so only the hashes of the keys that new units produced are asked for. When
    this process holds the state's rows (``held_takes.held_rows``), the version is
    compared with them as two sets: of runs of rows when the state's runs are held too
    (:func:`~monitor.ingest.held_takes.take_runs`), else of rows
    (:func:`~monitor.ingest.held_takes.take_rows`), not unit by unit. Without them, it
    is read against the stored set (:mod:`monitor.ingest.stored_set_takes`).
    """
    if known and len(known) != base.count:
        return take(fmt, files, base, {})  # not the state's set after all: trust none
    try:
        held = held_takes.held_rows(base, fmt, known)
        if held is not None and held.runs is not None:
            by_runs = held_takes.take_runs(fmt, files, base, held)
            if by_runs is not None:
                return by_runs
        rows = fmt.split_rows(files)
        if rows is not None and held is not None:
            return held_takes.with_runs(fmt, files, held_takes.take_rows(fmt, rows, base, held))
        # Each unit is its row: the rows are held with the state (keep_applied), for the
        # next version, unless there are too many.
        hold = rows is not None and len(rows) <= held_state.HOLD_LIMIT
        row_fps = list(map(row_fingerprint, rows)) if hold and rows is not None else None
        if not known:  # a baseline, or a state whose stored set is not trusted
            split = fmt.split(files) if rows is None else fmt.units_of_rows(rows)
            taken = stored_set_takes.take_all(fmt, split, base)
        elif rows is None:
            taken = stored_set_takes.take_known(
                fmt, stored_set_takes.unit_chunks(fmt.split(files)), base, known
            )
        else:
            chunks = stored_set_takes.row_chunks(rows, row_fps, fmt.unit_of_row)
            taken = stored_set_takes.take_known(fmt, chunks, base, known)
    except (SplitRefused, ParseError) as exc:
        return unit_intake.refused(base, str(exc))
    if taken is None or rows is None or not hold:
        return taken
    fps = row_fps if row_fps is not None else list(map(row_fingerprint, rows))
    fingerprinted = dict(zip(rows, fps, strict=True))
    plan = replace(taken.plan, rows=fingerprinted, rows_bytes=sum(map(len, rows)))
    return replace(taken, plan=plan)
