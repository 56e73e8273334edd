"""OFAC advanced XML: counts, keys, and identity with the classic XML of the same publication."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import detect_format, get_format
from monitor.formats.ofac_advanced_xml import OfacAdvancedXml
from monitor.records import Record

ADVANCED = "ofac-advanced/2020-03-17/cons_advanced.xml.gz"
CLASSIC = "ofac-advanced/2020-03-17/sample_ofac_consolidated.xml.gz"
# (advanced, classic) files of one publication each, under realdata/ofac-consolidated.
REAL_PAIRS = [
    ("2016-09-16_dermody/cons_advanced.xml.gz", "2016-09-16_dermody/consolidated.xml"),
    ("2020-03-17/cons_advanced.xml.gz", "2020-03-17/sample_ofac_consolidated.xml"),
    ("2021-06-03/cons.xml.gz", "2021-06-03/cons-old.xml"),
]
Fixture = Callable[[str], SourceFile]


def parse(kind: str, source: SourceFile) -> dict[str, Record]:
    return {r.key: r for r in get_format(kind).parse([source])}


def raw_text(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def assert_same_records(advanced: dict[str, Record], classic: dict[str, Record]) -> None:
    """The required equalities first (clear failures), then the whole record."""
    assert sorted(advanced) == sorted(classic)
    for key, record in advanced.items():
        other = classic[key]
        assert (record.name, record.entry_type, record.programs) == (
            other.name,
            other.entry_type,
            other.programs,
        ), key
        assert record.aliases == other.aliases, key
        assert record == other, key


def test_record_count_matches_distinct_parties_in_the_file(fixture_file: Fixture) -> None:
    source = fixture_file(ADVANCED)
    expected = len(re.findall(rb"<DistinctParty\b", raw_text(source.path)))
    records = list(OfacAdvancedXml().parse([source]))
    assert len(records) == expected == 375


def test_published_at_is_the_date_of_issue(fixture_file: Fixture) -> None:
    published = OfacAdvancedXml().published_at([fixture_file(ADVANCED)])
    assert published == datetime(2020, 3, 17, tzinfo=UTC)


def test_keys_and_content_are_stable_across_two_parses(fixture_file: Fixture) -> None:
    first = [(r.key, r.content_hash()) for r in OfacAdvancedXml().parse([fixture_file(ADVANCED)])]
    second = [(r.key, r.content_hash()) for r in OfacAdvancedXml().parse([fixture_file(ADVANCED)])]
    assert first == second
    assert len({key for key, _ in first}) == len(first)


def test_same_records_as_the_classic_xml_of_the_same_day(fixture_file: Fixture) -> None:
    assert_same_records(
        parse("ofac-advanced-xml", fixture_file(ADVANCED)), parse("ofac-xml", fixture_file(CLASSIC))
    )


@pytest.mark.realdata
@pytest.mark.parametrize(("advanced", "classic"), REAL_PAIRS)
def test_same_records_as_the_classic_xml_for_every_real_pair(
    realdata: Path, advanced: str, classic: str
) -> None:
    folder = realdata / "ofac-consolidated"
    assert_same_records(
        parse("ofac-advanced-xml", SourceFile.from_path(folder / advanced)),
        parse("ofac-xml", SourceFile.from_path(folder / classic)),
    )


@pytest.mark.realdata
def test_same_records_as_the_legacy_csv_of_the_same_day(realdata: Path) -> None:
    folder = realdata / "ofac-consolidated" / "2016-09-16_dermody"
    csv_files = [
        SourceFile.from_path(folder / name)
        for name in ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")
    ]
    advanced = parse("ofac-advanced-xml", SourceFile.from_path(folder / "cons_advanced.xml.gz"))
    legacy = {r.key: r for r in get_format("ofac-csv").parse(csv_files)}
    assert advanced == legacy


def test_one_entry_reads_as_published(fixture_file: Fixture) -> None:
    record = parse("ofac-advanced-xml", fixture_file(ADVANCED))["9639"]
    assert record.name == "HANIYA, Ismail Abdul Salah"
    assert record.entry_type == "individual"
    assert record.programs == ("NS-PLC",)
    assert record.aliases == ("HANIYA, Ismail", "HANIYYA, Ismaeel")
    assert record.birth_dates == ("1962",)
    assert record.remarks == "POB Shati"


def test_sniff_recognises_its_own_file_and_no_other(
    fixture_file: Fixture, own_fixtures: dict[str, str]
) -> None:
    for path, kind in own_fixtures.items():
        assert OfacAdvancedXml.sniff([fixture_file(path)]) is (kind == "ofac-advanced-xml"), path
    assert detect_format([fixture_file(ADVANCED)]).kind == "ofac-advanced-xml"


def test_truncated_gzip_is_a_parse_error(fixture_file: Fixture, tmp_path: Path) -> None:
    data = fixture_file(ADVANCED).path.read_bytes()
    truncated = tmp_path / "cons_advanced.xml.gz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError, match="truncated or corrupt"):
        list(OfacAdvancedXml().parse([SourceFile.from_path(truncated)]))


def test_truncated_xml_is_a_parse_error_with_a_line(fixture_file: Fixture, tmp_path: Path) -> None:
    text = raw_text(fixture_file(ADVANCED).path)
    truncated = tmp_path / "cons_advanced.xml"
    truncated.write_bytes(text[: len(text) * 2 // 3])
    with pytest.raises(ParseError, match=r"line \d+"):
        list(OfacAdvancedXml().parse([SourceFile.from_path(truncated)]))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'<Sanctions xmlns="http://www.un.org/sanctions/1.0"><DateOfIssue/></Sanctions>',
        b'<!DOCTYPE x [<!ENTITY a "b">]><Sanctions xmlns="http://www.un.org/sanctions/1.0"/>',
    ],
)
def test_empty_or_hollow_files_are_parse_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "cons_advanced.xml"
    path.write_bytes(content)
    with pytest.raises(ParseError):
        list(OfacAdvancedXml().parse([SourceFile.from_path(path)]))


def test_more_than_one_file_is_a_parse_error(fixture_file: Fixture) -> None:
    with pytest.raises(ParseError, match="exactly one file"):
        list(OfacAdvancedXml().parse([fixture_file(ADVANCED), fixture_file(CLASSIC)]))
