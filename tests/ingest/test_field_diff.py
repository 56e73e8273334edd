"""The field-level diff compared directly gives what DeepDiff gave, on real modified entries.

The reference is the former implementation, kept here: DeepDiff of the two
records' dicts with ``ignore_order=True, report_repetition=False``, its
affected root keys as the changed fields. The pairs are real: every entry that
changed between consecutive versions of the real SDN series (found by raw
unit, as the fingerprints find them), of the OFAC consolidated sets, the UN
XML and the CSL; then real records against other real records of their list
(every field differing in every way a list can), and real records reordered.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from deepdiff import DeepDiff

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import get_format, resolve_format
from monitor.formats.base import Unit
from monitor.ingest import differ, field_diff
from monitor.records import FieldChange, Record
from tests.conftest import fresh_python, realdata

FULL_ENV = "WATCHLIST_MONITOR_TEST_FULL_REPLAY"
SDN_SUBSET = 40  # consecutive versions in the normal suite; all 161 with FULL_ENV=1
Pair = tuple[Record, Record]


def deepdiff_changes(before: Record, after: Record) -> tuple[FieldChange, ...]:
    """The former ``differ.field_changes``: DeepDiff of the whole records."""
    old, new = before.to_dict(), after.to_dict()
    old.pop("key")
    new.pop("key")
    diff = DeepDiff(old, new, ignore_order=True, report_repetition=False)
    fields = sorted(str(k) for k in diff.affected_root_keys)
    return tuple(FieldChange(field=f, before=old.get(f), after=new.get(f)) for f in fields)


def assert_same(pairs: list[Pair]) -> int:
    """Both diffs agree on every pair; returns how many pairs had a changed field."""
    changed = 0
    for before, after in pairs:
        expected = deepdiff_changes(before, after)
        assert differ.field_changes(before, after) == expected, (before.key, after.key)
        changed += bool(expected)
    return changed


def sdn_modified() -> Iterator[Pair]:
    """(before, after) of every entry of the real SDN series whose row changed between
    consecutive versions: only rows new or gone are parsed, as the fingerprints do."""
    folders = sorted(p for p in realdata("ofac-sdn").iterdir() if "T" in p.name)
    if os.environ.get(FULL_ENV) != "1":
        folders = folders[:SDN_SUBSET]
    fmt = get_format("ofac-csv")
    previous: dict[str, Unit] = {}
    for folder in folders:
        files = [SourceFile.from_path(p) for p in sorted(folder.iterdir()) if p.stat().st_size]
        if not files:
            continue
        units = {unit.fingerprint: unit for unit in fmt.split(files)}
        gone = {r.key: r for fp, u in previous.items() if fp not in units for r in [_parse(u)]}
        for fp, unit in units.items():
            if previous and fp not in previous:
                record = _parse(unit)
                if record.key in gone:
                    yield gone[record.key], record
        previous = units


def _parse(unit: Unit) -> Record:
    return get_format("ofac-csv").parse_unit(unit)


def series_modified(folder: str, pattern: str) -> Iterator[Pair]:
    """(before, after) of every entry of a real series whose record changed between the
    versions that parse (one UN file is malformed XML: rejected, as a check rejects it)."""
    previous: dict[str, Record] = {}
    for version in sorted(p for p in realdata(folder).iterdir() if p.is_dir()):
        files = [SourceFile.from_path(p) for p in sorted(version.glob(pattern))]
        if not files:
            continue
        try:
            records = {r.key: r for r in resolve_format("auto", files).parse(files)}
        except ParseError:  # a real malformed version: rejected, never compared with
            continue
        for key, record in records.items():
            old = previous.get(key)
            if old is not None and old.content_hash() != record.content_hash():
                yield old, record
        previous = records


def reordered(record: Record, rng: random.Random) -> Record:
    """The record as a publisher might write it in another order: every list and every
    identifier's list shuffled, some items repeated, the extra pairs in another order."""
    data: dict[str, Any] = json.loads(record.to_json())
    for name in ("programs", "aliases", "countries", "addresses", "birth_dates", "identifiers"):
        values = list(data[name])
        values += values[: rng.randint(0, len(values))]
        rng.shuffle(values)
        data[name] = values
    data["extra"] = dict(reversed(list(data["extra"].items())))
    return Record.from_dict(data)


