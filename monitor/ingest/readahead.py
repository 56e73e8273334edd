"""Reading a replay's next version while the current one is applied.

Why: a replay applies versions one after the other, and the first read of a
version's files (decompressing, hashing and keeping them: ``guards.read_contents``)
was a fifth of an SDN version's time. zlib and hashlib work without the GIL, so one
worker thread reads the next version in the meantime: the whole compressed file, one
decompression and one hash, so that it seldom needs the interpreter the pipeline is
using. ``read_contents`` then takes what was read ahead instead of reading again.

Nothing else may change, so a file read ahead is used only when it is certain to
give what the first read would: a plain file or one complete gzip member, within the
size limit, and the file on disk not changed since (size, time, inode). Anything
else (a file too large, corrupt, truncated, of several gzip members, or a read that
failed) is left to the first read, which reads it, or refuses it, as it always did.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from monitor import files
from monitor.files import SourceFile

_Stamp = tuple[int, int, int]  # size, mtime_ns, inode


@dataclass(frozen=True, kw_only=True)
class Read:
    """What the first read learns of a file (``guards.ContentFacts``'s values)."""

    sha256: str
    size: int
    tail: bytes
    content: bytes | None


def _stamp(path: Path) -> _Stamp:
    stat = os.stat(path)
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def read_whole(path: Path, limit: int, keep: int, tail: int) -> tuple[_Stamp, Read] | None:
    """The facts of one file read in one go, or None where the first read must decide.

    Only a file whose content the first read would keep (at most ``keep`` bytes, and
    within ``limit``) is read ahead: a larger one is streamed by the first read, never
    held whole in memory, ahead or not.
    """
    cap = min(limit, keep)
    before = _stamp(path)
    data = files.read_whole(path, cap)  # the first read's own fast path, the same bytes
    if data is None or _stamp(path) != before:
        return None
    facts = Read(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        tail=data[-tail:] if tail else b"",
        content=data,
    )
    return before, facts


class ReadAhead:
    """One worker reading the files of the next version: the reads of at most two versions
    (the one being applied, the next) are kept."""

    def __init__(self, keep: int, tail: int) -> None:
        self._keep = keep
        self._tail = tail
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead")
        self._reads: dict[tuple[Path, int], Future[tuple[_Stamp, Read] | None]] = {}
        self._batches: list[list[tuple[Path, int]]] = []

    def read(self, paths: Sequence[Path], limit: int) -> None:
        """Start reading these files; reads asked before the previous call and never taken
        are forgotten (the version being applied takes its own meanwhile)."""
        keys = [(path, limit) for path in paths]
        self._batches.append(keys)
        while len(self._batches) > 2:
            for key in self._batches.pop(0):
                future = self._reads.pop(key, None)
                if future is not None:
                    future.cancel()
        for key in keys:
            self._reads[key] = self._pool.submit(read_whole, *key, self._keep, self._tail)

    def take(self, source: SourceFile, limit: int) -> Read | None:
        """What was read ahead of this file under this limit, if it is still the file's."""
        future = self._reads.pop((source.path, limit), None)
        if future is None or source.content is not None or future.cancelled():
            return None
        try:
            done = future.result()
            if done is None or _stamp(source.path) != done[0]:
                return None
        except Exception:  # the first read reads it again, and says what fails
            return None
        return done[1]

    def close(self) -> None:
        for future in self._reads.values():
            future.cancel()
        self._reads = {}
        self._batches = []
        self._pool.shutdown(wait=True)  # no thread left: the process may end at once


_active: list[ReadAhead] = []


@contextmanager
def reading_ahead(keep: int, tail: int) -> Iterator[ReadAhead]:
    """Within the block, ``read_contents`` takes the files read ahead."""
    ahead = ReadAhead(keep, tail)
    _active.append(ahead)
    try:
        yield ahead
    finally:
        _active.remove(ahead)
        ahead.close()


def taken(source: SourceFile, limit: int) -> Read | None:
    """The facts of ``source`` read ahead, when a replay is reading ahead and has them."""
    return _active[-1].take(source, limit) if _active else None
