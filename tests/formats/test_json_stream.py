"""JSON lists are streamed one object at a time, never loaded whole."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import _json_stream, get_format
from monitor.formats._json_stream import CHUNK, array_items

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


def _peak_bytes(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_holds_a_chunk_and_an_object_not_the_document(tmp_path: Path) -> None:
    source = _document(tmp_path, 60_000, wrapped=True)
    raw = gzip.decompress(source.path.read_bytes())
    streamed = _peak_bytes(lambda: sum(1 for _ in array_items(source, "results")))
    whole = _peak_bytes(lambda: json.loads(raw.decode()))
    assert len(raw) > 15_000_000
    assert streamed < 8 * CHUNK  # a few chunks of bytes and text, whatever the document's size
    assert streamed * 10 < whole


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


JSON_TEXT = st.text(max_size=12)
JSON_SCALARS = st.none() | st.booleans() | st.integers() | JSON_TEXT
JSON_VALUES = st.recursive(
    JSON_SCALARS | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(JSON_TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    items=st.lists(st.dictionaries(JSON_TEXT, JSON_VALUES, max_size=4), max_size=6),
    before=st.dictionaries(st.sampled_from(["total", "sources", "meta"]), JSON_VALUES),
    after=st.dictionaries(st.sampled_from(["next", "tail"]), JSON_VALUES),
    chunk=st.integers(1, 40),
    indent=st.sampled_from([None, 0, 2]),
    ascii_only=st.booleans(),
)
def test_streamed_items_equal_json_loads_at_any_chunk_boundary(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    items: list[dict[str, object]],
    before: dict[str, object],
    after: dict[str, object],
    chunk: int,
    indent: int | None,
    ascii_only: bool,
) -> None:
    """Values cut anywhere by the chunking (numbers, escapes, strings) read the same."""
    monkeypatch.setattr(_json_stream, "CHUNK", chunk)
    document = {**before, "data": {"results": items}, **after}
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document, indent=indent, ensure_ascii=ascii_only), "utf-8")
    streamed = [item for _, item in array_items(SourceFile.from_path(path), "data.results")]
    assert streamed == json.loads(path.read_text("utf-8"))["data"]["results"]


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ('{"results": [{"a": 1}, {"a": 2}]', "after record 2"),  # the object is never closed
        ('{"results": [{"a": 1}], "next": ', "after record 1"),  # cut after the array
        ('[{"a": 1}] [{"a": 2}]', "after record 1"),  # two documents
        ('[{"a": 1} {"a": 2}]', "after record 1"),  # a missing comma
    ],
)
def test_a_document_broken_after_its_items_is_still_an_error(
    tmp_path: Path, text: str, position: str
) -> None:
    path = tmp_path / "doc.json"
    path.write_text(text, "utf-8")
    route = "results" if text.startswith("{") else ""
    with pytest.raises(ParseError, match="malformed JSON") as caught:
        list(array_items(SourceFile.from_path(path), route))
    assert caught.value.position == position
