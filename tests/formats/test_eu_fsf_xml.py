"""EU FSF XML 1.1: counts, keys, names, dates, and refusal of a duplicated logicalId."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import detect_format
from monitor.formats.eu_fsf_xml import EuFsfXml
from monitor.records import Record

SANCTIONS = "eu-fsf/2020-04-15/sample_eu_sanctions.xml"
EDITED = "eu-fsf/2020-04-15/sample_eu.xml"
ENTITY_RE = re.compile(rb"<sanctionEntity [^>]*\blogicalId=\"(\d+)\"")
Fixture = Callable[[str], SourceFile]


def parse(source: SourceFile) -> dict[str, Record]:
    return {r.key: r for r in EuFsfXml().parse([source])}


def without_test_entry(tmp_path: Path, source: SourceFile) -> SourceFile:
    """sample_eu.xml minus the hand-added second copy of logicalId 5468 ('TestOneWord')."""
    text = source.path.read_bytes()
    marker = text.index(b"TestOneWord")
    start = text.rindex(b"<sanctionEntity", 0, marker)
    end = text.index(b"</sanctionEntity>", marker) + len(b"</sanctionEntity>")
    path = tmp_path / "sample_eu.xml"
    path.write_bytes(text[:start] + text[end:])
    return SourceFile.from_path(path)


def test_record_count_and_keys_match_the_raw_file(fixture_file: Fixture) -> None:
    source = fixture_file(SANCTIONS)
    ids = [m.decode() for m in ENTITY_RE.findall(source.path.read_bytes())]
    records = parse(source)
    assert sorted(records) == sorted(ids)
    assert len(records) == 7


def test_keys_and_content_are_stable_across_two_parses(fixture_file: Fixture) -> None:
    first = [(r.key, r.content_hash()) for r in EuFsfXml().parse([fixture_file(SANCTIONS)])]
    second = [(r.key, r.content_hash()) for r in EuFsfXml().parse([fixture_file(SANCTIONS)])]
    assert first == second


def test_main_name_is_the_split_name_not_the_first_translation(fixture_file: Fixture) -> None:
    """Entity 13 lists the French spelling 'Abou Ali' first; Saddam Hussein is the name."""
    record = parse(fixture_file(SANCTIONS))["13"]
    assert record.name == "Saddam Hussein Al-Tikriti"
    assert set(record.aliases) == {"Abou Ali", "Abu Ali"}
    assert record.entry_type == "individual"
    assert record.programs == ("IRQ",)
    assert record.birth_dates == ("1937-04-28",)
    assert ("EU Reference Number", "EU.27.28") in {(i.type, i.value) for i in record.identifiers}


def test_effective_date_is_designation_date_else_regulation_publication(
    fixture_file: Fixture, tmp_path: Path
) -> None:
    # sample_eu_sanctions.xml gives no designationDate: the 2003 regulation's date is used.
    assert {r.effective_date for r in parse(fixture_file(SANCTIONS)).values()} == {"2003-07-08"}
    edited = parse(without_test_entry(tmp_path, fixture_file(EDITED)))
    assert edited["5295"].effective_date == "2008-07-03"  # designationDate
    assert edited["191"].effective_date == "2020-01-14"  # no designationDate; regulation 2020/19


def test_the_hand_edited_sample_is_refused_for_its_duplicate_key(fixture_file: Fixture) -> None:
    with pytest.raises(ParseError, match=r"logicalId 5468 appears twice") as error:
        list(EuFsfXml().parse([fixture_file(EDITED)]))
    assert error.value.position is not None and error.value.position.startswith("line ")


def test_the_sample_without_its_test_entry_parses(fixture_file: Fixture, tmp_path: Path) -> None:
    source = without_test_entry(tmp_path, fixture_file(EDITED))
    ids = {m.decode() for m in ENTITY_RE.findall(source.path.read_bytes())}
    records = parse(source)
    assert set(records) == ids and len(records) == 6
    assert records["5468"].name == "Sok-hwa Hwang"
    assert records["5295"].name == "Abid Hammadou"
    assert records["5295"].birth_dates == ("1965-12-12", "circa 1958")


def test_published_at_is_generation_date(fixture_file: Fixture) -> None:
    published = EuFsfXml().published_at([fixture_file(SANCTIONS)])
    assert published == datetime(2020, 4, 15, 13, 29, 22, 497000, tzinfo=UTC)


def test_truncated_file_is_a_parse_error_with_a_line(fixture_file: Fixture, tmp_path: Path) -> None:
    text = fixture_file(SANCTIONS).path.read_bytes()
    path = tmp_path / "export.xml"
    path.write_bytes(text[: len(text) // 2])
    with pytest.raises(ParseError, match=r"line \d+"):
        list(EuFsfXml().parse([SourceFile.from_path(path)]))


def test_export_without_entities_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(
        b'<export xmlns="http://eu.europa.ec/fpi/fsd/export" '
        b'generationDate="2020-04-15T15:29:22.497+02:00"/>'
    )
    with pytest.raises(ParseError, match="no sanctionEntity"):
        list(EuFsfXml().parse([SourceFile.from_path(path)]))


def test_sniff_recognises_its_own_files_and_no_other(
    fixture_file: Fixture, own_fixtures: dict[str, str]
) -> None:
    for path, kind in own_fixtures.items():
        assert EuFsfXml.sniff([fixture_file(path)]) is (kind == "eu-fsf-xml"), path
    assert detect_format([fixture_file(SANCTIONS)]).kind == "eu-fsf-xml"