@pytest.mark.realdata
def test_real_sdn_modifications_give_the_same_fields_as_deepdiff() -> None:
    """Both diffs agree on every pair whose row changed; a pair has a changed field exactly
    when its records differ (over the whole series a few rows change only in what the
    parse cleans away, e.g. a doubled space in entry 40261's name: no field changed)."""
    pairs = list(sdn_modified())
    differing = sum(before.content_hash() != after.content_hash() for before, after in pairs)
    assert assert_same(pairs) == differing > 100


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("folder", "pattern"),
    [
        ("ofac-consolidated", "cons_*.csv"),
        ("un-consolidated", "*.xml*"),
        ("trade-gov-csl", "*csv*"),
    ],
)
def test_other_real_modifications_give_the_same_fields_as_deepdiff(
    folder: str, pattern: str
) -> None:
    pairs = list(series_modified(folder, pattern))
    assert pairs
    assert assert_same(pairs) > 0


def _real_records() -> list[Record]:
    """Real records of several formats: SDN CSV, OFAC consolidated set, UN XML, FtM."""
    sources = [
        ("ofac-sdn", "2021-12-10T1850Z", "sdn.csv.gz"),
        ("ofac-consolidated", "2018-04-06_perchrh", "cons_*.csv"),
        ("un-consolidated", "2023-03-27", "*.xml*"),
        ("opensanctions", "t1", "entities.ftm.json"),
    ]
    records: list[Record] = []
    for folder, version, pattern in sources:
        files = [SourceFile.from_path(p) for p in sorted(realdata(folder, version).glob(pattern))]
        records += list(resolve_format("auto", files).parse(files))[:400]
    return records


@pytest.mark.realdata
def test_real_records_against_each_other_give_the_same_fields_as_deepdiff() -> None:
    """Neighbours in a list differ in every field and every way: added, removed, replaced."""
    records = _real_records()
    pairs = list(itertools.pairwise(records))
    assert assert_same(pairs) == len(pairs)


@pytest.mark.realdata
def test_reordering_and_repetition_are_never_a_change() -> None:
    rng = random.Random(16)
    records = _real_records()
    pairs = [(record, reordered(record, rng)) for record in records]
    assert sum(before.to_dict() != after.to_dict() for before, after in pairs) > len(pairs) / 2
    assert assert_same(pairs) == 0  # neither diff sees a change


def test_a_type_is_part_of_a_value() -> None:
    """None is not an empty text, an empty list not an empty dict, 1 not 1.0 nor True."""
    for before, after in [(None, ""), ([], {}), ([1], [1.0]), ([True], [1]), ("a", ["a"])]:
        assert field_diff.differs(before, after)
        assert DeepDiff(before, after, ignore_order=True, report_repetition=False)


def test_nested_lists_are_compared_without_order_as_deepdiff_does() -> None:
    assert not field_diff.differs([["a", "b", ""]], [["b", "a", ""], ["a", "b", ""]])
    assert field_diff.differs([["a", "b", ""]], [["a", "b", "c"]])


def test_a_sub_field_named_with_two_underscores_is_compared() -> None:
    """The one difference on purpose: DeepDiff skips such dict keys by default, so a
    change there went unseen; every sub-field the publisher gives is kept."""
    before, after = {"extra": {"__id": "1"}}, {"extra": {"__id": "2"}}
    assert not DeepDiff(before, after, ignore_order=True, report_repetition=False)
    assert field_diff.changed_fields(before, after) == ["extra"]


def test_a_value_of_another_type_is_left_to_deepdiff() -> None:
    """No record field holds a set or a path; if one did, DeepDiff still compares it."""
    assert not field_diff.differs({1, 2}, {2, 1})
    assert field_diff.differs(Path("a"), Path("b"))


def test_the_ingest_pipeline_does_not_import_deepdiff() -> None:
    """It is imported only for a value of another type: an ``ingest`` process never pays
    for it (about a tenth of its imports)."""
    code = "import sys, monitor.ingest.pipeline; print('deepdiff' in sys.modules)"
    printed = fresh_python(code)
    assert printed.strip() == "False"
