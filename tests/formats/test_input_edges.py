"""Input edges every format meets the same way (issue 15.6).

* A UTF-8 byte-order mark before a text file is not content: every format
  recognises and parses a copy with one exactly like the original.
* JSON that spells a value no list holds (``NaN``, ``1e99999``, an integer of
  100,000 digits) and a name that is not text (a list or an object) are parse
  errors that name the record, never keys 'nan'/'inf', a Python repr or a
  traceback.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import REGISTRY, get_format
from tests.formats.test_generic_csv import CSL_MAPPING
from tests.formats.test_registry_contract import CASES, Case, read_all

BOM = b"\xef\xbb\xbf"


def _plain(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _bom_copy(case: Case, folder: Path) -> list[SourceFile]:
    copies = []
    for source in case.sources():
        target = folder / source.name
        target.write_bytes(BOM + _plain(source.path))
        copies.append(SourceFile.from_path(target))
    return copies


TEXT_CASES = [c for c in CASES if not any(f.upper().endswith(".ZIP") for f in c.files)]


@pytest.mark.parametrize("case", TEXT_CASES, ids=str)
def test_a_byte_order_mark_changes_nothing(case: Case, tmp_path: Path) -> None:
    with_bom = _bom_copy(case, tmp_path)
    plugin = REGISTRY[case.kind]
    assert plugin.sniff(with_bom) == plugin.sniff(case.sources())
    assert read_all(case.plugin(), with_bom) == read_all(case.plugin(), case.sources())


def test_an_ofac_csv_with_a_bom_is_not_a_column_count_riddle(tmp_path: Path) -> None:
    """It failed with 'expected 12 columns, found 12 columns' (the BOM glued to ent_num)."""
    case = next(c for c in CASES if c.kind == "ofac-csv")
    records = list(get_format("ofac-csv").parse(_bom_copy(case, tmp_path)))
    assert records and all(r.key.isdigit() for r in records)


CSL_ROW = {
    "source": "Entity List (EL) - Bureau of Industry and Security",
    "entity_number": "",
    "name": "Example Trading Co.",
    "addresses": [],
    "start_date": "2021-11-26",
}


def _json_file(folder: Path, name: str, text: str) -> list[SourceFile]:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return [SourceFile.from_path(path)]


BAD_NUMBERS = {"NaN": "NaN", "infinite": "1e99999", "huge": "1" * 100_000, "-Infinity": "-Infinity"}


def _rows_with(value: str, field: str = "entity_number") -> str:
    good = json.dumps(CSL_ROW)
    bad = json.dumps({**CSL_ROW, "name": "Second"}).replace(f'"{field}": ""', f'"{field}": {value}')
    return f"[{good}, {bad}]"


@pytest.mark.parametrize("number", list(BAD_NUMBERS.values()), ids=list(BAD_NUMBERS))
@pytest.mark.parametrize("kind", ["csl-json", "generic-json"])
def test_a_number_no_list_holds_is_an_error_of_its_record(
    kind: str, number: str, tmp_path: Path
) -> None:
    files = _json_file(tmp_path, "consolidated.json", _rows_with(number))
    fmt = get_format(kind)
    if kind == "generic-json":
        fmt = fmt.configure({**CSL_MAPPING, "key": ["source", "name"]})
    with pytest.raises(ParseError) as caught:
        list(fmt.parse(files))
    assert caught.value.file == "consolidated.json"
    assert caught.value.position == "record 2", str(caught.value)


@pytest.mark.parametrize("number", list(BAD_NUMBERS.values()), ids=list(BAD_NUMBERS))
@pytest.mark.parametrize("kind", ["ftm-json", "ftm-delta"])
def test_a_number_no_list_holds_is_an_error_of_its_ftm_line(
    kind: str, number: str, tmp_path: Path
) -> None:
    entity: dict[str, Any] = {
        "id": "NK-1",
        "schema": "Person",
        "properties": {"name": ["Jane Doe"]},
        "target": True,
    }
    second = json.dumps({**entity, "id": "NK-2", "first_seen": "X"}).replace('"X"', number)
    lines = [json.dumps(entity), second]
    if kind == "ftm-delta":
        lines = [f'{{"op": "ADD", "entity": {line}}}' for line in lines]
    files = _json_file(tmp_path, "entities.json", "\n".join(lines) + "\n")
    fmt = get_format(kind)
    with pytest.raises(ParseError) as caught:
        list(fmt.parse_delta(files) if fmt.delta else fmt.parse(files))
    assert caught.value.position == "line 2", str(caught.value)


NOT_TEXT = {"list": ["A", "B"], "object": {"first": "A"}, "number": 12}


@pytest.mark.parametrize("name", list(NOT_TEXT.values()), ids=list(NOT_TEXT))
def test_a_csl_json_name_that_is_not_text_is_an_error_of_its_row(name: Any, tmp_path: Path) -> None:
    rows = [CSL_ROW, {**CSL_ROW, "name": name}]
    files = _json_file(tmp_path, "consolidated.json", json.dumps(rows))
    with pytest.raises(ParseError) as caught:
        list(get_format("csl-json").parse(files))
    assert caught.value.position == "row 2"
    assert "not text" in str(caught.value)


@pytest.mark.parametrize("name", [{"first": "A"}, 12, [["A"]]], ids=["object", "number", "nested"])
def test_a_generic_json_name_that_is_not_text_is_an_error_of_its_record(
    name: Any, tmp_path: Path
) -> None:
    rows = [{"id": "1", "name": "A"}, {"id": "2", "name": name}]
    files = _json_file(tmp_path, "list.json", json.dumps(rows))
    fmt = get_format("generic-json").configure({"key": "id", "name": "name"})
    with pytest.raises(ParseError) as caught:
        list(fmt.parse(files))
    assert caught.value.position == "record 2"


@pytest.mark.parametrize("caption", [["A"], {"a": 1}], ids=["list", "object"])
def test_an_ftm_caption_that_is_not_text_is_an_error_of_its_line(
    caption: Any, tmp_path: Path
) -> None:
    entity = {"id": "NK-1", "schema": "Person", "caption": caption, "properties": {}}
    files = _json_file(tmp_path, "entities.ftm.json", json.dumps(entity) + "\n")
    with pytest.raises(ParseError) as caught:
        list(get_format("ftm-json").parse(files))
    assert caught.value.position == "line 1"
