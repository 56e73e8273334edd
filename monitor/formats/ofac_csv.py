"""OFAC legacy delimited files: sdn.csv / cons_prim.csv with add, alt and comments siblings."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import ClassVar, overload

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import _csv_units as units
from monitor.formats import _ofac_common as ofac
from monitor.formats._readers import without_bom
from monitor.formats.base import Format, SplitRefused, Unit, row_fingerprint
from monitor.records import Record

# What the CSV files give for an entry that the record does not keep, on purpose (the
# completeness test of tests/formats checks every other value is kept).
IGNORED = {
    "add_num": "OFAC's row number of an address: it identifies the row, not the address",
    "alt_num": "OFAC's row number of an alias: it identifies the row, not the name",
    "alt_type": "the kind of an alias (aka, fka, nka): every spelling is kept as an alias, the "
    "kind is not, so that the CSV, classic and advanced files give one record",
    ofac.ISSUE_DATES: "'issued ...'/'expires ...' after a document in the remarks: the classic XML "
    "never carries them, so keeping them would make the CSV's record differ from the XML's",
}
NULL = "-0-"
# How the last cell of a row without remarks is written: a row ending so ends a run of rows
# (units.Runs).
NULL_LAST_CELL = b",-0- "
# A byte that is not blank (units.BLANK): a sibling file that has one may have rows.
_NOT_BLANK = re.compile(rb"[^\x1a \r\n]")
EOF_MARK = "\x1a"
# Column counts identify the role of each file, whatever it is called.
PRIMARY, ADDRESSES, ALIASES, COMMENTS = 12, 6, 5, 2
FIRST_ROW_RE = re.compile(rb'^\s*(?:ent_num,|\d+,\s*"|\d+,-0-)', re.I)
EXTRA_COLUMNS = (
    "title",
    "call_sign",
    "vessel_type",
    "tonnage",
    "grt",
    "vessel_flag",
    "vessel_owner",
)


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value == NULL else value


class _LineTracker:
    """Feeds lines to the CSV reader and remembers whether the file ended cleanly."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.last = "\n"
        self.official_line_ends = False

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            if line.strip(EOF_MARK + " \r\n"):
                self.last = line
                self.official_line_ends = self.official_line_ends or line.endswith("\r\n")
            # the end-of-file mark right after a last row without its line break
            yield line[:-1] if line.endswith(EOF_MARK) else line

    @property
    def complete(self) -> bool:
        """Official files (CRLF rows) end every row with a line break; re-saved
        copies with LF rows sometimes drop the last one, so only CRLF files are held to it.
        A last row that ends in its closing quote is whole even without the line break
        (a cut inside a quoted cell leaves the quote open, which the reader refuses)."""
        end = self.last.rstrip(EOF_MARK + " ")
        return not self.official_line_ends or end.endswith(("\n", '"'))


def read_rows(source: SourceFile) -> Iterator[list[str]]:
    """Rows of one OFAC CSV file, nulls blanked, blank lines and the EOF byte dropped.

    OFAC ends every row with CRLF; an official file whose last row has no line
    break was cut short (a truncated download), even when that row still has
    12 columns, unless the row ends in the closing quote of its last cell.
    """
    line = 0
    try:
        with source.open() as raw:
            # utf-8-sig: a byte-order mark is not part of the first ent_num
            tracker = _LineTracker(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
            reader = csv.reader(tracker, strict=True)
            for row in reader:
                line = reader.line_num
                if not row or (len(row) == 1 and not row[0].strip(EOF_MARK + " ")):
                    continue
                yield [("" if (text := cell.strip()) == NULL else text) for cell in row]  # _clean
            if not tracker.complete:
                raise ParseError(
                    "the last row has no line break: the file was cut short (truncated download?)",
                    file=source.name,
                    position="end of file",
                )
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"not UTF-8 text ({exc.reason})", file=source.name, position=f"byte {exc.start}"
        ) from exc
    except csv.Error as exc:
        raise ParseError(
            f"malformed CSV ({exc}; truncated or damaged file?)",
            file=source.name,
            position=f"after line {line}",
        ) from exc
    except (OSError, EOFError) as exc:
        raise ParseError(f"cannot be read ({exc})", file=source.name) from exc


def _numbered(source: SourceFile) -> Iterator[tuple[int, list[str]]]:
    yield from enumerate(read_rows(source), start=1)


def _role(source: SourceFile) -> int | None:
    """The column count of the first data row: tells sdn.csv from add/alt/comments.

    None for a file without rows: OFAC ships an empty comments file when no
    remarks overflow, so only an empty primary file is an error.
    """
    for _, row in _numbered(source):
        if row[0].lower() == "ent_num":
            continue
        return len(row)
    return None


