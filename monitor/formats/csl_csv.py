"""trade.gov Consolidated Screening List, CSV export (Entity List, SDN, MEU, UVL, CMIC, DPL...)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import _csl_common as csl
from monitor.formats._delimited import dict_rows
from monitor.formats._readers import single_file, without_bom
from monitor.formats.base import Format
from monitor.records import Record

IGNORED = csl.IGNORED  # what a CSL row gives that the record does not keep, and why


def sniff_header(files: Sequence[SourceFile], delimiter: bytes) -> bool:
    if len(files) != 1:
        return False
    first = without_bom(files[0].head(1024)).split(b"\n", 1)[0]
    columns = [c.strip().strip(b'"') for c in first.split(delimiter)]
    return b"source" in columns and b"entity_number" in columns


class CslCsv(Format):
    """trade.gov Consolidated Screening List, CSV (consolidated.csv)."""

    kind = "csl-csv"
    example = "consolidated.csv"
    delimiter = ","

    def __init__(self, previous_keys: Collection[str] = frozenset()) -> None:
        self.previous_keys = frozenset(previous_keys)

    def with_previous_keys(self, keys: Collection[str]) -> CslCsv:
        return type(self)(keys)

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        return sniff_header(files, cls.delimiter.encode())

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        source = single_file(files, self.kind)

        def rows() -> Iterator[dict[str, str]]:
            header, rows = dict_rows(source, self.delimiter)
            csl.check_columns(header, source.name)
            return rows

        records = csl.records_from_rows(rows, source.name, self.previous_keys)
        first = next(records, None)
        if first is None:
            raise ParseError("no rows after the header", file=source.name)
        yield first
        yield from records
