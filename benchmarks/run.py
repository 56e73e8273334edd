"""Reproducible performance runs: prints a table and appends it to benchmarks/RESULTS.md.

    python benchmarks/run.py            # real SDN history + 100k and 1M synthetic entries
    python benchmarks/run.py --quick    # real SDN history (40 versions) + 100k synthetic
    python benchmarks/run.py --only scale --sizes 1000000   # one part, chosen sizes
    python benchmarks/run.py --only ftm --ftm 2700000       # OpenSanctions-shaped export

Each workload runs in its own process (see workloads.py) so its peak RSS is
its own. Figures are compared as ratios measured in the same run; nothing
here is a wall-clock assertion. PostgreSQL figures are added when
WATCHLIST_MONITOR_BENCH_PG (or WATCHLIST_MONITOR_TEST_PG) holds a URL of a
database the benchmark may fill (a private schema is created and dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
REALDATA = HERE.parent.parent / "shared" / "realdata" / "ofac-sdn"
RESULTS = HERE / "RESULTS.md"


def measure(
    function: str, *args: Any, module: str = "workloads", env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run one workload in a fresh interpreter; its figures plus its peak RSS in MiB.

    The peak is VmHWM, not ru_maxrss, which Linux carries over exec from the parent.
    ``module`` is the file of benchmarks/ that holds the workload; ``env`` is added
    to the workload's environment (e.g. WATCHLIST_MONITOR_FINGERPRINTS=0).
    """
    code = (
        "import json, sys, importlib; sys.path.insert(0, sys.argv[1]);"
        "workloads = importlib.import_module(sys.argv[4]); args = json.loads(sys.argv[3]);"
        "out = getattr(workloads, sys.argv[2])(*args);"
        "status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0];"
        "out['peak_rss_mib'] = int(status) / 1024;"
        "print(json.dumps(out))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(HERE), function, json.dumps(args), module],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise SystemExit(f"{function} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def postgres_url() -> str | None:
    return os.environ.get("WATCHLIST_MONITOR_BENCH_PG") or os.environ.get(
        "WATCHLIST_MONITOR_TEST_PG"
    )


class PgSchema:
    """A private schema for one benchmark, dropped afterwards."""

    def __init__(self, base: str) -> None:
        from sqlalchemy import create_engine, text

        from monitor.store.database import normalise_url

        self.text = text
        self.engine = create_engine(normalise_url(base))
        self.name = f"bench_{uuid.uuid4().hex[:10]}"
        with self.engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {self.name}"))
        separator = "&" if "?" in base else "?"
        self.url = f"{base}{separator}options={quote(f'-csearch_path={self.name}')}"

    def drop(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(self.text(f"DROP SCHEMA {self.name} CASCADE"))
        self.engine.dispose()


def real_history(rows: list[list[str]], versions: int | None) -> None:
    if not REALDATA.exists():
        rows.append(["real SDN history", "skipped: ../shared/realdata/ofac-sdn absent", ""])
        return
    folder = REALDATA
    if versions is not None:
        folder = Path(tempfile.mkdtemp(prefix="wm-sdn-"))
        for version in sorted(p for p in REALDATA.iterdir() if "T" in p.name)[:versions]:
            shutil.copytree(REALDATA / version.name, folder / version.name)
    tmp = Path(tempfile.mkdtemp(prefix="wm-bench-db-"))
    # Parse-only runs before and after ours and the ratio uses their mean: a shared
    # machine drifts by 10% within minutes, and bracketing keeps drift out of the ratio.
    parse_before = measure("parse_real", str(folder))
    ours = measure("replay_real", str(folder), f"sqlite:///{tmp / 'm.db'}")
    parse_after = measure("parse_real", str(folder))
    parse = {
        "seconds": (parse_before["seconds"] + parse_after["seconds"]) / 2,
        "peak_rss_mib": max(parse_before["peak_rss_mib"], parse_after["peak_rss_mib"]),
    }
    naive = measure("naive_real", str(folder), 3)
    steps = sum(ours["statuses"].values())
    naive_total = naive["seconds_per_step"] * max(steps - 1, 1)
    rows += [
        ["real SDN history: versions (statuses)", json.dumps(ours["statuses"]), ""],
        [
            "replay into SQLite",
            f"{ours['seconds']:.1f} s",
            f"peak RSS {ours['peak_rss_mib']:.0f} MiB",
        ],
        [
            "parse-only, same files and parser",
            f"{parse['seconds']:.1f} s",
            f"mean of {parse_before['seconds']:.1f} s before and {parse_after['seconds']:.1f} s "
            f"after ours; peak RSS {parse['peak_rss_mib']:.0f} MiB",
        ],
        ["ours / parse-only", f"{ours['seconds'] / parse['seconds']:.2f}x", "target <= 1.5x"],
        [
            "naive (DeepDiff of whole lists), per step",
            f"{naive['seconds_per_step']:.1f} s",
            f"measured on {naive['steps']} steps, x{steps - 1} steps = {naive_total:.0f} s",
        ],
        ["naive / ours", f"{naive_total / ours['seconds']:.1f}x", "target >= 10x"],
        ["events produced", str(ours["events"]), f"{ours['versions_rows']} entity_versions rows"],
        ["SQLite database size", f"{ours['db_bytes'] / 2**20:.1f} MiB", ""],
    ]
    base = postgres_url()
    if base:
        schema = PgSchema(base)
        try:
            pg = measure("replay_real", str(folder), schema.url)
        finally:
            schema.drop()
        rows += [
            [
                "replay into PostgreSQL",
                f"{pg['seconds']:.1f} s",
                f"{pg['seconds'] / ours['seconds']:.2f}x SQLite (target <= 2x)",
            ]
        ]


def _versions(tmp: Path, count: int, kind: str) -> tuple[Path, Path]:
    """A first version of ``count`` entries (CSL rows or FtM entities) and one with 1% changed."""
    if kind == "ftm":
        first = tmp / "20240601000000-syn" / "entities.ftm.json.gz"
        second = tmp / "20240602000000-syn" / "entities.ftm.json.gz"
    else:
        first, second = tmp / "2023-01-01" / "consolidated.csv.gz", tmp / "2023-01-02" / "c.csv.gz"
    first.parent.mkdir()
    second.parent.mkdir()
    if kind == "ftm":
        written = measure("write_ftm", str(first), count, 0.0)
        measure("write_ftm", str(second), count, 0.01, written["parties"])
    else:
        measure("write_synthetic", str(first), count, 0.0)
        measure("write_synthetic", str(second), count, 0.01)
    return first, second


def scale(rows: list[list[str]], count: int, kind: str = "csl") -> None:
    """Baseline, 1% changed and unchanged checks of a synthetic list (``kind``: csl or ftm)."""
    tmp = Path(tempfile.mkdtemp(prefix="wm-scale-"))
    first, second = _versions(tmp, count, kind)
    url = f"sqlite:///{tmp / 'm.db'}"
    # The FtM export is larger than the default limit of 512 MiB per file: raised to 4 GiB.
    limit = 4096 if kind == "ftm" else 0
    base = measure("ingest_file", str(first), url, "2023-01-01T00:00:00+00:00", limit)
    changed = measure("ingest_file", str(second), url, "2023-01-02T00:00:00+00:00", limit)
    unchanged = measure("ingest_file", str(second), url, "2023-01-03T00:00:00+00:00", limit)
    parse = measure("parse_file", str(second), "ftm-json" if kind == "ftm" else "csl-csv")
    sha = measure("sha256_file", str(second))
    label = f"{count:,} FtM entities" if kind == "ftm" else f"{count:,} entries"
    rows += [
        [
            f"{label}: baseline ingest",
            f"{base['seconds']:.1f} s",
            f"{base['counts']['listed']:,} listed; peak RSS {base['peak_rss_mib']:.0f} MiB, "
            f"DB {base['db_bytes'] / 2**20:.0f} MiB",
        ],
        [
            f"{label}: 1% changed check",
            f"{changed['seconds']:.1f} s",
            f"{json.dumps(changed['counts'])}; peak RSS {changed['peak_rss_mib']:.0f} MiB",
        ],
        [
            f"{label}: parse-only of that file",
            f"{parse['seconds']:.1f} s",
            f"changed / parse = {changed['seconds'] / parse['seconds']:.2f}x (target <= 2x); "
            f"peak RSS {parse['peak_rss_mib']:.0f} MiB",
        ],
        [
            f"{label}: unchanged re-check",
            f"{unchanged['seconds']:.2f} s",
            f"{unchanged['status']}; / sha256 = {unchanged['seconds'] / sha['seconds']:.2f}x "
            "(target <= 1.2x)",
        ],
        [f"{label}: sha256 of the file", f"{sha['seconds']:.2f} s", ""],
        [
            f"{label}: DB growth from the 1% version",
            f"{(changed['db_bytes'] - base['db_bytes']) / 2**20:.1f} MiB",
            f"{(changed['db_bytes'] - base['db_bytes']) / base['db_bytes']:.1%} of baseline "
            "(target < 5%)",
        ],
    ]
    if (pg_base := postgres_url()) is not None:
        schema = PgSchema(pg_base)
        try:
            pg = measure("ingest_file", str(first), schema.url, "2023-01-01T00:00:00+00:00", limit)
            pg_changed = measure(
                "ingest_file", str(second), schema.url, "2023-01-02T00:00:00+00:00", limit
            )
        finally:
            schema.drop()
        for what, ours, theirs in (
            ("baseline", base, pg),
            ("1% changed check", changed, pg_changed),
        ):
            rows.append(
                [
                    f"{label}: {what} into PostgreSQL",
                    f"{theirs['seconds']:.1f} s",
                    f"{theirs['seconds'] / ours['seconds']:.2f}x SQLite (target <= 1.5x); "
                    f"peak RSS {theirs['peak_rss_mib']:.0f} MiB",
                ]
            )
    shutil.rmtree(tmp, ignore_errors=True)


def environment() -> str:
    versions = ", ".join(
        f"{p} {metadata.version(p)}" for p in ("sqlalchemy", "deepdiff", "lxml", "psycopg")
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores, {memory:.0f} GiB; "
        f"Python {platform.python_version()}; {versions}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 SDN versions and 100k entries")
    parser.add_argument(
        "--only",
        choices=("history", "scale", "ftm"),
        help="one part: the real SDN history, the synthetic CSL lists or the FtM export",
    )
    parser.add_argument(
        "--sizes", help="entries of the synthetic CSL lists, comma-separated (default by mode)"
    )
    parser.add_argument(
        "--ftm", type=int, default=2_700_000, help="entities of the synthetic FtM export"
    )
    options = parser.parse_args()
    rows: list[list[str]] = []
    if options.only in (None, "history"):
        real_history(rows, 40 if options.quick else None)
    sizes = (100_000,) if options.quick else (100_000, 1_000_000)
    if options.sizes:
        sizes = tuple(int(size) for size in options.sizes.split(","))
    if options.only in (None, "scale"):
        for count in sizes:
            scale(rows, count)
    if options.only == "ftm" or (options.only is None and not options.quick):
        scale(rows, options.ftm, "ftm")
    command = "python " + " ".join(["benchmarks/run.py", *sys.argv[1:]])
    table = ["| measure | figure | notes |", "|---|---|---|"]
    table += [f"| {' | '.join(r)} |" for r in rows]
    text = f"\n## {environment()}\n\nCommand: `{command}`\n\n" + "\n".join(table) + "\n"
    print(text)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(text)


if __name__ == "__main__":
    main()
