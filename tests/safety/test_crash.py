"""SIGKILL at many points of a real ingest (and of a replay): all or nothing, and a rerun completes.

Each kill point runs the real command, ``python -m monitor ...``, in a fresh
database and archive, kills it with SIGKILL, and checks that the database
holds exactly the state before the snapshot or exactly the state after it
(never a mix); then runs the same command again and checks that the result
equals an uninterrupted run, event for event.

Kill points are spread over the run: two while the file is read and parsed,
the rest after the snapshot's archive folder appears, i.e. while the one
transaction that applies it is open, spread over its measured duration.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from monitor.archive.discover import discover
from monitor.config import Config, load_config
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.service.verify import verify
from monitor.store import Store, open_engine
from monitor.store.database import normalise_url
from tests.conftest import PG_ENV, realdata, shipped_versions, write_config
from tests.safety.helpers import INCOMPLETE_CONS, NOW, approve_version, fingerprint

EMPTY: dict[str, list[object]] = {"snapshots": [], "versions": [], "events": [], "deliveries": []}
# Where to kill, most telling first: ("start", f) is f of the time until the archive folder
# appears (reading, parsing); ("archive", f) is f of the time from then to the end (the
# transaction). As many are used as fit in the time budget, at least MIN_POINTS.
CANDIDATES = (
    ("archive", 0.5),
    ("archive", 0.2),
    ("archive", 0.8),
    ("start", 0.75),
    ("archive", 0.0),
    ("archive", 0.95),
)
MIN_POINTS = 3
BUDGET_SECONDS = 12.0  # per backend; a kill point costs about one and a half runs
# Real series years apart: most of a list really changes between two of their versions.
LOOSE = "{max_removed_share: 1.0, max_modified_share: 1.0, max_field_loss_share: 1.0}"
LISTS = f"  - id: us-ofac-sdn\n    expect: {LOOSE}\n" + (
    f"  - id: us-ofac-cons\n    expect: {LOOSE}\n"
)


@dataclass
class Run:
    """One database and archive to run the real command against."""

    url: str
    folder: Path

    @property
    def config_path(self) -> Path:
        return write_config(self.folder, self.folder / "archive", LISTS)

    def command(self, *args: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "monitor",
            "--db",
            self.url,
            "--config",
            str(self.config_path),
            *args,
        ]

    def store(self) -> Store:
        return Store(open_engine(self.url))

    def config(self) -> Config:
        return load_config(self.config_path, database=self.url)


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    folder.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'monitor.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (CI does)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def run_to_end(run: Run, args: list[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(run.command(*args), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def timed_reference(run: Run, args: list[str], signal_path: Path) -> tuple[float, float]:
    """Run to the end, noting when the archive folder appeared and when the result was printed.

    The summary line is printed right after the commit, so the two times bracket the
    transaction (and the archive write just before it).
    """
    start = time.monotonic()
    process = subprocess.Popen(
        run.command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    appeared = None
    while appeared is None and process.poll() is None:
        if signal_path.exists():
            appeared = time.monotonic() - start
        time.sleep(0.001)
    assert process.stdout is not None
    process.stdout.readline()
    printed = time.monotonic() - start
    process.stdout.read()
    assert process.wait() == 0
    return (appeared if appeared is not None else printed), printed


def kill_at(run: Run, args: list[str], signal_path: Path, plan: tuple[str, float]) -> str:
    """Start the command and SIGKILL it at the planned point; say where it was."""
    process = subprocess.Popen(
        run.command(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    anchor, delay = plan
    start = time.monotonic()
    if anchor == "archive":
        while process.poll() is None and not signal_path.exists():
            time.sleep(0.001)
        start = time.monotonic()
    while process.poll() is None and time.monotonic() - start < delay:
        time.sleep(0.001)
    finished = process.poll() is not None
    process.send_signal(signal.SIGKILL)
    process.wait()
    return "finished before the kill" if finished else f"killed {anchor}+{delay:.2f}s"


def kill_plan(until_archive: float, end: float) -> list[tuple[str, float]]:
    """The candidate points that fit the budget on this machine (a loaded CI runner is slower)."""
    window = max(end - until_archive, 0.02)
    count = max(MIN_POINTS, min(len(CANDIDATES), int(BUDGET_SECONDS / (1.8 * end))))
    return [
        (anchor, fraction * (window if anchor == "archive" else until_archive))
        for anchor, fraction in CANDIDATES[:count]
    ]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sigkill_during_the_ingest_of_a_real_file(backend: str, tmp_path: Path) -> None:
    sdn = realdata("ofac-sdn", "2016-10-11_dermody", "SDN.CSV")
    args = ["ingest", str(sdn), "--list", "us-ofac-sdn"]
    stamp = "us-ofac-sdn/2016-10-11T0000Z"
    with fresh_database(backend, tmp_path / "reference") as url:
        reference = Run(url, tmp_path / "reference")
        until_archive, end = timed_reference(reference, args, reference.folder / "archive" / stamp)
        after = fingerprint(reference.store())
    assert after["versions"] and after["events"]
    outcomes: list[tuple[str, str]] = []
    for number, plan in enumerate(kill_plan(until_archive, end)):
        folder = tmp_path / f"kill-{number}"
        with fresh_database(backend, folder) as url:
            run = Run(url, folder)
            where = kill_at(run, args, folder / "archive" / stamp, plan)
            store = run.store()
            state = fingerprint(store)
            assert state in (EMPTY, after), f"{where}: a mix of before and after"
            outcomes.append((where, "after" if state == after else "before"))
            run_to_end(run, args)
            assert fingerprint(store) == after, f"{where}: the rerun differs"
            report = verify(store, run.config(), now=NOW, replay=False)
            assert report.ok, [p.line() for p in report.problems]
            store.engine.dispose()
    print(f"\n{backend}: " + "; ".join(f"{w} -> {s}" for w, s in outcomes))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_kill_while_applying_then_a_newer_version_keeps_the_archive_true(
    backend: str, tmp_path: Path
) -> None:
    """Killed at any point of applying V2, then V3 is ingested: the archive and the database
    still tell the same history (V2 is finished first when it was archived), so a full
    verify, which rebuilds the events from the archive, passes."""
    v1, v2, v3 = shipped_versions("us-ofac-sdn")[:3]
    first, args, last = (
        ["ingest", str(v / "sdn.csv.gz"), "--list", "us-ofac-sdn"] for v in (v1, v2, v3)
    )
    stamp = f"us-ofac-sdn/{v2.name}"
    with fresh_database(backend, tmp_path / "reference") as url:
        reference = Run(url, tmp_path / "reference")
        run_to_end(reference, first)
        until_archive, end = timed_reference(reference, args, reference.folder / "archive" / stamp)
    outcomes = []
    for number, plan in enumerate(kill_plan(until_archive, end)):
        folder = tmp_path / f"kill-{number}"
        with fresh_database(backend, folder) as url:
            run = Run(url, folder)
            run_to_end(run, first)
            where = kill_at(run, args, folder / "archive" / stamp, plan)
            run_to_end(run, last)
            store = run.store()
            report = verify(store, run.config(), now=NOW)
            assert report.ok, (where, [p.line() for p in report.problems])
            applied = [row for row in fingerprint(store)["snapshots"] if row[3] == "applied"]
            archived = sorted(p.name for p in (folder / "archive" / "us-ofac-sdn").iterdir())
            assert len(applied) == len(archived), where
            outcomes.append(f"{where} -> {len(archived)} versions")
            store.engine.dispose()
    print(f"\n{backend}: " + "; ".join(outcomes))


def test_sigkill_during_a_replay_of_real_versions(tmp_path: Path) -> None:
    """After a kill a replay holds a prefix of the history; running it again completes it."""
    versions = [
        realdata("ofac-consolidated", "2016-09-16_dermody"),
        realdata("ofac-consolidated", "2018-04-06_perchrh"),
        realdata("ofac-consolidated", "2025-04-21_li-xiaohui"),
        realdata("ofac-consolidated", "2025-12-19_moov"),
    ]
    source = tmp_path / "versions"
    for folder in versions:
        target = source / folder.name
        target.mkdir(parents=True)
        for file in folder.glob("cons_*.csv"):
            (target / file.name).symlink_to(file)
        if folder.name == INCOMPLETE_CONS:
            approve_version(target, "the copy lacks cons_alt.csv; applied to test crashes")
    args = ["replay", str(source), "--list", "us-ofac-cons"]
    prefixes, work = _prefix_states(tmp_path / "prefixes", source)
    start = time.monotonic()
    with fresh_database("sqlite", tmp_path / "reference") as url:
        run_to_end(Run(url, tmp_path / "reference"), ["--help"])
    startup = time.monotonic() - start
    for number, fraction in enumerate((0.5, 0.85)):
        folder = tmp_path / f"kill-{number}"
        with fresh_database("sqlite", folder) as url:
            run = Run(url, folder)
            where = kill_at(run, args, folder / "none", ("start", startup + fraction * work))
            state = fingerprint(run.store())
            assert state in prefixes, f"{where}: not the state after a whole number of snapshots"
            run_to_end(run, args)
            assert fingerprint(run.store()) == prefixes[-1], f"{where}: the rerun differs"


def _prefix_states(folder: Path, source: Path) -> tuple[list[dict[str, Any]], float]:
    """The fingerprint after 0, 1, 2... of the versions, and the time the ingests took."""
    work = 0.0
    with fresh_database("sqlite", folder) as url:
        run = Run(url, folder)
        store, config = run.store(), run.config()
        states = [fingerprint(store)]
        for version in discover([source], "us-ofac-cons"):
            request = IngestRequest(
                list_config=config.list_config(version.list_id),
                paths=version.files,
                observed_at=version.observed_at,
                source_uri=str(version.folder),
            )
            start = time.monotonic()
            ingest(store, config, request, now=NOW)
            work += time.monotonic() - start
            states.append(fingerprint(store))
    return states, work
