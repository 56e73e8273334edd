"""The archive: every version of every list, as published, gzip-compressed.

Layout: ``<archive>/<list-id>/<UTC timestamp>/<original file name>.gz``. A
snapshot is written to a temporary folder and renamed into place, so a crash
never leaves half a snapshot; the database can always be rebuilt from here.
The temporary folders a killed writer leaves (``.incoming-*``) are removed by
the next write to that list that finds no other writer at work in it.
"""

from __future__ import annotations

import _thread
import filecmp
import gzip
import os
import shutil
import tempfile
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import ModuleType

from monitor.config import validate_list_id
from monitor.dates import folder_stamp
from monitor.errors import ArchiveError, InputError, os_reason
from monitor.files import SourceFile

STAGING_PREFIX = ".incoming-"

# A plain file is gzip-compressed into the archive by ISA-L at its level 3 when installed:
# a fifth of zlib's level-6 time for about 7% more bytes (3 MB of OFAC CSV: 56 ms against
# 268 ms, 659 kB against 613 kB), the same gzip format every tool reads. Else zlib's 6.
_gzip_writer: ModuleType
try:
    from isal import igzip as _gzip_writer

    COMPRESS_LEVEL = 3
except ImportError:
    _gzip_writer = gzip
    COMPRESS_LEVEL = 6


@dataclass(frozen=True, kw_only=True)
class ArchivedSnapshot:
    folder: Path
    files: list[SourceFile]
    created: bool = False  # this call made the folder (a refusal must remove it again)


def safe_file_name(name: str) -> str:
    """A plain file name: no folders, no hidden files, nothing that escapes the archive."""
    if not name or name != Path(name).name or name.startswith(".") or "\\" in name or "\0" in name:
        raise InputError(f"file name {name!r} is not allowed in the archive")
    return name


def is_inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def store_snapshot(
    root: Path,
    list_id: str,
    observed_at: datetime,
    files: list[SourceFile],
    hashes: list[str] | None = None,
) -> ArchivedSnapshot:
    """Copy the files into the archive (compressed); files already there stay where they are.

    A version folder that already holds the same files is reused, so a rerun
    after a crash, or a second process archiving the same version at the same
    moment, never makes a duplicate copy.
    """
    write = ArchiveWrite(root, list_id, observed_at, files, hashes)
    try:
        return write.place()
    finally:
        write.close()


class _Flushing:
    """A staged version's copies flushed to disk in a thread of its own, which ends with
    the flush; :meth:`result` waits for it (a Future's interface).

    Why a thread each time, and a bare one (``_thread``): a pool's thread, idle between
    versions, keeps a command from ending its process at once (``cli._end_process``
    does only when no other thread is left), and ``threading.Thread.start`` waits until
    the new thread runs, a round trip that costs more than the flush on a busy machine
    (0.2-0.8 ms, against 0.05 ms for a bare thread). The thread only flushes and hands
    over its outcome; whoever places or removes the version waits for that outcome, so
    nothing of the version is left to it by then.
    """

    def __init__(self, staged: _Staged) -> None:
        self._outcome: Future[_Staged] = Future()
        _thread.start_new_thread(self._run, (staged,))

    def _run(self, staged: _Staged) -> None:
        try:
            self._outcome.set_result(_flushed(staged))
        except BaseException as exc:  # handed to the waiting thread
            self._outcome.set_exception(exc)

    def result(self) -> _Staged:
        return self._outcome.result()


@dataclass(frozen=True, kw_only=True)
class _Staged:
    """What staging left for the placing: the list folder's shared lock (its descriptor,
    None where there is no flock), and the folder holding this version already or the
    staging folder with the copies (exactly one of the two), the copies open for their
    flush (:func:`_flushed`)."""

    lock: int | None
    wanted: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    found: Path | None = None
    staging: Path | None = None
    copies: tuple[int, ...] = ()  # the staged copies' descriptors, until placed or removed
    inside: bool = False  # the files are in the archive already (``found`` is their folder)


