"""Every error a user can meet is one line on stderr starting 'error:', exit status 1, with
a hint and no traceback: a damaged database, a full disk, an unreachable server, and an
--output that cannot or must not be written.

The real CLI runs in a child process on real list files. A full disk and a read-only
folder are small tmpfs mounts: those tests are skipped, with the reason, where this
machine does not allow mounting one (not root, or in a container without the right).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import sqlite3
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SNAPSHOTS
from tests.safety.process import assert_one_error_line, run_monitor

CONS = FIXTURES / "ofac" / "cons-2016-09-16" / "cons_prim.csv"  # real, 581 entries
SDN = SNAPSHOTS / "us-ofac-sdn" / "2021-11-23T1848Z" / "sdn.csv.gz"  # real, 9107 entries
Run = Callable[..., subprocess.CompletedProcess[str]]
Mount = Callable[..., Path]


def cli_on(folder: Path, database: str, archive: Path | None = None) -> Run:
    config = folder / "monitor.yml"
    config.write_text(f"archive: {archive or folder / 'archive'}\n", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_monitor("--config", str(config), "--db", database, *args, cwd=folder)

    return run


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Mount]:
    """Mount small tmpfs file systems under tmp_path (unmounted afterwards), or skip."""
    mounted: list[Path] = []

    def mount(name: str, size: str, *, read_only: bool = False) -> Path:
        point = tmp_path / name
        point.mkdir()
        options = f"size={size},mode=0777" + (",ro" if read_only else "")
        try:
            done = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.skip(f"cannot mount a tmpfs here: {exc}")
        if done.returncode != 0:
            reason = done.stderr.strip() or f"mount exited with {done.returncode}"
            pytest.skip(f"cannot mount a tmpfs here (needs root and mount rights): {reason}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", str(point)], capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def built_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database holding one real version of a list, checkpointed into one file."""
    folder = tmp_path_factory.mktemp("built")
    path = folder / "real.db"
    done = cli_on(folder, f"sqlite:///{path}")("ingest", str(CONS), "--list", "us-ofac-cons")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    return path


@pytest.fixture
def real_database(tmp_path: Path, built_database: Path) -> Path:
    """A private copy of the built database."""
    return Path(shutil.copy(built_database, tmp_path / "real.db"))


# --- the database ---


def test_a_file_of_random_bytes_as_database(tmp_path: Path) -> None:
    path = tmp_path / "random.db"
    path.write_bytes(random.Random(15).randbytes(64 * 1024))
    result = cli_on(tmp_path, f"sqlite:///{path}")("lists")
    assert_one_error_line(result, str(path), "not a SQLite database", "replay")


