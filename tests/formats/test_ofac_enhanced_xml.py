"""OFAC enhanced XML in its published ZIP: counts, keys shared with the legacy files, errors."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import detect_format, get_format
from monitor.formats.ofac_enhanced_xml import OfacEnhancedXml
from monitor.records import Record

ZIPPED = "ofac-enhanced/2025-01-14/CONS_ENHANCED.ZIP"
Fixture = Callable[[str], SourceFile]


def parse(source: SourceFile) -> dict[str, Record]:
    return {r.key: r for r in OfacEnhancedXml().parse([source])}


def member_bytes(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("CONS_ENHANCED.XML")


def test_record_count_matches_entities_in_the_zipped_xml(fixture_file: Fixture) -> None:
    source = fixture_file(ZIPPED)
    expected = len(re.findall(rb"<entity id=\"\d+\">", member_bytes(source.path)))
    assert len(parse(source)) == expected == 443


def test_published_at_is_data_as_of(fixture_file: Fixture) -> None:
    published = OfacEnhancedXml().published_at([fixture_file(ZIPPED)])
    assert published == datetime(2025, 1, 10, tzinfo=UTC)


def test_keys_and_content_are_stable_across_two_parses(fixture_file: Fixture) -> None:
    first = [(r.key, r.content_hash()) for r in OfacEnhancedXml().parse([fixture_file(ZIPPED)])]
    second = [(r.key, r.content_hash()) for r in OfacEnhancedXml().parse([fixture_file(ZIPPED)])]
    assert first == second


def test_the_bare_xml_gives_the_same_records_as_the_zip(
    fixture_file: Fixture, tmp_path: Path
) -> None:
    bare = tmp_path / "CONS_ENHANCED.XML"
    bare.write_bytes(member_bytes(fixture_file(ZIPPED).path))
    source = SourceFile.from_path(bare)
    assert OfacEnhancedXml.sniff([source])
    assert parse(source) == parse(fixture_file(ZIPPED))


def test_one_entry_reads_as_published(fixture_file: Fixture) -> None:
    record = parse(fixture_file(ZIPPED))["9639"]
    assert record.name == "HANIYA, Ismail Abdul Salah"
    assert record.entry_type == "individual"
    assert record.programs == ("NS-PLC",)
    assert record.aliases == ("HANIYA, Ismail", "HANIYYA, Ismaeel")
    assert record.birth_dates == ("1962",)
    vtb_bank = parse(fixture_file(ZIPPED))["17013"]
    assert vtb_bank.name == "VTB BANK PUBLIC JOINT STOCK COMPANY"
    assert "JSC VTB BANK" in vtb_bank.aliases


@pytest.mark.realdata
def test_keys_names_types_programs_match_the_legacy_csv(
    realdata: Path, fixture_file: Fixture
) -> None:
    """The nearest legacy file (cons_prim.csv, 2025-04-21) lists the same 443 parties."""
    folder = realdata / "ofac-consolidated" / "2025-04-21_li-xiaohui"
    legacy = {
        r.key: r
        for r in get_format("ofac-csv").parse(
            [SourceFile.from_path(folder / n) for n in ("cons_prim.csv", "cons_add.csv")]
        )
    }
    enhanced = parse(fixture_file(ZIPPED))
    assert sorted(enhanced) == sorted(legacy)
    for key, record in enhanced.items():
        other = legacy[key]
        assert (record.name, record.entry_type, record.programs) == (
            other.name,
            other.entry_type,
            other.programs,
        ), key
        assert record.addresses == other.addresses, key


def test_sniff_recognises_its_own_file_and_no_other(
    fixture_file: Fixture, own_fixtures: dict[str, str]
) -> None:
    for path, kind in own_fixtures.items():
        assert OfacEnhancedXml.sniff([fixture_file(path)]) is (kind == "ofac-enhanced-xml"), path
    assert detect_format([fixture_file(ZIPPED)]).kind == "ofac-enhanced-xml"


def test_sniff_rejects_a_zip_of_something_else(tmp_path: Path) -> None:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("list.csv", "Name,Street_Address\n")
    assert not OfacEnhancedXml.sniff([SourceFile.from_path(path)])


def test_truncated_zip_is_a_parse_error(fixture_file: Fixture, tmp_path: Path) -> None:
    data = fixture_file(ZIPPED).path.read_bytes()
    path = tmp_path / "CONS_ENHANCED.ZIP"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError, match="not a readable ZIP"):
        list(OfacEnhancedXml().parse([SourceFile.from_path(path)]))


def test_truncated_xml_inside_a_zip_is_a_parse_error_with_a_line(
    fixture_file: Fixture, tmp_path: Path
) -> None:
    xml = member_bytes(fixture_file(ZIPPED).path)
    path = tmp_path / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CONS_ENHANCED.XML", xml[: len(xml) // 2])
    with pytest.raises(ParseError, match=r"line \d+"):
        list(OfacEnhancedXml().parse([SourceFile.from_path(path)]))


def test_zip_with_two_files_is_a_parse_error(fixture_file: Fixture, tmp_path: Path) -> None:
    xml = member_bytes(fixture_file(ZIPPED).path)
    path = tmp_path / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("CONS_ENHANCED.XML", xml)
        archive.writestr("SDN_ENHANCED.XML", xml)
    with pytest.raises(ParseError, match="exactly one file"):
        list(OfacEnhancedXml().parse([SourceFile.from_path(path)]))


def test_empty_entities_list_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "CONS_ENHANCED.XML"
    path.write_bytes(b"<sanctionsData><publicationInfo/><entities/></sanctionsData>")
    with pytest.raises(ParseError, match="no <entity>"):
        list(OfacEnhancedXml().parse([SourceFile.from_path(path)]))
