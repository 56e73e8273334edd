"""What a command's process imports, seen from a new interpreter (start-up is paid per run).

A log file's rotating handler brings ``logging.handlers`` and with it socket, pickle
and queue (about 10 ms of a light command such as ``--help``; a replay imports the
last three through SQLAlchemy, pydantic and its read-ahead anyway): it is imported
only when ``--log-file`` asks for it, and then the file is written as before.

A replay into SQLite needs neither SQLAlchemy's PostgreSQL dialect (about 30 ms: the
subjects' lookups import it only on PostgreSQL) nor alembic (a new database is created
from the schema, an up-to-date one recognised from its version row).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SNAPSHOTS, fresh_python

SDN = SNAPSHOTS / "us-ofac-sdn"
LOG_FILE_MODULES = ("logging.handlers", "socket", "pickle", "queue")
NOT_FOR_SQLITE = ("sqlalchemy.dialects.postgresql", "alembic")


def _imported(argv: list[str], names: tuple[str, ...] = LOG_FILE_MODULES) -> dict[str, bool]:
    """Which of ``names`` the CLI run with ``argv`` imported, in a process of its own,
    printed at exit (the CLI ends through the exit handlers)."""
    code = (
        "import atexit, json, sys\n"
        f"sys.argv = {argv!r}\n"
        f"names = {names!r}\n"
        "atexit.register(lambda: print(json.dumps({n: n in sys.modules for n in names}),"
        " flush=True))\n"
        "from monitor.cli import main\n"
        "main()\n"
    )
    return dict(json.loads(fresh_python(code).strip().splitlines()[-1]))


def _replay(
    tmp_path: Path, *options: str, names: tuple[str, ...] = LOG_FILE_MODULES
) -> dict[str, bool]:
    """A real ``replay`` of the first shipped SDN version: which of ``names`` it imported."""
    version = sorted(p for p in SDN.iterdir() if p.is_dir())[0]
    config = tmp_path / "monitor.yml"
    config.write_text(
        f"archive: {tmp_path / 'archive'}\nlists:\n  - {{id: us-ofac-sdn, format: ofac-csv}}\n",
        encoding="utf-8",
    )
    argv = [
        "watchlist-monitor",
        "--db",
        f"sqlite:///{tmp_path / 'm.db'}",
        "--config",
        str(config),
        *options,
        "replay",
        str(version),
        "--list",
        "us-ofac-sdn",
    ]
    return _imported(argv, names)


def test_without_a_log_file_no_log_file_machinery_is_imported(tmp_path: Path) -> None:
    assert _imported(["watchlist-monitor", "--help"]) == dict.fromkeys(LOG_FILE_MODULES, False)
    assert _replay(tmp_path, "-q")["logging.handlers"] is False
    assert (tmp_path / "m.db").exists()  # the replay ran


def test_a_log_file_still_gets_its_rotating_handler(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "monitor.log"
    imported = _replay(tmp_path, "--log-file", str(log), "-vv")
    assert imported["logging.handlers"] is True
    assert log.read_text(encoding="utf-8").strip()  # lines were written to it


def test_a_sqlite_replay_imports_no_postgresql_dialect_nor_alembic(tmp_path: Path) -> None:
    """Into a new database, then into the same one again (up to date, nothing to apply)."""
    for _ in range(2):
        assert _replay(tmp_path, "-q", names=NOT_FOR_SQLITE) == dict.fromkeys(NOT_FOR_SQLITE, False)
    assert (tmp_path / "m.db").exists()
