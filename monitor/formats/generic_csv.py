"""Any delimited-text list, read through the mapping in the list's configuration.

For a list that has no dedicated parser: the configuration names the key
column, the name column(s) and the rest (see :mod:`monitor.formats._mapping`),
plus the delimiter, the encoding and the header's line. Never auto-detected:
a file's columns cannot say which of them is the key.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from monitor.errors import ConfigError, ParseError
from monitor.files import SourceFile
from monitor.formats._mapping import IGNORED as MAPPING_IGNORED
from monitor.formats._mapping import CsvMapping, Getter, Row, build_records, validated
from monitor.formats._readers import reading, single_file
from monitor.formats.base import Format
from monitor.records import Record


def needs_mapping(kind: str) -> ConfigError:
    return ConfigError(f"{kind} needs a mapping in the list's configuration (lists[].mapping)")


IGNORED = MAPPING_IGNORED  # what the record does not keep, and why


class GenericCsv(Format):
    """Any CSV/TSV list, with its columns named in the list's configuration (mapping)."""

    kind = "generic-csv"
    example = "any .csv + lists[].mapping {key: ID, name: Name, ...}"

    def __init__(self, mapping: CsvMapping | None = None) -> None:
        self.mapping = mapping

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        return False

    def configure(self, options: Mapping[str, Any] | None) -> GenericCsv:
        if options is None:
            raise needs_mapping(self.kind)
        return GenericCsv(validated(CsvMapping, self.kind, options))

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        if self.mapping is None:
            raise needs_mapping(self.kind)
        source = single_file(files, self.kind)
        yield from build_records(_rows(source, self.mapping), self.mapping, source.name)


def _rows(source: SourceFile, mapping: CsvMapping) -> Iterator[Row]:
    """Data rows after the header; a missing column or a short row is a ParseError."""
    utf8 = codecs.lookup(mapping.encoding).name == "utf-8"
    encoding = "utf-8-sig" if utf8 else mapping.encoding
    with reading(source) as stream:
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        reader = csv.reader(text, delimiter=mapping.delimiter)
        try:
            header = _header(reader, mapping, source.name)
            for cells in reader:
                if not any(c.strip() for c in cells) or [c.strip() for c in cells] == header:
                    continue
                if len(cells) != len(header):
                    raise ParseError(
                        f"expected {len(header)} fields, found {len(cells)} "
                        "(truncated or malformed file?)",
                        file=source.name,
                        position=f"line {reader.line_num}",
                    )
                yield Row(position=f"line {reader.line_num}", get=_getter(header, cells))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ParseError(
                f"not readable as {mapping.encoding} text delimited by {mapping.delimiter!r} "
                f"({exc})",
                file=source.name,
                position=f"line {reader.line_num + 1}",
            ) from exc


def _header(reader: Iterator[list[str]], mapping: CsvMapping, file: str) -> list[str]:
    """The header row at its configured line; it must have every mapped column."""
    header: list[str] = []
    for _ in range(mapping.header_line):
        header = next(reader, [])
    header = [cell.strip() for cell in header]
    missing = sorted(mapping.columns() - set(header))
    if missing:
        raise ParseError(
            f"the header lacks mapped column(s) {', '.join(missing)}; "
            f"found {', '.join(header[:10]) or 'nothing'}",
            file=file,
            position=f"line {mapping.header_line}",
        )
    return header


def _getter(header: list[str], cells: list[str]) -> Getter:
    values = dict(zip(header, cells, strict=True))
    return lambda column: [values[column]] if values.get(column, "").strip() else []
