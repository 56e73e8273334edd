"""Reordering is never a change, in any format (issue 14.3), proven on each format's real fixtures.

For every registered format, a copy of its real fixture is rewritten here (with
lxml, csv and json, not with our parsers) so that repeated elements come in
another order: the entries themselves, a multi-row entry's rows, names and
aliases, addresses, places and dates of birth, identifiers, programs, the
values of a multi-valued cell. Every record, and so every content hash, must
stay the same. Hypothesis draws the permutations.

What is not permuted, because its order is content: the parts of one name or of
one address (FIRST_NAME before SECOND_NAME is a different name), the text of a
remark, the continuation rows of an OFAC comments file, a list given as a JSON
name (documented: its first value is the name), and the operations of a delta.
"""

from __future__ import annotations

import csv
import io
import json
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from monitor.files import SourceFile
from tests.formats.test_registry_contract import CASES, Case, read_all
from tests.safety.helpers import plain_bytes

# Repeated XML elements whose order carries no meaning, per format (local names).
XML_REPEATED: dict[str, set[str]] = {
    "un-xml": {
        "INDIVIDUAL",
        "ENTITY",
        "VALUE",
        "INDIVIDUAL_ALIAS",
        "ENTITY_ALIAS",
        "INDIVIDUAL_ADDRESS",
        "ENTITY_ADDRESS",
        "INDIVIDUAL_DATE_OF_BIRTH",
        "INDIVIDUAL_PLACE_OF_BIRTH",
        "INDIVIDUAL_DOCUMENT",
        "NATIONALITY",
        "TITLE",
        "DESIGNATION",
        "LAST_DAY_UPDATED",
    },
    "eu-fsf-xml": {
        "sanctionEntity",
        "nameAlias",
        "regulation",
        "citizenship",
        "birthdate",
        "address",
        "identification",
        "remark",
    },
    "ofac-xml": {
        "sdnEntry",
        "program",
        "aka",
        "address",
        "id",
        "nationality",
        "citizenship",
        "dateOfBirthItem",
        "placeOfBirthItem",
    },
    "ofac-advanced-xml": {
        "DistinctParty",
        "Feature",
        "Alias",
        "IDRegDocument",
        "Location",
        "SanctionsEntry",
        "SanctionsMeasure",
        "ProfileRelationship",
    },
    "ofac-enhanced-xml": {
        "entity",
        "name",
        "address",
        "feature",
        "identityDocument",
        "sanctionsProgram",
        "relationship",
    },
}
# CSL cells that hold several values separated by ';' (CSV, TSV and the JSON export).
CSL_LISTS = (
    "alt_names",
    "addresses",
    "programs",
    "ids",
    "dates_of_birth",
    "places_of_birth",
    "citizenships",
    "nationalities",
)
Permute = Callable[[random.Random, Path, Path], Path]


def output(source: Path, folder: Path) -> Path:
    name = source.name[:-3] if source.name.endswith(".gz") else source.name
    if name.upper().endswith(".ZIP"):
        name = name[:-4] + ".XML"
    return folder / name


def shuffle_xml(tags: set[str]) -> Permute:
    def permute(rng: random.Random, source: Path, folder: Path) -> Path:
        root = etree.fromstring(plain_bytes(source), etree.XMLParser(huge_tree=True))
        for parent in root.iter():
            kids = list(parent)
            groups: dict[str, list[int]] = {}
            for i, kid in enumerate(kids):
                if isinstance(kid.tag, str) and etree.QName(kid).localname in tags:
                    groups.setdefault(etree.QName(kid).localname, []).append(i)
            if not groups:
                continue
            for slots in groups.values():
                moved = [kids[i] for i in slots]
                rng.shuffle(moved)
                for i, kid in zip(slots, moved, strict=True):
                    kids[i] = kid
            parent[:] = kids
        target = output(source, folder)
        target.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        return target

    return permute


def shuffle_cell(rng: random.Random, value: str, separator: str = ";") -> str:
    parts = [p.strip() for p in value.split(separator) if p.strip()]
    rng.shuffle(parts)
    return f"{separator} ".join(parts)


def shuffle_delimited(
    *,
    delimiter: str = ",",
    header_lines: int = 1,
    lists: tuple[str, ...] = (),
    cell: Callable[[random.Random, list[str]], list[str]] | None = None,
    shuffle_rows: bool = True,
) -> Permute:
    """Rows in another order; the named columns' values (';'-separated) too."""

    def permute(rng: random.Random, source: Path, folder: Path) -> Path:
        data = plain_bytes(source)
        try:
            encoding = "utf-8"
            text = data.decode(encoding)
        except UnicodeDecodeError:  # the UK list was Windows-1252 until 2021
            encoding = "cp1252"
            text = data.decode(encoding)
        crlf = "\r\n" in text[:4096]
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        head, body = rows[:header_lines], rows[header_lines:]
        tail = [r for r in body if len(r) <= 1 and not "".join(r).strip("\x1a ")]
        body = [r for r in body if r not in tail]
        columns = head[-1] if head else []
        wanted = [i for i, c in enumerate(columns) if c.strip() in lists]
        for row in body:
            for i in wanted:
                if i < len(row) and row[i]:
                    row[i] = shuffle_cell(rng, row[i])
            if cell is not None:
                row[:] = cell(rng, row)
        if shuffle_rows:
            rng.shuffle(body)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
        writer.writerows(head + body)
        target = output(source, folder)
        ending = "\x1a" if tail else ""
        target.write_bytes((out.getvalue() + ending).encode(encoding))
        return target

    return permute


