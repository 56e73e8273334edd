"""A fingerprint set written anew (``replace_all``) over rows of other code or another
snapshot: the stored rows become exactly the new set, and only the difference is written.

Why it matters: after an upgrade every list's stored set names other code, and the
first check writes each set anew; for a million-entry list, deleting and inserting
every row was most of that check. Guarded on both databases by counting the rows
the statements touch, not by the clock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select

from monitor.store import Store, fingerprints
from monitor.store import schema as t
from tests.store.test_insert_rows import _store

OLD = {f"{n:032x}": (f"k{n}", n % 4) for n in range(40)}


def _new_set() -> dict[str, tuple[str, int]]:
    """Most of OLD, two units gone, one unit's key and one unit's fields changed, three new."""
    new = {fp: unit for fp, unit in OLD.items() if fp not in (f"{3:032x}", f"{7:032x}")}
    new[f"{10:032x}"] = ("k10-renamed", 2)
    new[f"{11:032x}"] = ("k11", 3 + 4)
    new |= {f"{n:032x}": (f"k{n}", 1) for n in range(100, 103)}
    return new


def _write(store: Store, snapshot_id: int, tag: str, units: dict[str, tuple[str, int]]) -> None:
    with store.list_transaction("us-ofac-sdn") as tx:
        fingerprints.write(
            tx.connection,
            "us-ofac-sdn",
            snapshot_id=snapshot_id,
            tag=tag,
            added=units,
            gone=(),
            replace_all=True,
        )


def _rows_touched(store: Store) -> list[int]:
    """The row count of each INSERT or DELETE on unit_fingerprints, as they run."""
    counts: list[int] = []

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: Any) -> None:
        if "unit_fingerprints" in statement and statement.lstrip().split()[0] in (
            "INSERT",
            "DELETE",
            "COPY",
        ):
            counts.append(
                len(params) if many and isinstance(params, list) else max(cursor.rowcount, 0)
            )

    event.listen(store.engine, "after_cursor_execute", after)
    return counts


def test_a_set_written_anew_over_other_code_s_rows_writes_only_the_difference(
    db_url: str,
) -> None:
    store, snapshot_id = _store(db_url)
    _write(store, snapshot_id, "ofac-csv:older-code", OLD)
    touched = _rows_touched(store)
    new = _new_set()
    _write(store, snapshot_id, "ofac-csv:this-code", new)
    with store.read() as connection:
        stored = fingerprints.read(connection, "us-ofac-sdn", snapshot_id, "ofac-csv:this-code")
        rows = connection.execute(select(t.unit_fingerprints.c.fingerprint)).all()
    assert stored == new
    assert len(rows) == len(new)  # nothing of the old set left over
    # gone: 2 removed + 2 changed; inserted: 2 changed + 3 new (of 41 units)
    assert sum(touched) <= 2 + 2 + 2 + 3
    store.engine.dispose()


def test_a_first_set_and_an_emptied_set_are_written_whole(db_url: str) -> None:
    store, snapshot_id = _store(db_url)
    _write(store, snapshot_id, "ofac-csv:this-code", OLD)
    with store.read() as connection:
        assert (
            fingerprints.read(connection, "us-ofac-sdn", snapshot_id, "ofac-csv:this-code") == OLD
        )
    _write(store, snapshot_id, "ofac-csv:newer-code", {})
    with store.read() as connection:
        assert not connection.execute(select(t.unit_fingerprints)).all()
        marker = connection.execute(select(t.unit_sets.c.tag)).scalar_one()
    assert marker == "ofac-csv:newer-code"
    store.engine.dispose()