class ArchiveWrite:
    """One version's files written into the archive in two steps: staged (copied or
    compressed into a ``.incoming-*`` folder of the list and flushed to disk, or found
    archived already), then placed (renamed to its version folder).

    Why two: flushing the copy to disk (fsync) is most of archiving an SDN version's
    time (about 1 ms of waiting for the disk, more on a busy one) and needs nothing
    the ingest does. :meth:`started` stages the version and leaves its flush to a
    thread of its own (the wait needs no interpreter) while the ingest parses the version;
    :meth:`place` waits for the flush and renames, once the version has passed its
    checks and before anything is applied, so the archive still holds every applied
    version durably first. A staged version that is never placed (rejected, or an
    error) is removed by :meth:`close`: a staging folder is never a version, and one
    a killed process leaves is removed by the next writer of the list
    (:func:`_lock_shared`). The list folder's shared lock is held from staging to
    placing, so no other writer takes the staging folder for an interrupted one.
    Every refusal (a list id or file name not allowed, an unwritable folder) is
    raised by :meth:`place`, where a write in one step raised it. A list's first
    version is written in one step when placed: nothing of a list that has none is
    written before.
    """

    def __init__(
        self,
        root: Path,
        list_id: str,
        observed_at: datetime,
        files: list[SourceFile],
        hashes: list[str] | None = None,
        *,
        background: bool = False,
    ) -> None:
        self.root, self.list_id, self.files = root, list_id, files
        self.observed_at = observed_at
        self.list_folder = root / list_id
        self.stamp = folder_stamp(observed_at)
        self.hashes = hashes
        self._staged: Future[_Staged] | _Flushing | None = None
        if background:
            # A list's first version is archived when placed, in one step: staged now,
            # a version refused later would leave the list's folder behind it.
            if self.list_folder.is_dir():
                self._staged = self._started()
            return
        self._staged = Future()
        try:
            self._staged.set_result(_flushed(self._stage()))
        except Exception as exc:  # raised by place, where one step raised it
            self._staged.set_exception(exc)

    def _started(self) -> Future[_Staged] | _Flushing:
        """Stage now, and flush in a thread of its own; a refusal waits for place."""
        try:
            staged = self._stage()
        except Exception as exc:  # an interrupt is not kept for later
            failed: Future[_Staged] = Future()
            failed.set_exception(exc)
            return failed
        if not staged.copies:  # archived already: nothing to flush
            done: Future[_Staged] = Future()
            done.set_result(staged)
            return done
        return _Flushing(staged)

    @classmethod
    def started(
        cls,
        root: Path,
        list_id: str,
        observed_at: datetime,
        files: list[SourceFile],
        hashes: list[str],
    ) -> ArchiveWrite:
        """The write, its copies flushed to disk by a thread of its own meanwhile."""
        return cls(root, list_id, observed_at, files, hashes, background=True)

    def _stage(self) -> _Staged:
        """Find the version archived already (or the files in the archive themselves),
        else copy it into a new staging folder (not yet flushed)."""
        validate_list_id(self.list_id)
        if self.files and all(is_inside(f.path, self.root) for f in self.files):
            return _Staged(lock=None, found=self.files[0].path.parent, inside=True)
        try:
            self.list_folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _unwritable(self.list_id, self.list_folder, exc) from exc
        digests = self.hashes if self.hashes is not None else [f.sha256() for f in self.files]
        wanted = {safe_file_name(f.name): h for f, h in zip(self.files, digests, strict=True)}
        lock = None
        staged = None
        try:
            lock = _lock_shared(self.list_folder)
            found = _archived_already(self.list_folder, self.stamp, wanted, self.files)
            if found is not None:
                return _Staged(lock=lock, wanted=wanted, found=found)
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.list_folder))
            staged = _Staged(lock=lock, wanted=wanted, staging=staging)
            copies = []
            try:
                for source in self.files:
                    copies.append(_compress_into(source, staging / (source.name + ".gz")))
            finally:
                staged = replace(staged, copies=tuple(copies))
            return staged
        except BaseException as exc:
            _release(staged or _Staged(lock=lock))
            if isinstance(exc, OSError):
                raise _unwritable(self.list_id, self.list_folder, exc) from exc
            raise

    def place(self) -> ArchivedSnapshot:
        """The version in its archive folder: the staged copy renamed into place (waiting
        for its flush first), or the folder that holds it already. A later call archives
        again (finding the version where the first call put it), as a new write would."""
        future = self._staged
        if future is None:
            return store_snapshot(
                self.root, self.list_id, self.observed_at, self.files, self.hashes
            )
        staged = self._flushed(future)  # interrupted here, close() still removes the staging
        self._staged = None
        if staged.inside:
            return ArchivedSnapshot(folder=staged.found or self.root, files=self.files)
        try:
            if staged.found is not None:
                target, created = staged.found, False
            else:
                assert staged.staging is not None
                target, created = _place(
                    staged.staging, self.list_folder, self.stamp, staged.wanted, self.files
                )
        except OSError as exc:
            raise _unwritable(self.list_id, self.list_folder, exc) from exc
        finally:
            _release(staged)
        archived = [SourceFile(path=target / (f.name + ".gz"), name=f.name) for f in self.files]
        return ArchivedSnapshot(folder=target, files=archived, created=created)

    def _flushed(self, future: Future[_Staged] | _Flushing) -> _Staged:
        """The staged version once its copies are on disk; a failed flush removes it."""
        try:
            return future.result()
        except _FlushFailed as failed:
            self._staged = None
            _release(failed.staged)
            raise _unwritable(self.list_id, self.list_folder, failed.error) from failed.error

    def close(self) -> None:
        """Remove what was staged and never placed (waiting for its flush first)."""
        future, self._staged = self._staged, None
        if future is None:
            return
        try:
            staged = future.result()
        except _FlushFailed as failed:
            staged = failed.staged
        except Exception:  # nothing was staged: nothing to remove
            return
        _release(staged)


