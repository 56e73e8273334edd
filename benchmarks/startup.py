"""Start-up time of the CLI against a bare click program, measured in one run (ratios, not seconds).

    python benchmarks/startup.py                    # this checkout
    python benchmarks/startup.py --before ../old    # and another checkout of the project, same run
    python benchmarks/startup.py --before ../old --save   # and append the figures to RESULTS.md

Each command is run ``--runs`` times, interleaved so that load on a shared machine
falls on every command alike; the median is reported with its ratio to the bare
click program. ``lists`` and ``status`` run against a database already migrated, as
every command but the first does: a fresh one, or ``--db URL`` (e.g. the demo
replayed). ``lists`` reads it without SQLAlchemy and trusts the configuration
validated by the warm-up run (monitor/config_cache.py). ``-X importtime`` shows where
the rest goes.
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
COMMANDS = {
    "--version": ["--version"],
    "--help": ["--help"],
    "lists": ["lists"],
    "status": ["status"],  # no target: shown to see what the lighter imports give it
}
TARGETS = {"--version": 3.0, "--help": 3.0, "lists": 5.0}


def _time(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-300:]}")
    return elapsed


def measure(trees: dict[str, Path], runs: int, database: str | None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        bare = Path(scratch) / "bare.py"
        bare.write_text(BARE, encoding="utf-8")
        database = database or f"sqlite:///{Path(scratch) / 'monitor.db'}"
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


def import_time(tree: Path) -> float:
    """Seconds ``-X importtime`` reports for importing the CLI with every command module."""
    code = "import monitor.cli as c; c._load_commands()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    total = 0  # the cumulative time of each import made at the top (one space of indent)
    for line in done.stderr.splitlines():
        parts = line.split("|")
        top = parts[2:] and parts[2].startswith(" ") and not parts[2].startswith("  ")
        if len(parts) == 3 and top and parts[1].strip().isdigit():
            total += int(parts[1])
    return total / 1e6


def table(medians: dict[str, float], imports: dict[str, float]) -> list[str]:
    bare = medians["bare click"]
    rows = ["| command | median | x bare click | target |", "|---|---|---|---|"]
    for name, seconds in medians.items():
        command = name.split(" ", 1)[-1]
        goal = TARGETS.get(command)
        target = f"<= {goal:.0f}x" if goal and name.startswith("now ") else ""
        rows.append(f"| {name} | {seconds * 1000:.0f} ms | {seconds / bare:.1f}x | {target} |")
    for label, seconds in imports.items():
        rows.append(
            f"| {label}: `-X importtime` of the CLI and its commands | "
            f"{seconds * 1000:.0f} ms |  |  |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", type=Path, help="another checkout to measure in the same run")
    parser.add_argument("--save", action="store_true", help="append the figures to RESULTS.md")
    parser.add_argument(
        "--db", metavar="URL", help="database for lists and status (default: fresh)"
    )
    options = parser.parse_args()
    here = Path(__file__).resolve().parent
    trees = {"now": here.parent}
    if options.before:
        trees = {"before": options.before.resolve(), **trees}
    medians = measure(trees, options.runs, options.db)
    imports = {label: import_time(tree) for label, tree in trees.items()}
    rows = table(medians, imports)
    print("\n".join(rows))
    if options.save:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        command = (
            "python benchmarks/startup.py"
            + (" --before <old checkout>" if options.before else "")
            + (" --db <database>" if options.db else "")
        )
        section = [
            "",
            f"## {stamp}; CLI start-up; {os.cpu_count()} cores; Python {sys.version.split()[0]}",
            "",
            f"Command: `{command}` (median of {options.runs} interleaved runs each)",
            "",
            *rows,
        ]
        with (here / "RESULTS.md").open("a", encoding="utf-8") as out:
            out.write("\n".join(section) + "\n")


if __name__ == "__main__":
    main()
