"""The light read of ``lists`` (monitor.store.sqlite_read): the same answer as SQLAlchemy's,
taken only when it cannot differ, and the CLI's ``lists`` without SQLAlchemy or pydantic."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.store import Store, open_engine
from monitor.store.database import current_revision, upgrade
from monitor.store.queries import list_overview
from monitor.store.revisions import head_revision
from monitor.store.sqlite_read import read_overview, sqlite_file
from tests.conftest import FIXTURES, ROOT, SNAPSHOTS, Cli, write_config

CONS = FIXTURES / "ofac" / "cons-2016-09-16" / "cons_prim.csv"  # real, 581 entries
SDN = SNAPSHOTS / "us-ofac-sdn"


@pytest.fixture
def filled(tmp_path: Path) -> str:
    """A SQLite database holding real versions of two lists, one of them changed once."""
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    cli = Cli(url, write_config(tmp_path, tmp_path / "archive"))
    for args in (
        [str(CONS), "--list", "us-ofac-cons"],
        [str(SDN / "2021-11-23T1848Z" / "sdn.csv.gz"), "--list", "us-ofac-sdn"],
        [str(SDN / "2021-12-02T0141Z" / "sdn.csv.gz"), "--list", "us-ofac-sdn"],
    ):
        done = cli("ingest", *args)
        assert done.exit_code == 0, done.output
    return url


def test_the_light_read_answers_as_sqlalchemy_does(filled: str) -> None:
    with Store(open_engine(filled)).read() as connection:
        expected = list_overview(connection)
    assert [item["list"] for item in expected] == ["us-ofac-cons", "us-ofac-sdn"]
    assert expected[1]["snapshots"] == {"applied": 2} and expected[1]["entries"] >= 9000
    assert read_overview(filled) == expected


def test_an_older_schema_is_left_to_the_migrations(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(open_engine(url, migrate=False), "0010_alerts")
    assert read_overview(url) is None
    done = Cli(url, write_config(tmp_path, tmp_path / "archive"))("lists")
    assert done.exit_code == 0, done.output  # migrated, as every command does
    assert current_revision(open_engine(url, migrate=False)) == head_revision()
    assert read_overview(url) == []


def test_a_newer_schema_is_left_to_the_usual_refusal(filled: str) -> None:
    path = sqlite_file(filled)
    assert path is not None
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.close()
    assert read_overview(filled) is None


def test_a_missing_file_is_not_created(tmp_path: Path) -> None:
    assert read_overview(f"sqlite:///{tmp_path / 'none.db'}") is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite+pysqlite:///monitor.db",
        "sqlite:///monitor.db?mode=ro",
        "sqlite:///my%20lists.db",
        "postgresql://user:secret@localhost/watchlist",
    ],
)
def test_only_plain_sqlite_file_urls_are_read_lightly(url: str) -> None:
    assert sqlite_file(url) is None


def test_lists_runs_without_sqlalchemy_and_pydantic_once_validated(
    filled: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path, tmp_path / "archive")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path / "cache")}

    options = ["--config", str(config), "--db", filled]

    def lists(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "monitor", *options, "lists", *args],
            cwd=tmp_path,
            env=env,
            text=True,
            capture_output=True,
            timeout=120,
            check=True,
        )

    def imported(done: subprocess.CompletedProcess[str]) -> set[str]:
        return {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()}

    first, second = lists(), lists()
    assert "pydantic" in imported(first)  # validated, then remembered
    assert not {"pydantic", "sqlalchemy"} & imported(second)
    assert second.stdout == first.stdout and "us-ofac-sdn" in second.stdout
    assert lists("--format", "json").stdout.startswith('[\n  {\n    "list": "us-ofac-cons"')


def test_one_overview_query_on_either_backend(db_url: str, tmp_path: Path) -> None:
    """The SQL of monitor.store.overview, run through SQLAlchemy on SQLite and PostgreSQL."""
    cli = Cli(db_url, write_config(tmp_path, tmp_path / "archive"))
    done = cli("ingest", str(CONS), "--list", "us-ofac-cons")
    assert done.exit_code == 0, done.output
    with Store(open_engine(db_url)).read() as connection:
        [item] = list_overview(connection)
    assert item["list"] == "us-ofac-cons" and item["snapshots"] == {"applied": 1}
    assert item["entries"] > 500 and item["last_status"] == "applied"
    assert item["last_snapshot"] is not None and item["last_snapshot"].endswith("Z")
    assert cli("lists").output.startswith(f"us-ofac-cons     {item['format']:<18}")