class _FlushFailed(Exception):
    """A staged version's flush failed: what to remove, and why."""

    def __init__(self, staged: _Staged, error: OSError) -> None:
        super().__init__(str(error))
        self.staged = staged
        self.error = error


def _flushed(staged: _Staged) -> _Staged:
    """The staged copies flushed to disk (their descriptors stay open until released):
    the staged version, or _FlushFailed (in the flushing thread, or on the caller's)."""
    try:
        for descriptor in staged.copies:
            os.fsync(descriptor)
    except OSError as exc:
        raise _FlushFailed(staged, exc) from exc
    return staged


def _release(staged: _Staged) -> None:
    """Close the copies, remove a staging folder left (once renamed, there is none) and
    drop the lock."""
    for descriptor in staged.copies:
        os.close(descriptor)
    if staged.staging is not None:
        shutil.rmtree(staged.staging, ignore_errors=True)
    _unlock(staged.lock)


def _unwritable(list_id: str, list_folder: Path, exc: OSError) -> ArchiveError:
    return ArchiveError(
        f"list {list_id}: cannot write to the archive folder {list_folder}: "
        f"{os_reason(exc)}; nothing was applied"
    )


def _lock_shared(list_folder: Path) -> int | None:
    """Hold a shared lock on the list folder while staging a version in it (a descriptor
    for :func:`_unlock`; None where there is no flock).

    Every writer holds it shared; one that can take it exclusively first knows
    no other writer is at work, so any ``.incoming-*`` folder left is from a
    killed one and is removed. The lock dies with its process: none is ever stale.
    """
    try:
        import fcntl  # POSIX only: elsewhere versions are still staged, but not cleaned up
    except ImportError:
        return None
    descriptor = os.open(list_folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # another writer is staging here: its folder is in use
        else:
            _remove_interrupted(list_folder)
        fcntl.flock(descriptor, fcntl.LOCK_SH)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _unlock(descriptor: int | None) -> None:
    if descriptor is not None:
        os.close(descriptor)  # releases the lock


def _remove_interrupted(list_folder: Path) -> None:
    """Remove the staging folders of interrupted writes; call only holding the exclusive lock."""
    for folder in list_folder.glob(STAGING_PREFIX + "*"):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def _archived_already(
    list_folder: Path, stamp: str, wanted: dict[str, str], sources: list[SourceFile]
) -> Path | None:
    """The folder that already holds this version, found as :func:`_place` would find it.

    Why: a version archived before (a replay of a folder that was taken in, a rerun)
    was copied, flushed to disk and checked again, only for the copy to be thrown away.
    """
    counter = 1
    while True:
        candidate = list_folder / (stamp if counter == 1 else f"{stamp}-{counter}")
        if not candidate.exists():
            return None
        if _holds(candidate, wanted, sources):
            return candidate
        counter += 1


def _place(
    staging: Path,
    list_folder: Path,
    stamp: str,
    wanted: dict[str, str],
    sources: list[SourceFile] | None = None,
) -> tuple[Path, bool]:
    """Rename the staged folder to the first free name, or reuse an identical folder;
    says whether the folder is new."""
    counter = 1
    while True:
        candidate = list_folder / (stamp if counter == 1 else f"{stamp}-{counter}")
        if candidate.exists() and _holds(candidate, wanted, sources):
            return candidate, False
        if not candidate.exists():
            try:
                os.rename(staging, candidate)
                return candidate, True
            except OSError:
                if not candidate.exists():
                    raise
                continue  # another process won the name: look at what it wrote
        counter += 1


def _holds(folder: Path, wanted: dict[str, str], sources: list[SourceFile] | None = None) -> bool:
    """True when the folder holds exactly these files with this content.

    A file whose source was gzip already is the same when its bytes are the source's
    (it is archived as a copy); any other is read and hashed.
    """
    present = {p.name for p in folder.iterdir() if not p.name.startswith((".", "_"))}
    if present != {name + ".gz" for name in wanted}:
        return False
    copies = {s.name: s.path for s in sources or ()}
    try:
        return all(
            _same_copy(copies.get(name), folder / (name + ".gz"))
            or SourceFile(path=folder / (name + ".gz"), name=name).sha256() == digest
            for name, digest in wanted.items()
        )
    except (OSError, EOFError, InputError):
        return False


def _same_copy(source: Path | None, archived: Path) -> bool:
    """The archived file is a byte-for-byte copy of a gzip source."""
    if source is None or not SourceFile(path=source, name=source.name).is_gzip:
        return False
    return filecmp.cmp(source, archived, shallow=False)


def _compress_into(source: SourceFile, destination: Path) -> int:
    """Gzip the file into the archive; a file that is already gzip is copied as is.
    Returns a descriptor of the copy, for its flush to disk (:func:`_flushed`)."""
    if source.is_gzip:
        shutil.copyfile(source.path, destination)
    else:
        with _gzip_writer.open(destination, "wb", compresslevel=COMPRESS_LEVEL) as out:
            for chunk in source.iter_chunks():
                out.write(chunk)
    return os.open(destination, os.O_RDONLY)
