"""UN SC consolidated list XML: counts, keys, dates, and refusal of a broken copy."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import detect_format
from monitor.formats.un_xml import UnXml
from monitor.records import Record

CURRENT = "un/2023-03-27/consolidated-202303.xml.gz"
BROKEN = "un/2024-10-16/sample_unsc.xml.gz"
WELL_FORMED_VERSIONS = [
    "2018-06-07/consolidated.xml.gz",
    "2018-06-21/consolidated.xml.gz",
    "2018-08-24/consolidated.xml.gz",
    "2018-10-29/consolidated.xml.gz",
    "2022-10-21/consolidated.xml.gz",
    "2023-03-27/consolidated-202303.xml.gz",
    "2026-02-27/UN_consolidated.xml.gz",
]
Fixture = Callable[[str], SourceFile]


def parse(source: SourceFile) -> dict[str, Record]:
    return {r.key: r for r in UnXml().parse([source])}


def raw(source: SourceFile) -> bytes:
    return gzip.decompress(source.path.read_bytes())


def test_counts_match_the_raw_file(fixture_file: Fixture) -> None:
    source = fixture_file(CURRENT)
    text = raw(source)
    records = parse(source)
    assert len(records) == len(re.findall(rb"<DATAID>", text)) == 955
    individuals = sum(r.entry_type == "individual" for r in records.values())
    assert individuals == len(re.findall(rb"<INDIVIDUAL>", text)) == 701
    assert len(records) - individuals == len(re.findall(rb"<ENTITY>", text)) == 254


def test_keys_are_dataids_and_reference_numbers_are_identifiers(fixture_file: Fixture) -> None:
    text = raw(fixture_file(CURRENT)).decode("utf-8")
    pairs = re.findall(
        r"<DATAID>(\d+)</DATAID>.*?<REFERENCE_NUMBER>([^<]*)</REFERENCE_NUMBER>", text, re.S
    )
    records = parse(fixture_file(CURRENT))
    assert sorted(records) == sorted(key for key, _ in pairs)
    for key, reference in pairs:
        labels = {(i.type, i.value) for i in records[key].identifiers}
        assert ("UN Reference Number", reference.strip()) in labels


def test_effective_date_is_listed_on(fixture_file: Fixture) -> None:
    text = raw(fixture_file(CURRENT)).decode("utf-8")
    pattern = r"<DATAID>(\d+)</DATAID>.*?<LISTED_ON>(\d{4}-\d{2}-\d{2})"
    listed = dict(re.findall(pattern, text, re.S))
    records = parse(fixture_file(CURRENT))
    assert {key: r.effective_date for key, r in records.items()} == listed


def test_keys_and_content_are_stable_across_two_parses(fixture_file: Fixture) -> None:
    first = [(r.key, r.content_hash()) for r in UnXml().parse([fixture_file(CURRENT)])]
    second = [(r.key, r.content_hash()) for r in UnXml().parse([fixture_file(CURRENT)])]
    assert first == second


def test_one_individual_and_one_entity_read_as_published(fixture_file: Fixture) -> None:
    records = parse(fixture_file(CURRENT))
    person = records["6908570"]
    assert person.name == "CHANG CHANG HA"
    assert person.programs == ("DPRK",)
    assert person.aliases == ("Jang Chang Ha",)
    assert person.birth_dates == ("1964-01-10",)
    assert person.effective_date == "2016-11-30"
    entity = records["6908629"]
    assert entity.name == "PROPAGANDA AND AGITATION DEPARTMENT (PAD)"
    assert entity.entry_type == "entity"
    assert entity.addresses == ("Pyongyang, Democratic People's Republic of Korea",)


def test_published_at_is_date_generated(fixture_file: Fixture) -> None:
    published = UnXml().published_at([fixture_file(CURRENT)])
    assert published is not None and published.tzinfo is UTC
    assert published == datetime(2023, 3, 27, 23, 16, 1, 471000, tzinfo=UTC)


def test_the_broken_copy_is_refused_with_its_line(fixture_file: Fixture) -> None:
    with pytest.raises(ParseError, match="line 39788") as error:
        list(UnXml().parse([fixture_file(BROKEN)]))
    assert error.value.file == "sample_unsc.xml"


def test_truncated_file_is_a_parse_error_with_a_line(fixture_file: Fixture, tmp_path: Path) -> None:
    text = raw(fixture_file(CURRENT))
    path = tmp_path / "consolidated.xml"
    path.write_bytes(text[: len(text) // 3])
    with pytest.raises(ParseError, match=r"line \d+"):
        list(UnXml().parse([SourceFile.from_path(path)]))


def test_empty_list_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(
        b'<CONSOLIDATED_LIST dateGenerated="2024-01-01T00:00:00Z">'
        b"<INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>"
    )
    with pytest.raises(ParseError, match="no INDIVIDUAL or ENTITY"):
        list(UnXml().parse([SourceFile.from_path(path)]))


def test_sniff_recognises_its_own_files_and_no_other(
    fixture_file: Fixture, own_fixtures: dict[str, str]
) -> None:
    for path, kind in own_fixtures.items():
        assert UnXml.sniff([fixture_file(path)]) is (kind == "un-xml"), path
    assert detect_format([fixture_file(CURRENT)]).kind == "un-xml"


@pytest.mark.realdata
def test_every_real_version_parses_with_raw_counts_and_lasting_keys(realdata: Path) -> None:
    previous: set[str] = set()
    for name in WELL_FORMED_VERSIONS:
        source = SourceFile.from_path(realdata / "un-consolidated" / name)
        keys = set(parse(source))
        assert len(keys) == len(re.findall(rb"<DATAID>", raw(source))), name
        if previous:
            assert len(keys & previous) > 0.8 * len(previous), name
        previous = keys
