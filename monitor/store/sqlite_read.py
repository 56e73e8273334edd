"""Reading an up-to-date SQLite database through the standard library, without SQLAlchemy.

For ``lists``, which only reads: importing SQLAlchemy takes longer than the
rest of the command. This path is taken only when it cannot differ from the
full one: a plain ``sqlite:///path`` URL, an existing file, and a schema at
the revision this version writes. Anything else (PostgreSQL, a missing or
fresh file, an older schema to migrate, a newer one to refuse, any SQLite
error) answers None, and the caller opens the database the usual way, which
migrates, refuses or reports exactly as every other command does.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

from monitor.store.overview import list_overview
from monitor.store.revisions import head_revision

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 60_000
_PREFIX = "sqlite:///"


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL; None for any other URL (driver, options,
    escapes, in memory), which only SQLAlchemy reads the same way as the rest of the tool."""
    if not url.startswith(_PREFIX):
        return None
    path = url[len(_PREFIX) :]
    if not path or path == ":memory:" or path.startswith("//") or any(c in path for c in "?#%"):
        return None
    return Path(path)


def _open_current(path: Path) -> sqlite3.Connection | None:
    """A connection in a read transaction, when the file's schema is this version's."""
    uri = f"file:{quote(str(path))}?mode=rw"  # never creates a file: that is migrate's job
    connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        connection.execute("BEGIN")  # one snapshot of the database for every query
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        connection.close()
        raise
    if row is None or row[0] != head_revision():
        connection.close()
        return None
    return connection


def read_overview(url: str) -> list[dict[str, Any]] | None:
    """:func:`monitor.store.overview.list_overview` of the database at ``url``, or None when
    the database must be opened the usual way (see the module's docstring)."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        connection = _open_current(path)
        if connection is None:
            return None
        with closing(connection):
            return list_overview(lambda sql, params: connection.execute(sql, params).fetchall())
    except sqlite3.Error as exc:  # the usual path reports it (with what to do about it)
        log.debug("light read of %s not possible: %s", path, exc)
        return None
