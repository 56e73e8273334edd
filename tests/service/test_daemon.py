"""The daemon: schedules, coalesced missed runs, one daemon per database, a clean SIGTERM."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from apscheduler.events import (
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)

from monitor.config import load_config
from monitor.errors import AlreadyRunning
from monitor.reports.environment import make_environment
from monitor.service.check import CheckContext
from monitor.service.daemon import Daemon
from monitor.store import Store, open_engine
from tests.conftest import ROOT, Cli, private_pg_schema
from tests.service.conftest import (
    ADDED_IN_V2,
    V1,
    V2,
    Publisher,
    SmtpServer,
    free_port,
    seed_baseline,
    service_config,
)
from tests.service.helpers import listed_names, snapshot


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    """Poll until the condition holds; the timeout only bounds a hang, nothing is timed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def make_daemon(url: str, config_path: Path, *, shared: bool = False) -> Daemon:
    config = load_config(config_path, database=url)
    context = CheckContext(
        store=Store(open_engine(url)),
        config=config,
        environment=make_environment(config.templates),
        stop=threading.Event(),
    )
    return Daemon(context, shared=shared)


def start(daemon: Daemon) -> threading.Thread:
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    return thread


def spawn(url: str, config_path: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "monitor", "--db", url, "--config", str(config_path)]
    return subprocess.Popen(
        [*command, *args],
        cwd=config_path.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_daemon_applies_a_new_version_and_retries_the_mailer_until_it_is_back(
    tmp_path: Path,
    seeded_sqlite: str,
    publisher: Publisher,
    smtp: SmtpServer,
    versions: dict[str, Path],
) -> None:
    publisher.serve(versions[V2])
    config = service_config(
        tmp_path, publisher.url, notify=("mail",), smtp_port=smtp.port, schedule="{every: 1s}"
    )
    smtp.stop()
    daemon = make_daemon(seeded_sqlite, config)
    thread = start(daemon)
    try:
        wait_for(lambda: listed_names(seeded_sqlite) == [ADDED_IN_V2], "the new version")
        wait_for(
            lambda: [d[1] for d in snapshot(seeded_sqlite)["deliveries"]] == ["failed"],
            "a failed delivery while the mailer is down",
        )
        smtp.start()
        wait_for(lambda: len(smtp.messages) == 1, "the email once the mailer is back")
        wait_for(lambda: len(publisher.requests) >= 4, "more scheduled checks")
    finally:
        daemon.stop.set()
        thread.join(20)
    assert not thread.is_alive()
    assert len(smtp.messages) == 1
    assert [d[1] for d in snapshot(seeded_sqlite)["deliveries"]] == ["sent"]
    assert listed_names(seeded_sqlite) == [ADDED_IN_V2]


def test_missed_runs_coalesce_into_one_and_later_runs_fire_on_schedule(
    tmp_path: Path, seeded_sqlite: str, publisher: Publisher, versions: dict[str, Path]
) -> None:
    publisher.serve(versions[V1])
    daemon = make_daemon(
        seeded_sqlite, service_config(tmp_path, publisher.url, schedule="{every: 1s}")
    )
    first_run = datetime.now(UTC) - timedelta(seconds=30.5)
    scheduler = daemon.build_scheduler(first_run=first_run)
    seen: list[JobExecutionEvent] = []
    scheduler.add_listener(
        seen.append, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
    )

    def checks() -> list[JobExecutionEvent]:
        return [e for e in seen if e.job_id == "check:us-ofac-sdn"]

    scheduler.start()
    try:
        wait_for(lambda: len(checks()) >= 3, "three executions of the check")
    finally:
        scheduler.shutdown(wait=True)
    assert all(e.code == EVENT_JOB_EXECUTED for e in checks())
    times = [e.scheduled_run_time for e in checks()]
    # The 30 missed runs ran once, as the latest of them, not from the oldest one on.
    assert times[0] >= first_run + timedelta(seconds=29)
    assert times == sorted(times) and len(set(times)) == len(times)
    steps = {(b - a).total_seconds() for a, b in itertools.pairwise(times)}
    assert steps <= {1.0, 2.0, 3.0}
    assert len(publisher.requests) == len(checks())


def test_a_second_daemon_on_the_same_database_refuses_and_sigterm_stops_cleanly(
    tmp_path: Path, seeded_sqlite: str, publisher: Publisher, versions: dict[str, Path]
) -> None:
    publisher.serve(versions[V1])
    config = service_config(tmp_path, publisher.url, schedule="{every: 1h}")
    lock = Path(seeded_sqlite.removeprefix("sqlite:///") + ".daemon.lock.holder")
    first = spawn(seeded_sqlite, config, "daemon")
    try:
        wait_for(lambda: lock.exists() and "pid" in lock.read_text(), "the first daemon's lock")
        second = spawn(seeded_sqlite, config, "daemon")
        _, errors = second.communicate(timeout=30)
        assert second.returncode == 1
        assert "another daemon is already running on this database" in errors
        assert f"pid {first.pid}" in errors
    finally:
        first.send_signal(signal.SIGTERM)
        _, log = first.communicate(timeout=30)
    assert first.returncode == 0, log
    assert "daemon started" in log and "daemon stopped" in log


def test_sigterm_during_a_check_leaves_the_database_consistent(
    tmp_path: Path, seeded_sqlite: str, publisher: Publisher, versions: dict[str, Path]
) -> None:
    publisher.serve(versions[V2])
    publisher.faults = ["stall"]
    config = service_config(
        tmp_path,
        publisher.url,
        notify=("files",),
        schedule="{every: 1h}",
        fetch="{timeout: 30s, retries: 2, retry_delay: 0.05s}",
    )
    before = snapshot(seeded_sqlite)
    daemon = spawn(seeded_sqlite, config, "daemon")
    try:
        assert publisher.stalled.wait(30), "the daemon never started its check"
        daemon.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        publisher.release.set()
        _, log = daemon.communicate(timeout=30)
    finally:
        if daemon.poll() is None:
            daemon.kill()
            print(daemon.communicate()[1])
    assert daemon.returncode == 0, log
    assert snapshot(seeded_sqlite) == before
    assert "abandoned" in log

    result = Cli(seeded_sqlite, config)("check")

    assert result.exit_code == 0, result.output
    assert listed_names(seeded_sqlite) == [ADDED_IN_V2]
    assert len(list((tmp_path / "reports").iterdir())) == 3


@pytest.fixture
def pg_url() -> Iterator[str]:
    with private_pg_schema() as url:
        yield url


@pytest.mark.postgres
def test_two_daemons_sharing_postgresql_apply_each_version_once(
    tmp_path: Path, pg_url: str, publisher: Publisher, versions: dict[str, Path]
) -> None:
    seed_baseline(pg_url, tmp_path / "archive", versions[V1])
    publisher.serve(versions[V2])
    config = service_config(tmp_path, publisher.url, notify=("files",), schedule="{every: 1s}")
    daemons = [make_daemon(pg_url, config, shared=True) for _ in range(2)]
    threads = [start(d) for d in daemons]
    try:
        wait_for(lambda: listed_names(pg_url) == [ADDED_IN_V2], "the new version")
        wait_for(lambda: len(publisher.requests) >= 6, "several checks by both daemons")
        with pytest.raises(AlreadyRunning, match="--shared"):
            make_daemon(pg_url, config).run()
    finally:
        for daemon in daemons:
            daemon.stop.set()
        for thread in threads:
            thread.join(20)
    state = snapshot(pg_url)
    assert listed_names(pg_url) == [ADDED_IN_V2]
    assert [s for s, _ in state["snapshots"]].count("applied") == 2  # baseline + V2
    assert state["deliveries"] == [("files", "sent", state["deliveries"][0][2])]
    assert len(list((tmp_path / "reports").iterdir())) == 3


def test_daemon_serve_checks_and_serves_from_one_process_and_stops_on_sigterm(
    tmp_path: Path, seeded_sqlite: str, versions: dict[str, Path]
) -> None:
    """The real CLI in a subprocess: the scheduled check of a local drop folder applies the
    new version, the same process answers the API, and SIGTERM ends both with status 0."""
    drop = tmp_path / "drop"
    (drop / V2).mkdir(parents=True)
    shutil.copyfile(versions[V2], drop / V2 / "sdn.csv")
    config = service_config(tmp_path, str(drop), schedule="{every: 1h}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    daemon = spawn(seeded_sqlite, config, "daemon", "--serve", "--port", str(port))

    def answers(path: str) -> httpx.Response | None:
        try:
            return httpx.get(base + path, timeout=10)
        except httpx.TransportError:
            return None

    def v2_is_current() -> bool:
        found = answers("/api/v1/lists")
        return found is not None and found.json()[0]["last_snapshot"] == "2021-12-17T18:49:00Z"

    try:
        wait_for(lambda: (r := answers("/readyz")) is not None and r.status_code == 200, "/readyz")
        wait_for(v2_is_current, "the checked version in /api/v1/lists", timeout=60)
        report = answers("/api/v1/report?since=2021-12-17&until=2021-12-17&date=observed")
        assert report is not None and report.status_code == 200
        assert [e["name"] for e in report.json()["events"]] == [ADDED_IN_V2]
        busy = spawn(seeded_sqlite, config, "daemon", "--serve", "--port", str(port))
        _, refused = busy.communicate(timeout=60)
        assert busy.returncode == 1
        assert f"cannot listen on 127.0.0.1:{port}" in refused
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            _, log = daemon.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            daemon.kill()
            raise
    assert daemon.returncode == 0, log
    assert f"serving the web app and API on {base}" in log
    assert "daemon stopped" in log
    assert answers("/healthz") is None


def test_host_and_port_without_serve_are_refused(tmp_path: Path, sqlite_url: str) -> None:
    result = Cli(sqlite_url)("daemon", "--host", "0.0.0.0", "--port", "9000")
    assert result.exit_code == 1
    assert "--host and --port apply only with --serve" in result.output
