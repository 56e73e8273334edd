"""trade.gov Consolidated Screening List, JSON export or API answer."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import _csl_common as csl
from monitor.formats._json_stream import array_items, describe_path, first_byte
from monitor.formats._readers import single_file, without_bom
from monitor.formats.base import Format
from monitor.records import Record

IGNORED = csl.IGNORED  # what a CSL row gives that the record does not keep, and why

NOT_CSL = "expected a list of CSL rows or an object with 'results'"


def _rows(source: SourceFile) -> Iterator[dict[str, Any]]:
    """The rows, streamed: a top-level array, or the 'results' array of the API answer."""
    path = "" if first_byte(source) == b"[" else "results"
    count = 0
    for count, row in array_items(source, path):
        if not isinstance(row, dict):
            raise ParseError(NOT_CSL, file=source.name, position=f"row {count}")
        if count == 1:
            csl.check_columns(list(row), source.name)
        yield row
    if count == 0:
        empty_array = describe_path(source, path) is None
        raise ParseError("no rows" if empty_array else NOT_CSL, file=source.name)


class CslJson(Format):
    """trade.gov Consolidated Screening List, JSON (consolidated.json or the search API answer)."""

    kind = "csl-json"
    example = "consolidated.json"

    def __init__(self, previous_keys: Collection[str] = frozenset()) -> None:
        self.previous_keys = frozenset(previous_keys)

    def with_previous_keys(self, keys: Collection[str]) -> CslJson:
        return CslJson(keys)

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        if len(files) != 1:
            return False
        head = without_bom(files[0].head(4096)).lstrip(b" \t\r\n")
        return head[:1] in (b"{", b"[") and b'"entity_number"' in head and b'"source"' in head

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        source = single_file(files, self.kind)
        yield from csl.records_from_rows(lambda: _rows(source), source.name, self.previous_keys)
