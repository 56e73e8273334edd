"""Transactions that read what other lists' transactions write queue behind each other.

Subjects link entries across lists inside each list's apply transaction. On
PostgreSQL, two lists applied at once would each read the subject tables without
the other's uncommitted rows, and a CSL row and its OFAC entry would stay apart.
``serialise_transaction`` makes the second wait for the first to commit, so it
reads what the first wrote.
"""

from __future__ import annotations

import threading

from sqlalchemy import create_engine, text

from monitor.store.database import normalise_url
from monitor.store.locks import serialise_transaction
from tests.conftest import private_pg_schema


def test_the_second_transaction_waits_and_reads_what_the_first_committed() -> None:
    with private_pg_schema() as url:
        engine = create_engine(normalise_url(url))
        try:
            with engine.begin() as setup:
                setup.execute(text("CREATE TABLE probe (list_id text)"))
            seen: list[int] = []
            started, finished = threading.Event(), threading.Event()

            def second() -> None:
                with engine.begin() as connection:
                    started.set()
                    serialise_transaction(connection, "subjects")
                    count = connection.execute(text("SELECT count(*) FROM probe")).scalar_one()
                    seen.append(int(count))
                finished.set()

            with engine.begin() as first:
                serialise_transaction(first, "subjects")
                first.execute(text("INSERT INTO probe VALUES ('us-csl')"))
                thread = threading.Thread(target=second)
                thread.start()
                assert started.wait(10)
                # It cannot go on while the first transaction is open.
                assert not finished.wait(0.5)
            thread.join(30)
            assert finished.is_set()
            assert seen == [1]  # it read the row the first transaction committed
        finally:
            engine.dispose()


def test_other_names_do_not_wait() -> None:
    with private_pg_schema() as url:
        engine = create_engine(normalise_url(url))
        try:
            with engine.begin() as first, engine.begin() as second:
                serialise_transaction(first, "subjects")
                serialise_transaction(second, "something else")  # returns at once
        finally:
            engine.dispose()
