"""Finding the snapshots of an archive (or any folder tree of versions) to replay in order.

Accepted layouts: an archive root (``<root>/<list-id>/<version>/<files>``), a
list folder (``<list>/<version>/<files>``) or one version folder. Version
folders are replayed in order of the date in their names; hidden folders
(unfinished writes) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from monitor.config import validate_list_id
from monitor.dates import date_from_path
from monitor.errors import InputError


@dataclass(frozen=True, kw_only=True)
class VersionFolder:
    list_id: str
    folder: Path
    files: list[Path]
    observed_at: datetime | None


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "_"))


def _children(folder: Path) -> tuple[list[Path], list[Path]]:
    entries = sorted(p for p in folder.iterdir() if _visible(p))
    return [p for p in entries if p.is_dir()], [p for p in entries if p.is_file()]


def _version(list_id: str, folder: Path) -> VersionFolder:
    _, files = _children(folder)
    return VersionFolder(
        list_id=list_id, folder=folder, files=files, observed_at=date_from_path([folder])
    )


def discover(paths: list[Path], list_id: str | None) -> list[VersionFolder]:
    """Every version folder under the paths, oldest first (undated ones last)."""
    found: list[VersionFolder] = []
    for path in paths:
        if not path.is_dir():
            raise InputError(f"{path}: not a folder of snapshots")
        found += _discover_one(path, list_id)
    far_future = datetime.max.replace(tzinfo=UTC)
    return sorted(found, key=lambda v: (v.list_id, v.observed_at or far_future, str(v.folder)))


def _discover_one(path: Path, list_id: str | None) -> list[VersionFolder]:
    folders, files = _children(path)
    if files and not folders:
        return [_version(_require_id(list_id, path.parent), path)]
    if folders and all(not _children(f)[0] for f in folders):
        return [_version(_require_id(list_id, path), f) for f in folders]
    versions: list[VersionFolder] = []
    for list_folder in folders:
        if list_id is None or list_folder.name == list_id:
            versions += [_version(list_folder.name, f) for f in _children(list_folder)[0]]
    return versions


def _require_id(list_id: str | None, folder: Path) -> str:
    return validate_list_id(list_id or folder.name)


@lru_cache(maxsize=4096)
def _folder_date(name: str) -> datetime | None:
    """The date of a version folder's name, remembered: versions_between runs before every
    version a list takes in, so a replay would read each name's date once per version."""
    return date_from_path([Path(name)])


def versions_between(
    archive: Path, list_id: str, *, after: datetime | None, before: datetime
) -> list[VersionFolder]:
    """The archived versions of one list dated from ``after`` to before ``before``, oldest first.

    Compared at the minute of the folder names (a stamp has no seconds): the
    folder of ``after`` itself is included, the minute of ``before`` is not.
    Only folder names are read until a folder is in range, so this stays cheap
    when called before every version a list takes in.
    """
    folder = archive / list_id
    if not folder.is_dir():
        return []
    low = after.replace(second=0, microsecond=0) if after else None
    high = before.replace(second=0, microsecond=0)
    found = []
    for child in folder.iterdir():
        observed = _folder_date(child.name) if _visible(child) else None
        if observed is None or observed >= high or (low is not None and observed < low):
            continue
        if child.is_dir():
            found.append(_version(list_id, child))
    return sorted(found, key=lambda v: (v.observed_at or high, str(v.folder)))
