"""UK HM Treasury / OFSI Consolidated List CSV (ConList.csv), one record per Group ID.

The file has one row per *name* (primary name and each alias; a name is
repeated when the entry has several dates of birth), so rows are grouped by
Group ID, the stable identifier OFSI gives each listed party. The primary
name is the row whose Alias Type is 'Primary name' (older files: 'Prime
Alias'). Surnames and entity names sit in 'Name 6', the first column, with
given names in 'Name 1'..'Name 5'; a full name reads Name 1..5 then Name 6.
Line 1 is 'Last Updated,<dd/mm/yyyy>', line 2 the header. Older files are
Windows-1252, newer ones UTF-8 (see :func:`decoded_lines`).

A record reads only the rows of its own Group ID, so the file splits into one
unit per Group ID (monitor.ingest.units): all its rows, in file order, wherever
they stand in the file. The split reads the rows with the parser's own reader
(:meth:`UkConlistCsv._rows`: same decoding, header and width checks), which is
the cheap part; what it saves for an unchanged group is the record building,
checking and hashing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import _csv_units
from monitor.formats._delimited import numbered_rows
from monitor.formats._readers import decoded_lines, dmy_to_iso, single_file
from monitor.formats.base import Format, SplitRefused, Unit
from monitor.records import Identifier, Record, joined

# What ConList gives for an entry that the record does not keep, on purpose (the
# completeness test of tests/formats checks every other value is kept).
IGNORED = {
    "Alias Type": "primary name or alias: kept as the name and the aliases",
    "Group Type": "kept as the entry type",
}
LAST_UPDATED_RE = re.compile(rb"^\s*(?:\xef\xbb\xbf)?Last Updated,\s*(\d{1,2}/\d{1,2}/\d{4})")
REQUIRED = ("Name 6", "Name 1", "Group Type", "Alias Type", "Regime", "Listed On", "Group ID")
GIVEN_NAMES = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5")
PRIMARY_ALIAS_TYPES = ("primary name", "prime alias")
ENTRY_TYPES = {"individual": "individual", "entity": "entity", "ship": "vessel"}
ADDRESS_COLUMNS = (
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
)
NUMBERED_RE = re.compile(r"\s*\(?\d+\)\s*")
EXTRA_COLUMNS = {
    "Title": "title",
    "Position": "position",
    "Town of Birth": "town_of_birth",
    "Country of Birth": "country_of_birth",
    "Last Updated": "last_updated",
    "Listed On": "listed_on",
}


def _full_name(row: dict[str, str]) -> str:
    return " ".join(p for p in (*(row.get(c, "") for c in GIVEN_NAMES), row.get("Name 6", "")) if p)


def _split_numbered(value: str) -> list[str]:
    """'1) Saudi Arabia 2) Qatar' as two values; a plain value as one."""
    return [p.strip(" ,;") for p in NUMBERED_RE.split(value) if p.strip(" ,;")]


def _birth_date(value: str) -> str:
    """'12/03/1965' -> '1965-03-12'; '00/00/1980' -> '1980'; '00/06/1980' -> '1980-06'."""
    parts = value.strip().split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return value.strip()
    day, month, year = parts
    if int(month) == 0:
        return year
    if int(day) == 0:
        return f"{year}-{int(month):02d}"
    return dmy_to_iso(value) or value.strip()


@dataclass
class Group:
    """All rows of one Group ID, folded into one record."""

    key: str
    rows: list[dict[str, str]] = field(default_factory=list)

    def values(self, column: str) -> list[str]:
        """Non-empty values of a column over all rows of the group."""
        return [v for row in self.rows if (v := row.get(column, "").strip())]

    def primary(self) -> dict[str, str]:
        """The primary-name row (every real group has one; a name repeated for each date of
        birth is several); else any row. The smallest by content, so the order of the
        group's rows in the file never picks a different one."""
        rows = [
            row
            for row in self.rows
            if row.get("Alias Type", "").strip().lower() in PRIMARY_ALIAS_TYPES
        ]
        return min(rows or self.rows, key=lambda row: sorted(row.items()))

    def record(self) -> Record:
        """The group as one record: the primary row's name, every other name an alias."""
        primary = self.primary()
        name = _full_name(primary)
        listed = sorted(d for v in self.values("Listed On") if (d := dmy_to_iso(v)))
        return Record.build(
            key=self.key,
            name=name,
            entry_type=ENTRY_TYPES.get(primary.get("Group Type", "").strip().lower(), "unknown"),
            programs=self.values("Regime"),
            aliases=[n for r in self.rows if (n := _full_name(r)) and n != name],
            countries=[c for v in self.values("Nationality") for c in _split_numbered(v)]
            + self.values("Country"),
            addresses=[
                ", ".join(p for c in ADDRESS_COLUMNS if (p := r.get(c, "").strip()))
                for r in self.rows
            ],
            identifiers=self._identifiers(),
            birth_dates=[_birth_date(v) for v in self.values("DOB")],
            effective_date=listed[0] if listed else None,
            remarks=joined(self.values("Other Information")),
            extra={
                field_name: joined(dmy_to_iso(v) or v for v in self.values(column))
                for column, field_name in EXTRA_COLUMNS.items()
            },
        )

    def _identifiers(self) -> list[Identifier]:
        """Passport and NI details are free text in ConList; kept whole, not guessed apart."""
        return [
            Identifier(type=column, value=value)
            for column in ("Passport Details", "NI Number")
            for value in self.values(column)
        ]


