"""Round trips a version no longer pays, each guarded by what it must still do.

A pooled connection is pinged only after it sat idle (a stale one is still replaced);
the list's writer lock runs in autocommit; a read on PostgreSQL ends with COMMIT, so
psycopg keeps its prepared statements; the subject hook knows the format of the
snapshot row its transaction inserted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, text

from monitor.store import Store, database, open_engine
from monitor.store.locks import list_writer
from monitor.store.store import NewSnapshot
from tests.conftest import private_pg_schema


def _pings(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    pinged: list[Any] = []
    real = store.engine.dialect.do_ping

    def counting(dbapi_connection: Any) -> bool:
        pinged.append(dbapi_connection)
        return bool(real(dbapi_connection))

    monkeypatch.setattr(store.engine.dialect, "do_ping", counting)
    return pinged


def test_a_connection_used_a_moment_ago_is_not_pinged_an_idle_one_is(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(open_engine(db_url))
    pinged = _pings(store, monkeypatch)
    for _ in range(3):
        with store.read() as connection:
            connection.execute(text("SELECT 1"))
    assert pinged == []
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    with store.read() as connection:
        connection.execute(text("SELECT 1"))
    assert len(pinged) == 1
    store.engine.dispose()


def test_a_stale_idle_connection_is_replaced_not_handed_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server ends a pooled connection's session (a restart, an administrator): the
    next checkout after the idle time pings it, drops it and hands out a new one."""
    with private_pg_schema() as url:
        store = Store(open_engine(url))
        with store.read() as connection:
            first = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        admin = open_engine(url, migrate=False)
        with admin.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        admin.dispose()
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
        with store.read() as connection:
            second = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
        store.engine.dispose()


def _transaction_ends(store: Store) -> list[str]:
    ends: list[str] = []
    event.listen(store.engine, "commit", lambda _c: ends.append("commit"))
    event.listen(store.engine, "rollback", lambda _c: ends.append("rollback"))
    return ends


def test_a_read_on_postgresql_ends_with_commit_and_the_writer_lock_in_autocommit() -> None:
    with private_pg_schema() as url:
        store = Store(open_engine(url))
        ends = _transaction_ends(store)
        with store.read() as connection:
            connection.execute(text("SELECT 1"))
        assert ends == ["commit"]  # not a rollback: psycopg would drop its prepared statements
        autocommit: dict[str, bool] = {}

        def on_statement(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            for name in ("pg_try_advisory_lock", "pg_advisory_unlock"):
                if name in statement:
                    autocommit[name] = conn.connection.dbapi_connection.autocommit

        event.listen(store.engine, "before_cursor_execute", on_statement)
        advisory = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
        with list_writer(store, "sdn") as waited, store.read() as connection:
            assert waited is False
            assert connection.execute(advisory).scalar_one() == 1  # held while applying
        assert autocommit == {"pg_try_advisory_lock": True, "pg_advisory_unlock": True}
        with store.read() as connection:
            assert connection.execute(advisory).scalar_one() == 0
        with store.read() as connection:  # the pooled connection is back to transactions
            assert connection.connection.dbapi_connection.autocommit is False
        store.engine.dispose()


def test_the_format_of_a_snapshot_inserted_by_the_transaction_is_known_without_a_read(
    db_url: str,
) -> None:
    store = Store(open_engine(db_url))
    moment = datetime(2024, 1, 2, tzinfo=UTC)
    snapshot = NewSnapshot(
        list_id="sdn",
        sha256="0" * 64,
        files=[],
        source_uri="test",
        format="ofac-csv",
        observed_at=moment,
        published_at=None,
        recorded_at=moment,
    )
    store.ensure_list("sdn", title="SDN", format="ofac-csv", now=moment)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with store.list_transaction("sdn") as tx:
        snapshot_id = tx.record_snapshot(snapshot, status="applied", record_count=0)
        statements.clear()
        assert tx.snapshot_format(snapshot_id) == "ofac-csv"
        assert statements == []
    with store.list_transaction("sdn") as tx:  # another transaction reads the row
        assert tx.snapshot_format(snapshot_id) == "ofac-csv"
        assert any("snapshots.format" in s for s in statements)
    store.engine.dispose()
