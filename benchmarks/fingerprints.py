"""Issue 16's targets for parsing only the entries whose raw bytes changed (--save: RESULTS.md).

    python benchmarks/fingerprints.py              # 162 real SDN versions + 1,000,000 entries
    python benchmarks/fingerprints.py --quick      # 40 SDN versions + 100,000 entries
    python benchmarks/fingerprints.py --cli-only   # just the 60 versions through the CLI
    python benchmarks/fingerprints.py --replay-only  # just the real SDN series replay
    python benchmarks/fingerprints.py --splits-only  # just each splitting format's split cost
    python benchmarks/fingerprints.py --check-only [--entries N]  # just the 1%-changed check
    ... --save                                     # and append the table to RESULTS.md

Each figure comes from its own process (run.measure); the ratios compare figures
of the same run: the replay with fingerprints against a bare ``csv.reader`` read
of the same files (target <= 1.0x; the next version read ahead while one is applied,
as the ``replay`` command does, and for reference without), and the 1%-changed check
of a 1,000,000-entry OFAC CSV file against parsing that file (target <= 0.5x). These
run ``ROUNDS`` times, the two sides of a ratio interleaved, and the best of each is
compared: on a shared machine a burst of load then lengthens one round, not the
ratio. The same measures with WATCHLIST_MONITOR_FINGERPRINTS=0 show what the
mechanism saves. Through the CLI, one ``replay`` process takes in 60 versions,
start-up included, against the bare read of the same 60 versions (target <= 2x);
60 ``ingest`` processes, as a cron job would run them, are timed for reference. For
every other format that splits, one real file: the split alone (a version with no
entry changed) against parsing and hashing every record.

With WATCHLIST_MONITOR_BENCH_PG (or WATCHLIST_MONITOR_TEST_PG) set to a database the
benchmark may fill (run.py's: a private schema, created and dropped), the SDN replay
(fingerprints on), the CLI's ``replay`` process and the 1,000,000-entry baseline and
1%-changed check also run into PostgreSQL, with their ratio to SQLite in the same run
(target <= 1.5x).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from run import REALDATA, RESULTS, PgSchema, environment, measure, postgres_url

ROOT = Path(__file__).resolve().parent.parent
CLI_CONFIG = """\
archive: {archive}
lists:
  - {{id: us-ofac-sdn, format: ofac-csv, expect: {{min_records: 1, max_removed_share: 1.0}}}}