ROLE_OF_WIDTH = {PRIMARY: "primary", ADDRESSES: "addresses", ALIASES: "aliases"}
ROLE_OF_WIDTH[COMMENTS] = "comments"
SIBLING_WIDTHS = (ADDRESSES, ALIASES, COMMENTS)  # the order of a unit's sibling rows


def _role_by_name(name: str) -> str | None:
    """The role of a file without rows (OFAC ships an empty comments file), from its name."""
    stem = name.lower().removeprefix("cons_")
    for prefix, role in (
        ("sdn_comments", "comments"),
        ("comments", "comments"),
        ("add", "addresses"),
    ):
        if stem.startswith(prefix):
            return role
    for prefix, role in (("alt", "aliases"), ("sdn", "primary"), ("prim", "primary")):
        if stem.startswith(prefix):
            return role
    return None


class OfacCsv(Format):
    """OFAC legacy CSV (sdn.csv or cons_prim.csv, merged with add/alt/comments files)."""

    kind = "ofac-csv"
    example = "sdn.csv add.csv alt.csv sdn_comments.csv  |  cons_prim.csv cons_add.csv cons_alt.csv"
    roles: ClassVar[dict[str, str]] = {
        "primary": "sdn.csv or cons_prim.csv",
        "addresses": "add.csv or cons_add.csv",
        "aliases": "alt.csv or cons_alt.csv",
        "comments": "sdn_comments.csv or cons_comments.csv",
    }

    splits = True  # an entry is its primary row and its rows in the sibling files

    def file_roles(self, files: Sequence[SourceFile]) -> dict[str, str]:
        """Each file's role from its column count, as the parser tells them apart."""
        found: dict[str, str] = {}
        for source in files:
            try:
                width = _role(source)
            except ParseError:
                continue  # the parse names what is wrong with it
            role = ROLE_OF_WIDTH.get(width) if width is not None else _role_by_name(source.name)
            if role is not None:
                found[source.name] = role
        return found

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        for source in files:
            head = without_bom(source.head(2048))
            first = head.split(b"\n", 1)[0]
            if FIRST_ROW_RE.match(first) and first.count(b",") >= PRIMARY - 1:
                return True
        return False

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        roles: dict[int | None, list[SourceFile]] = defaultdict(list)
        for source in files:
            roles[_role(source)].append(source)
        names = ", ".join(f.name for f in files)
        if PRIMARY not in roles and roles.get(None):
            raise ParseError("the file is empty (no rows)", file=names)
        unknown = set(roles) - {PRIMARY, ADDRESSES, ALIASES, COMMENTS, None}
        if unknown or len(roles.get(PRIMARY, [])) != 1:
            raise ParseError(
                "expected exactly one primary file of 12 columns (sdn.csv or cons_prim.csv) "
                "and optional add (6), alt (5) and comments (2) files",
                file=names,
            )
        addresses = self._group(roles.get(ADDRESSES, []), ADDRESSES)
        aliases = self._group(roles.get(ALIASES, []), ALIASES)
        comments = self._group(roles.get(COMMENTS, []), COMMENTS)
        yield from self._primary(roles[PRIMARY][0], addresses, aliases, comments)

    def split(self, files: Sequence[SourceFile]) -> Iterator[Unit]:
        """Each entry's unit: its primary row and its address, alias and comment rows.

        The files are told apart as ``parse`` tells them (``_role``); a file set
        ``parse`` would refuse, a header row, a duplicate ent_num or an ent_num
        that is not plain digits refuses the split, and the full parse decides.
        Sibling rows of no primary row are parsed every time: ``parse`` checks
        their width too. Each unit is one byte string of ``split_rows``.
        """
        rows = self.split_rows(files)
        assert rows is not None  # every OFAC CSV set is one byte string per entry
        yield from self.units_of_rows(rows)

    def split_rows(self, files: Sequence[SourceFile]) -> list[bytes] | None:
        """Each entry as one byte string: its primary row, with its sibling rows joined
        to it (``_joined``) when the set has any (OFAC's daily sdn/add/alt/comments set).

        Why: a version is then compared with the last one as a set of byte strings in C
        (monitor.ingest.units), the sibling files' rows included: an entry whose primary
        row and sibling rows are all the same bytes is the same byte string.
        """
        primary, siblings = self._sources(files, only_blank=True)
        if siblings is None:  # sibling rows: group them by ent_num and join
            return self._joined(*self._split_files(files))
        return units.rows(units.read_bytes(primary), primary.name)

    def _joined(
        self, primary: list[bytes], siblings: list[dict[bytes, list[bytes]]]
    ) -> list[bytes]:
        """Each primary row with its sibling rows joined (:func:`_join`); sibling rows of
        no entry are checked as ``parse`` checks them, and left out."""
        found = []
        for row, key in zip(primary, self._checked_keys(primary), strict=True):
            parts = (siblings[0].pop(key, ()), siblings[1].pop(key, ()), siblings[2].pop(key, ()))
            found.append(_join(row, parts) if parts[0] or parts[1] or parts[2] else row)
        for width, grouped in zip(SIBLING_WIDTHS, siblings, strict=True):
            for orphans in grouped.values():  # rows of no entry: parse checks their width too
                for orphan in orphans:
                    units.parse_row(orphan, width, "a sibling row of no entry")
        return found

    def split_runs(self, files: Sequence[SourceFile]) -> units.Runs | None:
        """The primary file cut into runs of rows after each row whose last cell is empty
        (OFAC's ``-0- ``: one row in about sixteen), when ``split_rows`` would give rows."""
        primary, siblings = self._sources(files, only_blank=True)
        if siblings is None:
            return None
        return units.runs(units.read_bytes(primary), primary.name, NULL_LAST_CELL)

    def unit_of_row(self, row: bytes) -> Unit:
        if not row.partition(b",")[0].isdigit():
            raise SplitRefused(f"ent_num {units.first_cell(row)!r} is a header or odd")
        return Unit(row_fingerprint(row), _unjoin(row))

    def units_of_rows(self, rows: list[bytes]) -> Iterator[Unit]:
        """Every row's unit, checked in whole-list steps rather than a loop over the rows."""
        self._checked_keys(rows)  # a million-row file keeps only what its units need
        fingerprints = units.row_fingerprints(rows, "sdn.csv")
        if any(map(bytes.endswith, rows, repeat(JOINED_END))):  # sibling rows joined
            return map(Unit, fingerprints, map(_unjoin, rows))
        none = repeat(())
        raws = zip(rows, none, none, none, strict=False)
        # tuple.__new__(Unit, (fp, raw)) is Unit(fp, raw) built in C: calling the
        # NamedTuple's Python __new__ for each of ~9,100 rows was a tenth of the split.
        return map(tuple.__new__, repeat(Unit), zip(fingerprints, raws, strict=False))

    def _split_files(
        self, files: Sequence[SourceFile]
    ) -> tuple[list[bytes], list[dict[bytes, list[bytes]]]]:
        """The primary file's rows, and each sibling file's rows by ent_num."""
        primary, siblings = self._sources(files)
        assert siblings is not None  # always grouped unless only_blank
        return units.rows(units.read_bytes(primary), primary.name), siblings

    @overload
    def _sources(
        self, files: Sequence[SourceFile]
    ) -> tuple[SourceFile, list[dict[bytes, list[bytes]]]]: ...

    @overload
    def _sources(
        self, files: Sequence[SourceFile], *, only_blank: bool
    ) -> tuple[SourceFile, list[dict[bytes, list[bytes]]] | None]: ...

    def _sources(
        self, files: Sequence[SourceFile], *, only_blank: bool = False
    ) -> tuple[SourceFile, list[dict[bytes, list[bytes]]] | None]:
        """The primary file, and each sibling file's rows by ent_num.

        With ``only_blank``, None instead of the siblings' rows as soon as a sibling file
        has a byte that is not blank: a caller that serves only lists without sibling rows
        (``split_rows``) then leaves the set to ``split``, and the sibling files (tens of
        thousands of rows in OFAC's daily set) are grouped once, not twice a version.
        """
        roles: dict[int | None, list[SourceFile]] = defaultdict(list)
        for source in files:
            try:
                roles[_role(source)].append(source)
            except ParseError as exc:
                raise SplitRefused(str(exc)) from exc
        unknown = set(roles) - {PRIMARY, *SIBLING_WIDTHS, None}
        if unknown or len(roles.get(PRIMARY, [])) != 1:
            raise SplitRefused("not one primary file with known siblings")
        if only_blank and any(
            _NOT_BLANK.search(units.read_bytes_whole(source)) is not None
            for width in SIBLING_WIDTHS
            for source in roles.get(width, [])
        ):
            return roles[PRIMARY][0], None
        siblings = [self._sibling_rows(roles.get(width, [])) for width in SIBLING_WIDTHS]
        return roles[PRIMARY][0], siblings

    @staticmethod
    def _checked_keys(rows: list[bytes]) -> list[bytes]:
        """Each row's ent_num; SplitRefused when one is a header, odd or repeated."""
        keys = [row.partition(b",")[0] for row in rows]
        if not all(map(bytes.isdigit, keys)) or len(set(keys)) != len(keys):
            raise SplitRefused(f"ent_num {_odd_key(keys)!r} is a header, odd or repeated")
        return keys

    @staticmethod
    def _sibling_rows(sources: list[SourceFile]) -> dict[bytes, list[bytes]]:
        grouped: dict[bytes, list[bytes]] = defaultdict(list)
        for source in sources:
            rows = units.rows(units.read_bytes(source), source.name)
            # each row's first cell, taken in C (units.first_cell, without a call per row)
            keys = list(map(itemgetter(0), map(bytes.partition, rows, repeat(b","))))
            if not all(map(bytes.isdigit, keys)):
                odd = next(key for key in keys if not key.isdigit())
                raise SplitRefused(f"{source.name}: ent_num {odd!r} is a header or odd")
            for key, row in zip(keys, rows, strict=True):
                grouped[key].append(row)
        return grouped

    def parse_unit(self, unit: Unit) -> Record:
        """The record of one entry's rows, built as ``parse`` builds it."""
        primary, *parts = unit.raw
        # _clean written inline: twelve cells of every entry
        row = ["" if (cell := c.strip()) == NULL else cell for c in _primary_cells(primary)]
        if not row[0].isdigit():
            raise SplitRefused(f"ent_num {row[0]!r} is not numeric")
        if not (parts[0] or parts[1] or parts[2]):  # a row alone: most entries of most sets
            return build_record(row, row[11], [], [])
        addresses, aliases, comments = (
            [[_clean(c) for c in units.parse_row(r, width, "sibling row")] for r in rows]
            for width, rows in zip(SIBLING_WIDTHS, parts, strict=True)
        )
        if any(r[0] != row[0] for r in (*addresses, *aliases, *comments)):
            raise SplitRefused(f"entry {row[0]}: a sibling row's ent_num reads differently")
        remarks = row[11] + "".join(c[1] for c in comments)
        return build_record(row, remarks, addresses, aliases)

    @staticmethod
    def _group(sources: list[SourceFile], width: int) -> dict[str, list[list[str]]]:
        grouped: dict[str, list[list[str]]] = defaultdict(list)
        for source in sources:
            for number, row in _numbered(source):
                if len(row) != width:
                    raise ParseError(
                        f"expected {width} columns, found {len(row)}",
                        file=source.name,
                        position=f"row {number}",
                    )
                grouped[row[0]].append(row)
        return grouped

    def _primary(
        self,
        source: SourceFile,
        addresses: dict[str, list[list[str]]],
        aliases: dict[str, list[list[str]]],
        comments: dict[str, list[list[str]]],
    ) -> Iterator[Record]:
        seen: set[str] = set()
        for number, row in _numbered(source):
            if number == 1 and row[0].lower() == "ent_num":
                continue
            if len(row) != PRIMARY or not row[0].isdigit():
                raise ParseError(
                    f"expected 12 columns starting with a numeric ent_num, "
                    f"found {len(row)} columns",
                    file=source.name,
                    position=f"row {number}",
                )
            key = row[0]
            if key in seen:
                raise ParseError(
                    f"ent_num {key} appears twice", file=source.name, position=f"row {number}"
                )
            seen.add(key)
            remarks = row[11] + "".join(c[1] for c in comments.get(key, []))
            yield build_record(row, remarks, addresses.get(key, []), aliases.get(key, []))


