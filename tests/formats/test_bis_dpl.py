"""BIS Denied Persons List: the folded-name key, its stability, impossible dates, errors."""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import detect_format
from monitor.formats.bis_dpl import BisDpl
from monitor.records import Record, parse_iso_date

VERSIONS = [
    "bis-dpl/2019-06-29/dpl.txt",
    "bis-dpl/2022-09-07/dpl.txt",
    "bis-dpl/2023-11-30/dpl.txt",
]
Fixture = Callable[[str], SourceFile]


def parse(source: SourceFile) -> dict[str, Record]:
    return {r.key: r for r in BisDpl().parse([source])}


def raw_rows(source: SourceFile) -> list[dict[str, str]]:
    with source.path.open(newline="", encoding="ascii") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def folded(name: str) -> str:
    """The documented key, computed independently: upper-case A-Z/0-9 words."""
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", name.upper()).split())


@pytest.mark.parametrize("version", VERSIONS)
def test_one_record_per_folded_name(fixture_file: Fixture, version: str) -> None:
    source = fixture_file(version)
    rows = raw_rows(source)
    records = parse(source)
    assert sorted(records) == sorted({folded(row["Name"]) for row in rows})
    assert sum(len(r.addresses) for r in records.values()) <= len(rows)


def test_row_counts_are_those_of_the_files(fixture_file: Fixture) -> None:
    assert [len(raw_rows(fixture_file(v))) for v in VERSIONS] == [546, 581, 665]
    assert [len(parse(fixture_file(v))) for v in VERSIONS] == [414, 458, 544]


def test_keys_and_content_are_stable_across_two_parses(fixture_file: Fixture) -> None:
    first = [(r.key, r.content_hash()) for r in BisDpl().parse([fixture_file(VERSIONS[0])])]
    second = [(r.key, r.content_hash()) for r in BisDpl().parse([fixture_file(VERSIONS[0])])]
    assert first == second


def test_unchanged_rows_keep_their_key_across_versions(fixture_file: Fixture) -> None:
    versions = [(raw_rows(fixture_file(v)), parse(fixture_file(v))) for v in VERSIONS]
    for (rows_a, records_a), (rows_b, records_b) in itertools.pairwise(versions):
        unchanged = {tuple(r.values()) for r in rows_a} & {tuple(r.values()) for r in rows_b}
        assert len(unchanged) > 250
        for row in unchanged:
            key = folded(row[0])
            assert key in records_a and key in records_b
        same = [k for k in records_a if k in records_b and records_a[k] == records_b[k]]
        assert len(same) > 250


def test_a_renewed_denial_order_keeps_its_key(fixture_file: Fixture) -> None:
    """AL NASER AIRLINES' temporary denial order was renewed between every version."""
    dates = [parse(fixture_file(v))["AL NASER AIRLINES"].effective_date for v in VERSIONS]
    assert dates == ["2019-06-05", "2022-05-13", "2023-10-31"]


def test_impossible_dates_are_kept_raw_and_flagged(fixture_file: Fixture) -> None:
    record = parse(fixture_file(VERSIONS[0]))["MANSOUR ZADEH"]
    extra = dict(record.extra)
    assert "3017-08-22" in extra["last_update"]
    assert "Last_Update '3017-08-22'" in extra["date_warning"]
    assert parse_iso_date(record.effective_date) is not None
    for version in VERSIONS:
        for other in parse(fixture_file(version)).values():
            assert other.effective_date is None or parse_iso_date(other.effective_date)


def test_an_impossible_effective_date_is_never_the_effective_date(
    fixture_file: Fixture, tmp_path: Path
) -> None:
    lines = fixture_file(VERSIONS[0]).path.read_text(encoding="ascii").splitlines(keepends=True)
    bad = lines[1].replace('"10/16/2017"', '"08/22/3017"')
    assert bad != lines[1]
    path = tmp_path / "dpl.txt"
    path.write_text(lines[0] + bad, encoding="ascii")
    (record,) = BisDpl().parse([SourceFile.from_path(path)])
    assert record.effective_date is None
    assert "Effective_Date '08/22/3017'" in dict(record.extra)["date_warning"]
    assert dict(record.extra)["effective_dates"] == "08/22/3017"


def test_one_party_reads_as_published(fixture_file: Fixture) -> None:
    record = parse(fixture_file(VERSIONS[2]))["AL NASER AIRLINES"]
    assert record.name == "AL NASER AIRLINES"
    assert "AL-NASER AIRLINES" in record.aliases
    assert set(record.countries) == {"AE", "IQ", "JO"}
    assert "P.O. BOX 28360, DUBAI, AE" in record.addresses
    assert record.notice.startswith("80 F.R. 30435")


def test_truncated_file_is_a_parse_error_with_a_line(fixture_file: Fixture, tmp_path: Path) -> None:
    text = fixture_file(VERSIONS[1]).path.read_bytes()
    path = tmp_path / "dpl.txt"
    path.write_bytes(text[: text.index(b"\t", len(text) // 2)])
    with pytest.raises(ParseError, match=r"line \d+"):
        list(BisDpl().parse([SourceFile.from_path(path)]))


@pytest.mark.parametrize("content", [b"", b'"Name"\t"Street_Address"\n', b"<html>error</html>\n"])
def test_empty_or_foreign_files_are_parse_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "dpl.txt"
    path.write_bytes(content)
    with pytest.raises(ParseError):
        list(BisDpl().parse([SourceFile.from_path(path)]))


def test_sniff_recognises_its_own_files_and_no_other(
    fixture_file: Fixture, own_fixtures: dict[str, str]
) -> None:
    for path, kind in own_fixtures.items():
        assert BisDpl.sniff([fixture_file(path)]) is (kind == "bis-dpl"), path
    assert detect_format([fixture_file(VERSIONS[0])]).kind == "bis-dpl"
