"""Input edges: dates from the future, SQL wildcards, terminal control characters,
contradictory bounds and interrupted archive writes, each on real list files."""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.config import Config, ListConfig
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.reports.environment import make_environment, render
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


def test_a_version_archived_before_is_reused_without_a_new_copy(tmp_path: Path) -> None:
    """The same version archived again (a replay of a folder taken in before) finds its
    folder before staging anything; other content at the same minute gets a folder of
    its own, as before."""
    from monitor.archive.write import store_snapshot
    from monitor.files import SourceFile

    source = write(tmp_path / "in", "cons_prim.csv.gz", gzip.compress(CONS.read_bytes()))
    root = tmp_path / "archive"
    first = store_snapshot(root, "us-ofac-cons", NOW, [SourceFile.from_path(source)])
    copy = first.folder / "cons_prim.csv.gz"
    stamp = copy.stat().st_mtime_ns
    again = store_snapshot(root, "us-ofac-cons", NOW, [SourceFile.from_path(source)])
    assert (first.created, again.created) == (True, False)
    assert again.folder == first.folder and copy.stat().st_mtime_ns == stamp
    assert [f.path for f in again.files] == [copy]
    plain = write(tmp_path / "plain", "cons_prim.csv", CONS.read_bytes())  # same content
    assert store_snapshot(root, "us-ofac-cons", NOW, [SourceFile.from_path(plain)]) == again
    other = write(tmp_path / "other", "cons_prim.csv", drop_rows(CONS.read_bytes(), 0.002))
    moved = store_snapshot(root, "us-ofac-cons", NOW, [SourceFile.from_path(other)])
    assert moved.created and moved.folder.name == f"{first.folder.name}-2"
    assert sorted(p.name for p in (root / "us-ofac-cons").iterdir()) == [
        first.folder.name,
        moved.folder.name,
    ]


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


# --- wildcards and control characters in what is searched and shown ---

HIDDEN_NAME = "ACME\x07 TRADING \u202eDETIMIL\u202c"  # BEL, right-to-left override, pop
LITERAL_NAME = "100% PURE_SUPPLY CO"
EXTRA_ROWS = (
    f'99001,"{HIDDEN_NAME}",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    f'99002,"{LITERAL_NAME}",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
).encode()
RAW = ("\x07", "\u202e", "\u202c")


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The real list with two extra entries: one with control characters in its name, one
    whose name holds '%' and '_'; ingested once, then read by each test."""
    folder = tmp_path_factory.mktemp("shown")
    data = CONS.read_bytes().rstrip(b"\x1a")
    version = write(folder / "2016-09-16", "cons_prim.csv", data + EXTRA_ROWS + b"\x1a")
    config = config_file(folder)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        database = f"sqlite:///{folder / 'm.db'}"
        return run_monitor("--config", str(config), "--db", database, *args, cwd=folder)

    done = run("ingest", str(version), "--list", "us-ofac-cons")
    assert "baseline: 583 entries" in done.stdout, done.stderr
    return run


def assert_nothing_raw(text: str) -> None:
    assert not [c for c in RAW if c in text], repr(text)


@pytest.mark.parametrize(
    "args",
    [
        ("history", "ACME"),
        ("history", "ACME", "--format", "markdown"),
        ("as-of", "2016-09-16", "--query", "ACME"),
        ("report", "--include-baseline", "--date", "observed"),
        ("report", "--include-baseline", "--date", "observed", "--format", "markdown"),
    ],
)
def test_control_characters_are_shown_escaped(shown: Run, args: tuple[str, ...]) -> None:
    result = shown(*args)
    assert result.returncode == 0, result.stderr
    assert_nothing_raw(result.stdout)
    assert "ACME\\x07 TRADING \\u202eDETIMIL\\u202c" in result.stdout


def test_the_data_itself_keeps_the_characters(shown: Run) -> None:
    result = shown("history", "ACME", "--format", "json")
    assert json.loads(result.stdout)["entries"][0]["name"] == HIDDEN_NAME


def test_sql_wildcards_in_a_history_query_are_literal(shown: Run) -> None:
    assert shown("history", "_").stdout.startswith(f"us-ofac-cons / 99002: {LITERAL_NAME}\n")
    for query in ("%", "100%", "PURE_SUPPLY", "%PURE%"):
        entries = json.loads(shown("history", query, "--format", "json").stdout)["entries"]
        found = {entry["key"] for entry in entries}
        assert found == ({"99002"} if query != "%PURE%" else set()), query
    assert shown("history", "A%Z").stdout == "No entry matches A%Z.\n"


def test_sql_wildcards_in_an_as_of_query_are_literal(shown: Run) -> None:
    no = shown("as-of", "2016-09-16", "--query", "A%Z")
    assert no.stdout.startswith('Was an entry matching "A%Z" on a list on 2016-09-16? NO.')
    asked = shown("as-of", "2016-09-16", "--query", "100% PURE", "--format", "json")
    yes = json.loads(asked.stdout)
    assert yes["answer"] == "yes"
    assert [m["key"] for m in yes["lists"][0]["matches"]] == ["99002"]


def test_a_line_break_inside_a_value_cannot_forge_a_line() -> None:
    environment = make_environment()
    answer = {"query": "ACME\nus-ofac-cons: yes", "date": "2016-09-16", "answer": "no", "lists": []}
    text = render(environment, "asof.txt.j2", {"answer": answer})
    assert text.startswith('Was an entry matching "ACME\\nus-ofac-cons: yes" on a list')
    assert "\nus-ofac-cons" not in text
