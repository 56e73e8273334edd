"""The archive: every version of every list, as published, gzip-compressed.

Layout: ``<archive>/<list-id>/<UTC timestamp>/<original file name>.gz``. A
snapshot is written to a temporary folder and renamed into place, so a crash
never leaves half a snapshot; the database can always be rebuilt from here.
The temporary folders a killed writer leaves (``.incoming-*``) are removed by
the next write to that list that finds no other writer at work in it.
"""

from __future__ import annotations

import filecmp
import gzip
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
    validate_list_id(list_id)
    if files and all(is_inside(f.path, root) for f in files):
        return ArchivedSnapshot(folder=files[0].path.parent, files=files)
    list_folder = root / list_id
    try:
        list_folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(list_id, list_folder, exc) from exc
    stamp = folder_stamp(observed_at)
    digests = hashes if hashes is not None else [f.sha256() for f in files]
    wanted = {safe_file_name(f.name): h for f, h in zip(files, digests, strict=True)}
    try:
        with _writing(list_folder):
            target, created = _archived_already(list_folder, stamp, wanted, files), False
            if target is None:
                staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=list_folder))
                try:
                    for source in files:
                        _compress_into(source, staging / (source.name + ".gz"))
                    target, created = _place(staging, list_folder, stamp, wanted, files)
                finally:
                    shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise _unwritable(list_id, list_folder, exc) from exc
    archived = [SourceFile(path=target / (f.name + ".gz"), name=f.name) for f in files]
    return ArchivedSnapshot(folder=target, files=archived, created=created)


def _unwritable(list_id: str, list_folder: Path, exc: OSError) -> ArchiveError:
    return ArchiveError(
        f"list {list_id}: cannot write to the archive folder {list_folder}: "
        f"{os_reason(exc)}; nothing was applied"
    )


@contextmanager
def _writing(list_folder: Path) -> Iterator[None]:
    """Hold a shared lock on the list folder while staging a version in it.

    Every writer holds it shared; one that can take it exclusively first knows
    no other writer is at work, so any ``.incoming-*`` folder left is from a
    killed one and is removed. The lock dies with its process: none is ever stale.
    """
    try:
        import fcntl  # POSIX only: elsewhere versions are still staged, but not cleaned up
    except ImportError:
        yield
        return
    descriptor = os.open(list_folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # another writer is staging here: its folder is in use
        else:
            _remove_interrupted(list_folder)
        fcntl.flock(descriptor, fcntl.LOCK_SH)
        yield
    finally:
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


def _compress_into(source: SourceFile, destination: Path) -> None:
    """Gzip the file into the archive; a file that is already gzip is copied as is."""
    if source.is_gzip:
        shutil.copyfile(source.path, destination)
    else:
        with _gzip_writer.open(destination, "wb", compresslevel=COMPRESS_LEVEL) as out:
            for chunk in source.iter_chunks():
                out.write(chunk)
    with destination.open("rb") as written:
        os.fsync(written.fileno())
