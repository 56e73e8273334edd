"""One benchmark workload per function, each run in its own process by run.py.

Every function returns a dict of figures; run.py adds the process's peak RSS.
Keeping each workload in a fresh process makes the memory figure its own and
keeps one workload's caches from flattering the next.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deepdiff import DeepDiff
from sqlalchemy import func, select

from monitor.archive.discover import discover
from monitor.config import Config, Expect, ListConfig
from monitor.files import SourceFile
from monitor.formats import get_format
from monitor.formats._csl_common import CSV_COLUMNS
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.store import Store, open_engine
from monitor.store import schema as t

NOW = datetime(2026, 1, 1, tzinfo=UTC)
REALDATA_SDN = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata" / "ofac-sdn"
LOOSE = Expect(min_records=1, max_removed_share=1.0)


def sdn_versions(folder: Path) -> list[Path]:
    """Every dated version folder of the real SDN series, oldest first."""
    versions = discover([folder], "us-ofac-sdn")
    return [v.folder for v in versions if v.observed_at and "T" in v.folder.name]


def _store(url: str) -> Store:
    return Store(open_engine(url))


def _database_bytes(store: Store, url: str) -> int:
    if url.startswith("sqlite:///"):
        with store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(url[len("sqlite:///") :])
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with store.read() as connection:
        return int(
            connection.execute(select(func.pg_database_size(func.current_database()))).scalar_one()
        )


def _count(store: Store, table: Any) -> int:
    with store.read() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def replay_real(folder: str, url: str) -> dict[str, Any]:
    """Our replay of the real SDN series into a fresh database."""
    work = Path(tempfile.mkdtemp(prefix="wm-bench-"))
    store = _store(url)
    config = Config(archive=work / "archive")
    statuses: dict[str, int] = {}
    start = time.perf_counter()
    for version in sdn_versions(Path(folder)):
        request = IngestRequest(
            list_config=ListConfig(id="us-ofac-sdn", expect=LOOSE),
            paths=sorted(p for p in version.iterdir() if p.is_file()),
        )
        result = ingest(store, config, request, now=NOW)
        statuses[result.status] = statuses.get(result.status, 0) + 1
    seconds = time.perf_counter() - start
    figures = {
        "seconds": seconds,
        "statuses": statuses,
        "events": _count(store, t.events),
        "versions_rows": _count(store, t.entity_versions),
        "db_bytes": _database_bytes(store, url),
    }
    shutil.rmtree(work, ignore_errors=True)
    return figures


def parse_real(folder: str) -> dict[str, Any]:
    """The lower bound: only read and parse the same files with the same parser."""
    parser = get_format("ofac-csv")
    start = time.perf_counter()
    records = 0
    for version in sdn_versions(Path(folder)):
        files = [SourceFile.from_path(p) for p in sorted(version.iterdir()) if p.is_file()]
        try:
            records += sum(1 for _ in parser.parse(files))
        except Exception:  # the real 0-byte download: parsing it is part of the work
            continue
    return {"seconds": time.perf_counter() - start, "records": records}


def naive_real(folder: str, steps: int) -> dict[str, Any]:
    """What a user might write: DeepDiff of the two whole lists of records per step."""
    parser = get_format("ofac-csv")
    versions = sdn_versions(Path(folder))[: steps + 1]
    previous = None
    per_step: list[float] = []
    for version in versions:
        files = [SourceFile.from_path(p) for p in sorted(version.iterdir()) if p.is_file()]
        start = time.perf_counter()
        current = [r.to_dict() for r in parser.parse(files)]
        if previous is not None:
            DeepDiff(previous, current, ignore_order=True)
            per_step.append(time.perf_counter() - start)
        previous = current
    return {"steps": len(per_step), "seconds_per_step": sum(per_step) / max(len(per_step), 1)}


def _synthetic_rows(count: int, seed: int, changed: float = 0.0) -> Iterator[list[str]]:
    """CSL-shaped rows (names, aliases, addresses, notices, ids).

    With ``changed`` = 0.01, a third of 1% is removed, a third gets a new
    address and as many new entries are added.
    """
    import random

    rng = random.Random(seed)
    words = [
        "Global",
        "Trading",
        "Aerospace",
        "Micro",
        "Electronics",
        "Shipping",
        "Energy",
        "Petro",
        "Industrial",
        "Systems",
        "Logistics",
        "Quantum",
        "Precision",
        "Marine",
    ]
    cities = ["Beijing, CN", "Moscow, RU", "Tehran, IR", "Dubai, AE", "Karachi, PK", "Minsk, BY"]
    for i in range(count):
        r = random.Random(seed * 1_000_003 + i)
        name = f"{r.choice(words)} {r.choice(words)} {i:07d} Co., Ltd."
        address = f"{r.randint(1, 999)} {r.choice(words)} Road, {r.choice(cities)}"
        state = rng.random()
        if state < changed / 3:
            continue  # delisted
        if state < 2 * changed / 3:
            address = "Suite 2, " + address  # modified: a new address
        yield [
            "",
            "Entity List (EL) - Bureau of Industry and Security",
            "",
            "Entity",
            "",
            name,
            "",
            address,
            f"8{r.randint(5, 9)} FR {r.randint(10000, 99999)}",
            f"20{r.randint(10, 23)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            f"{r.choice(words)} {i}; {r.choice(words)} Holding {i}",
            "",
            "",
            "",
            "",
            "",
            f"CN, 9111{i:014d}, Unified Social Credit Code (USCC)",
        ]
    for j in range(int(count * changed / 3)):
        yield [
            "",
            "Entity List (EL) - Bureau of Industry and Security",
            "",
            "Entity",
            "",
            f"Newly Listed Entity {j:07d} Ltd.",
            "",
            "1 New Road, Minsk, BY",
            "88 FR 1",
            "2023-11-01",
            *[""] * 19,
        ]


def write_synthetic(path: str, count: int, changed: float) -> dict[str, Any]:
    import csv

    header = ["_id", *CSV_COLUMNS]
    with gzip.open(path, "wt", encoding="utf-8", newline="", compresslevel=1) as out:
        writer = csv.writer(out)
        writer.writerow(header)
        rows = sum(writer.writerow(row) is not None for row in _synthetic_rows(count, 7, changed))
    return {"rows": rows, "bytes": os.path.getsize(path)}


def ingest_file(path: str, url: str, stamp: str) -> dict[str, Any]:
    store = _store(url)
    config = Config(archive=Path(tempfile.mkdtemp(prefix="wm-bench-archive-")))
    observed = datetime.fromisoformat(stamp)
    request = IngestRequest(
        list_config=ListConfig(id="synthetic", expect=LOOSE),
        paths=[Path(path)],
        observed_at=observed,
    )
    start = time.perf_counter()
    result = ingest(store, config, request, now=NOW)
    seconds = time.perf_counter() - start
    shutil.rmtree(config.archive, ignore_errors=True)
    return {
        "seconds": seconds,
        "status": result.status,
        "counts": result.counts,
        "db_bytes": _database_bytes(store, url),
    }


def parse_file(path: str) -> dict[str, Any]:
    start = time.perf_counter()
    records = sum(1 for _ in get_format("csl-csv").parse([SourceFile.from_path(Path(path))]))
    return {"seconds": time.perf_counter() - start, "records": records}


def sha256_file(path: str) -> dict[str, Any]:
    start = time.perf_counter()
    digest = hashlib.sha256()
    with gzip.open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return {"seconds": time.perf_counter() - start}
