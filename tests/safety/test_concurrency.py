"""Two processes on one database: each snapshot is applied once and in order; a lock waits.

Real processes (``python -m monitor``) on SQLite and PostgreSQL, started at
the same moment, replaying the same real versions or ingesting real files.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

import monitor.store.database as database
from monitor.config import Config, ListConfig
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.records import Event
from monitor.store import Store, open_engine
from monitor.store import schema as t
from monitor.store.store import ListTransaction
from tests.conftest import Cli, realdata, write_config
from tests.safety.helpers import (
    INCOMPLETE_CONS,
    NOW,
    approve_version,
    fingerprint,
    plain_bytes,
    write,
)
from tests.safety.test_crash import LISTS, Run, fresh_database

LIST = "us-ofac-cons"
VERSIONS = ("2016-09-16_dermody", "2018-04-06_perchrh", "2025-04-21_li-xiaohui", "2025-12-19_moov")


@pytest.fixture
def versions(tmp_path: Path) -> Path:
    """Four real versions of the OFAC consolidated list (CSV files)."""
    source = tmp_path / "versions"
    for name in VERSIONS:
        target = source / name
        target.mkdir(parents=True)
        for file in realdata("ofac-consolidated", name).glob("cons_*.csv"):
            (target / file.name).symlink_to(file)
        if name == INCOMPLETE_CONS:
            approve_version(target, "the copy lacks cons_alt.csv; applied to test ordering")
    return source


def start(run: Run, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        run.command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def applied_rows(store: Store) -> list[tuple[int, str, str]]:
    with store.read() as connection:
        rows = connection.execute(
            select(t.snapshots.c.id, t.snapshots.c.sha256, t.snapshots.c.observed_at)
            .where(t.snapshots.c.status == "applied")
            .order_by(t.snapshots.c.id)
        )
        return [(i, sha, str(observed)[:19]) for i, sha, observed in rows]


def sequential(tmp_path: Path, versions: Path) -> dict[str, object]:
    with fresh_database("sqlite", tmp_path / "sequential") as url:
        run = Run(url, tmp_path / "sequential")
        assert (
            subprocess.run(
                run.command("replay", str(versions), "--list", LIST), check=False
            ).returncode
            == 0
        )
        return fingerprint(run.store())


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_replays_at_once_apply_each_snapshot_once_in_order(
    backend: str, tmp_path: Path, versions: Path
) -> None:
    expected = sequential(tmp_path, versions)
    with fresh_database(backend, tmp_path / "shared") as url:
        run = Run(url, tmp_path / "shared")
        Store(open_engine(url)).engine.dispose()  # migrate once, before the race
        first, second = (
            start(run, "replay", str(versions), "--list", LIST),
            start(run, "replay", str(versions), "--list", LIST),
        )
        outputs = [p.communicate(timeout=120) for p in (first, second)]
        store = run.store()
        assert fingerprint(store) == expected
        rows = applied_rows(store)
        assert len(rows) == len(VERSIONS)
        assert Counter((sha, observed) for _, sha, observed in rows).most_common(1)[0][1] == 1
        assert [observed for _, _, observed in rows] == sorted(o for _, _, o in rows)
        loser_exits_cleanly([first, second], outputs)
        tallies = sorted(out.splitlines()[-1] for out, _ in outputs)
        assert all(line.startswith("replay: ") for line in tallies), tallies


def loser_exits_cleanly(
    processes: list[subprocess.Popen[str]], outputs: list[tuple[str, str]]
) -> None:
    """Both finished, or the one that did not says why in one line (no traceback)."""
    crashed = [err for p, (_, err) in zip(processes, outputs, strict=True) if p.returncode]
    assert not crashed, crashed


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_ingests_of_the_same_file_at_once(backend: str, tmp_path: Path) -> None:
    real = realdata("ofac-sdn", "2016-10-11_dermody", "SDN.CSV")
    with fresh_database(backend, tmp_path / "db") as url:
        run = Run(url, tmp_path / "db")
        Store(open_engine(url)).engine.dispose()
        args = ("ingest", str(real), "--list", "us-ofac-sdn")
        processes = [start(run, *args), start(run, *args)]
        results = [p.communicate(timeout=120) for p in processes]
        assert len(applied_rows(run.store())) == 1
        loser_exits_cleanly(processes, results)
        outputs = sorted(out.strip() for out, _ in results)
        assert outputs == [
            "us-ofac-sdn @ 2016-10-11T00:00:00Z: already recorded, skipped",
            "us-ofac-sdn @ 2016-10-11T00:00:00Z: baseline: 5337 entries",
        ]
        assert len(applied_rows(run.store())) == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_older_snapshot_never_lands_after_a_newer_one(
    backend: str, tmp_path: Path, versions: Path
) -> None:
    """Older and newer version racing for the list: in order, or the older one says why not."""
    older, newer = (sorted(versions.iterdir())[i] for i in (2, 3))
    with fresh_database(backend, tmp_path / "db") as url:
        run = Run(url, tmp_path / "db")
        base = sorted(versions.iterdir())[1]
        subprocess.run(
            run.command("ingest", *map(str, sorted(base.iterdir())), "--list", LIST), check=True
        )
        processes = [
            start(run, "ingest", *map(str, sorted(folder.iterdir())), "--list", LIST)
            for folder in (newer, older)
        ]
        results = [p.communicate(timeout=120) for p in processes]
        rows = applied_rows(run.store())
        assert [observed for _, _, observed in rows] == sorted(o for _, _, o in rows)
        refused = [err for p, (_, err) in zip(processes, results, strict=True) if p.returncode]
        assert len(rows) + len(refused) == 3
        for message in refused:
            assert "another process applied a newer snapshot" in message or (
                "is older than the current state" in message
            ), message
        # A refused version leaves nothing in the archive: it tells what the database does.
        archived = [p for p in (tmp_path / "db" / "archive" / LIST).iterdir() if p.is_dir()]
        assert len(archived) == len(rows)


def test_a_locked_sqlite_database_waits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    Store(open_engine(url)).engine.dispose()
    locked = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(tmp_path / "monitor.db", 1.5, locked))
    holder.start()
    assert locked.wait(10)
    real = realdata("ofac-consolidated", "2025-12-19_moov", "cons_prim.csv")
    run = Run(url, tmp_path)
    began = time.monotonic()
    done = subprocess.run(
        run.command("ingest", str(real), "--list", LIST, "--observed-at", "2025-12-19"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - began >= 1.5
    assert done.stdout.strip() == f"{LIST} @ 2025-12-19T00:00:00Z: baseline: 442 entries"
    holder.join()


def hold_write_lock(path: Path, seconds: float, locked: threading.Event) -> None:
    """Hold SQLite's write lock (another writer) for a while, in this thread's connection."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    locked.set()
    time.sleep(seconds)
    connection.rollback()
    connection.close()


