"""Workloads of benchmarks/fingerprints.py, each run in its own process by run.measure.

They measure issue 16's targets for reading only the entries whose raw bytes
changed: a replay of the real SDN series against a bare ``csv.reader`` read of
the same files, and a 1%-changed check of a 1,000,000-entry OFAC CSV file
against parsing that file.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
import time
from pathlib import Path
from typing import Any

from workloads import ingest_file, replay_real, sdn_versions

from monitor.files import SourceFile
from monitor.formats import get_format

__all__ = [
    "bare_read_real",
    "ingest_file",
    "parse_ofac_file",
    "replay_real",
    "split_against_parse",
    "write_ofac",
]


def bare_read_real(folder: str) -> dict[str, Any]:
    """The floor: every row of every SDN version read by ``csv.reader``, nothing built."""
    start = time.perf_counter()
    rows = 0
    for version in sdn_versions(Path(folder)):
        for path in sorted(p for p in version.iterdir() if p.is_file()):
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                rows += sum(1 for _ in csv.reader(text))
    return {"seconds": time.perf_counter() - start, "rows": rows}


def write_ofac(path: str, count: int, changed: float) -> dict[str, Any]:
    """An sdn.csv-shaped file of ``count`` entries; with ``changed`` = 0.01 a third of 1%
    is removed, a third gets new remarks and as many new entries are added."""
    rng = random.Random(7)
    programs = ["SDGT", "IRAN", "RUSSIA-EO14024", "CUBA", "SDNTK", "NS-PLC"]
    countries = ["Iran", "Russia", "Cuba", "China", "Syria", "Venezuela"]
    rows = 0
    with gzip.open(path, "wt", encoding="utf-8", newline="", compresslevel=1) as out:
        writer = csv.writer(out, lineterminator="\r\n")

        def row(number: int, name: str, remarks: str) -> None:
            program = programs[number % len(programs)]
            kind = "individual" if number % 3 else "-0- "
            null = "-0- "
            writer.writerow([number, name, kind, program, *[null] * 7, remarks])

        for i in range(count):
            state = rng.random()
            if state < changed / 3:
                continue
            dob = f"DOB {1940 + i % 60}; nationality {countries[i % len(countries)]}"
            remarks = f"{dob}; Passport P{i:08d} ({countries[(i + 1) % len(countries)]})."
            if state < 2 * changed / 3:
                remarks = remarks[:-1] + "; Gender Male."
            row(i + 1, f"ENTITY NUMBER {i:07d}, Trading Co.", remarks)
            rows += 1
        for j in range(int(count * changed / 3)):
            row(count + j + 1, f"NEWLY LISTED {j:07d}", "Linked To: ENTITY NUMBER 0000001.")
            rows += 1
    return {"rows": rows}


def parse_ofac_file(path: str) -> dict[str, Any]:
    """Parse-only: the same file through the OFAC CSV parser, every record built."""
    start = time.perf_counter()
    records = sum(1 for _ in get_format("ofac-csv").parse([SourceFile.from_path(Path(path))]))
    return {"seconds": time.perf_counter() - start, "records": records}


def split_against_parse(kind: str, path: str, rounds: int) -> dict[str, Any]:
    """One real file of a format that splits: every record parsed and hashed (the full path)
    against the split alone (what a version whose units are all known costs), best of
    ``rounds`` each."""
    fmt = get_format(kind)
    files = [SourceFile.from_path(Path(path))]

    def best(work: Any) -> float:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        return min(times)

    parse = best(lambda: [record.content_hash() for record in fmt.parse(files)])
    split = best(lambda: list(fmt.split(files)))
    return {"parse": parse, "split": split, "units": sum(1 for _ in fmt.split(files))}
