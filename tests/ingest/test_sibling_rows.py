"""OFAC's daily set (sdn, add, alt, comments) compared as a set of byte strings, like sdn.csv alone.

Each entry's primary row and its rows in the sibling files are joined into one
byte string (``ofac_csv._join``), so a version of the whole set is compared with
the held one in C (``held_takes.take_rows``) instead of unit by unit. An entry whose
rows in every file are unchanged never reaches the parser; one with a changed
sibling row does; and the events and stored records are those of the full parse.
Real files: the moov-io test set of the SDN list with its add, alt and comments files.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.files import SourceFile
from monitor.formats import _csv_units as units_module
from monitor.formats import ofac_csv
from monitor.formats.base import SplitRefused
from monitor.ingest import held_takes, units
from tests.conftest import realdata
from tests.ingest.test_held_runs import Counted, _replay
from tests.ingest.test_units import BuiltKeys, _state

NAMES = ["add.csv", "alt.csv", "sdn.csv.gz", "sdn_comments.csv"]


def _real_set() -> Path:
    return realdata("ofac-sdn", "2021-07-07_moov-bench")


def _files(folder: Path) -> list[SourceFile]:
    return [SourceFile.from_path(folder / name) for name in NAMES]


@pytest.mark.realdata
def test_each_entry_joined_with_its_sibling_rows_reads_back_as_split_groups_them() -> None:
    fmt = ofac_csv.OfacCsv()
    files = _files(_real_set())
    primary, siblings = fmt._split_files(files)
    rows = fmt.split_rows(files)
    assert rows is not None and len(rows) == len(primary)
    joined = 0
    for row, unit in zip(primary, fmt.units_of_rows(rows), strict=True):
        key = row.partition(b",")[0]
        assert unit.raw == (row, *(tuple(grouped.get(key, ())) for grouped in siblings))
        joined += any(unit.raw[1:])
    assert joined > len(primary) // 2  # most entries have an address or an alias


def _second_version(tmp_path: Path) -> tuple[Path, list[str]]:
    """The real set with one alias row and one address row edited (two other entries)."""
    later = tmp_path / "later"
    later.mkdir()
    for name in NAMES:
        shutil.copy(_real_set() / name, later / name)
    changed = []
    for name, old, new in (("alt.csv", b'"aka","', b'"aka","ZZ '), ("add.csv", b'","', b'","9 ')):
        lines = (later / name).read_bytes().splitlines(keepends=True)
        at = next(i for i in range(len(lines) // 2, len(lines)) if old in lines[i])
        lines[at] = lines[at].replace(old, new, 1)
        changed.append(lines[at].split(b",", 1)[0].decode())
        (later / name).write_bytes(b"".join(lines))
    assert changed[0] != changed[1]
    return later, sorted(changed)


@pytest.mark.realdata
def test_only_entries_whose_rows_changed_in_any_file_reach_the_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    later, changed = _second_version(tmp_path)
    versions = [
        (datetime(2021, 7, 7, tzinfo=UTC), [_real_set() / name for name in NAMES]),
        (datetime(2021, 7, 8, tzinfo=UTC), [later / name for name in NAMES]),
    ]
    entries = len(ofac_csv.OfacCsv().split_rows(_files(_real_set())) or [])
    monkeypatch.setenv(units.ENV, "1")
    built = BuiltKeys(monkeypatch)
    as_sets = Counted(monkeypatch, held_takes, "take_rows")
    results = _replay(versions, f"sqlite:///{tmp_path / 'on.db'}", tmp_path / "a1")
    keys = built.take()
    assert as_sets.results == 1  # the second version, compared as a set
    assert len(keys) == entries + len(changed)  # the baseline, then the two entries only
    assert sorted(keys[entries:]) == changed
    assert sorted(e.key for e in results[-1].events) == changed

    monkeypatch.setenv(units.ENV, "0")
    _replay(versions, f"sqlite:///{tmp_path / 'off.db'}", tmp_path / "a2")
    assert _state(f"sqlite:///{tmp_path / 'on.db'}") == _state(f"sqlite:///{tmp_path / 'off.db'}")


PRIMARY_ROWS = [
    b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n',
    b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n',
    b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
    b'36,"A ""B"" \xc3\xa9",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"x, y"\r\n',
    b'36,"A\r\nB",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n',  # a quoted line break
    b'36,"A\rB",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n',
    b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n',  # 11
    b'36,"AERO\xff",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n',  # not UTF-8
    b'36,"AERO,-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n',  # a quote left open
    b'36,"AERO"x,-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n',
    b"\r\n",
    b"",
]


@pytest.mark.parametrize("row", PRIMARY_ROWS)
def test_a_primary_row_reads_as_the_splitter_reads_it(row: bytes) -> None:
    """parse_unit's reading of a primary row (one csv.reader call for a one-line row) gives
    the cells _csv_units.parse_row gives, or refuses the row as it does."""
    try:
        expected: object = units_module.parse_row(row, ofac_csv.PRIMARY, "primary row")
    except SplitRefused as exc:
        expected = str(exc)
    try:
        found: object = ofac_csv._primary_cells(row)
    except SplitRefused as exc:
        found = str(exc)
    assert found == expected