"""

SPLIT_FILES = {  # a real file of each format that splits, besides the SDN CSV
    "ofac-xml": "ofac-consolidated/2021-06-03/cons-old.xml",
    "ofac-enhanced-xml": "ofac-consolidated/2025-01-14_moov/CONS_ENHANCED.ZIP",
    "un-xml": "un-consolidated/2026-02-27/UN_consolidated.xml.gz",
    "uk-conlist-csv": "uk-hmt-conlist/2020-04-27/sample_hmt.csv.gz",
}
OFF = {"WATCHLIST_MONITOR_FINGERPRINTS": "0"}
ON = {"WATCHLIST_MONITOR_FINGERPRINTS": "1"}


def real_series(rows: list[list[str]], versions: int | None) -> None:
    folder = REALDATA
    if versions is not None:
        folder = Path(tempfile.mkdtemp(prefix="wm-sdn-"))
        for version in sorted(p for p in REALDATA.iterdir() if "T" in p.name)[:versions]:
            shutil.copytree(REALDATA / version.name, folder / version.name)
    tmp = Path(tempfile.mkdtemp(prefix="wm-units-"))
    bares, ons, unread = [], [], []
    for round_ in range(ROUNDS):  # interleaved: a burst of load hits one round, not all
        bares.append(measure("bare_read_real", str(folder), module="unit_workloads"))
        url = f"sqlite:///{tmp / f'on-{round_}.db'}"
        ons.append(measure("replay_real", str(folder), url, True, env=ON))
        url = f"sqlite:///{tmp / f'unread-{round_}.db'}"
        unread.append(measure("replay_real", str(folder), url, False, env=ON))
    off = measure("replay_real", str(folder), f"sqlite:///{tmp / 'off.db'}", True, env=OFF)
    bare, on, on_unread = _best(bares), _best(ons), _best(unread)
    bare_seconds = bare["seconds"]
    same = on["events"] == off["events"] and on["versions_rows"] == off["versions_rows"]
    rows += [
        ["real SDN series: versions (statuses)", json.dumps(on["statuses"]), ""],
        [
            "bare csv.reader read of the same files",
            f"{bare_seconds:.1f} s",
            f"best of {_figures(bares)}",
        ],
        [
            "replay, fingerprints on (the next version read ahead, as `replay` does)",
            f"{on['seconds']:.1f} s",
            f"best of {_figures(ons)}; peak RSS {on['peak_rss_mib']:.0f} MiB",
        ],
        [
            "replay, fingerprints on, each version read when applied (as `ingest` does)",
            f"{on_unread['seconds']:.1f} s",
            f"best of {_figures(unread)}; {on_unread['seconds'] / bare_seconds:.2f}x the bare read",
        ],
        [
            "replay, fingerprints off",
            f"{off['seconds']:.1f} s",
            f"peak RSS {off['peak_rss_mib']:.0f} MiB",
        ],
        ["on / bare read", f"{on['seconds'] / bare_seconds:.2f}x", "target <= 1.0x"],
        ["off / bare read", f"{off['seconds'] / bare_seconds:.2f}x", "before this change"],
        [
            "events, entity_versions rows (on; off)",
            f"{on['events']}, {on['versions_rows']}; {off['events']}, {off['versions_rows']}",
            "the same" if same else "DIFFERENT",
        ],
    ]
    if (base := postgres_url()) is not None:
        pg = _replay_into_postgres(base, str(folder))
        rows += [
            [
                "replay into PostgreSQL, fingerprints on",
                f"{pg['seconds']:.1f} s",
                f"{pg['seconds'] / on['seconds']:.2f}x SQLite (target <= 1.5x); "
                f"peak RSS {pg['peak_rss_mib']:.0f} MiB",
            ],
            [
                "events, entity_versions rows (PostgreSQL)",
                f"{pg['events']}, {pg['versions_rows']}",
                "the same as SQLite"
                if (pg["events"], pg["versions_rows"]) == (on["events"], on["versions_rows"])
                else "DIFFERENT",
            ],
        ]
    shutil.rmtree(tmp, ignore_errors=True)


ROUNDS = 3  # rounds of the measures whose ratio is a target; the best of each is compared


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest run: on a shared machine the least disturbed, the closest to the cost."""
    return min(runs, key=lambda run: float(run["seconds"]))


def _figures(runs: list[dict[str, Any]]) -> str:
    return ", ".join(f"{run['seconds']:.1f}" for run in runs) + " s"


def _replay_into_postgres(base: str, folder: str) -> dict[str, Any]:
    """replay_real into a private schema of the PostgreSQL database at ``base``."""
    schema = PgSchema(base)
    try:
        return measure("replay_real", folder, schema.url, True, env=ON)
    finally:
        schema.drop()


def _copy_versions(count: int) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="wm-sdn-cli-"))
    for version in sorted(p for p in REALDATA.iterdir() if "T" in p.name)[:count]:
        shutil.copytree(version, folder / version.name)
    return folder


def _observed_at(folder: Path) -> str:
    """2021-12-10T1850Z -> 2021-12-10T18:50:00+00:00 (the scrape's commit time)."""
    day, clock = folder.name.split("T")
    return f"{day}T{clock[:2]}:{clock[2:4]}:00+00:00"


