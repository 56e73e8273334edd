"""OFAC legacy CSV and classic XML parsers on real published files."""

from __future__ import annotations

import csv
import gzip
import io
import re
from pathlib import Path

import pytest

from monitor.errors import FormatDetectionError, ParseError
from monitor.files import SourceFile
from monitor.formats import detect_format, get_format
from tests.conftest import FIXTURES, SNAPSHOTS, realdata

CONS_2016 = FIXTURES / "ofac" / "cons-2016-09-16"
SDN_DEC16 = SNAPSHOTS / "us-ofac-sdn" / "2021-12-16T0142Z" / "sdn.csv.gz"


def sources(*paths: Path) -> list[SourceFile]:
    return [SourceFile.from_path(p) for p in paths]


def csv_files() -> list[SourceFile]:
    return sources(*sorted(CONS_2016.glob("cons_*.csv")))


def raw_ent_nums(path: Path) -> set[str]:
    """ent_nums counted independently: first field of every row of the raw file."""
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    text = data.decode("utf-8").rstrip("\x1a")
    return {row[0] for row in csv.reader(io.StringIO(text)) if row and row[0].strip()}


def test_sdn_csv_yields_one_record_per_row_with_real_fields() -> None:
    records = {r.key: r for r in get_format("ofac-csv").parse(sources(SDN_DEC16))}
    assert set(records) == raw_ent_nums(SDN_DEC16)
    cuba = records["306"]
    assert cuba.name == "BANCO NACIONAL DE CUBA"
    assert cuba.entry_type == "entity"
    assert cuba.programs == ("CUBA",)
    assert cuba.aliases == ("BNC",)  # weak a.k.a. recovered from the remarks


def test_sdn_remarks_are_split_into_structured_fields() -> None:
    records = {r.key: r for r in get_format("ofac-csv").parse(sources(SDN_DEC16))}
    people = [r for r in records.values() if r.entry_type == "individual"]
    assert sum(1 for r in people if r.birth_dates) > 0.9 * len(people)
    assert not any(r.remarks.startswith("DOB ") for r in records.values())


def test_cons_csv_and_classic_xml_of_the_same_day_give_identical_records() -> None:
    from_csv = {r.key: r for r in get_format("ofac-csv").parse(csv_files())}
    xml = sources(CONS_2016 / "consolidated.xml.gz")
    from_xml = {r.key: r for r in get_format("ofac-xml").parse(xml)}
    declared = re.search(
        rb"<Record_Count>(\d+)</Record_Count>",
        gzip.decompress((CONS_2016 / "consolidated.xml.gz").read_bytes()),
    )
    assert declared is not None
    assert len(from_xml) == int(declared.group(1)) == 581
    assert set(from_csv) == set(from_xml)
    different = [k for k in from_csv if from_csv[k] != from_xml[k]]
    assert different == []
    assert {r.content_hash() for r in from_csv.values()} == {
        r.content_hash() for r in from_xml.values()
    }


def test_publish_date_comes_from_the_classic_xml() -> None:
    xml = sources(CONS_2016 / "consolidated.xml.gz")
    published = get_format("ofac-xml").published_at(xml)
    assert published is not None and published.date().isoformat() == "2016-09-16"


def test_auto_detection_recognises_each_shipped_format() -> None:
    assert detect_format(sources(SDN_DEC16)).kind == "ofac-csv"
    assert detect_format(csv_files()).kind == "ofac-csv"
    assert detect_format(sources(CONS_2016 / "consolidated.xml.gz")).kind == "ofac-xml"
    csl = SNAPSHOTS / "us-csl" / "2022-05-06T0000Z" / "consolidated.csv.gz"
    assert detect_format(sources(csl)).kind == "csl-csv"


def test_an_html_error_page_is_named_as_such(tmp_path: Path) -> None:
    page = tmp_path / "sdn.csv"
    page.write_text("<!DOCTYPE html><html><body>503 Service Unavailable</body></html>")
    with pytest.raises(FormatDetectionError, match="HTML page"):
        detect_format(sources(page))


def test_a_truncated_sdn_file_is_a_parse_error_with_the_row(tmp_path: Path) -> None:
    data = gzip.decompress(SDN_DEC16.read_bytes())
    cut = tmp_path / "sdn.csv"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError, match=r"sdn\.csv, (row \d+|end of file)"):
        list(get_format("ofac-csv").parse(sources(cut)))


def test_the_real_zero_byte_download_is_refused() -> None:
    empty = realdata("ofac-sdn", "2024-05-04T0136Z", "sdn.csv")
    with pytest.raises(ParseError, match="empty"):
        list(get_format("ofac-csv").parse(sources(empty)))


def test_comments_overflow_is_appended_to_the_remarks() -> None:
    folder = realdata("ofac-sdn", "2021-07-07_moov-bench")
    files = sources(*sorted(folder.iterdir()))
    with (folder / "sdn_comments.csv").open(encoding="utf-8") as comments:
        overflow = {row[0]: row[1] for row in csv.reader(comments) if len(row) == 2}
    records = {r.key: r for r in get_format("ofac-csv").parse(files)}
    assert overflow
    for key in overflow:
        record = records[key]
        assert record.identifiers or record.remarks


def test_a_copy_with_a_header_row_parses_like_the_official_file() -> None:
    folder = realdata("ofac-sdn", "2024-06-27_selfxyz")
    records = list(get_format("ofac-csv").parse(sources(*sorted(folder.iterdir()))))
    assert len(records) == 15402


def test_every_real_sdn_version_parses_to_its_raw_row_count() -> None:
    """All 160+ real SDN versions of 2021-2024 (the one 0-byte download is refused)."""
    folder = realdata("ofac-sdn")
    versions = sorted(p for p in folder.iterdir() if "T" in p.name)
    parser = get_format("ofac-csv")
    parsed = 0
    for version in versions:
        path = next(version.iterdir())
        if path.stat().st_size == 0:
            with pytest.raises(ParseError, match="empty"):
                list(parser.parse(sources(path)))
            continue
        keys = [r.key for r in parser.parse(sources(path))]
        assert set(keys) == raw_ent_nums(path) and len(keys) == len(set(keys)), version.name
        parsed += 1
    assert parsed >= 160
