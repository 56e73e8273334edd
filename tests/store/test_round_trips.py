"""Round trips a version no longer pays, each guarded by what it must still do.

A pooled connection is pinged only after it sat idle (a stale one is still replaced);
the list's writer lock runs in autocommit; a read on PostgreSQL ends with COMMIT, so
psycopg keeps its prepared statements; the subject hook knows the format of the
snapshot row its transaction inserted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from monitor.store import Store, database, locks, open_engine
from monitor.store.locks import list_writer
from monitor.store.store import NewSnapshot, advisory_key
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
        with store.read() as connection:
            key = locks._key(connection, "writer:sdn")
        # This schema's writer lock only: tests in other processes hold locks of their own.
        advisory = text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2"
            " AND classid::bigint = :ns AND objid::bigint = (:key)::bigint & 4294967295"
        ).bindparams(ns=locks.NAMESPACE + 2, key=key)
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


class _Sent:
    """The round trips psycopg makes, counted where it makes them: each statement and each
    COPY, the BEGIN it sends before the first statement of a transaction (not in autocommit),
    a COMMIT or ROLLBACK of an open transaction (it sends none for an idle one), and a
    pipeline, whose statements are sent together and answered at its end (one round trip,
    ``PIPELINE: <its statements>``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import psycopg
        from psycopg import pq

        self.sent: list[str] = []
        idle = pq.TransactionStatus.IDLE
        real_pipeline = psycopg.Connection.pipeline

        @contextmanager
        def pipeline(connection: Any) -> Iterator[Any]:
            start = len(self.sent)
            try:
                with real_pipeline(connection) as queue:
                    yield queue
            finally:
                queued = self.sent[start:]
                del self.sent[start:]
                self.sent.append("PIPELINE: " + "; ".join(queued))

        def begins(connection: Any) -> None:
            if not connection.autocommit and connection.pgconn.transaction_status == idle:
                self.sent.append("BEGIN")

        def counted(method: Any, name: Any) -> Any:
            def wrapper(cursor: Any, statement: Any, *args: Any, **kwargs: Any) -> Any:
                begins(cursor.connection)
                self.sent.append(name(statement))
                return method(cursor, statement, *args, **kwargs)

            return wrapper

        def first_words(statement: Any) -> str:
            words = str(statement.as_string() if hasattr(statement, "as_string") else statement)
            return " ".join(words.split()[:3])

        def ended(method: Any, name: str) -> Any:
            def wrapper(connection: Any) -> Any:
                if connection.pgconn.transaction_status != idle:
                    self.sent.append(name)
                return method(connection)

            return wrapper

        cursor, connection = psycopg.Cursor, psycopg.Connection
        monkeypatch.setattr(cursor, "execute", counted(cursor.execute, first_words))
        monkeypatch.setattr(cursor, "executemany", counted(cursor.executemany, first_words))
        monkeypatch.setattr(cursor, "copy", counted(cursor.copy, first_words))
        monkeypatch.setattr(connection, "commit", ended(connection.commit, "COMMIT"))
        monkeypatch.setattr(connection, "rollback", ended(connection.rollback, "ROLLBACK"))
        monkeypatch.setattr(connection, "pipeline", pipeline)


SDN_VERSIONS = ("2021-12-07T1851Z", "2021-12-08T1850Z", "2021-12-09T1850Z")
STEADY_ROUND_TRIPS = 12
"""The round trips of a steady version on PostgreSQL (2021-12-09: 15 listed, 1 modified,
new subjects among them; a COPY counted as one), down from 19 (22, 26, and 35 before
that): the list's row comes with the snapshots' read, which needs no transaction, and
the holders of the version's tokens are read while its entries' old tokens are deleted.
Then the BEGIN goes with the list's lock and the subjects' lock in one statement (three
round trips were one each), and the transaction runs on the connection of the list's
writer lock, whose release goes with its COMMIT (a round trip, and a connection out of
the pool, less). Then the writes after the snapshot row go in one pipeline (six
statements, three of them COPYs of two round trips each), and so do the links' (the
tokens, new subjects and members: three COPYs).
What remains: the snapshots read and the writer lock before the parse; in the one
transaction BEGIN with its locks, the snapshots under them, the version's previous
records, its snapshot row, one pipeline of the versions it closes and writes, its events
and fingerprints; the tokens' holders (deleting the old ones), the members, the new
subjects' ids, one pipeline of tokens, subjects and members; COMMIT with the writer
lock's release."""


def test_a_steady_version_on_postgresql_costs_a_known_number_of_round_trips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two real SDN versions, then the round trips of the third, one transaction with one
    COMMIT of its writes, with the subjects linked as replay links them."""
    from monitor.config import Config, ListConfig, SubjectSettings
    from monitor.ingest.pipeline import IngestRequest, ingest
    from monitor.subjects.linking import subject_hook
    from tests.conftest import SNAPSHOTS

    config = Config(archive=tmp_path / "archive")
    hooks = (subject_hook(SubjectSettings()),)

    def take(store: Store, folder: str) -> str:
        request = IngestRequest(
            list_config=ListConfig(id="us-ofac-sdn"),
            paths=[SNAPSHOTS / "us-ofac-sdn" / folder / "sdn.csv.gz"],
            hooks=hooks,
        )
        return str(ingest(store, config, request, now=datetime(2026, 12, 2, tzinfo=UTC)).status)

    with private_pg_schema() as url:
        store = Store(open_engine(url))
        assert [take(store, v) for v in SDN_VERSIONS[:2]] == ["baseline", "applied"]
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600.0)  # (its own test)
        counted = _Sent(monkeypatch)
        assert take(store, SDN_VERSIONS[2]) == "applied"
        sent = list(counted.sent)
        store.engine.dispose()
    begins = [s for s in sent if s.startswith("BEGIN")]
    commits = [s for s in sent if s.startswith("COMMIT")]
    key = advisory_key("us-ofac-sdn")
    assert begins == [f"BEGIN; SELECT pg_advisory_xact_lock({key}),"]  # the subjects lock after
    assert commits == [s for s in sent if "pg_advisory_unlock" in s]  # one, with the release
    assert len(commits) == 1  # one transaction
    assert not any(s.startswith("SELECT pg_advisory_xact_lock") for s in sent)  # all at BEGIN
    assert sum(s.startswith("SELECT lists") for s in sent) == 0  # read with the snapshots
    assert not any(s.startswith("DELETE FROM subject_tokens") for s in sent)
    # the version's writes after its snapshot row, then the links' (tokens, subjects and
    # members): one round trip each, no COPY of their own
    piped = [s for s in sent if s.startswith("PIPELINE")]
    assert len(piped) == 2, sent
    assert "INSERT INTO events" in piped[0] and "INSERT INTO subject_members" in piped[1]
    assert "INSERT INTO subject_tokens" in piped[1] and "INSERT INTO subjects" in piped[1]
    assert not any(s.startswith("COPY") for s in sent)
    assert len(sent) <= STEADY_ROUND_TRIPS, sent


def test_a_current_schema_is_recognised_in_one_round_trip_on_postgresql(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every command asks the schema's revision first: on PostgreSQL one statement in
    autocommit (no catalog question, BEGIN or ROLLBACK); a schema without the version
    table is a new one."""
    with private_pg_schema() as url:
        new = open_engine(url, migrate=False)
        assert database.current_revision(new) is None
        new.dispose()
        open_engine(url).dispose()  # creates the schema
        engine = open_engine(url, migrate=False)
        with engine.connect():
            pass  # the dialect's own questions on its first connection
        counted = _Sent(monkeypatch)
        assert database.current_revision(engine) == database.head_revision()
        assert counted.sent == ["SELECT version_num FROM"]
        engine.dispose()
