"""Input edges: dates from the future, SQL wildcards, terminal control characters,
contradictory bounds and interrupted archive writes, each on real list files."""

from __future__ import annotations

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
from tests.safety.helpers import NOW
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
