"""SQL for the raw-unit fingerprints of a list's state (``unit_sets``, ``unit_fingerprints``).

The rows describe one applied snapshot, produced by one version of the code
(the ``tag``); a reader asks for the set of the snapshot it compares with and
gets nothing when the stored set is of another snapshot or code, so a set left
behind by a version applied without fingerprints (switched off, or a format
that fell back to the full parse) is never trusted. Writes happen inside the
list's transaction that applies the snapshot, so the set and the state it
describes commit together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Integer,
    String,
    bindparam,
    delete,
    exists,
    insert,
    select,
    update,
)

from monitor.store import schema as t
from monitor.store.bulk import (
    in_pipeline,
    insert_rows,
    key_among,
    lookup_batches,
    plain_rows,
    uses_arrays,
)
from monitor.store.store import ListTransaction

# What a known fingerprint stands for: (the key it produced, its fields bitmask). A plain
# tuple: a list's whole set is read for every version, and building a named tuple per
# row cost as much as the query.
StoredUnit = tuple[str, int]


@dataclass(frozen=True, kw_only=True)
class UnitSet:
    """A list's stored set and the tag of the code that made it."""

    tag: str
    units: dict[str, StoredUnit]


def read(
    connection: Connection, list_id: str, snapshot_id: int | None, tag: str
) -> dict[str, StoredUnit]:
    """The fingerprints of this snapshot's state, by this code; empty when there are none."""
    if snapshot_id is None:
        return {}
    marker = connection.execute(
        select(t.unit_sets.c.snapshot_id, t.unit_sets.c.tag).where(t.unit_sets.c.list_id == list_id)
    ).first()
    if marker is None or marker.snapshot_id != snapshot_id or marker.tag != tag:
        return {}
    return _stored_rows(connection, list_id)


def _stored_rows(connection: Connection, list_id: str) -> dict[str, StoredUnit]:
    """Every stored row of the list, whatever snapshot or code it was written for."""
    u = t.unit_fingerprints
    statement = select(u.c.fingerprint, u.c.key, u.c.fields).where(u.c.list_id == list_id)
    rows = plain_rows(connection, statement)  # one range of ix_unit_fingerprints_read
    return {fingerprint: (key, fields) for fingerprint, key, fields in rows}


def write(
    connection: Connection,
    list_id: str,
    *,
    snapshot_id: int,
    tag: str,
    added: Mapping[str, StoredUnit],
    gone: Iterable[str],
    replace_all: bool,
) -> None:
    """Make the stored set the one of ``snapshot_id``: drop ``gone``, insert ``added``.

    ``replace_all``: the set read before was not this state's (none, stale, or of other
    code), so ``added`` holds every unit and the stored rows are made exactly those,
    by writing only where they differ (:func:`_rows_to_change`).
    """
    u = t.unit_fingerprints
    if replace_all and in_pipeline(connection):  # no read can run: a set of a few rows
        connection.execute(delete(u).where(u.c.list_id == list_id))
    elif replace_all:
        gone, added = _rows_to_change(connection, list_id, added)
    drop = _DROP[uses_arrays(connection)]
    for batch in lookup_batches(connection, list(gone)):
        connection.execute(drop, {"list_id": list_id, "fingerprints": batch})
    # In fingerprint order: each index of the table is ordered by fingerprint, and a
    # million rows inserted in that order fill its pages one after another instead of
    # touching a random page per row.
    rows = ((list_id, fp, key, fields) for fp, (key, fields) in sorted(added.items()))
    insert_rows(connection, u, ("list_id", "fingerprint", "key", "fields"), rows)
    marker = {"list_id": list_id, "snapshot_id": snapshot_id, "tag": tag}
    done = connection.execute(_MARK, {"set_of": list_id, "set_id": snapshot_id, "set_tag": tag})
    # 0: no marker yet (under the list's lock: no other writer can insert one meanwhile);
    # -1: not known yet, the statement is queued in a pipeline: inserted where there is none.
    if done.rowcount == 0:
        connection.execute(insert(t.unit_sets), marker)
    elif done.rowcount < 0:
        connection.execute(_MARK_FIRST, marker)


def _rows_to_change(
    connection: Connection, list_id: str, wanted: Mapping[str, StoredUnit]
) -> tuple[list[str], Mapping[str, StoredUnit]]:
    """The stored rows to drop and the rows to insert so that the list's rows are
    ``wanted``, whatever snapshot or code the stored ones were written for.

    Why: a set written by other code (the first check after an upgrade) is mostly the
    same rows. Deleting a million rows and inserting a million again took 27 s of a
    48 s check (1,000,000 entries); reading them and writing the difference took 3 s.
    """
    stored = _stored_rows(connection, list_id)
    if not stored:  # a list's first set
        return [], wanted
    gone = [fp for fp, unit in stored.items() if wanted.get(fp) != unit]
    new = {fp: unit for fp, unit in wanted.items() if stored.get(fp) != unit}
    return gone, new


# The statements of ``write`` that run for every version, built once (their values bound
# at each call): built anew, each was compiled into its cache key again every version.
# _DROP by way of binding the fingerprints (store.key_among: an array on PostgreSQL).
_DROP = {
    array: delete(t.unit_fingerprints).where(
        t.unit_fingerprints.c.list_id == bindparam("list_id"),
        key_among(t.unit_fingerprints.c.fingerprint, "fingerprints", array=array),
    )
    for array in (False, True)
}
_MARK = (
    update(t.unit_sets)
    .where(t.unit_sets.c.list_id == bindparam("set_of"))
    .values(snapshot_id=bindparam("set_id"), tag=bindparam("set_tag"))
)
# The marker of a list that has none (after _MARK, whose row count a pipeline tells too late).
_MARK_FIRST = insert(t.unit_sets).from_select(
    ["list_id", "snapshot_id", "tag"],
    select(
        bindparam("list_id", type_=String),
        bindparam("snapshot_id", type_=Integer),
        bindparam("tag", type_=String),
    ).where(~exists().where(t.unit_sets.c.list_id == bindparam("list_id"))),
)


def sets_in_use(connection: Connection, current: Callable[[str], bool]) -> dict[str, UnitSet]:
    """Each list's stored set that its next version would be read against: the set of
    its newest applied snapshot, by code whose tag ``current`` accepts (list -> set)."""
    markers = connection.execute(
        select(t.unit_sets.c.list_id, t.unit_sets.c.snapshot_id, t.unit_sets.c.tag)
    ).all()
    found: dict[str, UnitSet] = {}
    for list_id, snapshot_id, tag in markers:
        latest = ListTransaction(connection, list_id).latest_applied_snapshot()
        if latest is not None and latest.id == snapshot_id and current(tag):
            found[list_id] = UnitSet(tag=tag, units=read(connection, list_id, snapshot_id, tag))
    return found