def cli_series(rows: list[list[str]], count: int) -> None:
    """``count`` versions taken in by one ``replay`` process (best of ``ROUNDS``, each
    round interleaved with a bare read and, with a URL, the same replay into
    PostgreSQL), and by as many ``ingest`` processes, start-up included."""
    folder = _copy_versions(count)
    work = Path(tempfile.mkdtemp(prefix="wm-cli-db-"))
    # As an installed tool runs: with its modules' bytecode cached (pip compiles it at
    # install). PYTHONDONTWRITEBYTECODE would compile every module in every process.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "monitor")], check=True)
    bares, replays, pg_replays = [], [], []
    for _ in range(ROUNDS):
        bares.append(measure("bare_read_real", str(folder), module="unit_workloads"))
        replays.append(_cli_replay(folder, f"sqlite:///{_fresh(work) / 'replay.db'}", work, env))
        if (base := postgres_url()) is not None:
            schema = PgSchema(base)
            try:
                pg_replays.append(_cli_replay(folder, schema.url, work, env))
            finally:
                schema.drop()
    seconds, statuses = _cli_ingests(folder, work, env)
    bare, replay = _best(bares)["seconds"], min(replays, key=lambda run: run[0])
    replay_seconds, replayed = replay
    rows += [
        [
            f"{count} SDN versions through the CLI: one `ingest` process each",
            f"{seconds:.1f} s",
            f"exit statuses {json.dumps(statuses)}; {seconds / count * 1000:.0f} ms a process",
        ],
        [
            f"the same {count} versions by one `replay` process",
            f"{replay_seconds:.1f} s",
            f"best of {', '.join(f'{run[0]:.1f}' for run in replays)} s; exit status "
            f"{replayed.returncode}: {_summary(replayed)}",
        ],
        [
            f"bare csv.reader read of the same {count} versions",
            f"{bare:.1f} s",
            f"best of {_figures(bares)}",
        ],
        [
            "CLI `replay` / bare read",
            f"{replay_seconds / bare:.2f}x",
            "target <= 2x (the process's start-up included)",
        ],
        [
            "one `ingest` process per version / bare read",
            f"{seconds / bare:.2f}x",
            "no target: a process's start-up (benchmarks/startup.py) is most of each",
        ],
    ]
    if pg_replays:
        pg_seconds, pg_done = min(pg_replays, key=lambda run: run[0])
        rows.append(
            [
                f"the same {count} versions by one `replay` process into PostgreSQL",
                f"{pg_seconds:.1f} s",
                f"best of {', '.join(f'{run[0]:.1f}' for run in pg_replays)} s; "
                f"{pg_seconds / replay_seconds:.2f}x SQLite's `replay` (target <= 1.5x); "
                f"exit status {pg_done.returncode}: {_summary(pg_done)}",
            ]
        )
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)


def _fresh(work: Path) -> Path:
    """A new folder for one run's database and archive (no run finds another's files)."""
    return Path(tempfile.mkdtemp(dir=work))


def _config(folder: Path) -> Path:
    config = folder / "monitor.yml"
    config.write_text(CLI_CONFIG.format(archive=folder / "archive"), encoding="utf-8")
    return config


def _cli_replay(
    folder: Path, url: str, work: Path, env: dict[str, str]
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """One ``replay`` process of the versions into ``url``, with an archive of its own:
    its seconds and outcome."""
    config = _config(_fresh(work))
    command = [sys.executable, "-m", "monitor", "--db", url, "--config", str(config), "-q"]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "replay", str(folder), "--list", "us-ofac-sdn"],
        env=env,
        capture_output=True,
        check=False,
        text=True,
    )
    return time.perf_counter() - start, done


