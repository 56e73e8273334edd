"""What one version asks of the database about its list, guarded by counting, not timing.

The pipeline reads the list's snapshots (newest state, newest applied, the held
ones and the version's own row) once before the list's lock and once inside the
transaction that applies, and decides every ordering rule on those reads
(monitor.ingest.pipeline). Before, the same questions were asked 13 times per
version, each on a connection of its own. The counts below are those of a steady
version of the real SDN list (a few dozen changed entries, the state held in
memory); a change that adds a read or a connection shows here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from monitor.config import Config, Expect, ListConfig
from monitor.ingest import units
from monitor.store import Store, bulk, open_engine
from monitor.store import schema as t
from monitor.store.store import ListTransaction
from tests.conftest import SNAPSHOTS, realdata
from tests.safety.helpers import drop_rows, plain_bytes, run, statuses, write

SDN = SNAPSHOTS / "us-ofac-sdn"
STEADY = ("2021-12-08T1850Z", "2021-12-09T1850Z", "2021-12-10T1850Z", "2021-12-16T0142Z")


@dataclass
class Counted:
    """The connections checked out of the pool and the SQL statements of one stretch."""

    checkouts: int = 0
    statements: list[str] = field(default_factory=list)
    piped: list[str] = field(default_factory=list)  # those sent in a pipeline (PostgreSQL)

    def reading_snapshots(self) -> list[str]:
        """Statements that read the snapshots table (not the insert of the new row)."""
        return [s for s in self.statements if s.startswith("SELECT") and "snapshots" in s]


@contextmanager
def counting(store: Store) -> Iterator[Counted]:
    counted = Counted()

    def on_checkout(*_: Any) -> None:
        counted.checkouts += 1

    def on_statement(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        counted.statements.append(" ".join(statement.split()))
        if bulk.in_pipeline(connection):
            counted.piped.append(counted.statements[-1])

    event.listen(store.engine.pool, "checkout", on_checkout)
    event.listen(store.engine, "before_cursor_execute", on_statement)
    try:
        yield counted
    finally:
        event.remove(store.engine.pool, "checkout", on_checkout)
        event.remove(store.engine, "before_cursor_execute", on_statement)


def _count_copies(monkeypatch: pytest.MonkeyPatch, counted: Counted) -> None:
    """On PostgreSQL insert_rows writes by COPY, on the driver's cursor (SQLAlchemy's
    statement events do not see it): each COPY that sent rows is counted as the INSERT
    it stands for, so the list of statements reads the same on both backends."""
    real = bulk._copy_rows

    def copy_rows(connection: Any, table: Any, names: Any, rows: Any) -> bool:
        sent: list[Any] = []

        def seen() -> Iterator[Any]:
            for row in rows:
                sent.append(row)
                yield row

        copied = real(connection, table, names, seen())
        if copied and sent:
            counted.statements.append(f"INSERT INTO {table.name} (copied)")
        return copied

    monkeypatch.setattr(bulk, "_copy_rows", copy_rows)


def _what(statement: str) -> str:
    """``SELECT snapshots``: the statement's verb and the first table it names."""
    table = re.search(r"(?:FROM|INTO|UPDATE)\s+(\w+)", statement)
    return f"{statement.split()[0]} {table.group(1) if table else '?'}"


def _control(statement: str) -> bool:
    """A transaction's BEGIN or a lock, not a read or write of data."""
    return statement.startswith("BEGIN") or "pg_advisory" in statement or "pg_try" in statement