def _primary_cells(data: bytes) -> list[str]:
    """``units.parse_row`` of a primary row: for a row that is one line, its line break
    at its end only (every row of OFAC's files), one ``csv.reader`` call reads it as
    parse_row would; anything else, or a row that does not read so, goes to parse_row,
    which reads it in full or refuses it."""
    last = len(data) - 1
    if data.find(b"\n") == last and data.find(b"\r") in (-1, last - 1):
        try:
            cells = next(csv.reader((data.decode("utf-8"),), strict=True))
        except (UnicodeDecodeError, csv.Error):
            cells = []
        if len(cells) == PRIMARY:
            return cells
    return units.parse_row(data, PRIMARY, "primary row")


def _odd_key(keys: list[bytes]) -> bytes:
    """The first ent_num that is not plain digits or was seen before."""
    seen: set[bytes] = set()
    for key in keys:
        if not key.isdigit() or key in seen:
            return key
        seen.add(key)
    return b""


def build_record(
    row: list[str], remarks: str, address_rows: list[list[str]], alias_rows: list[list[str]]
) -> Record:
    """One normalised record from a primary row and its sibling rows.

    Written for the common entry (no sibling rows, no vessel columns): it runs for
    every entry of a list's first version.
    """
    parts = ofac.parse_remarks(remarks) if remarks else ofac.RemarkParts()
    title = row[4]
    if parts.other:
        # The CSV repeats the title column inside the remarks; the XML does not.
        title_parts = _title_parts(title)
        parts.other = [s for s in parts.other if s.rstrip(".") not in title_parts]
    vessel = row[5:11]
    # the vessel columns are empty for all but a few hundred entries: empty values are
    # dropped, so only the others are made numeric
    extra = (
        {name: ofac.numeric(value) for name, value in zip(_VESSEL, vessel, strict=True) if value}
        if any(vessel)
        else {}
    )
    if title:
        extra["title"] = _title_text(title)
    countries = [*parts.nationalities, *parts.citizenships]
    aliases = parts.aliases
    if address_rows or alias_rows:
        countries = ofac.countries_of([a[4] for a in address_rows], parts)
        aliases = [a[3] for a in alias_rows] + aliases
    identifiers = parts.identifiers
    return Record.of_fields(
        key=row[0],
        name=row[1],
        entry_type=_entry_type(row[2]),
        programs=_programs(row[3]),
        aliases=aliases,
        countries=countries,
        addresses=[ofac.address_line(a[2], a[3], a[4]) for a in address_rows],
        identifiers=identifiers,
        birth_dates=parts.birth_dates,
        effective_date=ofac.cmic_listing_date(identifiers) if identifiers else None,
        remarks=ofac.remarks_text(parts),
        extra=extra,
    )


