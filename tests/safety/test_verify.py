"""`verify`: archived files still hash right; the database equals a fresh replay of the archive."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from monitor.config import load_config
from monitor.service import quarantine
from monitor.service.verify import verify
from monitor.store import Store, open_engine
from monitor.store import schema as t
from tests.conftest import Cli, realdata, write_config
from tests.safety.helpers import NOW, drop_rows, plain_bytes, write

LIST = "us-ofac-cons"


@pytest.fixture
def history(db_url: str, tmp_path: Path) -> Cli:
    """Three real-based versions of one list and a real CSL version, ingested by the CLI."""
    real = plain_bytes(realdata("ofac-consolidated", "2025-12-19_moov", "cons_prim.csv"))
    folder = tmp_path / "in"
    write(folder / LIST / "2025-12-19T1200Z", "cons_prim.csv", real)
    write(folder / LIST / "2025-12-20T1200Z", "cons_prim.csv", drop_rows(real, 0.2, newline=b"\n"))
    write(folder / LIST / "2025-12-21T1200Z", "cons_prim.csv", drop_rows(real, 0.21, newline=b"\n"))
    csl = realdata("trade-gov-csl", "2019-12-03_moov-subset", "csl.csv")
    write(folder / "us-csl" / "2019-12-03", "csl.csv", csl.read_bytes())
    cli = Cli(db_url, write_config(tmp_path, tmp_path / "archive"))
    replayed = cli("replay", str(folder))
    # The two shorter versions are held for review, so the replay says it left work undone.
    assert replayed.exit_code == 1 and "2 version(s) held for review" in replayed.stderr
    return cli


def store_of(cli: Cli) -> Store:
    return Store(open_engine(cli.db))


def test_an_intact_archive_and_database_verify(history: Cli) -> None:
    result = history("verify")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "verify: ok: 4 files of 4 snapshots checked; 2 lists compared with a replay of "
        "4 archived versions\n"
    )


def test_operator_decisions_are_part_of_what_is_verified(history: Cli, tmp_path: Path) -> None:
    store = store_of(history)
    with store.read() as connection:
        held = quarantine.pending(connection, LIST)
    assert len(held) == 2
    assert history.config is not None
    loaded = load_config(history.config, database=history.db)
    quarantine.approve(store, loaded, held[0].id, now=NOW)
    report = verify(store, loaded, now=NOW)
    assert report.ok, [p.line() for p in report.problems]


def test_a_changed_archived_file_is_reported(history: Cli, tmp_path: Path) -> None:
    archived = tmp_path / "archive" / "us-csl" / "2019-12-03T0000Z" / "csl.csv.gz"
    data = gzip.decompress(archived.read_bytes()).replace(b"ADRIAN", b"ADRIEN", 1)
    archived.write_bytes(gzip.compress(data))
    result = history("verify", "--files-only")
    assert result.exit_code == 1
    assert f"us-csl: bad-hash: snapshot 1 (applied), {archived}: sha256 " in result.stderr
    assert result.stdout.startswith("verify: 1 problems: 4 files of 4 snapshots checked\n")


def test_a_missing_archived_file_is_reported(history: Cli, tmp_path: Path) -> None:
    archived = tmp_path / "archive" / LIST / "2025-12-19T1200Z" / "cons_prim.csv.gz"
    archived.unlink()
    result = history("verify", "--files-only", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["problems"] == [
        {"list": LIST, "kind": "missing-file", "text": f"snapshot 2 (applied), {archived}"}
    ]


def test_a_stored_state_that_differs_from_the_replay_is_reported(history: Cli) -> None:
    store = store_of(history)
    with store.engine.begin() as connection:
        connection.execute(
            update(t.entity_versions)
            .where(t.entity_versions.c.list_id == "us-csl", t.entity_versions.c.valid_to.is_(None))
            .values(content_hash="0" * 64)
        )
    result = history("verify")
    assert result.exit_code == 1
    # The first line that is not a log line (the replay's own warnings, timestamped, come
    # first on stderr, as they do for a user).
    line = next(x for x in result.stderr.splitlines() if not x[:4].isdigit())
    assert line.startswith(
        "us-csl: state: the stored state differs from a fresh replay of the archive: "
        "115 entries with other content than the replay ("
    )


def test_an_archive_folder_no_snapshot_accounts_for_is_reported(
    history: Cli, tmp_path: Path
) -> None:
    """A version archived but never applied (a kill in between) tells another history."""
    stray = tmp_path / "archive" / "us-csl" / "2019-12-04T0000Z"
    shutil.copytree(tmp_path / "archive" / "us-csl" / "2019-12-03T0000Z", stray)
    result = history("verify", "--files-only", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"] == [
        {
            "list": "us-csl",
            "kind": "unrecorded",
            "text": f"archive folder {stray} is not a snapshot of the database "
            "(archived but never applied)",
        }
    ]


def test_a_stored_history_that_differs_from_the_replay_is_reported(history: Cli) -> None:
    """The current state can agree while the events do not: verify compares both."""
    store = store_of(history)
    with store.engine.begin() as connection:
        first = connection.execute(
            select(t.events.c.id, t.events.c.key).where(t.events.c.list_id == "us-csl").limit(1)
        ).one()
        connection.execute(delete(t.events).where(t.events.c.id == first.id))
    result = history("verify")
    assert result.exit_code == 1
    [line] = [x for x in result.stderr.splitlines() if x.startswith("us-csl: events:")]
    assert "1 events in a rebuild from the archive but not in the database" in line
    assert first.key in line
    assert "move the database aside" in result.stderr


def test_stored_fingerprints_the_next_version_would_use_are_compared_with_the_rebuild_s(
    history: Cli,
) -> None:
    """The state and events can agree while the raw-unit fingerprints do not: a unit that
    stands for another entry's record would make the next version read that entry wrongly."""
    store = store_of(history)
    u = t.unit_fingerprints
    with store.engine.begin() as connection:
        first, second = connection.execute(
            select(u.c.fingerprint, u.c.key).where(u.c.list_id == LIST).limit(2)
        ).all()
        assert connection.execute(select(t.unit_sets.c.list_id)).scalars().all() == [LIST]
    assert history("verify").exit_code == 0  # in use, and the rebuild's
    with store.engine.begin() as connection:
        connection.execute(
            update(u)
            .where(u.c.list_id == LIST, u.c.fingerprint == first.fingerprint)
            .values(key=second.key)
        )
    result = history("verify")
    assert result.exit_code == 1
    [line] = [x for x in result.stderr.splitlines() if x.startswith(f"{LIST}: fingerprints:")]
    assert (
        f"1 stored raw-unit fingerprint(s) not as a rebuild has them ({first.fingerprint})" in line
    )
    assert "take it in with WATCHLIST_MONITOR_FINGERPRINTS=0" in line


def test_a_fingerprint_set_no_version_will_use_is_not_compared(history: Cli) -> None:
    """A set of other code (an upgrade) is never read, so it is no problem."""
    store = store_of(history)
    with store.engine.begin() as connection:
        connection.execute(update(t.unit_sets).values(tag="ofac-csv:older-code"))
        connection.execute(delete(t.unit_fingerprints).where(t.unit_fingerprints.c.key < "5"))
    assert history("verify").exit_code == 0