def test_a_steady_version_reads_its_list_s_snapshots_twice(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once before the lock, once in the applying transaction; two connections in all
    (on PostgreSQL the list's writer lock is a session lock on a connection of its own,
    which the applying transaction then runs on), and the statements of the version's
    writes."""
    monkeypatch.setenv(units.ENV, "1")
    store = Store(open_engine(db_url))
    config = Config(archive=tmp_path / "archive")
    for folder in STEADY[:-1]:
        run(store, config, SDN / folder / "sdn.csv.gz", list_id="sdn")
    with counting(store) as counted:
        _count_copies(monkeypatch, counted)
        result = run(store, config, SDN / STEADY[-1] / "sdn.csv.gz", list_id="sdn")
    assert result.status == "applied" and result.counts["modified"] > 0
    reads = counted.reading_snapshots()
    assert len(reads) == 2, reads
    assert all("UNION ALL" in statement for statement in reads)
    postgres = store.backend == "postgresql"
    # the list's row with its snapshots before the lock, the applying transaction (on
    # PostgreSQL the writer lock's connection); the state's hashes are held, not read
    assert counted.checkouts == 2
    assert [_what(s) for s in counted.statements if not _control(s)] == [
        "SELECT snapshots",  # before the lock, the list's row with them (it says so: kept)
        "SELECT snapshots",  # under the lock
        "SELECT entity_versions",  # previous records, and which new keys were listed before
        "INSERT snapshots",
        "UPDATE entity_versions",  # close the changed entries' versions
        "INSERT entity_versions",
        "INSERT events",
        "DELETE unit_fingerprints",
        "INSERT unit_fingerprints",
        "UPDATE unit_sets",
        # PostgreSQL: the marker where there is none (the UPDATE's row count comes too late)
        *(["INSERT unit_sets"] if postgres else []),
    ]
    # PostgreSQL: the writes after the snapshot row, sent together (ListTransaction.pipelined)
    writes = [s for s in counted.statements if not _control(s)][4:]
    assert counted.piped == (writes if postgres else [])
    # SQLite: a BEGIN per connection; PostgreSQL: the writer lock's try, the applying
    # transaction's BEGIN with its locks and its COMMIT with the writer lock's release
    assert len([s for s in counted.statements if _control(s)]) == (3 if postgres else 2)
    store.engine.dispose()


def test_an_earlier_version_held_while_this_one_was_read_holds_this_one(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The held-earlier rule is decided after the take, under the lock: a version held
    while this one was being read (another process, here nested in the take) makes this
    one wait, quarantined, instead of applying over it."""
    store = Store(open_engine(db_url))
    config = Config(archive=tmp_path / "archive")
    strict = ListConfig(id="cons", expect=Expect(max_removed_share=0.1))  # the default share
    real = plain_bytes(realdata("ofac-consolidated", "2025-12-19_moov", "cons_prim.csv"))

    def version(stamp: str, data: bytes) -> Path:
        return write(tmp_path / "in" / stamp, "cons_prim.csv", data)

    run(store, config, version("2025-12-19T1200Z", real), list_config=strict)
    shorter = drop_rows(real, 0.2, newline=b"\n")
    one_less = drop_rows(real, 0.005, newline=b"\n")
    earlier = version("2025-12-20T1200Z", shorter)
    held: list[str] = []
    real_take = units.take

    def take_while_another_process_holds_an_earlier_version(*args: Any) -> Any:
        taken = real_take(*args)
        if not held:
            held.append("started")  # the other process's own take must not recurse
            held.append(run(store, config, earlier, list_config=strict).status)
        return taken

    monkeypatch.setattr(units, "take", take_while_another_process_holds_an_earlier_version)
    later = run(store, config, version("2025-12-21T1200Z", one_less), list_config=strict)
    assert held == ["started", "quarantined"]
    assert later.status == "quarantined"
    assert later.message.startswith("waits for the quarantined snapshot")
    assert [s for _, s in statuses(store, "cons")] == ["applied", "quarantined", "quarantined"]
    store.engine.dispose()


def test_the_diff_s_one_read_is_the_two_it_replaces(db_url: str, tmp_path: Path) -> None:
    """before_changes: the current records of the changed and removed keys, and which new
    keys had a version before, as current_records and keys_seen_before give them."""
    store = Store(open_engine(db_url))
    config = Config(archive=tmp_path / "archive")
    for folder in sorted(p.name for p in SDN.iterdir()):  # every shipped version
        run(store, config, SDN / folder / "sdn.csv.gz", list_id="sdn")
    v = t.entity_versions
    with store.read() as connection:
        rows = connection.execute(select(v.c.key, v.c.valid_to).where(v.c.list_id == "sdn"))
        current = sorted({key for key, valid_to in rows if valid_to is None})
        past = connection.execute(
            select(v.c.key).where(v.c.list_id == "sdn", v.c.valid_to.is_not(None))
        ).scalars()
        delisted = sorted(set(past) - set(current))
        assert delisted  # the real versions delist entries
        tx = ListTransaction(connection, "sdn")
        asked = [*current[:40], *delisted[:5]]
        listed = [*delisted, "never-listed-1", "never-listed-2"]
        records, seen = tx.before_changes(asked, listed)
        assert records == tx.current_records(asked)
        assert seen == tx.keys_seen_before(listed) == set(delisted)
    store.engine.dispose()
