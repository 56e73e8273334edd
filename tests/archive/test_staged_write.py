"""A version staged in the archive while its ingest goes on (ArchiveWrite.started).

The copy is made at once and flushed to disk by a worker thread; the version is
renamed into place only when the ingest places it, after its checks. A version that
is never placed leaves the archive as it was, and a refusal is raised where a write
in one step raised it (when placed).
"""

from __future__ import annotations

import fcntl
import gzip
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.archive.write import ArchiveWrite, store_snapshot
from monitor.config import Config, Expect, ListConfig
from monitor.errors import InputError
from monitor.files import SourceFile
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.kinds import IngestStatus
from monitor.store import Store, open_engine
from tests.conftest import SNAPSHOTS

LIST = "us-ofac-sdn"
FIRST = SNAPSHOTS / LIST / "2021-12-02T1850Z" / "sdn.csv.gz"
LATER = SNAPSHOTS / LIST / "2021-12-06T1844Z" / "sdn.csv.gz"
EARLY = datetime(2021, 12, 2, 18, 50, tzinfo=UTC)
LATE = datetime(2021, 12, 6, 18, 44, tzinfo=UTC)


def contents(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def archived_first(root: Path) -> Path:
    """An archive whose list has a version already (so later ones are staged)."""
    return store_snapshot(root, LIST, EARLY, [SourceFile.from_path(FIRST)]).folder


def test_a_version_staged_then_placed_is_the_one_step_write(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    archived_first(root)
    write = ArchiveWrite.started(root, LIST, LATE, [SourceFile.from_path(LATER)], ["x"])
    staged = [p.name for p in (root / LIST).iterdir() if p.name.startswith(".incoming-")]
    assert len(staged) == 1  # copied at once, not yet a version
    placed = write.place()
    write.close()
    assert placed.created and placed.folder == root / LIST / "2021-12-06T1844Z"
    assert [f.path.read_bytes() for f in placed.files] == [LATER.read_bytes()]
    assert sorted(p.name for p in (root / LIST).iterdir()) == [
        "2021-12-02T1850Z",
        "2021-12-06T1844Z",
    ]
    again = store_snapshot(root, LIST, LATE, [SourceFile.from_path(LATER)])
    assert (again.folder, again.created) == (placed.folder, False)


def test_a_staged_version_never_placed_leaves_the_archive_as_it_was(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    archived_first(root)
    before = contents(root)
    write = ArchiveWrite.started(root, LIST, LATE, [SourceFile.from_path(LATER)], ["x"])
    write.close()
    assert contents(root) == before
    descriptor = os.open(root / LIST, os.O_RDONLY | os.O_DIRECTORY)
    try:  # the list folder's shared lock went with it: a writer can clean up again
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(descriptor)


def test_a_refused_file_name_is_raised_when_placed_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    root = tmp_path / "archive"
    archived_first(root)
    before = contents(root)
    hidden = SourceFile(path=LATER, name=".sdn.csv")
    write = ArchiveWrite.started(root, LIST, LATE, [hidden], ["x"])
    with pytest.raises(InputError, match="not allowed in the archive"):
        write.place()
    write.close()
    assert contents(root) == before


def test_a_lists_first_version_is_written_only_when_placed(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write = ArchiveWrite.started(root, LIST, EARLY, [SourceFile.from_path(FIRST)], ["x"])
    assert not root.exists()
    write.close()
    assert not root.exists()
    placed = ArchiveWrite.started(root, LIST, EARLY, [SourceFile.from_path(FIRST)], ["x"])
    assert placed.place().folder == root / LIST / "2021-12-02T1850Z"


def test_a_plain_file_is_compressed_into_the_stage(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    archived_first(root)
    plain = tmp_path / "in" / "sdn.csv"
    plain.parent.mkdir()
    plain.write_bytes(gzip.decompress(LATER.read_bytes()))
    write = ArchiveWrite.started(root, LIST, LATE, [SourceFile.from_path(plain)], ["x"])
    placed = write.place()
    assert gzip.decompress(placed.files[0].path.read_bytes()) == plain.read_bytes()


def test_a_version_rejected_after_its_parse_leaves_no_folder(tmp_path: Path) -> None:
    """Staged while parsed, refused by its entry count: the archive keeps what it had."""
    store = Store(open_engine(f"sqlite:///{tmp_path / 'm.db'}"))
    config = Config(archive=tmp_path / "archive")

    def take(path: Path, expect: Expect) -> IngestStatus:
        request = IngestRequest(list_config=ListConfig(id=LIST, expect=expect), paths=[path])
        return ingest(store, config, request, now=datetime(2026, 1, 1, tzinfo=UTC)).status

    assert take(FIRST.parent / FIRST.name, Expect()) == IngestStatus.BASELINE
    before = contents(tmp_path / "archive")
    assert take(LATER, Expect(min_records=10**6)) == IngestStatus.REJECTED
    assert contents(tmp_path / "archive") == before
    assert take(LATER, Expect(max_removed_share=1.0)) == IngestStatus.APPLIED
    assert (tmp_path / "archive" / LIST / "2021-12-06T1844Z" / "sdn.csv.gz").is_file()


def test_no_thread_is_left_once_a_version_is_taken_in(tmp_path: Path) -> None:
    """The flush's thread ends with the flush: a command's process, left with one thread,
    ends at once (cli._end_process) instead of tearing the interpreter down."""
    store = Store(open_engine(f"sqlite:///{tmp_path / 'm.db'}"))
    config = Config(archive=tmp_path / "archive")
    threads = threading.active_count()
    for path in (FIRST, LATER):
        request = IngestRequest(list_config=ListConfig(id=LIST), paths=[path])
        ingest(store, config, request, now=datetime(2026, 1, 1, tzinfo=UTC))
        assert threading.active_count() == threads
    write = ArchiveWrite.started(
        tmp_path / "archive", LIST, LATE, [SourceFile.from_path(LATER)], ["x"]
    )
    write.close()
    assert threading.active_count() == threads
