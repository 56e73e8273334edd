"""Input edges: dates from the future, SQL wildcards, terminal control characters,
contradictory bounds and interrupted archive writes, each on real list files."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.config import Config, ListConfig
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.store import Store, open_engine
from tests.conftest import FIXTURES
from tests.safety.helpers import NOW, drop_rows, write
from tests.safety.process import assert_one_error_line, run_monitor

CONS = FIXTURES / "ofac" / "cons-2016-09-16" / "cons_prim.csv"  # real, 581 entries
Run = Callable[..., subprocess.CompletedProcess[str]]


def config_file(folder: Path, lists: str = "  []\n") -> Path:
    path = folder / "monitor.yml"
    path.write_text(f"archive: {folder / 'archive'}\nlists:\n{lists}", encoding="utf-8")
    return path


@pytest.fixture
def cli(tmp_path: Path) -> Run:
    """The real CLI in a child process, on a fresh database and archive in tmp_path."""
    config = config_file(tmp_path)
    database = f"sqlite:///{tmp_path / 'm.db'}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_monitor("--config", str(config), "--db", database, *args, cwd=tmp_path)

    return run


# --- dates ---


def test_an_observation_time_in_the_future_is_refused(cli: Run, tmp_path: Path) -> None:
    refused = cli("ingest", str(CONS), "--list", "us-ofac-cons", "--observed-at", "2099-01-01")
    assert_one_error_line(refused, "2099-01-01T00:00:00Z", "more than a day after")
    assert not (tmp_path / "archive" / "us-ofac-cons").exists()  # nothing archived
    # The list is not frozen: the real version, dated by its path, is applied.
    applied = cli("ingest", str(CONS), "--list", "us-ofac-cons")
    assert applied.returncode == 0, applied.stderr
    assert "us-ofac-cons @ 2016-09-16T00:00:00Z: baseline: 581 entries" in applied.stdout


def test_a_future_date_in_the_path_is_refused(cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "2099-01-01T0000Z"
    folder.mkdir()
    shutil.copy(CONS, folder / "cons_prim.csv")
    refused = cli("ingest", str(folder / "cons_prim.csv"), "--list", "us-ofac-cons")
    assert_one_error_line(refused, "2099-01-01T00:00:00Z", "--observed-at, the date in the path")


def test_a_time_within_the_tolerance_is_accepted(tmp_path: Path) -> None:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'm.db'}"))
    request = IngestRequest(
        list_config=ListConfig(id="us-ofac-cons"),
        paths=[CONS],
        observed_at=NOW + timedelta(hours=20),  # clock skew between machines
    )
    result = ingest(store, Config(archive=tmp_path / "archive"), request, now=NOW)
    assert result.status == "baseline"


# --- interrupted archive writes ---


def next_version(folder: Path) -> Path:
    """The real file with its last entry removed, as a later version of the list."""
    later = folder / "2016-09-17" / "cons_prim.csv"
    write(later.parent, later.name, drop_rows(CONS.read_bytes(), 0.002))
    return later


def test_a_folder_left_by_a_killed_write_is_removed_by_the_next_one(
    cli: Run, tmp_path: Path
) -> None:
    assert cli("ingest", str(CONS), "--list", "us-ofac-cons").returncode == 0
    list_folder = tmp_path / "archive" / "us-ofac-cons"
    left = write(list_folder / ".incoming-k1ll3d", "cons_prim.csv.gz", b"\x1f\x8b\x08\x00half")
    applied = cli("ingest", str(next_version(tmp_path)), "--list", "us-ofac-cons")
    assert applied.returncode == 0, applied.stderr
    assert "delisted" in applied.stdout
    assert not left.parent.exists()
    assert sorted(p.name for p in list_folder.iterdir()) == ["2016-09-16T0000Z", "2016-09-17T0000Z"]


def test_a_folder_another_writer_is_using_is_left_alone(cli: Run, tmp_path: Path) -> None:
    assert cli("ingest", str(CONS), "--list", "us-ofac-cons").returncode == 0
    list_folder = tmp_path / "archive" / "us-ofac-cons"
    busy = write(list_folder / ".incoming-busy", "cons_prim.csv.gz", b"\x1f\x8b\x08\x00")
    descriptor = os.open(list_folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH)  # what a writer holds while it stages
        applied = cli("ingest", str(next_version(tmp_path)), "--list", "us-ofac-cons")
    finally:
        os.close(descriptor)
    assert applied.returncode == 0, applied.stderr
    assert busy.exists()


# --- contradictory bounds ---


def test_contradictory_expect_bounds_are_refused_when_the_config_loads(tmp_path: Path) -> None:
    config = config_file(
        tmp_path,
        "  - id: us-ofac-cons\n    expect: {min_records: 600, max_records: 500}\n",
    )
    result = run_monitor(
        "--config", str(config), "--db", f"sqlite:///{tmp_path / 'm.db'}",
        "ingest", str(CONS), "--list", "us-ofac-cons",
        cwd=tmp_path,
    )  # fmt: skip
    assert_one_error_line(
        result, str(config), "'us-ofac-cons'", "min_records (600) is above expect.max_records (500)"
    )
    assert not (tmp_path / "archive").exists()


def test_an_envelope_of_one_size_is_allowed(tmp_path: Path) -> None:
    config = config_file(
        tmp_path, "  - id: us-ofac-cons\n    expect: {min_records: 581, max_records: 581}\n"
    )
    result = run_monitor(
        "--config", str(config), "--db", f"sqlite:///{tmp_path / 'm.db'}",
        "ingest", str(CONS), "--list", "us-ofac-cons",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
