"""Start-up time of the CLI against a bare click program, measured in one run (ratios, not seconds).

    python benchmarks/startup.py                    # this checkout
    python benchmarks/startup.py --before ../old    # and another checkout of the project, same run

Each command is run ``--runs`` times, interleaved so that load on a shared machine
falls on every command alike; the median is reported with its ratio to the bare
click program. ``lists`` runs against a database already migrated (the demo's),
as every command but the first does. ``-X importtime`` shows where the rest goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import click

@click.command()
@click.version_option("1")
def main() -> None:
    pass

main()
"""
COMMANDS = {"--version": ["--version"], "--help": ["--help"], "lists": ["lists"]}
TARGETS = {"--version": 3.0, "--help": 3.0, "lists": 5.0}


def _time(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-300:]}")
    return elapsed


def measure(trees: dict[str, Path], runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        bare = Path(scratch) / "bare.py"
        bare.write_text(BARE, encoding="utf-8")
        database = f"sqlite:///{Path(scratch) / 'monitor.db'}"
        bare_argv = [sys.executable, str(bare), "--version"]
        cases: dict[str, tuple[list[str], Path, dict[str, str]]] = {
            "bare click": (bare_argv, Path(scratch), dict(os.environ))
        }
        for label, tree in trees.items():
            env = {**os.environ, "WATCHLIST_MONITOR_DB": database, "PYTHONPATH": str(tree)}
            for name, args in COMMANDS.items():
                cases[f"{label} {name}"] = ([sys.executable, "-m", "monitor", *args], tree, env)
        for argv, cwd, env in cases.values():  # warm the page cache, migrate the database once
            _time(argv, cwd, env)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(runs):
            for name, (argv, cwd, env) in cases.items():
                samples[name].append(_time(argv, cwd, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", type=Path, help="another checkout to measure in the same run")
    options = parser.parse_args()
    trees = {"now": Path(__file__).resolve().parent.parent}
    if options.before:
        trees = {"before": options.before.resolve(), **trees}
    medians = measure(trees, options.runs)
    bare = medians["bare click"]
    print(f"{'command':<22} {'median':>8} {'x bare click':>13}  target")
    for name, seconds in medians.items():
        command = name.split(" ", 1)[-1]
        target = f"<= {TARGETS[command]:.0f}x" if name.startswith("now ") else ""
        print(f"{name:<22} {seconds * 1000:>6.0f}ms {seconds / bare:>12.1f}x  {target}")


if __name__ == "__main__":
    main()
