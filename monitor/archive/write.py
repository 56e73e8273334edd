"""The archive: every version of every list, as published, gzip-compressed.

Layout: ``<archive>/<list-id>/<UTC timestamp>/<original file name>.gz``. A
snapshot is written to a temporary folder and renamed into place, so a crash
never leaves half a snapshot; the database can always be rebuilt from here.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from monitor.config import validate_list_id
from monitor.dates import folder_stamp
from monitor.errors import InputError
from monitor.files import SourceFile


@dataclass(frozen=True, kw_only=True)
class ArchivedSnapshot:
    folder: Path
    files: list[SourceFile]


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
    list_folder.mkdir(parents=True, exist_ok=True)
    stamp = folder_stamp(observed_at)
    digests = hashes if hashes is not None else [f.sha256() for f in files]
    wanted = {safe_file_name(f.name): h for f, h in zip(files, digests, strict=True)}
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=list_folder))
    try:
        for source in files:
            _compress_into(source, staging / (source.name + ".gz"))
        target = _place(staging, list_folder, stamp, wanted)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    archived = [SourceFile(path=target / (f.name + ".gz"), name=f.name) for f in files]
    return ArchivedSnapshot(folder=target, files=archived)


def _place(staging: Path, list_folder: Path, stamp: str, wanted: dict[str, str]) -> Path:
    """Rename the staged folder to the first free name, or reuse an identical folder."""
    counter = 1
    while True:
        candidate = list_folder / (stamp if counter == 1 else f"{stamp}-{counter}")
        if candidate.exists() and _holds(candidate, wanted):
            return candidate
        if not candidate.exists():
            try:
                os.rename(staging, candidate)
                return candidate
            except OSError:
                if not candidate.exists():
                    raise
                continue  # another process won the name: look at what it wrote
        counter += 1


def _holds(folder: Path, wanted: dict[str, str]) -> bool:
    """True when the folder holds exactly these files with this content."""
    present = {p.name for p in folder.iterdir() if not p.name.startswith((".", "_"))}
    if present != {name + ".gz" for name in wanted}:
        return False
    try:
        return all(
            SourceFile(path=folder / (name + ".gz"), name=name).sha256() == digest
            for name, digest in wanted.items()
        )
    except (OSError, EOFError, InputError):
        return False


def _compress_into(source: SourceFile, destination: Path) -> None:
    """Gzip the file into the archive; a file that is already gzip is copied as is."""
    if source.is_gzip:
        shutil.copyfile(source.path, destination)
    else:
        with gzip.open(destination, "wb", compresslevel=6) as out:
            for chunk in source.iter_chunks():
                out.write(chunk)
    with destination.open("rb") as written:
        os.fsync(written.fileno())
