"""Any JSON list, read through the mapping in the list's configuration.

The mapping says where the array of records is (``records: results``, a
dotted path, or empty for a top-level array) and which field holds the key,
the name and the rest; dotted field names reach into nested objects, and a
list value counts as several values. Never auto-detected.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from monitor.errors import ParseError
from monitor.formats._mapping import Getter, JsonMapping, Row, build_records, validated
from monitor.formats._readers import reading, single_file
from monitor.formats.base import Format
from monitor.formats.generic_csv import needs_mapping
from monitor.records import Record
from monitor.sources import SourceFile

MAX_JSON_BYTES = 1 << 30


class GenericJson(Format):
    """Any JSON list, with its fields named in the list's configuration (mapping)."""

    kind = "generic-json"
    example = "any .json + lists[].mapping {records: results, key: id, name: name, ...}"

    def __init__(self, mapping: JsonMapping | None = None) -> None:
        self.mapping = mapping

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        return False

    def configure(self, options: Mapping[str, Any] | None) -> GenericJson:
        if options is None:
            raise needs_mapping(self.kind)
        return GenericJson(validated(JsonMapping, self.kind, options))

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        if self.mapping is None:
            raise needs_mapping(self.kind)
        source = single_file(files, self.kind)
        items = _records(_document(source), self.mapping.records, source.name)
        rows = (Row(position=f"record {n}", get=_getter(item)) for n, item in enumerate(items, 1))
        yield from build_records(rows, self.mapping, source.name)


def _document(source: SourceFile) -> Any:
    with reading(source) as stream:
        raw = stream.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise ParseError("larger than the 1 GiB JSON limit", file=source.name)
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else None
        raise ParseError(f"malformed JSON ({exc})", file=source.name, position=where) from exc


def _records(document: Any, path: str, file: str) -> list[dict[str, Any]]:
    """The array at ``path`` ('' = the document itself); every item must be an object."""
    found = document
    for part in path.split(".") if path else ():
        if not isinstance(found, dict) or part not in found:
            keys = ", ".join(list(found)[:10]) if isinstance(found, dict) else type(found).__name__
            raise ParseError(f"no {path!r} in the document (found: {keys})", file=file)
        found = found[part]
    if not isinstance(found, list):
        where = repr(path) if path else "the top level"
        raise ParseError(f"expected an array of records at {where}", file=file)
    for number, item in enumerate(found, 1):
        if not isinstance(item, dict):
            raise ParseError(
                "a record that is not an object", file=file, position=f"record {number}"
            )
    return found


def _getter(item: dict[str, Any]) -> Getter:
    return lambda field: _values(item[field] if field in item else _walk(item, field.split(".")))


def _walk(value: Any, parts: list[str]) -> Any:
    """A dotted field: 'address.city' in {'address': [{'city': ...}]} reaches every city."""
    if not parts:
        return value
    if isinstance(value, list):
        return [_walk(v, parts) for v in value]
    if isinstance(value, dict) and parts[0] in value:
        return _walk(value[parts[0]], parts[1:])
    return None


def _values(value: Any) -> list[str]:
    """A field's values as strings: lists flattened, objects as compact JSON, null dropped."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [v for item in value for v in _values(item)]
    if isinstance(value, dict):
        return [json.dumps(value, sort_keys=True, ensure_ascii=False)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]
