"""One benchmark workload per function, each run in its own process by run.py.

Every function returns a dict of figures; run.py adds the process's peak RSS.
Keeping each workload in a fresh process makes the memory figure its own and
keeps one workload's caches from flattering the next.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deepdiff import DeepDiff
from sqlalchemy import func, select

from monitor.archive.discover import discover
from monitor.config import Config, Expect, ListConfig
from monitor.files import SourceFile
from monitor.formats import get_format
from monitor.formats._csl_common import CSV_COLUMNS
from monitor.ingest.guards import KEEP_BYTES, TAIL_BYTES
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.ingest.readahead import reading_ahead
from monitor.store import Store, open_engine
from monitor.store import schema as t

NOW = datetime(2026, 1, 1, tzinfo=UTC)
REALDATA_SDN = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata" / "ofac-sdn"
LOOSE = Expect(min_records=1, max_removed_share=1.0)


def sdn_versions(folder: Path) -> list[Path]:
    """Every dated version folder of the real SDN series, oldest first."""
    versions = discover([folder], "us-ofac-sdn")
    return [v.folder for v in versions if v.observed_at and "T" in v.folder.name]


def _store(url: str) -> Store:
    return Store(open_engine(url))


def _database_bytes(store: Store, url: str) -> int:
    if url.startswith("sqlite:///"):
        with store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(url[len("sqlite:///") :])
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with store.read() as connection:
        return int(
            connection.execute(select(func.pg_database_size(func.current_database()))).scalar_one()
        )


def _count(store: Store, table: Any) -> int:
    with store.read() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def replay_real(folder: str, url: str, read_ahead: bool = False) -> dict[str, Any]:
    """Our replay of the real SDN series into a fresh database; with ``read_ahead``, the
    next version's files are read while one is applied, as the ``replay`` command does
    (monitor.ingest.readahead), else each when its version is applied (as ``ingest``)."""
    work = Path(tempfile.mkdtemp(prefix="wm-bench-"))
    store = _store(url)
    config = Config(archive=work / "archive")
    list_config = ListConfig(id="us-ofac-sdn", expect=LOOSE)
    statuses: dict[str, int] = {}
    versions = [sorted(p for p in v.iterdir() if p.is_file()) for v in sdn_versions(Path(folder))]
    start = time.perf_counter()
    with reading_ahead(KEEP_BYTES, TAIL_BYTES) if read_ahead else nullcontext() as ahead:
        for number, paths in enumerate(versions):
            if ahead is not None and number + 1 < len(versions):
                ahead.read(versions[number + 1], config.file_size_limit(list_config))
            request = IngestRequest(list_config=list_config, paths=paths)
            result = ingest(store, config, request, now=NOW)
            statuses[result.status] = statuses.get(result.status, 0) + 1
    seconds = time.perf_counter() - start
    figures = {
        "seconds": seconds,
        "statuses": statuses,
        "events": _count(store, t.events),
        "versions_rows": _count(store, t.entity_versions),
        "db_bytes": _database_bytes(store, url),
    }
    shutil.rmtree(work, ignore_errors=True)
    return figures


def parse_real(folder: str) -> dict[str, Any]:
    """The lower bound: only read and parse the same files with the same parser."""
    parser = get_format("ofac-csv")
    start = time.perf_counter()
    records = 0
    for version in sdn_versions(Path(folder)):
        files = [SourceFile.from_path(p) for p in sorted(version.iterdir()) if p.is_file()]
        try:
            records += sum(1 for _ in parser.parse(files))
        except Exception:  # the real 0-byte download: parsing it is part of the work
            continue
    return {"seconds": time.perf_counter() - start, "records": records}


def naive_real(folder: str, steps: int) -> dict[str, Any]:
    """What a user might write: DeepDiff of the two whole lists of records per step."""
    parser = get_format("ofac-csv")
    versions = sdn_versions(Path(folder))[: steps + 1]
    previous = None
    per_step: list[float] = []
    for version in versions:
        files = [SourceFile.from_path(p) for p in sorted(version.iterdir()) if p.is_file()]
        start = time.perf_counter()
        current = [r.to_dict() for r in parser.parse(files)]
        if previous is not None:
            DeepDiff(previous, current, ignore_order=True)
            per_step.append(time.perf_counter() - start)
        previous = current
    return {"steps": len(per_step), "seconds_per_step": sum(per_step) / max(len(per_step), 1)}


def _synthetic_rows(count: int, seed: int, changed: float = 0.0) -> Iterator[list[str]]:
    """CSL-shaped rows (names, aliases, addresses, notices, ids).

    With ``changed`` = 0.01, a third of 1% is removed, a third gets a new
    address and as many new entries are added.
    """
    import random

    rng = random.Random(seed)
    words = [
        "Global",
        "Trading",
        "Aerospace",
        "Micro",
        "Electronics",
        "Shipping",
        "Energy",
        "Petro",
        "Industrial",
        "Systems",
        "Logistics",
        "Quantum",
        "Precision",
        "Marine",
    ]
    cities = ["Beijing, CN", "Moscow, RU", "Tehran, IR", "Dubai, AE", "Karachi, PK", "Minsk, BY"]
    for i in range(count):
        r = random.Random(seed * 1_000_003 + i)
        name = f"{r.choice(words)} {r.choice(words)} {i:07d} Co., Ltd."
        address = f"{r.randint(1, 999)} {r.choice(words)} Road, {r.choice(cities)}"
        state = rng.random()
        if state < changed / 3:
            continue  # delisted
        if state < 2 * changed / 3:
            address = "Suite 2, " + address  # modified: a new address
        yield [
            "",
            "Entity List (EL) - Bureau of Industry and Security",
            "",
            "Entity",
            "",
            name,
            "",
            address,
            f"8{r.randint(5, 9)} FR {r.randint(10000, 99999)}",
            f"20{r.randint(10, 23)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            f"{r.choice(words)} {i}; {r.choice(words)} Holding {i}",
            "",
            "",
            "",
            "",
            "",
            f"CN, 9111{i:014d}, Unified Social Credit Code (USCC)",
        ]
    for j in range(int(count * changed / 3)):
        yield [
            "",
            "Entity List (EL) - Bureau of Industry and Security",
            "",
            "Entity",
            "",
            f"Newly Listed Entity {j:07d} Ltd.",
            "",
            "1 New Road, Minsk, BY",
            "88 FR 1",
            "2023-11-01",
            *[""] * 19,
        ]


def write_synthetic(path: str, count: int, changed: float) -> dict[str, Any]:
    import csv

    header = ["_id", *CSV_COLUMNS]
    with gzip.open(path, "wt", encoding="utf-8", newline="", compresslevel=1) as out:
        writer = csv.writer(out)
        writer.writerow(header)
        rows = sum(writer.writerow(row) is not None for row in _synthetic_rows(count, 7, changed))
    return {"rows": rows, "bytes": os.path.getsize(path)}


def ingest_file(path: str, url: str, stamp: str, max_file_mib: int = 0) -> dict[str, Any]:
    """One version into the database; ``max_file_mib`` raises the per-file size limit
    (``max_file_size``, 512 MiB decompressed by default), which a 2.7M-entity FtM export
    (about 1 GiB) exceeds."""
    store = _store(url)
    config = Config(archive=Path(tempfile.mkdtemp(prefix="wm-bench-archive-")))
    if max_file_mib:
        config = config.model_copy(update={"max_file_size": max_file_mib << 20})
    observed = datetime.fromisoformat(stamp)
    request = IngestRequest(
        list_config=ListConfig(id="synthetic", expect=LOOSE),
        paths=[Path(path)],
        observed_at=observed,
    )
    start = time.perf_counter()
    result = ingest(store, config, request, now=NOW)
    seconds = time.perf_counter() - start
    shutil.rmtree(config.archive, ignore_errors=True)
    return {
        "seconds": seconds,
        "status": result.status,
        "counts": result.counts,
        "db_bytes": _database_bytes(store, url),
    }


def parse_file(path: str, kind: str = "csl-csv") -> dict[str, Any]:
    start = time.perf_counter()
    records = sum(1 for _ in get_format(kind).parse([SourceFile.from_path(Path(path))]))
    return {"seconds": time.perf_counter() - start, "records": records}


def sha256_file(path: str) -> dict[str, Any]:
    start = time.perf_counter()
    digest = hashlib.sha256()
    with gzip.open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return {"seconds": time.perf_counter() - start}


# OpenSanctions-shaped data (issue 16 item 5): a FollowTheMoney export in which the
# listed parties (Person, Company: target) are a minority of the entities, next to the
# supporting Address, Sanction and Identification entities that refer to them, as in
# the real entities.ftm.json (../shared/realdata/opensanctions/t1: an Organization with
# an addressEntity, and the Address entity itself with target false).
FTM_GIVEN = ["Ivan", "Olga", "Ahmad", "Maria", "Chen", "Fatima", "Sergei", "Ana", "Omar", "Li"]
FTM_FAMILY = ["Petrov", "Haddad", "Kuznetsova", "Wang", "Rahimi", "Sokolov", "Garcia", "Kim"]
FTM_WORDS = ["Global", "Trading", "Petro", "Marine", "Systems", "Energy", "Logistics", "Invest"]
FTM_PLACES = [("Moscow", "ru"), ("Tehran", "ir"), ("Minsk", "by"), ("Dubai", "ae")]
FTM_PROGRAMS = ["EU-RUS", "OFAC-SDGT", "UN-DPRK", "UK-RUS", "CH-SECO-IR"]


def _ftm_party(i: int, seen: str, modified: bool) -> list[dict[str, Any]]:
    """One listed party and its supporting entities (3.1 entities per party on average)."""
    import random

    r = random.Random(i * 7_919)
    city, country = r.choice(FTM_PLACES)
    common = {"datasets": ["synthetic"], "first_seen": "2022-03-01T10:00:00", "last_seen": seen}
    person = r.random() < 0.55
    party_id = f"NK-{'p' if person else 'c'}{i:08d}"
    entities: list[dict[str, Any]] = []
    address_id = f"addr-{i:08d}"
    has_address = not person or r.random() < 0.3
    full = f"{r.randint(1, 200)} {r.choice(FTM_WORDS)} Street, {city}"
    if person:
        given, family = r.choice(FTM_GIVEN), r.choice(FTM_FAMILY)
        name = f"{given} {family} {i}"
        props: dict[str, list[str]] = {
            "name": [name, f"{family.upper()} {given} {i}"],
            "firstName": [given],
            "lastName": [family],
            "birthDate": [f"19{r.randint(40, 99)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}"],
            "nationality": [country],
            "position": [f"Director of {r.choice(FTM_WORDS)} {i}"],
            "gender": [r.choice(["male", "female"])],
        }
    else:
        name = f"{r.choice(FTM_WORDS)} {r.choice(FTM_WORDS)} {i} LLC"
        props = {
            "name": [name],
            "country": [country],
            "registrationNumber": [f"{r.randint(10**9, 10**10 - 1)}"],
            "address": [full],
        }
    props.update(topics=["sanction"], createdAt=[f"20{r.randint(10, 23)}-0{r.randint(1, 9)}-01"])
    if modified:
        props["alias"] = [f"{name} (renamed)"]
    if has_address:
        props["addressEntity"] = [address_id]
    entities.append(
        {
            "id": party_id,
            "caption": name,
            "schema": "Person" if person else "Company",
            "properties": props,
            "referents": [f"ofac-{i}", f"eu-fsf-{i}"] if r.random() < 0.4 else [],
            "last_change": "2023-05-01T10:00:00",
            "target": True,
            **common,
        }
    )
    if has_address:
        entities.append(
            {
                "id": address_id,
                "caption": full,
                "schema": "Address",
                "properties": {"full": [full], "city": [city], "country": [country]},
                "referents": [],
                "target": False,
                **common,
            }
        )
    entities.append(
        {
            "id": f"sanction-{i:08d}",
            "caption": "Sanction",
            "schema": "Sanction",
            "properties": {
                "entity": [party_id],
                "authority": ["Synthetic Authority"],
                "program": [r.choice(FTM_PROGRAMS)],
                "startDate": props["createdAt"],
            },
            "referents": [],
            "target": False,
            **common,
        }
    )
    if r.random() < 0.5:
        entities.append(
            {
                "id": f"ident-{i:08d}",
                "caption": "Identification",
                "schema": "Identification",
                "properties": {
                    "holder": [party_id],
                    "number": [f"{r.randint(10**7, 10**8 - 1)}"],
                    "type": ["passport" if person else "registration"],
                    "country": [country],
                },
                "referents": [],
                "target": False,
                **common,
            }
        )
    return entities


def write_ftm(path: str, entities: int, changed: float, parties: int = 0) -> dict[str, Any]:
    """An entities.ftm.json of about ``entities`` entities, one JSON object per line.

    ``parties`` (returned by the first call) makes a later version cover the same
    parties as the first one, whatever it removes. With ``changed`` = 0.01, a third
    of 1% of the parties are removed (with their supporting entities), a third get
    a new alias and as many new parties are added; and, as in every real export,
    every entity's ``last_seen`` is new.
    """
    import json
    import random

    rng = random.Random(11)
    seen = "2024-06-02T10:00:00" if changed else "2024-06-01T10:00:00"
    written = targets = i = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        while (i < parties) if parties else (written < entities):
            state = rng.random()
            i += 1
            if state < changed / 3:
                continue  # removed
            batch = _ftm_party(i, seen, modified=state < 2 * changed / 3)
            out.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in batch)
            written += len(batch)
            targets += 1
        for j in range(int(i * changed / 3)):
            batch = _ftm_party(10**8 - 1 - j, seen, modified=False)
            out.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in batch)
            written += len(batch)
            targets += 1
    size = os.path.getsize(path)
    return {"entities": written, "targets": targets, "parties": i, "bytes": size}