def test_a_database_locked_too_long_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 200)
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    Store(open_engine(url)).engine.dispose()
    holder = sqlite3.connect(tmp_path / "monitor.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    real = write(
        tmp_path / "in" / "2025-12-19",
        "cons_prim.csv",
        plain_bytes(realdata("ofac-consolidated", "2025-12-19_moov", "cons_prim.csv")),
    )
    cli = Cli(url, write_config(tmp_path, tmp_path / "archive", LISTS))
    try:
        result = cli("ingest", str(real), "--list", LIST)
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "database is locked" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_rerun_after_a_failed_apply_leaves_one_archive_folder(tmp_path: Path) -> None:
    """A failure inside the transaction (rolled back) after the archive was written."""
    real = realdata("ofac-consolidated", "2025-12-19_moov", "cons_prim.csv")
    store = Store(open_engine(f"sqlite:///{tmp_path / 'monitor.db'}"))
    config = Config(archive=tmp_path / "archive")

    def fail(tx: ListTransaction, snapshot_id: int, events: Sequence[Event], now: datetime) -> None:
        raise RuntimeError("killed inside the transaction")

    request = IngestRequest(
        list_config=ListConfig(id=LIST), paths=[real], observed_at=NOW, hooks=[fail]
    )
    with pytest.raises(RuntimeError):
        ingest(store, config, request, now=NOW)
    assert fingerprint(store)["versions"] == []
    done = ingest(
        store,
        config,
        IngestRequest(list_config=ListConfig(id=LIST), paths=[real], observed_at=NOW),
        now=NOW,
    )
    assert done.status == "baseline"
    assert [p.name for p in (tmp_path / "archive" / LIST).iterdir()] == ["2026-11-29T1200Z"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_four_first_commands_on_a_fresh_database_all_work(backend: str, tmp_path: Path) -> None:
    """Creating and migrating a database is serialised: the others wait, then find it made."""
    with fresh_database(backend, tmp_path / "db") as url:
        run = Run(url, tmp_path / "db")
        processes = [start(run, "lists") for _ in range(4)]
        results = [(p.wait(timeout=120), p.communicate()[1]) for p in processes]
        assert [code for code, _ in results] == [0, 0, 0, 0], results


def test_a_writer_of_a_list_waits_for_another_and_then_applies(
    tmp_path: Path, versions: Path
) -> None:
    """Writers queue on the list (a bounded, logged wait) instead of giving up."""
    from monitor.store.locks import list_writer

    store = Store(open_engine(f"sqlite:///{tmp_path / 'monitor.db'}"))
    config = Config(archive=tmp_path / "archive")
    folder = sorted(versions.iterdir())[0]
    held, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with list_writer(store, LIST):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=other_writer)
    holder.start()
    assert held.wait(10)
    threading.Timer(1.0, release.set).start()
    request = IngestRequest(
        list_config=ListConfig(id=LIST, expect={"max_removed_share": 1.0}),
        paths=sorted(folder.iterdir()),
        observed_at=NOW,
    )
    started = time.monotonic()
    assert ingest(store, config, request, now=NOW).status == "baseline"
    assert time.monotonic() - started >= 0.9  # it waited for the other writer
    holder.join()


