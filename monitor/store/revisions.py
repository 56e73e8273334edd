"""Which schema revision this version of the tool writes, read without alembic or SQLAlchemy.

Every command opens the database, and almost always finds it at this
revision; telling so from the migration files as text keeps alembic (and,
for the light read path of ``lists``, SQLAlchemy) out of its start-up.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from monitor.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

_REVISION_LINE = re.compile(r"^(down_revision|revision) = (None|\"[^\"]+\")$", re.M)


@functools.cache
def head_revision() -> str:
    """The newest migration: the one revision no other migration names as its parent.

    Read from the migration files as text (tests check it against alembic's own
    answer), so that opening an up-to-date database needs no alembic import.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            if value != "None":
                (revisions if name == "revision" else parents).add(value.strip('"'))
    heads = revisions - parents
    if len(heads) != 1:
        raise StoreError(f"the migrations have {len(heads)} heads ({', '.join(sorted(heads))})")
    return heads.pop()
