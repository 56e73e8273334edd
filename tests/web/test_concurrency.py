"""Fifty API clients read while another process applies a new version: every answer is
whole (the state before the version or after it, never a mix) and none is an error.

On SQLite and on PostgreSQL (``db_url``: a private schema on WATCHLIST_MONITOR_TEST_PG,
skipped saying so when it is not set)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from monitor.config import load_config
from monitor.store import Store, open_engine
from monitor.web.app import create_app
from monitor.web.serving import WebServer
from tests.conftest import ROOT, Cli, shipped_versions, write_config

CLIENTS = 50
LIST = "us-ofac-sdn"
DAY = "2021-12-02"


@pytest.fixture
def server(tmp_path: Path, db_url: str) -> Iterator[tuple[Cli, Path, str]]:
    archive = tmp_path / "archive"
    archive.mkdir()
    config = write_config(tmp_path, archive, f"  - {{id: {LIST}, format: ofac-csv}}\n")
    cli = Cli(db_url, config)
    first = shipped_versions(LIST)[0] / "sdn.csv.gz"
    result = cli("ingest", str(first), "--list", LIST, "--observed-at", "2021-11-23T18:48:00Z")
    assert result.exit_code == 0, result.output
    settings = load_config(config, database=cli.db)
    store = Store(open_engine(settings.database))
    web = WebServer.bind(create_app(store, settings), "127.0.0.1", 0, log_level="warning")
    stopped: list[str] = []
    web.start(on_exit=lambda: stopped.append("the server stopped on its own"))
    try:
        yield cli, config, web.address
    finally:
        web.stop()
        store.engine.dispose()
    assert not stopped


def test_fifty_clients_during_an_ingest_get_whole_answers(server: tuple[Cli, Path, str]) -> None:
    cli, config, base = server
    before = httpx.get(f"{base}/api/v1/lists").json()[0]["entries"]
    report_url = f"{base}/api/v1/report?list={LIST}&date=observed&since={DAY}&until={DAY}"
    assert httpx.get(report_url).json()["events"] == []
    assert httpx.get(f"{base}/api/v1/search?q=BANK").json()["results"]  # search index warm
    second = shipped_versions(LIST)[1] / "sdn.csv.gz"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "monitor",
            "--db",
            cli.db,
            "--config",
            str(config),
            "ingest",
            str(second),
            "--list",
            LIST,
            "--observed-at",
            f"{DAY}T01:41:00Z",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    seen: list[tuple[int, int]] = []
    failures: list[str] = []
    lock = threading.Lock()

    def reader() -> None:
        with httpx.Client(timeout=60) as client:
            rounds = 0
            while rounds < 2 or writer.poll() is None:
                rounds += 1
                lists = client.get(f"{base}/api/v1/lists")
                report = client.get(report_url)
                with lock:
                    if lists.status_code != 200 or report.status_code != 200:
                        failures.append(f"{lists.status_code} {report.status_code} {report.text}")
                        return
                    seen.append((lists.json()[0]["entries"], len(report.json()["events"])))

    threads = [threading.Thread(target=reader) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    _, err = writer.communicate(timeout=600)
    for thread in threads:
        thread.join(timeout=600)
    assert writer.returncode == 0, err.decode()
    assert not failures, failures[:3]
    after = httpx.get(f"{base}/api/v1/lists").json()[0]["entries"]
    events = len(httpx.get(report_url).json()["events"])
    assert events > 0 and after != before
    assert len(seen) >= 2 * CLIENTS
    assert {count for count, _ in seen} <= {before, after}
    assert {n for _, n in seen} <= {0, events}
    new = next(e for e in httpx.get(report_url).json()["events"] if e["kind"] == "listed")
    found = httpx.get(f"{base}/api/v1/search", params={"q": new["key"]}).json()["results"]
    assert [(r["key"], r["status"]) for r in found if r["key"] == new["key"]] == [
        (new["key"], "listed")
    ]