def test_a_writer_that_waits_too_long_gives_up_with_one_line(tmp_path: Path) -> None:
    from monitor.errors import StoreError
    from monitor.store.locks import list_writer

    store = Store(open_engine(f"sqlite:///{tmp_path / 'monitor.db'}"))
    held, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with list_writer(store, LIST):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=other_writer)
    holder.start()
    assert held.wait(10)
    try:
        with pytest.raises(StoreError) as caught, list_writer(store, LIST, wait=0.3):
            pass
    finally:
        release.set()
        holder.join()
    assert str(caught.value) == (
        f"list {LIST}: another process has been applying a version for more than 0.3 s; "
        "nothing was applied; try again when it is done"
    )


def test_a_replay_never_applies_a_version_over_one_that_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database held busy by another writer fails one version: the list's later versions
    are not tried (none lands over it), the replay exits 1, and a rerun completes it."""
    from tests.conftest import shipped_versions

    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 200)
    folder = tmp_path / "versions"
    for version in shipped_versions("us-ofac-sdn")[:3]:
        shutil.copytree(version, folder / version.name)
    cli = Cli(f"sqlite:///{tmp_path / 'monitor.db'}", write_config(tmp_path, tmp_path / "a"))
    first = sorted(folder.iterdir())[0]
    assert cli("ingest", str(first / "sdn.csv.gz"), "--list", "us-ofac-sdn").exit_code == 0
    holder = sqlite3.connect(tmp_path / "monitor.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        busy = cli("replay", str(folder), "--list", "us-ofac-sdn")
    finally:
        holder.rollback()
        holder.close()
    assert busy.exit_code == 1
    # the version ingested already needs no write (its list's row says what the
    # configuration says): skipped; the next one needs the busy database and fails
    assert busy.stdout.splitlines()[-1] == "replay: 1 error, 1 not tried, 1 skipped"
    assert "the later versions of us-ofac-sdn were not tried" in busy.stderr
    again = cli("replay", str(folder), "--list", "us-ofac-sdn")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[-1] == "replay: 2 applied, 1 skipped"
    assert cli("verify").exit_code == 0
