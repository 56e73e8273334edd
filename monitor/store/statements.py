"""The statements a list's transaction (:class:`~monitor.store.store.ListTransaction`) runs
most, built once at import: their parameters are bound at each call.

Why here: a statement built anew for each version was compiled into its cache key
again each time; these are built once per way of binding keys
(:func:`~monitor.store.bulk.key_among`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Executable,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)

from monitor.store import schema as t
from monitor.store.bulk import key_among


def _current_of_keys(keys: Any) -> Any:
    """The current versions of these keys (a :func:`~monitor.store.bulk.key_among`
    condition), for a lookup by key.

    "Current" is written so that no index can serve it: SQLite has no statistics,
    takes ix_versions_current (list, valid_to) for ``valid_to IS NULL``, which every
    current row matches, and so scanned the whole list once per batch of keys (4 s
    for the 6,700 changed keys of a million-entry list) instead of seeking each key
    in ix_versions_list_key. Snapshot ids start at 1, so 0 stands for "none".
    """
    v = t.entity_versions
    return (func.coalesce(v.c.valid_to, 0) == 0) & keys


def _snapshots_statement() -> Executable:
    """The one statement of :meth:`~monitor.store.store.ListTransaction.snapshots`: each
    part's rows tagged with the part, as a UNION ALL of the queries the single reads run
    (same order, same limits). Built once: its parameters are bound at each call."""
    s = t.snapshots
    mine = s.c.list_id == bindparam("list_id")
    newest = (s.c.observed_at.desc(), s.c.id.desc())

    def part(name: str, *where: Any, order: Any, limit: int | None = None) -> Any:
        inner = select(s, literal(name).label("part")).where(mine, *where).order_by(*order)
        return select(inner.limit(limit).subquery() if limit else inner.subquery())

    # The list's own row, when asked (:meth:`~monitor.store.store.Store.ensure_list`): its
    # title and format in the columns of the same names' kind, every other column an empty
    # one of its type.
    carried = {"message": t.lists.c.title, "format": t.lists.c.format}
    list_row = select(
        *(carried.get(c.name, cast(null(), c.type)).label(c.name) for c in s.c),
        literal("list").label("part"),
    ).where(t.lists.c.id == bindparam("list_id"), bindparam("with_list", type_=Boolean))
    return union_all(
        part("state", s.c.status.in_(("applied", "unchanged")), order=newest, limit=1),
        part("applied", s.c.status == "applied", order=newest, limit=1),
        part("quarantined", s.c.status == "quarantined", order=(s.c.observed_at, s.c.id)),
        part(
            "known",
            s.c.sha256 == bindparam("sha256"),
            s.c.observed_at == bindparam("observed_at"),
            s.c.status != "rejected",
            order=(s.c.id,),
            limit=1,
        ),
        list_row,
    )


SNAPSHOTS = _snapshots_statement()


def _before_changes_statement(*, array: bool) -> Executable:
    """The statement of :meth:`~monitor.store.store.ListTransaction.before_changes`, for
    one batch of keys (bound at each call: "list_id", "keys"): every version row of the
    keys, each with its record only when current. Built once per way of binding keys
    (:func:`~monitor.store.bulk.key_among`): a statement built anew for each version was
    compiled into its cache key again each time (so were the other statements below)."""
    v = t.entity_versions
    record = case((func.coalesce(v.c.valid_to, 0) == 0, v.c.record), else_=null())
    keys = key_among(v.c.key, "keys", array=array)
    return select(v.c.key, record).where(v.c.list_id == bindparam("list_id"), keys)


def _close_versions_statement(*, array: bool) -> Executable:
    """The current versions of a batch of keys ("keys") of list "of_list" closed by snapshot
    "closed" (:meth:`~monitor.store.store.ListTransaction.apply_changes`)."""
    v = t.entity_versions
    return (
        update(v)
        .where(
            v.c.list_id == bindparam("of_list"),  # (not a column's name)
            _current_of_keys(key_among(v.c.key, "keys", array=array)),
        )
        .values(valid_to=bindparam("closed"))
    )


def _current_of_statement(column: str, *, array: bool) -> Executable:
    """(key, ``column``) of the current versions of a batch of keys ("keys") of list
    "list_id" (:meth:`~monitor.store.store.ListTransaction._current_of`)."""
    v = t.entity_versions
    keys = _current_of_keys(key_among(v.c.key, "keys", array=array))
    return select(v.c.key, v.c[column]).where(v.c.list_id == bindparam("list_id"), keys)


def _seen_before_statement(*, array: bool) -> Executable:
    """The keys of a batch ("keys") that have a version of list "list_id", current or past."""
    v = t.entity_versions
    keys = key_among(v.c.key, "keys", array=array)
    return select(v.c.key).distinct().where(v.c.list_id == bindparam("list_id"), keys)


# Each statement that looks keys up, in both ways of binding them (bulk.key_among), by
# ``array``; picked at each call by the connection's dialect (bulk.uses_arrays).
_BOTH = (False, True)
BEFORE_CHANGES = {array: _before_changes_statement(array=array) for array in _BOTH}
CLOSE_VERSIONS = {array: _close_versions_statement(array=array) for array in _BOTH}
CURRENT_OF = {
    (column, array): _current_of_statement(column, array=array)
    for column in ("content_hash", "record")
    for array in _BOTH
}
SEEN_BEFORE = {array: _seen_before_statement(array=array) for array in _BOTH}
# A snapshot row, its values bound at each call
# (:meth:`~monitor.store.store.ListTransaction.record_snapshot`).
INSERT_SNAPSHOT = insert(t.snapshots)
