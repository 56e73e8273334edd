"""`status` says whether a daemon holds the database (pid, host, since), each list's next
check and channels, and the watchlists with their channels; the JSON carries the same."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

from monitor.store import Store, open_engine
from monitor.store.locks import daemon_lock
from tests.conftest import Cli
from tests.service.conftest import service_config

WATCHLIST = """watchlists:
  - id: portfolio
    terms: [Huawei, SenseTime]
    filters: {lists: [us-ofac-sdn]}
    notify: [files]
    digest: {cron: "0 8 * * 1"}
"""


def _status(cli: Cli) -> dict[str, object]:
    result = cli("status", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_status_shows_the_daemon_lists_channels_and_watchlists(
    tmp_path: Path, seeded_sqlite: str
) -> None:
    config = service_config(
        tmp_path, "https://example.org/sdn.csv", notify=("files",), extra=WATCHLIST
    )
    cli = Cli(seeded_sqlite, config)

    idle = _status(cli)
    assert idle["daemon"] == {"running": False, "holders": []}
    assert "daemon:      not running on this database" in cli("status").output

    store = Store(open_engine(seeded_sqlite))
    with daemon_lock(store):
        held = _status(cli)
        text = cli("status").output
    after = _status(cli)
    store.engine.dispose()

    daemon = held["daemon"]
    assert isinstance(daemon, dict) and daemon["running"] is True
    (holder,) = daemon["holders"]
    assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", holder["since"])
    assert f"daemon:      running, pid {os.getpid()} on {socket.gethostname()} since " in text
    assert after["daemon"] == {"running": False, "holders": []}

    (item,) = held["lists"]  # type: ignore[misc]
    assert item["channels"] == ["files"]
    assert item["next_run"] and item["next_run_by"] == "schedule"
    assert held["watchlists"] == [
        {
            "watchlist": "portfolio",
            "entries": 2,
            "lists": ["us-ofac-sdn"],
            "threshold": 0.9,
            "channels": [{"channel": "files", "kind": "file"}],
            "digest": "0 8 * * 1",
        }
    ]
    assert "portfolio: 2 entries on us-ofac-sdn, threshold 0.9; channels: files" in text
    assert "channels:    files" in text
    places = held["places"]
    assert isinstance(places, dict) and places["config"] == str(config)
    assert f"config:      {config} (--config)" in text


def test_a_holder_file_left_by_a_killed_daemon_is_not_a_running_daemon(
    tmp_path: Path, seeded_sqlite: str
) -> None:
    cli = Cli(seeded_sqlite, service_config(tmp_path, "https://example.org/sdn.csv"))
    holder = Path(seeded_sqlite.removeprefix("sqlite:///") + ".daemon.lock.holder")
    gone = 2**22 + 12345  # above Linux's default pid_max: no such process
    holder.write_text(f"pid {gone} on {socket.gethostname()} since 2026-01-01T00:00:00Z\n")
    assert _status(cli)["daemon"] == {"running": False, "holders": []}


def test_daemon_holders_on_both_backends(db_url: str) -> None:
    """On PostgreSQL the holders come from pg_locks and pg_stat_activity."""
    from monitor.store.locks import daemon_holders

    store = Store(open_engine(db_url))
    try:
        assert daemon_holders(store) == []
        with daemon_lock(store):
            (holder,) = daemon_holders(store)
        assert daemon_holders(store) == []
    finally:
        store.engine.dispose()
    assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
    assert holder["since"] and holder["mode"] == "exclusive"
