"""generic-json: real CSL rows as JSON give the same records as the CSV through generic-csv."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ConfigError, ParseError
from monitor.files import SourceFile
from monitor.formats import detect_format, get_format
from monitor.formats.generic_json import GenericJson
from monitor.records import Record
from tests.conftest import FIXTURES
from tests.formats.test_generic_csv import CSL_MAPPING

FOLDER = FIXTURES / "generic" / "csl" / "2022-05-06"
JSON = FOLDER / "consolidated.json"
MAPPING = {**CSL_MAPPING, "records": "results"}


def parse(path: Path, mapping: dict[str, Any]) -> list[Record]:
    return list(get_format("generic-json").configure(mapping).parse([SourceFile.from_path(path)]))


def test_the_same_rows_as_json_give_the_same_records_as_csv() -> None:
    from_csv = get_format("generic-csv").configure(CSL_MAPPING)
    expected = list(from_csv.parse([SourceFile.from_path(FOLDER / "consolidated.csv")]))
    assert parse(JSON, MAPPING) == expected
    assert len(expected) == 20


def test_the_same_rows_give_the_dedicated_csl_json_names() -> None:
    dedicated = get_format("csl-json").parse([SourceFile.from_path(JSON)])
    assert sorted(r.name for r in parse(JSON, MAPPING)) == sorted(r.name for r in dedicated)


def test_a_top_level_array_and_nested_fields(tmp_path: Path) -> None:
    rows = json.loads(JSON.read_text(encoding="utf-8"))["results"]
    nested: list[dict[str, Any]] = [
        {"id": {"value": r["_id"]}, "names": [r["name"], *r["alt_names"].split("; ")], "when": None}
        for r in rows
        if r["alt_names"]
    ]
    path = tmp_path / "list.json"
    path.write_text(json.dumps(nested), encoding="utf-8")
    records = parse(path, {"key": "id.value", "name": "names"})
    assert [r.key for r in records] == [n["id"]["value"] for n in nested]
    for record, item in zip(records, nested, strict=True):
        assert record.name == item["names"][0]  # a list: the first value is the name...
        assert set(record.aliases) == set(item["names"][1:])  # ...the others are aliases


def test_never_auto_detected_and_needs_a_mapping() -> None:
    source = SourceFile.from_path(JSON)
    assert not GenericJson.sniff([source])
    assert detect_format([source]).kind == "csl-json"
    with pytest.raises(ConfigError, match=r"generic-json needs a mapping .*lists\[\]\.mapping"):
        list(get_format("generic-json").parse([source]))


def test_a_bad_json_mapping_names_the_key() -> None:
    with pytest.raises(ConfigError, match="unknown key 'delimiter'"):
        get_format("generic-json").configure({**MAPPING, "delimiter": ","})


def test_a_records_path_that_is_not_there_is_named() -> None:
    with pytest.raises(ParseError, match=r"no 'data.items' in the document \(found: results\)"):
        parse(JSON, {**MAPPING, "records": "data.items"})
    with pytest.raises(ParseError, match="expected an array of records at the top level"):
        parse(JSON, {**MAPPING, "records": ""})


def test_malformed_json_and_non_objects_are_parse_errors(tmp_path: Path) -> None:
    cut = tmp_path / "consolidated.json"
    cut.write_bytes(JSON.read_bytes()[:5000])
    with pytest.raises(ParseError, match="malformed JSON") as caught:
        parse(cut, MAPPING)
    assert caught.value.file == "consolidated.json" and caught.value.position
    cut.write_text('{"results": [{"_id": "1", "name": "A"}, 5]}', encoding="utf-8")
    with pytest.raises(ParseError, match="not an object") as caught:
        parse(cut, MAPPING)
    assert caught.value.position == "record 2"