_VESSEL = EXTRA_COLUMNS[1:]  # the columns after the title, in the row's order


@lru_cache(maxsize=4096)
def _programs(raw: str) -> tuple[str, ...]:
    """The programs column split, kept per distinct value: a list has a few hundred
    distinct program columns over thousands of entries (Record.build sorts them)."""
    return tuple(ofac.split_programs(raw))


@lru_cache(maxsize=64)
def _entry_type(raw: str) -> str:
    """ofac.entry_type of the type column, kept per value (a handful of them)."""
    return ofac.entry_type(raw)


@lru_cache(maxsize=4096)
def _title_text(title: str) -> str:
    """ofac.title_text of the title column, kept per value (a few hundred over thousands of
    entries)."""
    return ofac.title_text([title])


@lru_cache(maxsize=4096)
def _title_parts(title: str) -> frozenset[str]:
    """The parts of the title column as the remarks may repeat them, kept per value."""
    return frozenset(t.strip().rstrip(".") for t in title.split(";"))


# The last bytes of an entry joined with its sibling rows (no row ends so: rows end "\n").
JOINED_END = b"\x00"
_LENGTH_DIGITS = 12


def _join(row: bytes, parts: tuple[Sequence[bytes], ...]) -> bytes:
    """One entry's primary row and sibling rows as one byte string, which ``_unjoin`` reads
    back: the row, each sibling row prefixed by its file's width and its length, then the
    row's length. It starts as the row does (its ent_num first)."""
    tagged = [
        b"%d:%d:" % (width, len(r)) + r
        for width, rs in zip(SIBLING_WIDTHS, parts, strict=True)
        for r in rs
    ]
    return b"".join([row, *tagged, b"%0*d" % (_LENGTH_DIGITS, len(row)), JOINED_END])


def _unjoin(data: bytes) -> tuple[bytes, tuple[bytes, ...], tuple[bytes, ...], tuple[bytes, ...]]:
    """The raw unit ``parse_unit`` reads: a primary row and its address, alias and comment
    rows, from a row or a ``_join`` of them."""
    if not data.endswith(JOINED_END):
        return (data, (), (), ())
    end = len(data) - len(JOINED_END) - _LENGTH_DIGITS
    size = int(data[end:-1])
    parts: dict[int, list[bytes]] = {width: [] for width in SIBLING_WIDTHS}
    at = size
    while at < end:
        width_end = data.index(b":", at)
        length_end = data.index(b":", width_end + 1)
        start = length_end + 1
        stop = start + int(data[width_end + 1 : length_end])
        parts[int(data[at:width_end])].append(data[start:stop])
        at = stop
    if at != end:
        raise SplitRefused("an entry's joined rows do not read back")
    addresses, aliases, comments = (tuple(parts[width]) for width in SIBLING_WIDTHS)
    return (data[:size], addresses, aliases, comments)
