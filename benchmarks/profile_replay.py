"""Where the time of a replay goes: cProfile of the real SDN series, summed by stage.

    python benchmarks/profile_replay.py [--versions 40]

Replays the first N real SDN versions into a fresh SQLite database under
cProfile and sums each function's own time into the stage its module belongs
to (the format parser, record hashing, the guards, SQL, the field-level diff,
the archive...). cProfile slows pure-Python code more than C code, so the
shares are a guide to where work is, not a second benchmark; run.py has the
timings.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workloads  # noqa: E402

# First match wins: (stage, substring of the function's file path or name).
STAGES = (
    ("record hashing and checks", "monitor/records.py:canonical"),
    ("record hashing and checks", "monitor/records.py:content_hash"),
    ("record hashing and checks", "monitor/ingest/guards.py:record_problem"),
    ("record hashing and checks", "json/encoder.py"),
    ("parse: building records", "monitor/records.py:"),
    ("intake: compare with the stored hashes", "monitor/ingest/intake.py"),
    ("parse: format plugin", "monitor/formats/"),
    ("parse: format plugin", "_csv.reader"),
    ("parse: format plugin", "monitor/names.py"),
    ("reading and decompressing files", "gzip.py"),
    ("reading and decompressing files", "_compression.py"),
    ("reading and decompressing files", "zlib"),
    ("reading and decompressing files", "monitor/files.py"),
    ("reading and decompressing files", "monitor/ingest/guards.py"),
    ("reading and decompressing files", "monitor/ingest/shapes.py"),
    ("field-level diff (changed entries only)", "deepdiff"),
    ("field-level diff (changed entries only)", "monitor/ingest/differ.py"),
    ("field-level diff (changed entries only)", "monitor/ingest/field_diff.py"),
    ("SQL (SQLAlchemy and the driver)", "sqlalchemy"),
    ("SQL (SQLAlchemy and the driver)", "sqlite3"),
    ("SQL (SQLAlchemy and the driver)", "monitor/store/"),
    ("archive copy", "monitor/archive/write.py"),
)


def stage_of(function: tuple[str, int, str]) -> str:
    filename, _line, name = function
    where = f"{filename.replace(chr(92), '/')}:{name}"
    for stage, marker in STAGES:
        if marker in where:
            return stage
    return "other (pipeline, logging, interpreter)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=40)
    options = parser.parse_args()
    if not workloads.REALDATA_SDN.exists():
        raise SystemExit(f"{workloads.REALDATA_SDN} is absent: the profile needs the real series")
    versions = workloads.sdn_versions(workloads.REALDATA_SDN)[: options.versions]
    folder = Path(tempfile.mkdtemp(prefix="wm-profile-"))
    for version in versions:
        (folder / version.name).symlink_to(version)
    profile = cProfile.Profile()
    profile.enable()
    figures = workloads.replay_real(str(folder), f"sqlite:///{folder / 'm.db'}")
    profile.disable()
    stats = pstats.Stats(profile)
    totals: dict[str, float] = {}
    for function, (_calls, _primitive, own, _cumulative, callers) in stats.stats.items():  # type: ignore[attr-defined]
        if function[0] != "~" or not callers:
            totals[stage_of(function)] = totals.get(stage_of(function), 0.0) + own
            continue
        # A built-in (str.strip, sorted, a regex...) counts for the stages that called it.
        for caller, (_n, _c, own_from_caller, _cum) in callers.items():
            stage = stage_of(caller)
            totals[stage] = totals.get(stage, 0.0) + own_from_caller
    whole = sum(totals.values())
    print(f"{len(versions)} versions, {figures['statuses']}; profiled time {whole:.1f} s")
    for stage, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {seconds / whole:6.1%}  {seconds:6.1f} s  {stage}")


if __name__ == "__main__":
    main()
