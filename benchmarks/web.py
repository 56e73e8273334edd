"""Response times of the web app on the whole real SDN history and the CSL (p50/p95).

    python benchmarks/web.py                       # build the database, measure, print
    python benchmarks/web.py --keep /tmp/wm-web    # build there once, reuse it next time
    python benchmarks/web.py --versions 30         # the first 30 SDN versions only (quick)
    python benchmarks/web.py --save                # and append the figures to RESULTS.md

The database is built as a user would: every dated version of the real SDN series
(``../shared/realdata/ofac-sdn``, the git-scrape folders ``YYYY-MM-DDTHHMMZ``) and the
full 2022 CSL replayed by the CLI into SQLite. The app is the real one, served by
``watchlist-monitor serve`` in its own process (so the client's Python does not share
a GIL with it), asked over HTTP one request at a time by a client that varies the
parameters (months, names, entries), after one warm-up pass. Not a test: the machine
is shared and noisy; the target is a p95 under 100 ms per endpoint.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REALDATA = ROOT.parent / "shared" / "realdata"
SDN = REALDATA / "ofac-sdn"
CSL = REALDATA / "trade-gov-csl" / "2022-05-06_moov"
TARGET_MS = 100.0
CONFIG = """\
archive: {archive}
lists:
  - id: us-ofac-sdn
    format: ofac-csv
    expect: {{min_records: 1, max_removed_share: 1.0}}
  - id: us-csl
    format: csl-csv
"""
SEARCHES = ("DJI", "HUAWEI", "BANK MELLI", "IVANOV", "ROSNEFT", "AL-QAIDA", "SENSETIME", "KIM")


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "monitor", "--db", database_url(folder)]
    return subprocess.run(
        [*command, "--config", str(folder / "monitor.yml"), *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )


def database_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'monitor.db'}"


def sdn_folders(limit: int | None) -> list[Path]:
    """The dated git-scrape versions of the SDN list, oldest first."""
    folders = sorted(p for p in SDN.iterdir() if p.is_dir() and "T" in p.name)
    return folders[:limit] if limit else folders


def build(folder: Path, versions: int | None) -> dict[str, Any]:
    """Replay the real SDN history and the CSL into ``folder`` (once: kept if it is there)."""
    if (folder / "monitor.db").exists():
        return {"built": "reused"}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "monitor.yml").write_text(CONFIG.format(archive=folder / "archive"))
    series = folder / "sdn-series"
    series.mkdir()
    for version in sdn_folders(versions):
        (series / version.name).symlink_to(version)
    start = time.perf_counter()
    steps = (
        ("replay", str(series), "--list", "us-ofac-sdn"),
        ("replay", str(CSL), "--list", "us-csl", "--input-format", "csl-csv"),
    )
    for step in steps:
        done = cli(folder, *step)
        print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:])
    return {"built": f"{time.perf_counter() - start:.0f} s"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "monitor", "--db", database_url(folder)]
    server = subprocess.Popen(
        [*command, "--config", str(folder / "monitor.yml"), "serve", "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not become ready in 60 s")


def sample_entries(client: httpx.Client, count: int) -> list[str]:
    """Keys of SDN entries that changed in the history (their pages have a timeline)."""
    events = client.get("/api/v1/report?list=us-ofac-sdn&since=2021-01-01&until=2024-12-31")
    keys = sorted({e["key"] for e in events.json()["events"]})
    random.Random(7).shuffle(keys)
    return keys[:count]


def months() -> list[tuple[str, str]]:
    out = []
    for year in (2021, 2022, 2023):
        for month in range(1, 13):
            last = 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
            out.append((f"{year}-{month:02d}-01", f"{year}-{month:02d}-{last}"))
    return out


def endpoints(keys: list[str]) -> dict[str, Callable[[int], str]]:
    """Each endpoint measured, as a function of the request's number (varying parameters)."""
    spans = months()
    return {
        "dashboard `/`": lambda i: "/",
        "report JSON, a month `/api/v1/report`": lambda i: (
            f"/api/v1/report?since={spans[i % len(spans)][0]}&until={spans[i % len(spans)][1]}"
        ),
        "report page, a month `/changes`": lambda i: (
            f"/changes?since={spans[i % len(spans)][0]}&until={spans[i % len(spans)][1]}"
        ),
        "search JSON `/api/v1/search`": lambda i: f"/api/v1/search?q={SEARCHES[i % len(SEARCHES)]}",
        "search page `/search`": lambda i: f"/search?q={SEARCHES[i % len(SEARCHES)]}",
        "entity JSON `/api/v1/entities`": lambda i: (
            f"/api/v1/entities/us-ofac-sdn/{keys[i % len(keys)]}"
        ),
        "entity page `/entities`": lambda i: f"/entities/us-ofac-sdn/{keys[i % len(keys)]}",
    }


