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
from monitor.sources import SourceFile


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
    root: Path, list_id: str, observed_at: datetime, files: list[SourceFile]
) -> ArchivedSnapshot:
    """Copy the files into the archive (compressed); files already there stay where they are."""
    validate_list_id(list_id)
    if files and all(is_inside(f.path, root) for f in files):
        return ArchivedSnapshot(folder=files[0].path.parent, files=files)
    list_folder = root / list_id
    list_folder.mkdir(parents=True, exist_ok=True)
    target = _free_folder(list_folder, folder_stamp(observed_at))
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=list_folder))
    try:
        for source in files:
            _compress_into(source, staging / (safe_file_name(source.name) + ".gz"))
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    archived = [SourceFile(path=target / (f.name + ".gz"), name=f.name) for f in files]
    return ArchivedSnapshot(folder=target, files=archived)


def _free_folder(list_folder: Path, stamp: str) -> Path:
    candidate = list_folder / stamp
    counter = 2
    while candidate.exists():
        candidate = list_folder / f"{stamp}-{counter}"
        counter += 1
    return candidate


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
