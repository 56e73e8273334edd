"""The locks that ride in another statement's round trip still mean what they meant.

On PostgreSQL a list's transaction begins with its lock and the subjects' lock in one
statement, runs on the connection of the thread's writer lock on the list, and the
last transaction of a writer sends the writer lock's release with its COMMIT. Another
session sees each lock held exactly as long as before.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from sqlalchemy import Engine, create_engine, event, text

from monitor.errors import StoreError
from monitor.store import Store, open_engine
from monitor.store.database import normalise_url
from monitor.store.locks import list_writer, serialise_transaction
from tests.conftest import private_pg_schema

# The store's sessions are named (other tests may hold advisory locks meanwhile).
ADVISORY = text(
    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND a.application_name = :name"
)


@contextmanager
def _store_and_observer() -> Iterator[tuple[Store, _Observer]]:
    """A store on a private schema and another engine to look at the server's locks."""
    with private_pg_schema() as url:
        name = f"merged-locks-{uuid.uuid4().hex[:8]}"
        store = Store(open_engine(f"{url}&application_name={name}"))
        observer = create_engine(normalise_url(url))
        try:
            yield store, _Observer(observer, name)
        finally:
            store.engine.dispose()
            observer.dispose()


class _Observer(NamedTuple):
    engine: Engine
    name: str  # the store's sessions' application_name


def _held(observer: _Observer) -> int:
    """Advisory locks held by the store's sessions."""
    with observer.engine.connect() as connection:
        return int(connection.execute(ADVISORY, {"name": observer.name}).scalar_one())


def _other_writer_can_take(store: Store, list_id: str) -> bool:
    """Whether a writer on another thread (its own session) gets the list at once."""
    got: list[bool] = []

    def other() -> None:
        try:
            with list_writer(store, list_id, wait=0.0):
                got.append(True)
        except StoreError:  # refused at once
            got.append(False)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(30)
    return got == [True]


def test_the_writer_lock_is_held_until_the_last_transaction_commits_then_released() -> None:
    with _store_and_observer() as (store, observer):
        with list_writer(store, "sdn") as waited:
            assert waited is False
            with store.list_transaction("sdn") as tx:  # not the last: the writer keeps it
                assert tx.connection.execute(text("SELECT 1")).scalar_one() == 1
            assert _held(observer) == 1  # the writer's session lock only
            assert not _other_writer_can_take(store, "sdn")
            with store.list_transaction("sdn") as tx:
                assert _held(observer) == 2  # the writer's and the transaction's own
                tx.end_writer()
                assert not _other_writer_can_take(store, "sdn")  # until the COMMIT
            assert _held(observer) == 0  # released with the COMMIT
            assert _other_writer_can_take(store, "sdn")
        assert _held(observer) == 0


def test_a_failed_last_transaction_leaves_the_release_to_the_writer() -> None:
    with _store_and_observer() as (store, observer):
        try:
            with list_writer(store, "sdn"), store.list_transaction("sdn") as tx:
                tx.end_writer()
                raise RuntimeError("the apply failed")
        except RuntimeError:
            pass
        assert _held(observer) == 0
        assert _other_writer_can_take(store, "sdn")


def test_a_nested_writer_s_transaction_does_not_release_the_outer_lock() -> None:
    """An earlier version finished first inside the writer (list_writer re-entered on the
    thread): its transaction ends, the outer writer still holds the list."""
    with _store_and_observer() as (store, observer):
        with list_writer(store, "sdn"):
            with list_writer(store, "sdn") as inner, store.list_transaction("sdn") as tx:
                assert inner is True
                tx.end_writer()
            assert _held(observer) == 1
            assert not _other_writer_can_take(store, "sdn")
        assert _held(observer) == 0


def test_a_transaction_outside_a_writer_runs_on_a_connection_of_its_own() -> None:
    with _store_and_observer() as (store, observer):
        with store.list_transaction("sdn") as tx:
            tx.end_writer()  # no writer: nothing to release
            assert _held(observer) == 1
        assert _held(observer) == 0
        with store.read() as connection:  # the pooled connection is back to transactions
            assert getattr(connection.connection.dbapi_connection, "autocommit", None) is False


def test_a_serialised_name_is_locked_as_the_transaction_begins_and_not_asked_again() -> None:
    with _store_and_observer() as (store, observer):
        with store.list_transaction("sdn", serialise=("subjects",)) as tx:
            assert _held(observer) == 2  # the list's lock and the subjects'
            # the BEGIN's options were its own: later statements go as they always went
            assert "no_parameters" not in tx.connection.get_execution_options()
            statements: list[str] = []
            connection = tx.connection

            def on_statement(*args: object) -> None:
                statements.append(str(args[2]))

            event.listen(store.engine, "before_cursor_execute", on_statement)
            serialise_transaction(connection, "subjects")  # held already: no statement
            assert statements == []
            serialise_transaction(connection, "other")  # not taken at BEGIN: taken now
            assert len(statements) == 1
            event.remove(store.engine, "before_cursor_execute", on_statement)
            assert _held(observer) == 3
        assert _held(observer) == 0
        with store.list_transaction("sdn") as tx:  # a later transaction takes it again
            statements = []
            event.listen(store.engine, "before_cursor_execute", on_statement)
            serialise_transaction(tx.connection, "subjects")
            event.remove(store.engine, "before_cursor_execute", on_statement)
            assert len(statements) == 1


def test_a_second_list_s_transaction_waits_for_the_first_s_subjects_lock() -> None:
    """serialise_transaction's meaning, with the lock taken at BEGIN: the second list's
    transaction waits for the first to commit, then reads what it wrote."""
    with _store_and_observer() as (store, _observer):
        with store.engine.begin() as setup:
            setup.execute(text("CREATE TABLE probe (list_id text)"))
        seen: list[int] = []
        started, finished = threading.Event(), threading.Event()

        def second() -> None:
            started.set()
            with store.list_transaction("us-csl", serialise=("subjects",)) as tx:
                seen.append(
                    int(tx.connection.execute(text("SELECT count(*) FROM probe")).scalar_one())
                )
            finished.set()

        with store.list_transaction("sdn", serialise=("subjects",)) as tx:
            tx.connection.execute(text("INSERT INTO probe VALUES ('sdn')"))
            thread = threading.Thread(target=second)
            thread.start()
            assert started.wait(10)
            assert not finished.wait(0.5)  # it cannot begin while the first is open
        thread.join(30)
        assert finished.is_set()
        assert seen == [1]
