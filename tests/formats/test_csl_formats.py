"""trade.gov Consolidated Screening List in CSV, TSV and JSON, on the real 2022 export."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from pathlib import Path

import pytest

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import detect_format, get_format
from tests.conftest import SNAPSHOTS, realdata

CSL = SNAPSHOTS / "us-csl" / "2022-05-06T0000Z" / "consolidated.csv.gz"


def raw_rows() -> list[dict[str, str]]:
    text = gzip.decompress(CSL.read_bytes()).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def records() -> dict[str, object]:
    return {r.key: r for r in get_format("csl-csv").parse([SourceFile.from_path(CSL)])}


def test_every_row_becomes_one_record_with_a_unique_key(records: dict) -> None:
    # Rows that differ only in columns the record ignores are one entry: the real file
    # lists BANK OF KUNLUN (CAP:15268) twice, once without its source_list_url.
    ignored = ("_id", "source_list_url", "source_information_url")
    distinct = {tuple(v for k, v in row.items() if k not in ignored) for row in raw_rows()}
    assert len(raw_rows()) == 14160
    assert len(records) == len(distinct) == 14159
    assert "CAP:15268" in records


def test_rows_from_ofac_are_keyed_on_the_entity_number(records: dict) -> None:
    for row in raw_rows():
        if row["entity_number"] and "(CMIC)" in row["source"]:
            record = records[f"CMIC:{row['entity_number']}"]
            assert record.name == row["name"]
            assert record.source_list.startswith("Non-SDN Chinese Military-Industrial Complex")


def test_entity_list_rows_keep_notice_and_effective_date(records: dict) -> None:
    expected = [r for r in raw_rows() if r["federal_register_notice"] == "86 FR 67319"]
    found = [r for r in records.values() if r.notice == "86 FR 67319"]
    assert len(found) == len(expected) == 29
    assert {r.effective_date for r in found} == {"2021-11-26"}
    assert {r.source_list for r in found} == {"Entity List (EL)"}
    assert Counter(r.countries[0] for r in found if r.countries)["PK"] == 13


def test_cmic_rows_without_start_date_take_the_cmic_listing_date(records: dict) -> None:
    sensetime = records["CMIC:33114"]
    assert sensetime.name == "SENSETIME GROUP LIMITED"
    assert sensetime.effective_date == "2021-12-10"


def test_the_csl_id_is_not_part_of_any_record(records: dict) -> None:
    first = raw_rows()[0]["_id"]
    assert all(first not in r.to_json() for r in list(records.values())[:50])


def test_tsv_and_json_exports_give_the_same_records(tmp_path: Path, records: dict) -> None:
    rows = raw_rows()[:300]
    tsv = tmp_path / "consolidated.tsv"
    with tsv.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
    document = tmp_path / "consolidated.json"
    document.write_text(json.dumps({"total": len(rows), "results": rows}), encoding="utf-8")
    from_tsv = list(detect_format([SourceFile.from_path(tsv)]).parse([SourceFile.from_path(tsv)]))
    from_json = list(get_format("csl-json").parse([SourceFile.from_path(document)]))
    assert detect_format([SourceFile.from_path(document)]).kind == "csl-json"
    assert [r.key for r in from_tsv] == [r.key for r in from_json]
    assert from_tsv == from_json


def test_the_real_truncated_csl_file_is_rejected_with_its_line() -> None:
    cut = realdata("trade-gov-csl", "2023-11-30_moov-subset", "csl.csv.gz")
    with pytest.raises(ParseError, match=r"line \d+: expected 29 fields"):
        list(get_format("csl-csv").parse([SourceFile.from_path(cut)]))


def test_a_renamed_required_column_is_reported(tmp_path: Path) -> None:
    text = gzip.decompress(CSL.read_bytes()).decode("utf-8-sig")
    broken = tmp_path / "consolidated.csv"
    broken.write_text(text.replace("entity_number", "entity_no", 1), encoding="utf-8")
    with pytest.raises(ParseError, match="missing column"):
        list(get_format("csl-csv").parse([SourceFile.from_path(broken)]))