class UkConlistCsv(Format):
    """UK HM Treasury / OFSI Consolidated List CSV (ConList.csv)."""

    kind = "uk-conlist-csv"
    example = "ConList.csv"
    splits = True  # a record reads only the rows of its own Group ID

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        if len(files) != 1:
            return False
        head = files[0].head(4096)
        return b"Group ID" in head and b"Name 6" in head and b"Alias Type" in head

    def published_at(self, files: Sequence[SourceFile]) -> datetime | None:
        match = LAST_UPDATED_RE.match(files[0].head(256))
        iso = dmy_to_iso(match.group(1).decode("ascii")) if match else None
        return datetime.fromisoformat(iso).replace(tzinfo=UTC) if iso else None

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        for group in self._groups(single_file(files, self.kind)):
            yield group.record()

    def split(self, files: Sequence[SourceFile]) -> Iterator[Unit]:
        """Each Group ID's rows, in the order ``parse`` yields the groups.

        The rows are read and grouped exactly as ``parse`` groups them (a file it
        would refuse raises its ParseError here, and the full parse names it); the
        fingerprint is of the header's columns and every row's values (their
        ``repr``, which no two different rows share), so equal fingerprints mean
        equal rows, whatever bytes or encoding they were read from.
        """
        if len(files) != 1:
            raise SplitRefused(f"{self.kind} takes exactly one file")
        columns = b""
        for group in self._groups(files[0]):
            # every row's dict has the header's columns, in its order: hashed once per file
            columns = columns or repr(tuple(group.rows[0])).encode()
            values = repr([tuple(row.values()) for row in group.rows])
            yield Unit(_csv_units.fingerprint(columns, values.encode()), group)

    def parse_unit(self, unit: Unit) -> Record:
        """The record of one group's rows, built as ``parse`` builds it."""
        group: Group = unit.raw
        return group.record()

    def _groups(self, source: SourceFile) -> Iterator[Group]:
        """The rows of each Group ID, groups in order of their first row."""
        groups: dict[str, Group] = {}
        for number, row in self._rows(source):
            key = row.get("Group ID", "").strip()
            if not key.isdigit():
                raise ParseError(
                    f"row without a numeric Group ID ({key!r})",
                    file=source.name,
                    position=f"line {number}",
                )
            groups.setdefault(key, Group(key)).rows.append(row)
        if not groups:
            raise ParseError("no rows after the header", file=source.name)
        return iter(groups.values())

    @staticmethod
    def _rows(source: SourceFile) -> Iterator[tuple[int, dict[str, str]]]:
        """Data rows as dicts with their line number; a wrong header or width is an error."""

        def read_header(reader: Any) -> list[str]:
            header: list[str] = next(reader, [])
            if header[:1] == ["Last Updated"]:
                header = next(reader, [])
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise ParseError(
                    f"not a ConList header (missing {', '.join(missing)})",
                    file=source.name,
                    position=f"line {reader.line_num}",
                )
            return header

        return numbered_rows(source, csv.reader(decoded_lines(source)), read_header)