def ofac_cells(rng: random.Random, row: list[str]) -> list[str]:
    """The program column of a primary row: 'A] [B'."""
    if len(row) == 12 and "] [" in row[3]:
        programs = row[3].split("] [")
        rng.shuffle(programs)
        row[3] = "] [".join(programs)
    return row


def shuffle_json_lists(rng: random.Random, value: Any, lists: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in lists and isinstance(item, list):
                rng.shuffle(item)
            elif key in lists and isinstance(item, str) and ";" in item:
                value[key] = shuffle_cell(rng, item)
            else:
                shuffle_json_lists(rng, item, lists)
    elif isinstance(value, list):
        for item in value:
            shuffle_json_lists(rng, item, lists)
    return value


def shuffle_csl_json(rng: random.Random, source: Path, folder: Path) -> Path:
    document = json.loads(plain_bytes(source))
    rows = document["results"] if isinstance(document, dict) else document
    rng.shuffle(rows)
    for row in rows:
        shuffle_json_lists(rng, row, CSL_LISTS)
    target = output(source, folder)
    target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return target


def shuffle_properties(rng: random.Random, entity: dict[str, Any]) -> None:
    for values in (entity.get("properties") or {}).values():
        if isinstance(values, list):
            rng.shuffle(values)
    for name in ("referents", "datasets"):
        if isinstance(entity.get(name), list):
            rng.shuffle(entity[name])


def shuffle_ftm(*, lines: bool) -> Permute:
    def permute(rng: random.Random, source: Path, folder: Path) -> Path:
        items = [
            json.loads(line) for line in plain_bytes(source).decode().splitlines() if line.strip()
        ]
        for item in items:
            shuffle_properties(rng, item.get("entity", item))
        if lines:
            rng.shuffle(items)
        target = output(source, folder)
        text = "\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n"
        target.write_text(text, encoding="utf-8")
        return target

    return permute


PERMUTERS: dict[str, Permute] = {
    **{kind: shuffle_xml(tags) for kind, tags in XML_REPEATED.items()},
    "bis-dpl": shuffle_delimited(delimiter="\t"),
    "csl-csv": shuffle_delimited(lists=CSL_LISTS),
    "csl-tsv": shuffle_delimited(delimiter="\t", lists=CSL_LISTS),
    "csl-json": shuffle_csl_json,
    "generic-json": shuffle_csl_json,
    "ofac-csv": shuffle_delimited(header_lines=0, cell=ofac_cells),
    "uk-conlist-csv": shuffle_delimited(header_lines=2),
    "ftm-json": shuffle_ftm(lines=True),
    "ftm-delta": shuffle_ftm(lines=False),
}


@dataclass(frozen=True)
class Permuted:
    case: Case

    def permuter(self, path: str) -> Permute:
        if self.case.kind == "generic-csv":
            uk = "uk-hmt" in path
            return PERMUTERS["uk-conlist-csv" if uk else "csl-csv"]
        return PERMUTERS[self.case.kind]

    def files(self, rng: random.Random, folder: Path) -> list[SourceFile]:
        copies = []
        for name in self.case.files:
            source = Path(__file__).resolve().parents[2] / name
            if plain_bytes(source) == b"":
                copies.append(SourceFile.from_path(source))
                continue
            copies.append(SourceFile.from_path(self.permuter(name)(rng, source, folder)))
        return copies


def test_every_format_has_a_permutation() -> None:
    kinds = {case.kind for case in CASES}
    assert kinds <= set(PERMUTERS) | {"generic-csv"}


EXPECTED: dict[Case, list[tuple[str, str]]] = {}


def expected(case: Case) -> list[tuple[str, str]]:
    if case not in EXPECTED:
        found = read_all(case.plugin(), case.sources())
        EXPECTED[case] = found if case.plugin().delta else sorted(found)
    return EXPECTED[case]


@pytest.mark.parametrize("case", CASES, ids=str)
@settings(
    max_examples=3,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_permuting_repeated_elements_changes_no_record(case: Case, seed: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        files = Permuted(case).files(rng, Path(folder))
        found = read_all(case.plugin(), files)
        if not case.plugin().delta:
            found = sorted(found)
        before = dict(expected(case)) if not case.plugin().delta else None
        if before is not None:
            changed = sorted(k for k, h in found if before.get(k) != h)
            assert len(found) == len(before), f"{case}: {len(found)} != {len(before)} records"
            assert not changed, f"{case}: {len(changed)} records changed, e.g. {changed[:5]}"
        else:
            assert found == expected(case)
