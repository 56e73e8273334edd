"""Local sources: a single file replaced in place, or a drop folder where versions appear.

A file is taken again when its modification time or size changed, copied
first so that the pipeline reads one consistent version. In a drop folder
each new file or sub-folder is one snapshot, taken once it has not changed
for the list's ``settle`` time (a writer may still be copying it) and in the
order of the date in its name, else of its modification time.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.dates import date_from_path
from monitor.errors import FetchError
from monitor.fetch.download import Download
from monitor.store.list_state import ListState


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "_")) and not path.name.endswith((".part", ".tmp"))


def poll_file(path: Path, state: ListState, *, workdir: Path, now: datetime) -> Download | None:
    """A copy of the file when it changed since the last check, else None."""
    stamp = _stamp(path)
    if stamp == state.file_stamp:
        return None
    copy = workdir / path.name
    try:
        shutil.copyfile(path, copy)
    except OSError as exc:
        raise FetchError(f"{path}: cannot be read ({exc.strerror})") from None
    if _stamp(path) != stamp:
        raise FetchError(f"{path}: changed while it was being read; trying again next run")
    return Download(
        paths=(copy,), source_uri=str(path), observed_at=now, remember={"file_stamp": stamp}
    )


def poll_files(
    paths: list[Path], state: ListState, *, workdir: Path, now: datetime
) -> Download | None:
    """Copies of all the files of a multi-file source when any changed, else None.

    The files form one version: all are copied (the unchanged ones too), and a
    file that changes while they are copied fails the check, to be taken whole
    at the next one. The stamps are remembered as one JSON object.
    """
    stamps = {str(path): _stamp(path) for path in paths}
    if json.dumps(stamps, sort_keys=True) == state.file_stamp:
        return None
    copies = []
    for path in paths:
        copy = workdir / path.name
        try:
            shutil.copyfile(path, copy)
        except OSError as exc:
            raise FetchError(f"{path}: cannot be read ({exc.strerror})") from None
        copies.append(copy)
    for path in paths:
        if _stamp(path) != stamps[str(path)]:
            raise FetchError(f"{path}: changed while it was being read; trying again next run")
    return Download(
        paths=tuple(copies),
        source_uri=" ".join(str(path) for path in paths),
        observed_at=now,
        remember={"file_stamp": json.dumps(stamps, sort_keys=True)},
    )


def _stamp(path: Path) -> str:
    try:
        info = path.stat()
    except OSError as exc:
        raise FetchError(f"{path}: {exc.strerror or 'cannot be read'}") from None
    if not path.is_file():
        raise FetchError(f"{path}: not a file or a folder (a multi-file source lists files)")
    return f"{info.st_mtime_ns}:{info.st_size}"


def poll_folder(
    folder: Path, state: ListState, *, settle: timedelta, now: datetime
) -> list[Download]:
    """The entries not taken yet, oldest first; entries still being written wait."""
    try:
        entries = [p for p in folder.iterdir() if _visible(p) and p.name not in state.seen]
    except OSError as exc:
        raise FetchError(f"{folder}: cannot be listed ({exc.strerror})") from None
    found = []
    for entry in entries:
        files = _entry_files(entry)
        changed = _newest_change(entry, files)
        if files and changed <= now - settle:
            dated = date_from_path([Path(entry.name)])
            found.append((dated or changed, entry.name, entry, files, dated))
    found.sort(key=lambda item: (item[0], item[1]))
    return [
        Download(paths=tuple(files), source_uri=str(entry), observed_at=dated or now, entry=name)
        for _, name, entry, files, dated in found
    ]


def _entry_files(entry: Path) -> list[Path]:
    if entry.is_file():
        return [entry]
    if entry.is_dir():
        return sorted(p for p in entry.iterdir() if _visible(p) and p.is_file())
    return []


def _newest_change(entry: Path, files: list[Path]) -> datetime:
    newest = max([os.stat(p).st_mtime for p in (entry, *files)])
    return datetime.fromtimestamp(newest, tz=UTC)
