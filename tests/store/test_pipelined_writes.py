"""A version's writes on PostgreSQL: sent together in one pipeline, keys bound as one array.

ListTransaction.pipelined queues a steady version's writes and reads their results at
its end (one round trip where there were nine); insert_rows writes there by prepared
INSERTs of a JSON array instead of COPY, which cannot run in a pipeline. Key lookups
bind their keys as one array, so their text, and the server's plan, is the same for
any number of keys. Each guarded by what it must still do: the same stored bytes,
the same errors and rollback, the same answers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.exc import IntegrityError

from monitor.records import Record
from monitor.store import Store, fingerprints
from monitor.store import schema as t
from monitor.store.bulk import PIPELINED_ROWS, in_pipeline, insert_rows
from tests.conftest import private_pg_schema
from tests.store.test_insert_rows import COLUMNS, _pg_stored, _rows, _snapshot, _store

WHEN = datetime(2021, 12, 10, 18, 50, tzinfo=UTC)


def _statements(store: Store) -> list[tuple[str, bool]]:
    """Each statement SQLAlchemy sends from now on, and whether it went into a pipeline."""
    seen: list[tuple[str, bool]] = []

    def on_statement(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append((" ".join(statement.split()), in_pipeline(connection)))

    event.listen(store.engine, "before_cursor_execute", on_statement)
    return seen


def test_rows_written_in_a_pipeline_are_the_rows_sqlalchemy_inserts() -> None:
    """Every kind of value (JSON lists and tuples, dates and None, one instant in two
    zones, booleans, an enum), more rows than a batch: byte for byte in PostgreSQL's own
    text form, by INSERTs queued in the pipeline, never a COPY."""
    with private_pg_schema() as piped_url, private_pg_schema() as plain_url:
        piped, piped_snapshot = _store(piped_url)
        plain, plain_snapshot = _store(plain_url)
        with piped.list_transaction("us-ofac-sdn") as tx:
            seen = _statements(piped)
            with tx.pipelined(rows=0):
                insert_rows(tx.connection, t.events, COLUMNS, _rows(piped_snapshot))
                insert_rows(tx.connection, t.events, COLUMNS, [])
            sent = list(seen)
        with plain.list_transaction("us-ofac-sdn") as tx:
            tx.connection.execute(
                insert(t.events),
                [dict(zip(COLUMNS, row, strict=True)) for row in _rows(plain_snapshot)],
            )
        written = _pg_stored(piped, "events")
        assert written == _pg_stored(plain, "events")
        assert len(written) > 2000  # (BATCH + 7 rows: two statements)
        assert [piped for _, piped in sent] == [True, True]
        assert all("json_to_recordset" in statement for statement, _ in sent)
        piped.engine.dispose()
        plain.engine.dispose()


def test_a_failing_write_in_the_pipeline_raises_as_sqlalchemy_does_and_rolls_back() -> None:
    """The error comes at the pipeline's end, as the IntegrityError a statement raises, and
    the transaction's earlier writes are gone with it."""
    with private_pg_schema() as url:
        store, snapshot_id = _store(url)
        rows = _rows(snapshot_id)[:3]
        duplicate = insert(t.lists).values(id="us-ofac-sdn", title="", format="", created_at=WHEN)
        with (
            pytest.raises(IntegrityError),
            store.list_transaction("us-ofac-sdn") as tx,
            tx.pipelined(rows=len(rows)),
        ):
            insert_rows(tx.connection, t.events, COLUMNS, rows)
            tx.connection.execute(duplicate)  # the list's row again: a duplicate key
        assert _pg_stored(store, "events") == []
        with store.list_transaction("us-ofac-sdn") as tx:  # the connection is usable again
            insert_rows(tx.connection, t.events, COLUMNS, rows)
        assert len(_pg_stored(store, "events")) == 3
        store.engine.dispose()


def test_many_rows_and_other_backends_are_not_pipelined(sqlite_url: str) -> None:
    """Over PIPELINED_ROWS the rows go by COPY (cheaper a row); SQLite runs each statement
    at once (a row count is known at once)."""
    store, _ = _store(sqlite_url)
    with store.list_transaction("us-ofac-sdn") as tx, tx.pipelined(rows=1):
        assert not in_pipeline(tx.connection)
        done = tx.connection.execute(text("UPDATE lists SET title = title"))
        assert done.rowcount == 1
    store.engine.dispose()
    with private_pg_schema() as url:
        store, _ = _store(url)
        with store.list_transaction("us-ofac-sdn") as tx:
            with tx.pipelined(rows=PIPELINED_ROWS + 1):
                assert not in_pipeline(tx.connection)
            with tx.pipelined(rows=PIPELINED_ROWS):
                assert in_pipeline(tx.connection)
        store.engine.dispose()