def measure(base: str, requests: int) -> dict[str, dict[str, Any]]:
    figures: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=base, timeout=120) as client:
        keys = sample_entries(client, 40)
        paths = endpoints(keys)
        for path in paths.values():  # warm-up: caches, the page cache, imports
            for i in range(3):
                assert client.get(path(i)).status_code == 200, path(i)
        for name, path in paths.items():
            timed: list[tuple[float, str]] = []
            for i in range(requests):
                start = time.perf_counter()
                answer = client.get(path(i))
                timed.append(((time.perf_counter() - start) * 1000, path(i)))
                assert answer.status_code == 200, (path(i), answer.text[:200])
            timed.sort()
            times = [ms for ms, _ in timed]
            figures[name] = {
                "p50": statistics.median(times),
                "p95": times[max(0, round(0.95 * len(times)) - 1)],
                "max": times[-1],
                "slowest": timed[-1][1],
            }
    return figures


def sizes(folder: Path) -> dict[str, Any]:
    done = cli(folder, "lists", "--format", "json")
    lists = json.loads(done.stdout)
    return {item["list"]: (item["entries"], item["snapshots"]) for item in lists}


def table(figures: dict[str, dict[str, Any]]) -> list[str]:
    rows = [
        "| endpoint | p50 | p95 | max (its request) | target p95 |",
        "|---|---|---|---|---|",
    ]
    for name, f in figures.items():
        verdict = "met" if f["p95"] < TARGET_MS else "MISSED"
        rows.append(
            f"| {name} | {f['p50']:.1f} ms | {f['p95']:.1f} ms | {f['max']:.1f} ms "
            f"(`{f['slowest']}`) | < {TARGET_MS:.0f} ms: {verdict} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the database here, reuse it if there")
    parser.add_argument("--versions", type=int, help="only the first N SDN versions")
    parser.add_argument("--requests", type=int, default=60, help="per endpoint")
    parser.add_argument("--save", action="store_true", help="append the figures to RESULTS.md")
    options = parser.parse_args()
    if not SDN.is_dir() or not CSL.is_dir():
        raise SystemExit(f"{SDN} or {CSL} is absent: the shared real data set is not here")
    folder = options.keep or Path(tempfile.mkdtemp(prefix="wm-web-bench-"))
    try:
        built = build(folder, options.versions)
        server, base = serve(folder)
        try:
            figures = measure(base, options.requests)
        finally:
            server.terminate()
            server.wait(30)
        held = sizes(folder)
    finally:
        if options.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    rows = table(figures)
    print("\n".join(rows))
    described = "; ".join(
        f"{k}: {n} entries, versions {json.dumps(s)}" for k, (n, s) in held.items()
    )
    print(described, built)
    if options.save:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        versions = f" --versions {options.versions}" if options.versions else ""
        section = [
            "",
            f"## {stamp}; web app response times; {os.cpu_count()} cores; "
            f"Python {sys.version.split()[0]}",
            "",
            f"Command: `python benchmarks/web.py{versions} --requests {options.requests}` "
            "(SQLite; one client, sequential requests to `serve` in its own process)",
            "",
            f"Database: {described}.",
            "",
            "Load average (1, 5, 15 min) at the end: "
            + ", ".join(f"{n:.1f}" for n in os.getloadavg())
            + f" on {os.cpu_count()} cores (other sessions' tests share the machine).",
            "",
            *rows,
        ]
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as out:
            out.write("\n".join(section) + "\n")


if __name__ == "__main__":
    main()
