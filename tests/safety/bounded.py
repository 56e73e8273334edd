"""Parse hostile files in a child process with a hard memory limit, and report what happened.

A decompression or entity bomb that gets past a parser does not fail politely:
it eats memory until the machine swaps. So hostile samples are parsed in a
separate process whose address space is capped (RLIMIT_AS); the child reports,
per sample, the outcome (records or the error class and message) and the
time taken, and at the end its own peak memory.

Run as ``python -m tests.safety.bounded JOBS.json``; use :func:`parse_bounded`.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ADDRESS_SPACE_LIMIT = 2 << 30  # the child dies rather than letting a bomb take the machine
TIMEOUT_SECONDS = 120


def parse_bounded(jobs: list[tuple[str, list[Path]]], workdir: Path) -> dict[str, Any]:
    """{"results": [{kind, outcome, error, message, seconds, records, text}], "peak_mb": n}."""
    spec = workdir / "jobs.json"
    spec.write_text(json.dumps([[kind, [str(p) for p in paths]] for kind, paths in jobs]))
    done = subprocess.run(
        [sys.executable, "-m", "tests.safety.bounded", str(spec)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, f"the child died: {done.returncode}\n{done.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def _one(kind: str, paths: list[str]) -> dict[str, Any]:
    from monitor.errors import MonitorError
    from monitor.files import SourceFile
    from monitor.formats import get_format

    start = time.monotonic()
    result: dict[str, Any] = {"kind": kind, "paths": paths}
    try:
        files = [SourceFile.from_path(Path(p)) for p in paths]
        records = list(get_format(kind).parse(files))
    except MonitorError as exc:
        result |= {"outcome": "error", "error": type(exc).__name__, "message": str(exc)}
    except BaseException as exc:  # anything else is a failure to see
        result |= {"outcome": "crash", "error": type(exc).__name__, "message": str(exc)[:500]}
    else:
        text = " ".join(r.to_json() for r in records)
        result |= {"outcome": "parsed", "records": len(records), "text": text[:20000]}
    result["seconds"] = time.monotonic() - start
    return result


def main(spec: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    jobs = json.loads(Path(spec).read_text())
    results = [_one(kind, paths) for kind, paths in jobs]
    print(json.dumps({"results": results, "peak_mb": _peak_mb()}))


def _peak_mb() -> float:
    """This process's own peak memory (VmHWM).

    Not ru_maxrss: Linux carries it over exec from the parent's address space
    (subprocess uses vfork), so a child started by a big pytest process would
    report the parent's peak as its own.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main(sys.argv[1])