def _write_set(connection: Any, snapshot_id: int, tag: str, added: dict[str, Any]) -> None:
    fingerprints.write(
        connection,
        "us-ofac-sdn",
        snapshot_id=snapshot_id,
        tag=tag,
        added=added,
        gone=(),
        replace_all=True,
    )


@pytest.mark.parametrize("marked_before", [False, True])
def test_the_fingerprint_set_s_marker_is_written_in_a_pipeline_whether_it_existed_or_not(
    marked_before: bool,
) -> None:
    """The marker's UPDATE tells its row count only at the pipeline's end: the marker is
    inserted where there is none, and never twice."""
    with private_pg_schema() as url:
        store, first = _store(url)
        if marked_before:
            with store.list_transaction("us-ofac-sdn") as tx:
                _write_set(tx.connection, first, "old", {})
        with store.list_transaction("us-ofac-sdn") as tx, tx.pipelined(rows=1):
            _write_set(tx.connection, first, "new", {"f" * 32: ("k1", 3)})
        with store.read() as connection:
            markers = connection.execute(select(t.unit_sets)).all()
            units = fingerprints.read(connection, "us-ofac-sdn", first, "new")
        assert [(m.list_id, m.snapshot_id, m.tag) for m in markers] == [
            ("us-ofac-sdn", first, "new")
        ]
        assert units == {"f" * 32: ("k1", 3)}
        store.engine.dispose()


def _record(key: str) -> Record:
    return Record(key=key, name=f"NAME {key}", entry_type="person")


def test_key_lookups_are_one_statement_text_for_any_number_of_keys_and_get_prepared() -> None:
    """On PostgreSQL the keys of a lookup are one array parameter: one text whether one key
    or three are looked up, which psycopg prepares (the server keeps its plan); the
    answers are those of the lookups' own definitions."""
    with private_pg_schema() as url:
        store, first = _store(url)
        keys = [str(n) for n in range(6)]
        with store.list_transaction("us-ofac-sdn") as tx:
            tx.apply_changes(first, [_record(k) for k in keys], (), ())
        texts: set[str] = set()
        with store.list_transaction("us-ofac-sdn") as tx:
            seen = _statements(store)
            for count in (1, 3, 1, 3, 1, 3, 2):  # more than psycopg's threshold to prepare
                previous, listed_before = tx.before_changes(keys[:count], ["x", keys[5]])
                assert sorted(previous) == keys[:count]
                assert listed_before == {keys[5]}
            texts = {statement for statement, _ in seen}  # (before the question below)
            prepared = tx.connection.execute(
                text("SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%ANY%'")
            ).scalars()
            assert any("entity_versions" in p for p in prepared)
        assert len(texts) == 1 and "= ANY" in next(iter(texts))
        with store.list_transaction("us-ofac-sdn") as tx:
            second = tx.record_snapshot(_snapshot("1"), status="applied", record_count=0)
            tx.apply_changes(second, [], keys[:2], ())
            assert sorted(tx.current_hashes()) == keys[2:]
            assert tx.keys_seen_before(["0", "9"]) == {"0"}
            assert sorted(tx.current_records(["0", "2", "3"])) == ["2", "3"]
        store.engine.dispose()


ALERT_COLUMNS = ("watchlist", "watch_entry", "event_id", "snapshot_id", "list_id", "baseline")
ALERT_COLUMNS += ("matched_field", "matched_value", "watch_value", "score", "why", "raised_at")


def test_a_float_column_in_a_pipeline_is_written_by_sqlalchemy_s_insert() -> None:
    """JSON has no NaN or infinity: rows with a float column go by SQLAlchemy's INSERT in the
    pipeline (never a COPY, which cannot run there), with the values it writes."""
    stored = []
    for piped in (True, False):
        with private_pg_schema() as url:
            store, snapshot_id = _store(url)
            with store.list_transaction("us-ofac-sdn") as tx:
                insert_rows(tx.connection, t.events, COLUMNS, _rows(snapshot_id)[:1])
            with store.read() as connection:
                event_id = connection.execute(select(t.events.c.id)).scalar_one()
            head = ("w", "entry", event_id, snapshot_id, "us-ofac-sdn", False, "name", "A")
            rows = [
                (*head[:1], f"entry {n}", *head[2:], "a", score, "", WHEN)
                for n, score in enumerate((0.5, float("nan"), float("inf")))
            ]
            with store.list_transaction("us-ofac-sdn") as tx:
                if piped:
                    with tx.pipelined(rows=len(rows)):
                        insert_rows(tx.connection, t.alerts, ALERT_COLUMNS, rows)
                else:
                    dicts = [dict(zip(ALERT_COLUMNS, row, strict=True)) for row in rows]
                    tx.connection.execute(insert(t.alerts), dicts)
            stored.append(_pg_stored(store, "alerts"))
            store.engine.dispose()
    assert stored[0] == stored[1] and len(stored[0]) == 3
    assert "NaN" in stored[0][1]
