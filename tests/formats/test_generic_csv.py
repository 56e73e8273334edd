"""generic-csv: real lists mapped in configuration give what their dedicated parsers give."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ConfigError, ParseError
from monitor.files import SourceFile
from monitor.formats import REGISTRY, detect_format, get_format
from monitor.formats.generic_csv import GenericCsv
from monitor.records import Record
from tests.conftest import FIXTURES

UK = FIXTURES / "uk-hmt" / "2020-04-27" / "sample_hmt.csv.gz"
CSL = FIXTURES / "generic" / "csl" / "2022-05-06" / "consolidated.csv"
UK_MAPPING: dict[str, Any] = {
    "key": "Group ID",
    "name": ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6"],
    "primary_row": {"column": "Alias Type", "values": ["Primary name", "Prime Alias"]},
    "type": "Group Type",
    "type_values": {"Ship": "vessel"},
    "programs": "Regime",
    "addresses": [*(f"Address {n}" for n in range(1, 7)), "Post/Zip Code", "Country"],
    "effective_date": "Listed On",
    "date_format": "%d/%m/%Y",
    "remarks": "Other Information",
    "separator": None,
    "encoding": "cp1252",
    "header_line": 2,
}
CSL_MAPPING: dict[str, Any] = {
    "key": "_id",
    "name": "name",
    "aliases": "alt_names",
    "type": "type",
    "programs": "programs",
    "countries": ["citizenships", "nationalities"],
    "addresses": "addresses",
    "birth_dates": "dates_of_birth",
    "effective_date": "start_date",
    "notice": "federal_register_notice",
    "remarks": "remarks",
    "source_list": "source",
    "extra": ["entity_number"],
}


def parse(path: Path, mapping: dict[str, Any], kind: str = "generic-csv") -> list[Record]:
    return list(get_format(kind).configure(mapping).parse([SourceFile.from_path(path)]))


def dedicated(path: Path, kind: str) -> dict[str, Record]:
    return {r.key: r for r in get_format(kind).parse([SourceFile.from_path(path)])}


def test_the_uk_conlist_mapped_gives_the_dedicated_parser_s_entries() -> None:
    expected = dedicated(UK, "uk-conlist-csv")
    mapped = {r.key: r for r in parse(UK, UK_MAPPING)}
    assert sorted(mapped) == sorted(expected)
    assert len(mapped) == 2114
    for field in ("name", "aliases", "entry_type", "programs", "addresses", "effective_date"):
        differing = [
            k for k in expected if getattr(expected[k], field) != getattr(mapped[k], field)
        ]
        assert differing == [], field


def test_the_csl_mapped_by_row_gives_the_dedicated_parser_s_names() -> None:
    expected = sorted(
        (r.name, r.entry_type, r.effective_date, r.programs, r.aliases)
        for r in dedicated(CSL, "csl-csv").values()
    )
    mapped = parse(CSL, CSL_MAPPING)
    assert sorted(
        (r.name, r.entry_type, r.effective_date, r.programs, r.aliases) for r in mapped
    ) == (expected)
    with CSL.open(encoding="utf-8", newline="") as handle:
        ids = [row["_id"] for row in csv.DictReader(handle)]
    assert [r.key for r in mapped] == ids  # one record per row, in file order


def test_keys_and_hashes_are_stable() -> None:
    first = [(r.key, r.content_hash()) for r in parse(CSL, CSL_MAPPING)]
    assert [(r.key, r.content_hash()) for r in parse(CSL, CSL_MAPPING)] == first


def test_never_auto_detected() -> None:
    assert detect_format([SourceFile.from_path(CSL)]).kind == "csl-csv"
    assert not GenericCsv.sniff([SourceFile.from_path(CSL)])


def test_without_a_mapping_it_says_where_the_mapping_goes() -> None:
    message = "generic-csv needs a mapping in the list's configuration (lists[].mapping)"
    with pytest.raises(ConfigError) as caught:
        list(get_format("generic-csv").parse([SourceFile.from_path(CSL)]))
    assert str(caught.value) == message
    with pytest.raises(ConfigError, match="needs a mapping"):
        get_format("generic-csv").configure(None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"delimter": ";"}, "unknown key 'delimter'; valid keys: key, fold_key, name"),
        ({"key": None}, "'key'"),
        ({"type_values": {"Ship": "boat"}}, "boat: not entry types"),
        ({"encoding": "klingon"}, "'encoding': is not a known text encoding"),
        ({"delimiter": ";;"}, "'delimiter'"),
        ({"date_format": "YYYY-MM-DD"}, "is not a strptime format"),
        ({"primary_row": {"column": "Alias Type", "value": "x"}}, "primary_row.value"),
    ],
)
def test_a_bad_mapping_names_the_bad_key(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match="generic-csv mapping") as caught:
        get_format("generic-csv").configure({**UK_MAPPING, **change})
    assert message in str(caught.value)


def test_a_missing_required_key_is_named() -> None:
    with pytest.raises(ConfigError, match="'name' is required"):
        get_format("generic-csv").configure({"key": "id"})
    with pytest.raises(ConfigError, match="must be a mapping"):
        get_format("generic-csv").configure(["key", "name"])  # type: ignore[arg-type]


def test_the_mapping_is_frozen() -> None:
    fmt = get_format("generic-csv").configure(CSL_MAPPING)
    assert isinstance(fmt, GenericCsv) and fmt.mapping is not None
    with pytest.raises(ValueError, match="frozen"):
        fmt.mapping.key = ("other",)


def test_formats_without_options_refuse_a_mapping() -> None:
    csl = get_format("csl-csv")
    assert csl.configure(None) is csl
    with pytest.raises(ConfigError, match=r"'csl-csv' takes no mapping.*generic-csv, generic-json"):
        csl.configure(CSL_MAPPING)
    assert {k for k, c in REGISTRY.items() if c().delta} == {"ftm-delta"}


def test_a_column_the_file_lacks_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"lacks mapped column.*Group ID") as caught:
        parse(CSL, {**CSL_MAPPING, "key": "Group ID"})
    assert caught.value.file == "consolidated.csv"
    assert caught.value.position == "line 1"


def test_a_row_without_a_key_or_cut_short_is_a_parse_error(tmp_path: Path) -> None:
    lines = CSL.read_text(encoding="utf-8").splitlines()
    no_key = tmp_path / "no-key.csv"
    no_key.write_text("\n".join([lines[0], lines[1], "," + lines[2].split(",", 1)[1]]) + "\n")
    with pytest.raises(ParseError, match="without a key") as caught:
        parse(no_key, CSL_MAPPING)
    assert (caught.value.file, caught.value.position) == ("no-key.csv", "line 3")
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join([lines[0], lines[1], lines[2][:40]]) + "\n")
    with pytest.raises(ParseError, match="expected 29 fields, found") as caught:
        parse(cut, CSL_MAPPING)
    assert caught.value.position == "line 3"


def test_a_wrong_encoding_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="not readable as utf-8") as caught:
        parse(UK, {**UK_MAPPING, "encoding": "utf-8"})
    assert caught.value.file == "sample_hmt.csv"


def test_rows_of_one_key_are_one_entry_and_keys_can_be_folded(tmp_path: Path) -> None:
    path = tmp_path / "list.tsv"
    path.write_text(
        "Name\tType\tPrograms\tListed\tAddress\tIds\n"
        "ACME Trading, Ltd.\tCompany\tIRAN; SYRIA\t2021-03-04\tTehran\tA1; B2\n"
        "Acme Trading Ltd\tCompany\tRUSSIA\t2020-01-02\tDubai\t\n"
        "Jane Doe\tPerson\t\t3017-08-22\t\t\n",
        encoding="utf-8",
    )
    mapping = {
        "key": "Name",
        "fold_key": True,
        "name": "Name",
        "type": "Type",
        "type_values": {"company": "entity", "person": "individual"},
        "programs": "Programs",
        "effective_date": "Listed",
        "addresses": "Address",
        "identifiers": "Ids",
        "delimiter": "\t",
    }
    records = {r.key: r for r in parse(path, mapping)}
    assert sorted(records) == ["acme trading ltd", "jane doe"]
    acme = records["acme trading ltd"]
    assert (acme.name, acme.aliases) == ("ACME Trading, Ltd.", ("Acme Trading Ltd",))
    assert acme.programs == ("IRAN", "RUSSIA", "SYRIA")
    assert acme.addresses == ("Dubai", "Tehran")
    assert acme.effective_date == "2020-01-02"
    assert [(i.type, i.value) for i in acme.identifiers] == [("Ids", "A1"), ("Ids", "B2")]
    jane = records["jane doe"]
    assert jane.entry_type == "individual"
    assert jane.effective_date is None
    assert dict(jane.extra)["date_warning"] == "unreadable effective date: 3017-08-22"
