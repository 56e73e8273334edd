"""UK HMT/OFSI ConList.csv: rows grouped by Group ID, names in the right order, errors."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import detect_format
from monitor.formats.uk_conlist_csv import UkConlistCsv
from monitor.records import Record

CONLIST = "uk-hmt/2020-04-27/sample_hmt.csv.gz"
Fixture = Callable[[str], SourceFile]


def parse(source: SourceFile) -> dict[str, Record]:
    return {r.key: r for r in UkConlistCsv().parse([source])}


def raw_text(source: SourceFile) -> str:
    return gzip.decompress(source.path.read_bytes()).decode("cp1252")


def raw_rows(source: SourceFile) -> list[dict[str, str]]:
    lines = io.StringIO(raw_text(source), newline="")
    next(lines)  # "Last Updated,27/04/2020"
    return list(csv.DictReader(lines))


def test_one_record_per_distinct_group_id(fixture_file: Fixture) -> None:
    source = fixture_file(CONLIST)
    rows = raw_rows(source)
    group_ids = {row["Group ID"] for row in rows}
    records = parse(source)
    assert set(records) == group_ids
    assert len(records) == 2114
    assert len(rows) == 9492


def test_entry_types_follow_group_type(fixture_file: Fixture) -> None:
    source = fixture_file(CONLIST)
    types = {row["Group ID"]: row["Group Type"].lower() for row in raw_rows(source)}
    assert {k: r.entry_type for k, r in parse(source).items()} == types


def test_primary_name_reads_name_1_to_5_then_name_6(fixture_file: Fixture) -> None:
    record = parse(fixture_file(CONLIST))["13349"]
    # Prime Alias row: Name 6 'AL-HABABI', Name 1..4 'Nayef', 'Salam', 'Muhammad', 'Ujaym'.
    assert record.name == "Nayef Salam Muhammad Ujaym AL-HABABI"
    assert "Sheikh Farooq AL-QAHTANI" in record.aliases
    assert record.entry_type == "individual"
    assert record.programs == ("The ISIL (Da'esh) and Al-Qaida organisations",)
    assert record.birth_dates == ("1980", "1981")
    assert record.effective_date == "2016-04-01"
    assert set(record.countries) >= {"Saudi Arabia", "Qatar"}


def test_effective_date_is_the_earliest_listed_on(fixture_file: Fixture) -> None:
    source = fixture_file(CONLIST)
    listed: dict[str, set[str]] = {}
    for row in raw_rows(source):
        day, month, year = row["Listed On"].split("/")
        listed.setdefault(row["Group ID"], set()).add(f"{year}-{month}-{day}")
    assert {k: r.effective_date for k, r in parse(source).items()} == {
        k: min(v) for k, v in listed.items()
    }


def test_published_at_comes_from_line_one(fixture_file: Fixture) -> None:
    assert UkConlistCsv().published_at([fixture_file(CONLIST)]) == datetime(2020, 4, 27, tzinfo=UTC)


def test_keys_and_content_are_stable_across_two_parses(fixture_file: Fixture) -> None:
    first = [(r.key, r.content_hash()) for r in UkConlistCsv().parse([fixture_file(CONLIST)])]
    second = [(r.key, r.content_hash()) for r in UkConlistCsv().parse([fixture_file(CONLIST)])]
    assert first == second


def test_a_utf8_copy_gives_the_same_records(fixture_file: Fixture, tmp_path: Path) -> None:
    """OFSI moved from Windows-1252 to UTF-8; both must read the same."""
    path = tmp_path / "ConList.csv"
    path.write_bytes(raw_text(fixture_file(CONLIST)).encode("utf-8"))
    assert parse(SourceFile.from_path(path)) == parse(fixture_file(CONLIST))


def test_truncated_file_is_a_parse_error_with_a_line(fixture_file: Fixture, tmp_path: Path) -> None:
    text = gzip.decompress(fixture_file(CONLIST).path.read_bytes())
    cut = text.index(b",", len(text) // 2)
    path = tmp_path / "ConList.csv"
    path.write_bytes(text[:cut])
    with pytest.raises(ParseError, match=r"line \d+"):
        list(UkConlistCsv().parse([SourceFile.from_path(path)]))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"Last Updated,27/04/2020\r\n",
        b"Last Updated,27/04/2020\r\nName,Address\r\nX,Y\r\n",
    ],
)
def test_empty_or_foreign_files_are_parse_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(content)
    with pytest.raises(ParseError):
        list(UkConlistCsv().parse([SourceFile.from_path(path)]))


def test_sniff_recognises_its_own_file_and_no_other(
    fixture_file: Fixture, own_fixtures: dict[str, str]
) -> None:
    for path, kind in own_fixtures.items():
        assert UkConlistCsv.sniff([fixture_file(path)]) is (kind == "uk-conlist-csv"), path
    assert detect_format([fixture_file(CONLIST)]).kind == "uk-conlist-csv"
