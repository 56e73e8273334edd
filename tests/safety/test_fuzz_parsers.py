"""Property: every registered parser, fed mutated real files or random bytes, either parses
or raises the project's own error (a MonitorError), quickly and in bounded memory.

Seeds are real published files (the shipped archive, the repository's fixtures,
or the shared real data set), cut down to a few entries so that each example
parses in milliseconds: the header and first rows of delimited files, the
first entries of every large container of XML files. Mutations are the ones
broken downloads and hostile servers produce: truncation, flipped and inserted
bytes, deleted or repeated stretches, a gzip layer around the result (whole or
cut). Examples are derandomized so a CI failure reproduces.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import resource
import time
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from monitor.errors import MonitorError
from monitor.files import SourceFile
from monitor.formats import REGISTRY, Format, get_format
from monitor.formats._mapping import CsvMapping, JsonMapping
from monitor.formats.generic_csv import GenericCsv
from monitor.formats.generic_json import GenericJson
from monitor.ingest import guards
from tests.conftest import FIXTURES, REALDATA, SNAPSHOTS

MAX_SECONDS = 3.0
MAX_GROWTH_MB = 400
KEEP_ROWS = 25
KEEP_CHILDREN = 6
EXAMPLES = 60
# Real files per format, first match wins: repository files, then the shared real data.
SEED_FILES: dict[str, list[Path]] = {
    "ofac-csv": [SNAPSHOTS / "us-ofac-sdn" / "2021-12-30T1850Z" / "sdn.csv.gz"],
    "csl-csv": [SNAPSHOTS / "us-csl" / "2022-05-06T0000Z" / "consolidated.csv.gz"],
    "ofac-xml": [SNAPSHOTS / "us-ofac-cons" / "2021-06-03T0000Z" / "consolidated.xml.gz"],
    "ofac-advanced-xml": [
        FIXTURES / "ofac-advanced" / "2020-03-17" / "cons_advanced.xml.gz",
        REALDATA / "ofac-consolidated" / "2020-03-17" / "cons_advanced.xml.gz",
    ],
    "ofac-enhanced-xml": [
        FIXTURES / "ofac-enhanced" / "2025-01-14" / "CONS_ENHANCED.ZIP",
        REALDATA / "ofac-consolidated" / "2025-01-14_moov" / "CONS_ENHANCED.ZIP",
    ],
    "un-xml": [
        FIXTURES / "un" / "2023-03-27" / "consolidated-202303.xml.gz",
        REALDATA / "un-consolidated" / "2023-03-27" / "consolidated-202303.xml.gz",
    ],
    "eu-fsf-xml": [
        FIXTURES / "eu-fsf" / "2020-04-15" / "sample_eu_sanctions.xml",
        REALDATA / "eu-fsf" / "2020-04-15_excerpt" / "sample_eu_sanctions.xml",
    ],
    "uk-conlist-csv": [
        FIXTURES / "uk-hmt" / "2020-04-27" / "sample_hmt.csv.gz",
        REALDATA / "uk-hmt-conlist" / "2020-04-27" / "sample_hmt.csv.gz",
    ],
    "bis-dpl": [
        FIXTURES / "bis-dpl" / "2023-11-30" / "dpl.txt",
        REALDATA / "bis-dpl" / "2023-11-30_moov" / "dpl.txt",
    ],
    "ftm-json": [
        FIXTURES / "opensanctions" / "t1" / "entities.ftm.json",
        REALDATA / "opensanctions" / "t1" / "entities.ftm.json",
    ],
    "ftm-delta": [
        FIXTURES / "opensanctions" / "t2" / "20240527194702-wnk" / "entities.delta.json",
        REALDATA / "opensanctions" / "t2" / "20240527194702-wnk" / "entities.delta.json",
    ],
    "generic-csv": [FIXTURES / "generic" / "csl" / "2022-05-06" / "consolidated.csv"],
    "generic-json": [FIXTURES / "generic" / "csl" / "2022-05-06" / "consolidated.json"],
}
# Formats read through a mapping from the list's configuration: a CSL-shaped one here.
CSL_MAPPING = {
    "key": ["source", "name"],
    "name": "name",
    "addresses": "addresses",
    "programs": "programs",
    "effective_date": "start_date",
}
# Never a snapshot on its own (a delta is applied to a state): parsing always refuses.
NEVER_A_SNAPSHOT = {"ftm-delta"}
# Known failures in other modules, listed so that a fix shows up (strict xfail).
KNOWN_BUGS: dict[str, str] = {}
# Formats whose real seed is another format's real file, re-encoded as they publish it.
DERIVED = {"csl-tsv": "csl-csv", "csl-json": "csl-csv"}


def _plain(path: Path) -> bytes:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = archive.read(archive.infolist()[0])
    return data


def _first_rows(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    return b"".join(lines[:KEEP_ROWS])


def _first_entries(data: bytes) -> bytes:
    """The same document with every large container cut to its first few children."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(data, parser)
    for element in list(root.iter()):
        for child in list(element)[KEEP_CHILDREN:]:
            element.remove(child)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _first_items(data: bytes) -> bytes:
    """A JSON document with every array cut to its first rows; JSON lines: the first lines."""
    try:
        document = json.loads(data)
    except ValueError:
        return _first_rows(data)

    def cut(value: object) -> object:
        if isinstance(value, list):
            return [cut(v) for v in value[:KEEP_ROWS]]
        if isinstance(value, dict):
            return {k: cut(v) for k, v in value.items()}
        return value

    return json.dumps(cut(document)).encode()


