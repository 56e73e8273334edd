"""JSON lists are streamed one object at a time, never loaded whole."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest

from monitor.errors import ParseError
from monitor.formats import get_format
from monitor.formats._json_stream import array_items
from monitor.sources import SourceFile

ROW = {
    "entity_number": "",
    "source": "Entity List (EL) - Bureau of Industry and Security",
    "name": "Example Trading Co.",
    "alt_names": ["Example Co.", "Example Trading Company Limited"],
    "addresses": [{"address": "Room 1, 2 Long Street", "city": "Shenzhen", "country": "CN"}],
    "programs": ["EAR"],
    "remarks": "",
    "start_date": "2021-11-26",
}


def _document(tmp_path: Path, rows: int, *, wrapped: bool) -> SourceFile:
    """A CSL-shaped document of ``rows`` distinct entries, gzip-compressed like the archive."""
    items = [{**ROW, "name": f"{ROW['name']} {n}", "_id": str(n)} for n in range(rows)]
    body = json.dumps({"total": rows, "results": items} if wrapped else items).encode()
    path = tmp_path / "consolidated.json.gz"
    path.write_bytes(gzip.compress(body, compresslevel=1))
    return SourceFile.from_path(path)


def test_objects_arrive_before_the_end_of_the_document(tmp_path: Path) -> None:
    """A truncated document yields its complete objects, then says where it broke."""
    path = tmp_path / "cut.json"
    path.write_bytes(b'[{"_id": "1"}, {"_id": "2"}, {"_id": "3", "na')
    seen = []
    with pytest.raises(ParseError, match="malformed JSON") as caught:
        for number, item in array_items(SourceFile.from_path(path), ""):
            seen.append((number, item["_id"]))
    assert seen == [(1, "1"), (2, "2")]
    assert caught.value.file == "cut.json" and caught.value.position == "after record 2"


def test_memory_holds_one_object_not_the_document(tmp_path: Path) -> None:
    source = _document(tmp_path, 60_000, wrapped=True)
    size = len(gzip.decompress(source.path.read_bytes()))
    tracemalloc.start()
    try:
        count = sum(1 for _ in array_items(source, "results"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 60_000
    assert size > 15_000_000 and peak < size / 20  # json.loads held several times the size


def test_a_byte_order_mark_and_both_csl_shapes_are_read(tmp_path: Path) -> None:
    wrapped = _document(tmp_path, 3, wrapped=True)
    bare = tmp_path / "bare.json"
    bare.write_bytes(b"\xef\xbb\xbf" + json.dumps([ROW]).encode())
    fmt = get_format("csl-json")
    assert [r.name for r in fmt.parse([wrapped])] == [f"Example Trading Co. {n}" for n in range(3)]
    assert [r.name for r in fmt.parse([SourceFile.from_path(bare)])] == ["Example Trading Co."]


def test_an_empty_list_and_a_missing_array_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_bytes(b'{"results": []}')
    with pytest.raises(ParseError, match=r"^empty\.json: no rows$"):
        list(get_format("csl-json").parse([SourceFile.from_path(empty)]))
    other = tmp_path / "other.json"
    other.write_bytes(b'{"data": [{"_id": "1"}]}')
    mapping = {"records": "results", "key": "_id", "name": "name"}
    with pytest.raises(ParseError, match=r"no 'results' in the document \(found: data\)"):
        list(get_format("generic-json").configure(mapping).parse([SourceFile.from_path(other)]))
