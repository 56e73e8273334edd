"""A replay reads the next version's files in a worker while the current one is applied:
what it read ahead equals the first read's facts, or is left to the first read."""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

import pytest

from monitor.errors import InputError
from monitor.files import SourceFile
from monitor.ingest import guards, readahead
from tests.conftest import SNAPSHOTS, Cli, copy_shipped

SDN = SNAPSHOTS / "us-ofac-sdn" / "2021-12-30T1850Z" / "sdn.csv.gz"
LIMIT = 512 << 20


def _ahead(path: Path, limit: int = LIMIT) -> readahead.Read | None:
    done = readahead.read_whole(path, limit, guards.KEEP_BYTES, guards.TAIL_BYTES)
    return None if done is None else done[1]


def _first(path: Path, limit: int = LIMIT) -> guards.ContentFacts:
    return guards._read_content(SourceFile.from_path(path), limit)


def _same(read: readahead.Read, facts: guards.ContentFacts) -> bool:
    return (read.sha256, read.size, read.tail, read.content) == (
        facts.sha256,
        facts.size,
        facts.tail,
        facts.content,
    )


def test_what_is_read_ahead_equals_the_first_read() -> None:
    """Every file of the shipped archive (gzip, CSV and XML, several files a version)."""
    paths = sorted(p for p in SNAPSHOTS.rglob("*") if p.is_file() and p.name != "_decision.json")
    assert len(paths) >= 20
    for path in paths:
        read = _ahead(path)
        assert read is not None and _same(read, _first(path)), path


def test_anything_unusual_is_left_to_the_first_read(tmp_path: Path) -> None:
    """A plain or empty file is read ahead alike; several gzip members, trailing zeros, a
    cut or corrupt file and one over the limit are not: the first read reads them (or
    refuses them, with its own error) as before."""
    plain = gzip.decompress(SDN.read_bytes())
    files = {
        "plain.csv": plain,
        "empty.csv": b"",
        "members.csv.gz": gzip.compress(plain[:1000]) + gzip.compress(plain[1000:]),
        "zeros.csv.gz": gzip.compress(plain) + b"\0" * 8,
        "cut.csv.gz": gzip.compress(plain)[:-100],
        "corrupt.csv.gz": gzip.compress(plain)[:-8] + b"\0\0\0\0" + gzip.compress(plain)[-4:],
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    for name in ("plain.csv", "empty.csv"):
        read = _ahead(tmp_path / name)
        assert read is not None and _same(read, _first(tmp_path / name))
    for name in ("members.csv.gz", "zeros.csv.gz"):
        assert _ahead(tmp_path / name) is None
        assert _first(tmp_path / name).size == len(plain)
    for name in ("cut.csv.gz", "corrupt.csv.gz"):
        assert _ahead(tmp_path / name) is None
        with pytest.raises(InputError):
            _first(tmp_path / name)
    assert _ahead(tmp_path / "plain.csv", limit=1000) is None
    with pytest.raises(InputError, match="max_file_size"):
        _first(tmp_path / "plain.csv", limit=1000)
    # larger than the first read keeps: streamed by it, never held whole ahead of time
    too_big = readahead.read_whole(tmp_path / "members.csv.gz", LIMIT, 1000, guards.TAIL_BYTES)
    assert too_big is None
    assert readahead.read_whole(SDN, LIMIT, len(plain) - 1, guards.TAIL_BYTES) is None
    assert readahead.read_whole(SDN, LIMIT, len(plain), guards.TAIL_BYTES) is not None


def test_a_file_changed_after_it_was_read_ahead_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv.gz"
    path.write_bytes(SDN.read_bytes())
    # threads this process already had (other tests' servers, the xdist worker's own)
    before = set(threading.enumerate())
    with readahead.reading_ahead(guards.KEEP_BYTES, guards.TAIL_BYTES) as ahead:
        ahead.read([path], LIMIT)
        assert readahead.taken(SourceFile.from_path(path), LIMIT) is not None
        ahead.read([path], LIMIT)
        assert readahead.taken(SourceFile.from_path(path), LIMIT // 2) is None  # another limit
        ahead.read([path], LIMIT)
        ahead._pool.submit(lambda: None).result()  # one worker, in order: the read is done
        path.write_bytes(gzip.compress(b"1,changed\r\n"))  # then the file changes
        assert readahead.taken(SourceFile.from_path(path), LIMIT) is None
        assert set(threading.enumerate()) - before  # the read-ahead worker
    assert readahead.taken(SourceFile.from_path(path), LIMIT) is None  # none outside a replay
    # the worker is gone: the process may end at once
    assert not set(threading.enumerate()) - before


def test_a_replay_reads_each_later_version_ahead_in_the_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shipped SDN versions: the first is read by the pipeline, every later one once,
    in the worker; and the replay applies them all."""
    first_reads: list[str] = []
    ahead_reads: list[tuple[str, str]] = []
    real_first, real_ahead = guards._read_content, readahead.read_whole

    def counted_first(source: SourceFile, limit: int) -> guards.ContentFacts:
        first_reads.append(source.path.parent.name)
        return real_first(source, limit)

    def counted_ahead(path: Path, *args: int) -> object:
        ahead_reads.append((path.parent.name, threading.current_thread().name))
        return real_ahead(path, *args)

    monkeypatch.setattr(guards, "_read_content", counted_first)
    monkeypatch.setattr(readahead, "read_whole", counted_ahead)
    archive = copy_shipped(tmp_path / "archive")
    versions = sorted(p.name for p in (archive / "us-ofac-sdn").iterdir())
    config = tmp_path / "monitor.yml"
    config.write_text(f"archive: {archive}\n", encoding="utf-8")
    result = Cli(f"sqlite:///{tmp_path / 'm.db'}", config)("replay", "--list", "us-ofac-sdn")
    assert result.exit_code == 0, result.output
    assert f"{len(versions) - 1} applied, 1 baseline" in result.output
    assert first_reads == versions[:1]
    assert [name for name, _ in ahead_reads] == versions[1:]
    assert all(thread.startswith("read-ahead") for _, thread in ahead_reads)
