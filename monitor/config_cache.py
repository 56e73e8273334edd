"""Remembered validations: a configuration that validated before is trusted without pydantic.

Importing the configuration models and validating (pydantic, the format and
notifier registries, the watchlist matcher's vocabulary) costs more than a
command such as ``lists`` spends on its own work. Every successful validation
is therefore remembered in the user cache directory under a key of
everything the outcome depends on:

* the settings exactly as validated: the file's content with ``${ENV_VAR}``
  references expanded, the database URL from --db or the environment, the
  defaults chosen for the working folder, and the working folder itself
  (relative paths are read from it);
* the code that validates: the path, size and modification time of every
  module of this package, the Python build, and the modification times of the
  site-packages folders (installing, upgrading or removing a library changes
  them);
* the content (SHA-256) of every file the validation read: watchlist entries files.

A configuration is trusted only when all of these match a remembered
validation, so an edited file, a changed environment variable or new code
always goes through the full validation, which names the file on an error.
Invalid configurations are never remembered. Only what the light commands
show is stored (the places of :meth:`monitor.config.Config.where`, with any
password masked) plus hashes: no setting or secret is written to the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import site
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.config_file import APP_NAME, Gathered, create_home

if TYPE_CHECKING:
    from monitor.config import Config

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
KEEP = 64  # remembered validations; the oldest beyond this are removed when one is added
PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Checked:
    """What a command needs of a configuration known to be valid: its database and places."""

    database: str
    where: dict[str, str | None]

    @classmethod
    def of(cls, config: Config) -> Checked:
        return cls(database=config.database, where=config.where())


def trusted(gathered: Gathered) -> Checked | None:
    """The remembered validation of exactly these settings with this code, or None.

    None means "validate": nothing remembered, or anything it depended on changed.
    """
    database = gathered.data.get("database")
    if not isinstance(database, str):
        return None
    try:
        stored = json.loads(_entry(_key(gathered)).read_text(encoding="utf-8"))
        if stored.get("format") != CACHE_FORMAT:
            return None
        for name, digest in stored["files"].items():
            if _file_digest(Path(name)) != digest:
                return None
        where = stored["where"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(where, dict):
        return None
    create_home(gathered)  # as a successful validation does
    return Checked(database=database, where=where)


def remember(gathered: Gathered, config: Config) -> None:
    """Record that these settings validated into ``config`` (best effort: never an error)."""
    try:
        files = {str(path): _file_digest(path) for path in _files_read(config)}
        entry = _entry(_key(gathered))
        entry.parent.mkdir(parents=True, exist_ok=True)
        body = {"format": CACHE_FORMAT, "where": config.where(), "files": files}
        partial = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(body), encoding="utf-8")
        os.replace(partial, entry)
        _prune(entry.parent)
    except OSError as exc:  # a read-only home, a full disk: validate again next time
        log.debug("validated configuration not remembered: %s", exc)


def _files_read(config: Config) -> list[Path]:
    """Files whose content the validation read (and so its outcome depends on)."""
    return [item.entries for item in config.watchlists if isinstance(item.entries, Path)]


def _key(gathered: Gathered) -> str:
    parts = (
        CACHE_FORMAT,
        repr(gathered.data),
        os.getcwd(),
        sys.executable,
        sys.version,
        _code_stamp(),
        _library_stamp(),
    )
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _code_stamp() -> list[tuple[str, int, int]]:
    """Path, size and modification time of every module of this package."""
    stamp = []
    folders = [PACKAGE]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for item in entries:
                if item.is_dir(follow_symlinks=False) and item.name != "__pycache__":
                    folders.append(Path(item.path))
                elif item.name.endswith(".py"):
                    info = item.stat()
                    stamp.append((item.path, info.st_size, info.st_mtime_ns))
    return sorted(stamp)


def _library_stamp() -> list[tuple[str, int]]:
    """Modification time of each site-packages folder: a library installed, upgraded or
    removed adds or removes an entry there."""
    folders = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        folders.append(site.getusersitepackages())
    stamp = []
    for folder in folders:
        try:
            stamp.append((folder, os.stat(folder).st_mtime_ns))
        except OSError:
            stamp.append((folder, -1))
    return stamp


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _entry(key: str) -> Path:
    return cache_dir() / f"{key}.json"


def cache_dir() -> Path:
    """Where validations are remembered: the user cache directory (platformdirs)."""
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False) / "validated-config"


def _prune(folder: Path) -> None:
    """Keep the newest KEEP entries (each working folder or edit of a file adds one)."""
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in entries[KEEP:]:
        stale.unlink(missing_ok=True)
