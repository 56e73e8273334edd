"""Rows written through the driver (insert_rows, new_subjects on SQLite) are the rows
SQLAlchemy writes: same stored values, same ids."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, insert, text

from monitor.kinds import EventKind
from monitor.store import Store, open_engine
from monitor.store import schema as t
from monitor.store import subjects as sql
from monitor.store.bulk import BATCH, insert_rows
from monitor.store.store import NewSnapshot
from tests.conftest import private_pg_schema

WHEN = datetime(2021, 12, 10, 18, 50, tzinfo=UTC)
COLUMNS = ("list_id", "snapshot_id", "key", "kind", "name", "entry_type", "source_list")
COLUMNS += ("programs", "countries", "notice", "effective_date", "observed_at", "baseline")
COLUMNS += ("categories", "changes")


def _store(path: Path | str) -> tuple[Store, int]:
    """A database (an SQLite file, or a database URL) with one list and one snapshot (the
    rows below refer to both)."""
    store = Store(open_engine(path if isinstance(path, str) else f"sqlite:///{path}"))
    store.ensure_list("us-ofac-sdn", title="SDN", format="ofac-csv", now=WHEN)
    with store.list_transaction("us-ofac-sdn") as tx:
        snapshot_id = tx.record_snapshot(_snapshot("0"), status="applied", record_count=0)
    return store, snapshot_id


def _snapshot(digit: str) -> NewSnapshot:
    """A version of the SDN list with no file, whose sha256 is ``digit`` repeated."""
    return NewSnapshot(
        list_id="us-ofac-sdn",
        sha256=digit * 64,
        files=[],
        source_uri="",
        format="ofac-csv",
        observed_at=WHEN,
        published_at=None,
        recorded_at=WHEN,
    )


def _rows(snapshot_id: int) -> list[tuple[Any, ...]]:
    """Event rows of every kind of value a column processor sees, more than one batch:
    repeated tuples, an unhashable list, dates and None, one instant in two zones."""
    zone = timezone(timedelta(hours=2))
    rows = []
    for n in range(BATCH + 7):
        rows.append(
            (
                "us-ofac-sdn",
                snapshot_id,
                str(n),
                EventKind.LISTED if n % 2 else EventKind.MODIFIED,
                f"NAME {n}",
                "entity",
                "SDN",
                ("IRAN", "SDGT") if n % 3 else (),
                ["Iran", n] if n % 5 == 0 else ("Iran",),
                "",
                date(2021, 12, 1 + n % 28) if n % 4 else None,
                WHEN if n % 2 else WHEN.astimezone(zone),
                bool(n % 2),
                (),
                [{"field": "name", "before": "A", "after": "B"}] if n % 7 == 0 else (),
            )
        )
    return rows


def _stored(path: Path, table: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def test_insert_rows_stores_what_sqlalchemy_stores(tmp_path: Path) -> None:
    fast, fast_snapshot = _store(tmp_path / "fast.db")
    plain, plain_snapshot = _store(tmp_path / "plain.db")
    with fast.list_transaction("us-ofac-sdn") as tx:
        insert_rows(tx.connection, t.events, COLUMNS, _rows(fast_snapshot))
    with plain.list_transaction("us-ofac-sdn") as tx:
        tx.connection.execute(
            insert(t.events),
            [dict(zip(COLUMNS, row, strict=True)) for row in _rows(plain_snapshot)],
        )
    written = _stored(tmp_path / "fast.db", "events")
    assert len(written) == BATCH + 7
    assert written == _stored(tmp_path / "plain.db", "events")
    # the instant given in two zones is written as SQLAlchemy writes each, not remembered once
    assert len({row[13] for row in written}) == 2


def test_new_subjects_get_the_ids_sqlite_would_give(tmp_path: Path) -> None:
    fast, fast_snapshot = _store(tmp_path / "fast.db")
    plain, plain_snapshot = _store(tmp_path / "plain.db")
    names = [(f"SUBJECT {n}", "entity") for n in range(1200)]
    with fast.list_transaction("us-ofac-sdn") as tx:
        first = sql.new_subjects(tx.connection, names, fast_snapshot)
        tx.connection.execute(delete(t.subjects).where(t.subjects.c.id >= first[-3]))
        again = sql.new_subjects(tx.connection, names[:5], fast_snapshot)
    with plain.list_transaction("us-ofac-sdn") as tx:
        for name, kind in names:  # one row at a time: SQLite numbers each
            tx.connection.execute(
                insert(t.subjects).values(name=name, entry_type=kind, snapshot_id=plain_snapshot)
            )
        tx.connection.execute(delete(t.subjects).where(t.subjects.c.id >= first[-3]))
        for name, kind in names[:5]:
            tx.connection.execute(
                insert(t.subjects).values(name=name, entry_type=kind, snapshot_id=plain_snapshot)
            )
    assert first == list(range(1, 1201))
    assert again == [1198, 1199, 1200, 1201, 1202]  # the highest ids were free again
    assert _stored(tmp_path / "fast.db", "subjects") == _stored(tmp_path / "plain.db", "subjects")


def _pg_stored(store: Store, table: str) -> list[str]:
    """Every row as PostgreSQL writes it out (JSON text, timestamps), in id order."""
    with store.read() as connection:
        return list(
            connection.execute(text(f"SELECT r::text FROM {table} r ORDER BY r.id")).scalars()
        )


def test_insert_rows_copies_into_postgresql_what_sqlalchemy_inserts() -> None:
    """On PostgreSQL insert_rows writes by COPY: the stored rows are the INSERT's, byte for
    byte in PostgreSQL's own text form; no rows send no statement."""
    with private_pg_schema() as fast_url, private_pg_schema() as plain_url:
        fast, fast_snapshot = _store(fast_url)
        plain, plain_snapshot = _store(plain_url)
        statements: list[str] = []
        event.listen(fast.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        with fast.list_transaction("us-ofac-sdn") as tx:
            statements.clear()
            insert_rows(tx.connection, t.events, COLUMNS, _rows(fast_snapshot))
            insert_rows(tx.connection, t.events, COLUMNS, [])
            assert not any("INSERT" in s for s in statements)  # the COPY is the driver's
        with plain.list_transaction("us-ofac-sdn") as tx:
            tx.connection.execute(
                insert(t.events),
                [dict(zip(COLUMNS, row, strict=True)) for row in _rows(plain_snapshot)],
            )
        written = _pg_stored(fast, "events")
        assert len(written) == BATCH + 7
        assert written == _pg_stored(plain, "events")
        fast.engine.dispose()
        plain.engine.dispose()


def test_one_list_object_changed_between_rows_is_written_as_each_row_has_it(
    tmp_path: Path,
) -> None:
    """A value the same object as the row before's is answered without processing it again
    only when it cannot change (strings, dates, tuples of strings...): one list object
    changed between rows (rows made lazily) is written as it is at each row."""
    shared: list[Any] = ["Iran"]

    def rows(snapshot_id: int) -> Any:
        for row in _rows(snapshot_id)[:6]:
            shared.append(row[2])  # changed in place before each row is taken
            yield (*row[:8], shared, *row[9:])

    fast, fast_snapshot = _store(tmp_path / "fast.db")
    plain, plain_snapshot = _store(tmp_path / "plain.db")
    with fast.list_transaction("us-ofac-sdn") as tx:
        insert_rows(tx.connection, t.events, COLUMNS, rows(fast_snapshot))
    shared[:] = ["Iran"]
    with plain.list_transaction("us-ofac-sdn") as tx:
        copies = [(*row[:8], list(row[8]), *row[9:]) for row in rows(plain_snapshot)]
        tx.connection.execute(
            insert(t.events), [dict(zip(COLUMNS, row, strict=True)) for row in copies]
        )
    written = _stored(tmp_path / "fast.db", "events")
    assert written == _stored(tmp_path / "plain.db", "events")
    with sqlite3.connect(tmp_path / "fast.db") as connection:
        countries = [row[0] for row in connection.execute("SELECT countries FROM events")]
    assert len(set(countries)) == 6 and '"Iran"' in countries[0]  # six different lists