def _cli_ingests(folder: Path, work: Path, env: dict[str, str]) -> tuple[float, dict[int, int]]:
    """Each version by its own ``ingest`` process, as a cron job runs them: the seconds of
    them all and how many ended with each exit status."""
    run = _fresh(work)
    command = [sys.executable, "-m", "monitor", "--db", f"sqlite:///{run / 'm.db'}"]
    command += ["--config", str(_config(run)), "-q"]
    statuses: dict[int, int] = {}
    start = time.perf_counter()
    for version in sorted(folder.iterdir()):
        files = [str(p) for p in sorted(version.iterdir()) if p.is_file()]
        if not files:
            continue
        stamp = ["--observed-at", _observed_at(version)]
        done = subprocess.run(
            [*command, "ingest", *files, "--list", "us-ofac-sdn", *stamp],
            env=env,
            capture_output=True,
            check=False,
        )
        statuses[done.returncode] = statuses.get(done.returncode, 0) + 1
    return time.perf_counter() - start, statuses


def _summary(done: subprocess.CompletedProcess[str]) -> str:
    """The last line a ``replay`` printed: its summary."""
    return (done.stdout.strip().splitlines() or [""])[-1]


def changed_check(rows: list[list[str]], count: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="wm-units-scale-"))
    first, second = tmp / "sdn-1.csv.gz", tmp / "sdn-2.csv.gz"
    measure("write_ofac", str(first), count, 0.0, module="unit_workloads")
    measure("write_ofac", str(second), count, 0.01, module="unit_workloads")
    on_db, off_db = tmp / "on.db", tmp / "off.db"
    base = measure(
        "ingest_file", str(first), f"sqlite:///{on_db}", "2023-01-01T00:00:00+00:00", env=ON
    )
    shutil.copy(on_db, off_db)
    upgraded_db = tmp / "upgraded.db"
    shutil.copy(on_db, upgraded_db)
    with sqlite3.connect(upgraded_db) as connection:  # a set written by other code
        connection.execute("UPDATE unit_sets SET tag = 'ofac-csv:older-code'")
    stamp = "2023-01-02T00:00:00+00:00"
    parses, ons = [], []
    for round_ in range(ROUNDS):  # each round's check on its own copy of the baseline
        parses.append(measure("parse_ofac_file", str(second), module="unit_workloads"))
        checked_db = tmp / f"on-{round_}.db"
        shutil.copy(on_db, checked_db)
        ons.append(measure("ingest_file", str(second), f"sqlite:///{checked_db}", stamp, env=ON))
        checked_db.unlink()
    on = _best(ons)
    off = measure("ingest_file", str(second), f"sqlite:///{off_db}", stamp, env=OFF)
    upgraded = measure("ingest_file", str(second), f"sqlite:///{upgraded_db}", stamp, env=ON)
    parse = _best(parses)["seconds"]
    label = f"{count:,} OFAC CSV entries"
    rows += [
        [
            f"{label}: baseline (fingerprints on)",
            f"{base['seconds']:.1f} s",
            f"peak RSS {base['peak_rss_mib']:.0f} MiB",
        ],
        [
            f"{label}: parse-only of the 1% version",
            f"{parse:.1f} s",
            f"best of {_figures(parses)}",
        ],
        [
            f"{label}: 1% changed check, on",
            f"{on['seconds']:.1f} s",
            f"best of {_figures(ons)}; {on['seconds'] / parse:.2f}x parse-only (target <= 0.5x); "
            f"{json.dumps(on['counts'])}; peak RSS {on['peak_rss_mib']:.0f} MiB",
        ],
        [
            f"{label}: 1% changed check, off",
            f"{off['seconds']:.1f} s",
            f"{off['seconds'] / parse:.2f}x parse-only; same counts as on: "
            f"{on['counts'] == off['counts']}",
        ],
        [
            f"{label}: 1% changed check, on, after an upgrade (the stored set is of other code)",
            f"{upgraded['seconds']:.1f} s",
            f"{upgraded['seconds'] / parse:.2f}x parse-only: every entry parsed, the set "
            f"written anew; same counts as on: {upgraded['counts'] == on['counts']}; "
            f"peak RSS {upgraded['peak_rss_mib']:.0f} MiB",
        ],
    ]
    if (pg_base := postgres_url()) is not None:
        rows += _changed_check_postgres(pg_base, first, second, label, base, on)
    shutil.rmtree(tmp, ignore_errors=True)


