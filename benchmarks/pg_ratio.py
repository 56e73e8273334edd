"""PostgreSQL against SQLite on the real SDN series, version by version in one process.

    WATCHLIST_MONITOR_BENCH_PG=postgresql://... python benchmarks/pg_ratio.py [--versions N]

Why: the machine is shared, and fingerprints.py's PostgreSQL ratio compares two
processes run one after the other, so a change of load between them moves it (the
same code gave 0.87x to 1.98x). Here each version is applied to a SQLite database
and to a private PostgreSQL schema in turn (which goes first alternates), so both
meet the same load; for each backend the wall time, the process's CPU time, the
statements SQLAlchemy sent, and on PostgreSQL the server's CPU time (the backends'
/proc/PID/schedstat, when the server runs on this machine) are added up for the
first version and for the others. No hooks run (as fingerprints.py's replay).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from run import PgSchema, postgres_url
from sqlalchemy import event
from workloads import LOOSE, NOW, REALDATA_SDN, sdn_versions

from monitor.config import Config, ListConfig
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.store import Store, open_engine


class Backend:
    """One database the series is applied to, and what applying it cost there."""

    def __init__(self, name: str, url: str, work: Path) -> None:
        self.name = name
        self.store = Store(open_engine(url))
        self.config = Config(archive=work / f"archive-{name}")
        self.totals: Counter[str] = Counter()
        self.statements = 0
        self.backends: set[int] = set()
        event.listen(self.store.engine, "after_cursor_execute", self._counted)
        if self.store.backend == "postgresql":
            event.listen(self.store.engine, "checkout", self._backend_of)

    def _counted(self, *_: Any) -> None:
        self.statements += 1

    def _backend_of(self, dbapi_connection: Any, *_: Any) -> None:
        self.backends.add(dbapi_connection.info.backend_pid)

    def server_seconds(self) -> float:
        """CPU time of the server processes this backend's connections talk to (0 when the
        server is elsewhere)."""
        total = 0
        for pid in self.backends:
            try:
                total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
        return total / 1e9

    def apply(self, version: Path, part: str) -> None:
        request = IngestRequest(
            list_config=ListConfig(id="us-ofac-sdn", expect=LOOSE),
            paths=sorted(p for p in version.iterdir() if p.is_file()),
        )
        self.statements = 0
        server, cpu, wall = self.server_seconds(), time.process_time(), time.perf_counter()
        ingest(self.store, self.config, request, now=NOW)
        self.totals[f"{part} wall"] += time.perf_counter() - wall
        self.totals[f"{part} cpu"] += time.process_time() - cpu
        self.totals[f"{part} server"] += self.server_seconds() - server
        self.totals[f"{part} statements"] += self.statements
        self.totals[f"{part} versions"] += 1

    def line(self, part: str) -> str:
        t = self.totals
        n = max(t[f"{part} versions"], 1)
        return (
            f"{t[f'{part} wall'] / n * 1000:.1f} ms wall, {t[f'{part} cpu'] / n * 1000:.1f} ms "
            f"CPU, {t[f'{part} server'] / n * 1000:.1f} ms server CPU, "
            f"{t[f'{part} statements'] / n:.1f} statements"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, help="only the first N versions")
    options = parser.parse_args()
    base = postgres_url()
    if base is None:
        sys.exit("set WATCHLIST_MONITOR_BENCH_PG to a PostgreSQL database the benchmark may fill")
    work = Path(tempfile.mkdtemp(prefix="wm-pg-ratio-"))
    schema = PgSchema(base)
    try:
        backends = [
            Backend("sqlite", f"sqlite:///{work / 'ratio.db'}", work),
            Backend("postgresql", schema.url, work),
        ]
        versions = sdn_versions(REALDATA_SDN)[: options.versions]
        for number, version in enumerate(versions):
            part = "first" if number == 0 else "steady"
            for backend in backends if number % 2 else reversed(backends):
                backend.apply(version, part)
        for backend in backends:
            print(f"{backend.name}: first version {backend.line('first')}")
            print(f"{backend.name}: each later version {backend.line('steady')}")
        sqlite, pg = (sum(b.totals[f"{p} wall"] for p in ("first", "steady")) for b in backends)
        print(
            f"{len(versions)} versions: SQLite {sqlite:.2f} s, PostgreSQL {pg:.2f} s = "
            f"{pg / sqlite:.2f}x (load {os.getloadavg()[0]:.1f})"
        )
        for backend in backends:
            backend.store.engine.dispose()
    finally:
        schema.drop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
