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
from monitor.files import SourceFile
from monitor.formats._json_stream import array_items, describe_path
from monitor.formats._mapping import IGNORED as MAPPING_IGNORED
from monitor.formats._mapping import Getter, JsonMapping, Row, build_records, validated
from monitor.formats._readers import single_file
from monitor.formats.base import Format
from monitor.formats.generic_csv import needs_mapping
from monitor.records import Record

IGNORED = MAPPING_IGNORED  # what the record does not keep, and why


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
        yield from build_records(_rows(source, self.mapping), self.mapping, source.name)


def _rows(source: SourceFile, mapping: JsonMapping) -> Iterator[Row]:
    """One row per object of the array at ``path``, streamed; every item must be an object."""
    count = 0
    path = mapping.records
    names = (*mapping.name, *mapping.aliases)
    for count, item in array_items(source, path):
        if not isinstance(item, dict):
            raise ParseError(
                "a record that is not an object", file=source.name, position=f"record {count}"
            )
        for field in names:
            if not _texts(_raw(item, field)):
                raise ParseError(
                    f"{field!r} must be text or a list of texts (found an object, a number "
                    "or a nested list)",
                    file=source.name,
                    position=f"record {count}",
                )
        yield Row(position=f"record {count}", get=_getter(item))
    if count == 0:
        reason = describe_path(source, path) or "the array of records is empty"
        raise ParseError(reason, file=source.name)


def _raw(item: dict[str, Any], field: str) -> Any:
    return item[field] if field in item else _walk(item, field.split("."))


def _getter(item: dict[str, Any]) -> Getter:
    return lambda field: _values(_raw(item, field))


def _texts(value: Any) -> bool:
    """A name field: absent, a text, or a list of texts (the first is the name, the others
    aliases); an object or a number is no name and would be stored as its JSON text."""
    if value is None or isinstance(value, str):
        return True
    return isinstance(value, list) and all(v is None or isinstance(v, str) for v in value)


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