def _changed_check_postgres(
    pg_base: str,
    first: Path,
    second: Path,
    label: str,
    base: dict[str, Any],
    on: dict[str, Any],
) -> list[list[str]]:
    """The same baseline and 1% check, fingerprints on, into a private PostgreSQL schema:
    each against its SQLite figure of this run (target <= 1.5x)."""
    schema = PgSchema(pg_base)
    try:
        pg_base_run = measure(
            "ingest_file", str(first), schema.url, "2023-01-01T00:00:00+00:00", env=ON
        )
        pg_on = measure("ingest_file", str(second), schema.url, "2023-01-02T00:00:00+00:00", env=ON)
    finally:
        schema.drop()
    return [
        [
            f"{label}: baseline into PostgreSQL",
            f"{pg_base_run['seconds']:.1f} s",
            f"{pg_base_run['seconds'] / base['seconds']:.2f}x SQLite (target <= 1.5x); "
            f"peak RSS {pg_base_run['peak_rss_mib']:.0f} MiB",
        ],
        [
            f"{label}: 1% changed check into PostgreSQL, on",
            f"{pg_on['seconds']:.1f} s",
            f"{pg_on['seconds'] / on['seconds']:.2f}x SQLite (target <= 1.5x); same counts: "
            f"{pg_on['counts'] == on['counts']}; peak RSS {pg_on['peak_rss_mib']:.0f} MiB",
        ],
    ]


def split_costs(rows: list[list[str]]) -> None:
    for kind, name in SPLIT_FILES.items():
        path = REALDATA.parent / name
        if not path.exists():
            rows.append([f"{kind}: split alone", "skipped", f"{path} absent"])
            continue
        out = measure("split_against_parse", kind, str(path), 5, module="unit_workloads")
        rows.append(
            [
                f"{kind} ({path.name}, {out['units']} units): split alone",
                f"{out['split'] * 1000:.0f} ms",
                f"{out['split'] / out['parse']:.2f}x parsing and hashing every record "
                f"({out['parse'] * 1000:.0f} ms); best of 5",
            ]
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 SDN versions, 100,000 entries")
    parser.add_argument("--cli-only", action="store_true", help="only the 60 CLI versions")
    parser.add_argument("--replay-only", action="store_true", help="only the real SDN replay")
    parser.add_argument("--splits-only", action="store_true", help="only each format's split")
    parser.add_argument("--check-only", action="store_true", help="only the 1%%-changed check")
    parser.add_argument("--entries", type=int, help="entries of the check (default 1,000,000)")
    parser.add_argument("--save", action="store_true", help="append the table to RESULTS.md")
    options = parser.parse_args()
    entries = options.entries or (100_000 if options.quick else 1_000_000)
    rows: list[list[str]] = []
    only = options.cli_only or options.splits_only or options.check_only or options.replay_only
    if not only or options.replay_only:
        real_series(rows, 40 if options.quick else None)
    if not only or options.check_only:
        changed_check(rows, entries)
    if not only or options.cli_only:
        cli_series(rows, 60)
    if not only or options.splits_only:
        split_costs(rows)
    command = "python benchmarks/fingerprints.py" + (" --quick" if options.quick else "")
    command += " --cli-only" if options.cli_only else ""
    command += " --replay-only" if options.replay_only else ""
    command += " --splits-only" if options.splits_only else ""
    command += " --check-only" if options.check_only else ""
    command += f" --entries {options.entries}" if options.entries else ""
    command += " --save" if options.save else ""
    table = ["| measure | figure | notes |", "|---|---|---|"]
    table += [f"| {' | '.join(r)} |" for r in rows]
    text = f"\n## {environment()}; fingerprints\n\nCommand: `{command}`\n\n"
    text += "\n".join(table) + "\n"
    print(text)
    if options.save:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    main()
