"""Where an in-process replay of the real SDN series spends its time: the first version
against the others (issue 16).

`fingerprints.py --replay-only` gives one ratio for the whole series; this splits it, so
a change to the first version's cost (a baseline of ~9,100 entries) and one to a steady
version's (a few dozen changed entries) can each be measured side by side with another
checkout: run it from each (``PYTHONPATH=$PWD python benchmarks/per_version.py``),
interleaved, several times, and compare the CPU seconds (wall time moves with the load).
Nothing is saved to RESULTS.md: it is a tool for comparing two trees in one sitting.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from workloads import LOOSE, NOW, _store, sdn_versions

from monitor.config import Config, ListConfig
from monitor.ingest.pipeline import IngestRequest, ingest

REAL_SDN = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "ofac-sdn"


def replay_timed(folder: Path) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each version's ingest into a fresh SQLite database."""
    work = Path(tempfile.mkdtemp(prefix="wm-per-version-"))
    try:
        store = _store(f"sqlite:///{work}/monitor.db")
        config = Config(archive=work / "archive")
        walls: list[float] = []
        cpus: list[float] = []
        for version in sdn_versions(folder):
            request = IngestRequest(
                list_config=ListConfig(id="us-ofac-sdn", expect=LOOSE),
                paths=sorted(p for p in version.iterdir() if p.is_file()),
            )
            wall, cpu = time.perf_counter(), time.process_time()
            ingest(store, config, request, now=NOW)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        return walls, cpus
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=REAL_SDN, help="the real SDN series")
    args = parser.parse_args()
    if not args.folder.is_dir():
        raise SystemExit(f"error: {args.folder} is absent (the real SDN series)")
    walls, cpus = replay_timed(args.folder)
    rest = walls[1:]
    mean, median = 1000 * statistics.mean(rest), 1000 * statistics.median(rest)
    print(
        f"first version: wall {walls[0]:.3f} s, cpu {cpus[0]:.3f} s | "
        f"the other {len(rest)}: wall {sum(rest):.3f} s, cpu {sum(cpus[1:]):.3f} s, "
        f"mean {mean:.2f} ms, median {median:.2f} ms"
        f" | total wall {sum(walls):.3f} s, cpu {sum(cpus):.3f} s"
    )


if __name__ == "__main__":
    main()
