"""BIS Denied Persons List (dpl.txt, tab-delimited), keyed by the party's folded name.

Natural key
-----------
The DPL has no identifier. It has one row per (party, address): a person
or company denied under one order appears once per known address, and the
order's Effective_Date changes whenever a temporary denial order is renewed
(AL NASER AIRLINES: 06/05/2019, then 05/13/2022, then 10/31/2023, same
party). The key is therefore the **folded name**: the Name column
transliterated to ASCII, upper-cased, every run of characters other than
A-Z/0-9 replaced by one space, trimmed (" I. ASH" -> "I ASH"). All rows with
the same key are one record whose addresses are the rows' addresses. This
key is unique within each file by construction, does not move when an order
is renewed or an address is added, and is the same in the 2019, 2022 and
2023 real files for every row that did not change. Two different parties
listed under exactly the same name would share a record; the list gives no
way to tell them apart. Spelling variants the list prints as separate rows
("ADVANCED TECH SOLUTIONS", "ADVANCED TECHNOLOGY SOLUTIONS") stay separate
entries, as published.

Dates
-----
Effective_Date is mm/dd/yyyy; Last_Update is yyyy-mm-dd. The real files
contain impossible values (Last_Update '3017-08-22', '0222-05-18',
'1023-11-01'). Every date is kept raw in ``extra``; one outside 1900-2100
or not a calendar date is listed in ``extra['date_warning']`` and never
becomes the effective date, which is the earliest plausible Effective_Date
of the party's rows. The FR citations go to ``notice``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from anyascii import anyascii

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats._delimited import numbered_rows
from monitor.formats._readers import decoded_lines, iso_date, single_file
from monitor.formats.base import Format
from monitor.records import Record, joined

# Every column of the DPL is kept (the completeness test of tests/formats checks it).
IGNORED: dict[str, str] = {}
HEADER = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
NON_WORD = re.compile(r"[^A-Z0-9]+")
US_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
PLAUSIBLE_YEARS = range(1900, 2101)
DATE_COLUMNS = ("Effective_Date", "Expiration_Date", "Last_Update")
EXTRA_COLUMNS = {
    "Effective_Date": "effective_dates",
    "Expiration_Date": "expiration_dates",
    "Last_Update": "last_update",
    "Standard_Order": "standard_order",
    "Action": "action",
}


def fold_name(name: str) -> str:
    """The natural key of a DPL party (see the module docstring)."""
    text = anyascii(unicodedata.normalize("NFKC", name)).upper()
    return " ".join(NON_WORD.sub(" ", text).split())


def plausible_date(value: str) -> str | None:
    """'10/16/2017' or '2017-10-23' as ISO; None when impossible or outside 1900-2100."""
    text = value.strip()
    if match := US_DATE_RE.match(text):
        month, day, year = (int(g) for g in match.groups())
    elif match := ISO_DATE_RE.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        return None
    return iso_date(year, month, day) if year in PLAUSIBLE_YEARS else None


@dataclass
class Party:
    """All rows of one folded name."""

    key: str
    rows: list[dict[str, str]] = field(default_factory=list)

    def values(self, column: str) -> list[str]:
        """Distinct non-empty values of a column, sorted: the order of a party's rows in the
        file is no content (a reordering must not read as a change)."""
        return sorted({v for row in self.rows if (v := row[column].strip())})

    def record(self) -> Record:
        """One party: its spellings (the first in sorted order is the name), addresses,
        the earliest plausible date, all notices."""
        names = self.values("Name")
        effective = sorted(d for v in self.values("Effective_Date") if (d := plausible_date(v)))
        extra = {name: joined(self.values(column)) for column, name in EXTRA_COLUMNS.items()}
        extra["date_warning"] = self._date_warning()
        return Record.build(
            key=self.key,
            name=names[0],
            aliases=names[1:],
            countries=self.values("Country"),
            addresses=[_address(row) for row in self.rows],
            effective_date=effective[0] if effective else None,
            notice=joined(self.values("FR_Citation")),
            extra=extra,
        )

    def _date_warning(self) -> str:
        """Which raw dates could not be trusted, so a report can say so."""
        bad = [
            f"{column} {value!r}"
            for column in DATE_COLUMNS
            for value in self.values(column)
            if plausible_date(value) is None
        ]
        return f"implausible or invalid date: {', '.join(bad)}" if bad else ""


def _address(row: dict[str, str]) -> str:
    """'street, city, state postal, country' as one line."""
    place = " ".join(p for p in (row["State"].strip(), row["Postal_Code"].strip()) if p)
    parts = (row["Street_Address"], row["City"], place, row["Country"])
    return ", ".join(p.strip() for p in parts if p.strip())


class BisDpl(Format):
    """BIS Denied Persons List (dpl.txt: tab-delimited, Name ... FR_Citation)."""

    kind = "bis-dpl"
    example = "dpl.txt"

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        if len(files) != 1:
            return False
        first = files[0].head(1024).split(b"\n", 1)[0]
        return b"\t" in first and b"Street_Address" in first and b"FR_Citation" in first

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        source = single_file(files, self.kind)
        parties: dict[str, Party] = {}
        for number, row in _rows(source):
            key = fold_name(row["Name"])
            if not key:
                raise ParseError("row without a name", file=source.name, position=f"line {number}")
            parties.setdefault(key, Party(key)).rows.append(row)
        if not parties:
            raise ParseError("no rows after the header", file=source.name)
        for party in parties.values():
            yield party.record()


def _rows(source: SourceFile) -> Iterator[tuple[int, dict[str, str]]]:
    """Data rows with their line number; a missing header or a short row is an error."""

    def read_header(reader: Any) -> list[str]:
        header = tuple(cell.strip() for cell in next(reader, []))
        if header != HEADER:
            raise ParseError(
                f"unexpected header {list(header)[:4]}..., expected {', '.join(HEADER)}",
                file=source.name,
                position="line 1",
            )
        return list(HEADER)

    reader = csv.reader(decoded_lines(source), delimiter="\t")
    return numbered_rows(
        source, reader, read_header, columns="tab-separated columns", malformed="tab-delimited file"
    )