def _csl_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@cache
def seed(kind: str) -> bytes | None:
    """A small real file of this format, or None when none is here."""
    if kind in DERIVED:
        base = seed(DERIVED[kind])
        if base is None:
            return None
        rows = _csl_rows(base)
        if kind == "csl-json":
            return json.dumps({"results": rows}).encode()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode()
    for path in SEED_FILES.get(kind, []):
        if path.is_file():
            data = _plain(path)
            if kind.endswith("-xml"):
                return _first_entries(data)
            return _first_items(data) if kind.endswith(("-json", "-delta")) else _first_rows(data)
    return None


def kinds() -> list[str]:
    return sorted(REGISTRY)


def fuzz_kinds() -> list[object]:
    return [
        pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[k]))
        if k in KNOWN_BUGS
        else k
        for k in kinds()
    ]


def parser(kind: str) -> Format:
    """The format plugin, with a mapping for the formats that need one."""
    if kind == "generic-csv":
        return GenericCsv(mapping=CsvMapping.model_validate(CSL_MAPPING))
    if kind == "generic-json":
        return GenericJson(
            mapping=JsonMapping.model_validate({**CSL_MAPPING, "records": "results"})
        )
    return get_format(kind)


def mutate(data: bytes, draw: st.DataObject) -> bytes:
    """One to three of the damages broken downloads and hostile servers produce."""
    for _ in range(draw.draw(st.integers(1, 3))):
        at = draw.draw(st.integers(0, max(len(data), 1) - 1))
        how = draw.draw(st.sampled_from(["cut", "flip", "insert", "delete", "repeat"]))
        if how == "cut":
            data = data[:at]
        elif how == "flip":
            data = data[:at] + bytes([draw.draw(st.integers(0, 255))]) + data[at + 1 :]
        elif how == "insert":
            data = data[:at] + draw.draw(st.binary(min_size=1, max_size=64)) + data[at:]
        elif how == "delete":
            data = data[:at] + data[at + draw.draw(st.integers(1, 4096)) :]
        else:
            data = data[:at] + data[at : at + 2048] * 3 + data[at + 2048 :]
    return data


def wrap(data: bytes, draw: st.DataObject) -> bytes:
    """Sometimes a gzip layer, whole or cut (the archive and publishers use gzip)."""
    layer = draw.draw(st.sampled_from(["plain", "plain", "gzip", "cut-gzip"]))
    if layer == "plain":
        return data
    packed = gzip.compress(data)
    return packed if layer == "gzip" else packed[: max(2, len(packed) // 2)]


def parse_once(kind: str, data: bytes, folder: Path) -> None:
    """The property: records (that the guards can check) or a MonitorError, in time."""
    path = folder / "input.bin"
    path.write_bytes(data)
    start = time.monotonic()
    try:
        records = list(parser(kind).parse([SourceFile.from_path(path)]))
    except MonitorError:
        records = []
    assert time.monotonic() - start < MAX_SECONDS, f"{kind}: {len(data)} bytes took too long"
    for record in records:  # a record the guards cannot check would raise here
        guards.record_problem(record)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("kind", fuzz_kinds())
def test_every_parser_survives_mutated_real_files(
    kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    real = seed(kind)
    if real is None:
        pytest.skip(f"no real file of {kind} here (see SEED_FILES)")
    folder = tmp_path_factory.mktemp(kind)
    parse_once(kind, real, folder)
    before = _peak_mb()

    @FUZZ
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        parse_once(kind, wrap(mutate(real, data), data), folder)

    check()
    assert _peak_mb() - before < MAX_GROWTH_MB


@pytest.mark.parametrize("kind", fuzz_kinds())
def test_every_parser_survives_random_bytes(
    kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp(kind)

    @FUZZ
    @given(blob=st.binary(max_size=4096), layer=st.sampled_from(["plain", "gzip"]))
    def check(blob: bytes, layer: str) -> None:
        parse_once(kind, gzip.compress(blob) if layer == "gzip" else blob, folder)

    check()


def test_every_format_has_a_real_seed() -> None:
    missing = [k for k in kinds() if k not in SEED_FILES and k not in DERIVED]
    assert not missing, f"add a real seed file to SEED_FILES for: {', '.join(missing)}"


@pytest.mark.parametrize("kind", kinds())
def test_the_seeds_are_healthy_real_files(kind: str, tmp_path: Path) -> None:
    """The cut-down seeds still parse into records: the fuzzing starts from valid input."""
    real = seed(kind)
    if real is None:
        pytest.skip(f"no real snapshot file of {kind} here (see SEED_FILES)")
    path = tmp_path / "seed.bin"
    path.write_bytes(real)
    files = [SourceFile.from_path(path)]
    if kind in NEVER_A_SNAPSHOT:  # a delta is read as operations on a state, never as a list
        assert list(parser(kind).parse_delta(files)), kind
        return
    assert list(parser(kind).parse(files)), kind