@pytest.mark.parametrize("command", [["lists"], ["report", "--include-baseline"]])
def test_a_real_database_truncated_to_half(
    tmp_path: Path, real_database: Path, command: list[str]
) -> None:
    with real_database.open("r+b") as handle:
        handle.truncate(real_database.stat().st_size // 2)
    result = cli_on(tmp_path, f"sqlite:///{real_database}")(*command)
    assert_one_error_line(result, "damaged", "rebuild it from the archive")


def test_a_database_of_a_newer_schema(tmp_path: Path, real_database: Path) -> None:
    with sqlite3.connect(real_database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.close()
    result = cli_on(tmp_path, f"sqlite:///{real_database}")("lists")
    assert_one_error_line(result, "9999_from_the_future", "upgrade watchlist-monitor")


def test_a_database_in_a_read_only_folder(tmp_path: Path, tmpfs: Mount) -> None:
    read_only = tmpfs("read-only", "64k", read_only=True)
    result = cli_on(tmp_path, f"sqlite:///{read_only / 'm.db'}")("lists")
    assert_one_error_line(result, str(read_only / "m.db"), "exists and is writable")


def test_postgresql_that_does_not_answer() -> None:
    with socket.socket() as probe:  # a local port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://monitor:secret@127.0.0.1:{port}/monitor"
    result = run_monitor("--db", url, "lists", cwd=FIXTURES)
    line = assert_one_error_line(result, "cannot open or migrate the database", "database URL")
    assert "secret" not in line


def test_a_full_disk_under_the_database(tmp_path: Path, tmpfs: Mount) -> None:
    disk = tmpfs("db-disk", "1m")
    run = cli_on(tmp_path, f"sqlite:///{disk / 'm.db'}")
    result = run("ingest", str(SDN), "--list", "us-ofac-sdn")
    assert_one_error_line(result, "disk is full", "free some space")


# --- the archive ---


def test_a_full_disk_under_the_archive(tmp_path: Path, tmpfs: Mount) -> None:
    disk = tmpfs("archive-disk", "64k")
    run = cli_on(tmp_path, f"sqlite:///{tmp_path / 'm.db'}", archive=disk / "archive")
    result = run("ingest", str(SDN), "--list", "us-ofac-sdn")
    assert_one_error_line(result, "us-ofac-sdn", "the disk is full", "nothing was applied")
    assert list((disk / "archive" / "us-ofac-sdn").iterdir()) == []  # no half version left
    lists = json.loads(run("lists", "--format", "json").stdout)
    assert all(item["entries"] == 0 for item in lists)


def test_a_read_only_archive(tmp_path: Path, tmpfs: Mount) -> None:
    read_only = tmpfs("archive-disk", "64k", read_only=True)
    run = cli_on(tmp_path, f"sqlite:///{tmp_path / 'm.db'}", archive=read_only)
    result = run("ingest", str(CONS), "--list", "us-ofac-cons")
    assert_one_error_line(result, "us-ofac-cons", "read-only", "nothing was applied")


# --- --output ---


def test_output_into_a_missing_folder(tmp_path: Path, real_database: Path) -> None:
    run = cli_on(tmp_path, f"sqlite:///{real_database}")
    result = run("report", "--output", str(tmp_path / "missing" / "report.txt"))
    assert_one_error_line(result, "does not exist", "create it")


def test_output_onto_a_full_disk(tmp_path: Path, real_database: Path, tmpfs: Mount) -> None:
    disk = tmpfs("small-disk", "8k")
    run = cli_on(tmp_path, f"sqlite:///{real_database}")
    target = disk / "report.txt"
    result = run("report", "--include-baseline", "--date", "observed", "--output", str(target))
    assert_one_error_line(result, str(target), "the disk is full")
    assert list(disk.iterdir()) == []  # no temporary file left behind


def test_output_into_a_read_only_file_system(
    tmp_path: Path, real_database: Path, tmpfs: Mount
) -> None:
    read_only = tmpfs("read-only", "64k", read_only=True)
    run = cli_on(tmp_path, f"sqlite:///{real_database}")
    result = run("history", "GAZPROMBANK", "--output", str(read_only / "history.txt"))
    assert_one_error_line(result, "read-only", "choose a writable folder")


def test_output_into_a_folder_without_permission(tmp_path: Path, real_database: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() == 0:  # root ignores permission bits: make the folder immutable
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"running as root and chattr +i is refused here: {done.stderr.strip()}")
    else:
        folder.chmod(0o500)
    try:
        run = cli_on(tmp_path, f"sqlite:///{real_database}")
        result = run("as-of", "2016-09-16", "--output", str(folder / "state.csv"))
        assert_one_error_line(result, "permission", str(folder / "state.csv"))
        assert list(folder.iterdir()) == []
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        folder.chmod(0o700)


def _symlink(path: Path) -> None:
    path.symlink_to(path.parent / "elsewhere.txt")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("creating a device node (a private copy of /dev/full) needs root")
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 7))


def _folder(path: Path) -> None:
    path.mkdir()


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (_symlink, "a symbolic link"),
        (_fifo, "a FIFO"),
        (_device, "a device"),
        (_folder, "a folder"),
    ],
)
def test_output_never_replaces_what_is_not_a_regular_file(
    tmp_path: Path, real_database: Path, make: Callable[[Path], None], kind: str
) -> None:
    target = tmp_path / "report.txt"
    make(target)
    before = os.lstat(target)
    result = cli_on(tmp_path, f"sqlite:///{real_database}")("report", "--output", str(target))
    assert_one_error_line(result, str(target), f"it is {kind}, not a regular file")
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert not (tmp_path / "elsewhere.txt").exists()


def test_output_replaces_a_regular_file_in_one_step(tmp_path: Path, real_database: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("an older report\n", encoding="utf-8")
    target.chmod(0o640)
    result = cli_on(tmp_path, f"sqlite:///{real_database}")("report", "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("Changes to sanctions lists")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file's mode is kept
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
