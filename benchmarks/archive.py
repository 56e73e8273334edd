"""What archiving and SQL cost when a version is applied (issue 16 item 3).

    python benchmarks/archive.py --save          # 40 files of each family, 40 SDN versions
    python benchmarks/archive.py --versions 10   # fewer, printed only

Part 1 compresses every real file of the SDN series, the CSL and the EU and UN
lists (../shared/realdata) with gzip at levels 1, 6 (the archive's level) and 9
and, when the ``zstandard`` package is importable, zstd at levels 3, 9 and 19: the
time to compress, the size, and the time to read it back. Part 2 replays real
SDN versions and splits each apply's time into archiving (``store_snapshot``),
SQL (time inside the database driver's execute, from SQLAlchemy's cursor events)
and the rest (reading, parsing, hashing, diffing).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
REALDATA = HERE.parent.parent / "shared" / "realdata"
FAMILIES = {
    "SDN series": "ofac-sdn",
    "CSL": "trade-gov-csl",
    "EU": "eu-fsf",
    "UN": "un-consolidated",
}
RESULTS = HERE / "RESULTS.md"

Codec = tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]


def codecs() -> dict[str, Codec]:
    """Each candidate's compress and decompress function."""
    found: dict[str, Codec] = {
        f"gzip -{level}": (
            lambda data, level=level: gzip.compress(data, compresslevel=level, mtime=0),
            gzip.decompress,
        )
        for level in (1, 6, 9)
    }
    try:
        import zstandard
    except ImportError:
        return found
    for level in (3, 9, 19):
        compressor = zstandard.ZstdCompressor(level=level)
        found[f"zstd -{level}"] = (compressor.compress, zstandard.ZstdDecompressor().decompress)
    return found


def real_files(folder: Path, limit: int | None) -> Iterator[bytes]:
    """The decompressed content of the files of a family (the first ``limit`` ones)."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file())[:limit]:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if data:
            yield data


def compression(rows: list[list[str]], limit: int | None) -> None:
    candidates = codecs()
    for family, name in FAMILIES.items():
        contents = list(real_files(REALDATA / name, limit))
        raw = sum(len(c) for c in contents)
        label = f"{family} ({len(contents)} files, {raw / 2**20:.1f} MiB)"
        for codec, (compress, decompress) in candidates.items():
            start = time.perf_counter()
            packed = [compress(c) for c in contents]
            packing = time.perf_counter() - start
            start = time.perf_counter()
            for blob in packed:
                decompress(blob)
            reading = time.perf_counter() - start
            size = sum(len(p) for p in packed)
            rows.append(
                [
                    f"{label}: {codec}",
                    f"{packing:.2f} s",
                    f"{size / 2**20:.2f} MiB ({size / raw:.1%} of raw), "
                    f"{raw / 2**20 / packing:.0f} MiB/s; read back {reading:.2f} s",
                ]
            )


def replay_split(rows: list[list[str]], versions: int | None) -> None:
    """Where the time of applying real SDN versions goes: archive, SQL, the rest."""
    import workloads
    from sqlalchemy import event

    from monitor.config import Config, ListConfig
    from monitor.ingest import pipeline
    from monitor.ingest.pipeline import IngestRequest, ingest
    from monitor.store import Store, open_engine

    work = Path(tempfile.mkdtemp(prefix="wm-archive-bench-"))
    # Plain files, as the fetcher saves a download: the archive compresses them (the
    # real copies are gzip already, which the archive would only copy).
    folders = []
    for version in workloads.sdn_versions(REALDATA / "ofac-sdn")[:versions]:
        plain = work / "plain" / version.name
        plain.mkdir(parents=True)
        for path in version.iterdir():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            (plain / path.name.removesuffix(".gz")).write_bytes(data)
        folders.append(plain)
    store = Store(open_engine(f"sqlite:///{work / 'm.db'}"))
    spent = {"archive": 0.0, "sql": 0.0}
    started: list[float] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _before(*_: Any) -> None:
        started.append(time.perf_counter())

    @event.listens_for(store.engine, "after_cursor_execute")
    def _after(*_: Any) -> None:
        spent["sql"] += time.perf_counter() - started.pop()

    real_store = pipeline.store_snapshot

    def timed_store(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real_store(*args, **kwargs)
        finally:
            spent["archive"] += time.perf_counter() - start

    pipeline.store_snapshot = timed_store
    config = Config(archive=work / "archive")
    start = time.perf_counter()
    statuses: dict[str, int] = {}
    for folder in folders:
        request = IngestRequest(
            list_config=ListConfig(id="us-ofac-sdn", expect=workloads.LOOSE),
            paths=sorted(p for p in folder.iterdir() if p.is_file()),
        )
        result = ingest(store, config, request, now=workloads.NOW)
        statuses[result.status] = statuses.get(result.status, 0) + 1
    total = time.perf_counter() - start
    pipeline.store_snapshot = real_store
    applied = statuses.get("applied", 0) + statuses.get("baseline", 0)
    rest = total - spent["archive"] - spent["sql"]
    rows += [
        [
            f"replay of {len(folders)} real SDN versions (plain files)",
            f"{total:.1f} s",
            json.dumps(statuses),
        ],
        [
            "of which archiving (gzip -6)",
            f"{spent['archive']:.2f} s",
            f"{spent['archive'] / total:.1%}; {spent['archive'] / max(applied, 1) * 1000:.0f} ms "
            "per archived version",
        ],
        [
            "of which SQL (driver execute)",
            f"{spent['sql']:.2f} s",
            f"{spent['sql'] / total:.1%}; {spent['sql'] / max(applied, 1) * 1000:.0f} ms "
            "per applied version",
        ],
        ["the rest (read, parse, hash, diff)", f"{rest:.1f} s", f"{rest / total:.1%}"],
    ]
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--versions", type=int, default=40, help="files of a family and SDN versions to replay"
    )
    parser.add_argument("--save", action="store_true", help="append the table to RESULTS.md")
    options = parser.parse_args()
    if not REALDATA.exists():
        raise SystemExit("needs ../shared/realdata (the real list versions)")
    rows: list[list[str]] = []
    compression(rows, options.versions)
    replay_split(rows, options.versions)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    head = (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; archive and SQL costs; {os.cpu_count()} "
        f"cores, {memory:.0f} GiB; Python {platform.python_version()}"
    )
    command = "python " + " ".join(["benchmarks/archive.py", *sys.argv[1:]])
    table = ["| measure | figure | notes |", "|---|---|---|"]
    table += [f"| {' | '.join(r)} |" for r in rows]
    text = f"\n## {head}\n\nCommand: `{command}`\n\n" + "\n".join(table) + "\n"
    print(text)
    if options.save:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    main()
