"""The archive is the truth: a version is archived and applied as one intent.

A version refused as out of order leaves nothing in the archive; one archived
but never applied (a kill between the two steps) is finished by the next
version the list takes in, before it; either way `verify` then passes, and the
stored history equals a rebuild from the archive.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from tests.conftest import Cli, shipped_versions, write_config

LIST = "us-ofac-sdn"
V1, V2, V3 = shipped_versions(LIST)[:3]


@pytest.fixture
def cli(tmp_path: Path, db_url: str) -> Cli:
    return Cli(db_url, write_config(tmp_path, tmp_path / "archive"))


def folders(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "archive" / LIST).iterdir() if p.is_dir())


def test_a_version_older_than_the_state_is_refused_and_not_archived(
    cli: Cli, tmp_path: Path
) -> None:
    assert cli("ingest", str(V2 / "sdn.csv.gz"), "--list", LIST).exit_code == 0
    older = cli("ingest", str(V1 / "sdn.csv.gz"), "--list", LIST)
    assert older.exit_code == 1
    [line] = older.stderr.splitlines()
    assert line.startswith(f"error: list {LIST}: this snapshot ")
    assert "is older than the current state" in line
    assert folders(tmp_path) == [V2.name]
    assert cli("verify").exit_code == 0


def test_a_version_archived_but_never_applied_is_finished_first(cli: Cli, tmp_path: Path) -> None:
    assert cli("ingest", str(V1 / "sdn.csv.gz"), "--list", LIST).exit_code == 0
    # A kill after archiving V2 and before applying it leaves the folder only.
    shutil.copytree(V2, tmp_path / "archive" / LIST / V2.name)
    verified = cli("verify", "--files-only")
    assert verified.exit_code == 1 and "archived but never applied" in verified.stderr
    newer = cli("ingest", str(V3 / "sdn.csv.gz"), "--list", LIST)
    assert newer.exit_code == 0, newer.output
    lists = cli("lists", "--format", "json")
    assert '"snapshots"' in lists.stdout or lists.exit_code == 0
    assert cli("verify").exit_code == 0  # V2 was applied before V3: the histories agree
    fresh = Cli(f"sqlite:///{tmp_path / 'rebuilt.db'}", cli.config)
    assert fresh("replay").exit_code == 0
    assert history(cli) == history(fresh)


def history(cli: Cli) -> list[str]:
    shown = cli("report", "--since", "2021-11-01", "--until", "2021-12-31", "--format", "csv")
    assert shown.exit_code == 0
    return sorted(shown.stdout.splitlines())


def test_gzip_stays_readable_by_common_tools(cli: Cli, tmp_path: Path) -> None:
    assert cli("ingest", str(V1 / "sdn.csv.gz"), "--list", LIST).exit_code == 0
    [archived] = (tmp_path / "archive" / LIST / V1.name).glob("*.gz")
    assert gzip.decompress(archived.read_bytes()) == gzip.decompress(
        (V1 / "sdn.csv.gz").read_bytes()
    )
