"""Splitting OFAC-style CSV files into raw rows without parsing them.

Why: a new version of a list changes a few dozen of its thousands of rows, and
parsing is most of the cost of taking it in. Cutting the bytes into rows and
hashing them costs about half of a bare ``csv.reader`` read, so only the rows
whose bytes are new need the parser (see monitor.ingest.units).

The cut must fall exactly where ``csv.reader`` ends a row: at a line end
outside quotes. A line with an odd number of quote characters opens (or
closes) a quoted cell, so the row goes on to the next line. A quote inside an
unquoted cell breaks that rule; that is caught when the row is parsed (it must
read as exactly one row), and a row parsed once has the same bytes whenever
its fingerprint is seen again. Anything else the rule cannot read exactly as
the parser would (a lone CR, which the reader takes as a line end; a file
without a final line break, which the parser checks for truncation) refuses
the split, and the full parse reads the file.
"""

from __future__ import annotations

import csv
import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat

from monitor.files import SourceFile
from monitor.formats.base import SplitRefused, row_fingerprint

BOM = b"\xef\xbb\xbf"
BLANK = b"\x1a \r\n"  # a line of only these is skipped by the parser (EOF mark, spaces)


def read_bytes_whole(source: SourceFile) -> bytes:
    """The whole decompressed file; one that cannot be read refuses the split."""
    try:
        return source.read_all()
    except (OSError, EOFError, zlib.error) as exc:
        raise SplitRefused(f"{source.name}: cannot be read ({exc})") from exc


def read_bytes(source: SourceFile) -> bytes:
    """The whole decompressed file, without a leading byte-order mark, checked for
    a missing last line break (``rows`` checks for a lone CR as it cuts the lines)."""
    content = read_bytes_whole(source).removeprefix(BOM)
    # The last bytes only: stripping the whole file copied it (a fifth of the run cut).
    end = content[-4096:].rstrip(b"\x1a ")
    if not end and len(content) > 4096:  # that far only the EOF mark and spaces
        end = content.rstrip(b"\x1a ")
    if end and not end.endswith(b"\n"):
        raise SplitRefused(f"{source.name}: no line break after the last row")
    return content


# Every byte but the quote and the line feed: deleted, they leave each line's quotes.
_NOT_QUOTE_OR_LF = bytes(b for b in range(256) if b not in b'"\n')


def _odd_quotes(content: bytes) -> bool:
    """Whether any line has an odd number of quote characters (a quoted cell spans lines).

    Deleting every other byte leaves each line's quotes side by side; removing pairs
    leaves a quote exactly where a line's count is odd. Both steps run in C, where a
    loop over the lines was a third of the split's time.
    """
    return b'"' in content.translate(None, _NOT_QUOTE_OR_LF).replace(b'""', b"")


def _lone_cr(content: bytes, lines: list[bytes]) -> bool:
    """Whether ``content.splitlines()`` (``lines``) broke a line at a CR without LF.

    It breaks at CRLF, LF and a lone CR; so there is a lone CR exactly when there
    are more lines than LFs (and an unended last line). One count of a single byte,
    where counting every CR against every CRLF took two scans, the second a slow one.
    """
    unended = 1 if content and content[-1:] not in b"\r\n" else 0
    return len(lines) != content.count(b"\n") + unended


def rows(content: bytes, name: str) -> list[bytes]:
    """Each row's bytes, line ends included; blank lines are dropped as the parser drops them.

    A CR without LF refuses the split: the reader ends a row there, the cut would not.
    """
    lines = content.splitlines(keepends=True)
    if _lone_cr(content, lines):
        raise SplitRefused(f"{name}: a CR without LF (the reader ends a row there)")
    if not _odd_quotes(content):  # every line is one row (the usual case)
        while lines and not lines[-1].strip(BLANK):  # the end-of-file mark, trailing blanks
            lines.pop()
        if all(map(bytes.strip, lines, repeat(BLANK))):  # in C: no Python call per line
            return lines
        return [line for line in lines if line.strip(BLANK)]
    return _grouped_rows(lines, name)


def _grouped_rows(lines: list[bytes], name: str) -> list[bytes]:
    """``rows`` when a quoted cell spans lines: a line with an odd count of quotes opens a
    row that goes on until the next such line."""
    found: list[bytes] = []
    group: list[bytes] = []
    for line in lines:
        odd = line.count(b'"') & 1
        if group:
            group.append(line)
            if odd:
                found.append(b"".join(group))
                group = []
        elif odd:
            group.append(line)
        elif line.strip(BLANK):
            found.append(line)
    if group:
        raise SplitRefused(f"{name}: a quoted cell runs to the end of the file")
    return found


# A file cut into fewer runs than this is compared row by row: a run is worth its
# bookkeeping only when most of the file's runs stay the same from one version to the next.
MIN_RUNS = 16


@dataclass(frozen=True, eq=False)
class Runs:
    """A file cut after every line that ends with ``anchor``: runs of whole rows.

    Why: a version of a list differs from the last in a few dozen rows, yet cutting
    every row and comparing the two sets of rows was a third of a steady version's
    time. Cut at a byte string that ends a line (OFAC's empty last cell and the line
    break) the file is a few hundred runs instead of thousands of rows: one C-level
    split, and a set of runs compared with the last version's in C. Only the runs that
    are new (or gone) are cut into rows (:meth:`rows_of`). A cut falls only at a line
    end; whether every line of a run is one row is checked when the run is cut into
    rows (a quoted cell that spans lines refuses), so the rows of all runs are the
    rows :func:`rows` cuts from the whole file whenever every run's lines are rows.
    """

    pieces: list[bytes]  # each run up to an anchor, the anchor left out
    tail: bytes  # the rows after the last anchor (the end-of-file mark included)
    anchor: bytes
    name: str

    def rows_of(self, piece: bytes) -> list[bytes]:
        """The rows of one run of ``pieces`` (its anchor put back), as :func:`rows` cuts them."""
        return _lines_as_rows(piece + self.anchor, self.name)

    def tail_rows(self, tail: bytes) -> list[bytes]:
        """The rows of a file's ``tail``."""
        return _lines_as_rows(tail, self.name)

    def lines_are_rows(self) -> bool:
        """Whether every line of the file is one row (no quoted cell spans lines): then
        the rows of the runs are exactly the rows :func:`rows` cuts from the file."""
        return not any(map(_odd_quotes, self.pieces)) and not _odd_quotes(self.tail)


def runs(content: bytes, name: str, last_cell: bytes) -> Runs | None:
    """The content cut after every line ending with ``last_cell`` (and the file's line
    break); None when that gives fewer than ``MIN_RUNS`` runs (rows serve better)."""
    line_break = b"\r\n" if content[: content.find(b"\n") + 1].endswith(b"\r\n") else b"\n"
    anchor = last_cell + line_break
    pieces = content.split(anchor)
    tail = pieces.pop()
    if len(pieces) < MIN_RUNS:
        return None
    return Runs(pieces=pieces, tail=tail, anchor=anchor, name=name)


def _lines_as_rows(content: bytes, name: str) -> list[bytes]:
    """:func:`rows` of a run, refusing one where a quoted cell spans lines (its cut may
    have fallen inside the cell)."""
    if _odd_quotes(content):
        raise SplitRefused(f"{name}: a quoted cell spans lines in a run of rows")
    return rows(content, name)


def first_cell(row: bytes) -> bytes:
    """The unparsed first cell of a row (the OFAC ent_num)."""
    end = row.find(b",")
    return row[:end] if end >= 0 else row


def fingerprint(*parts: bytes) -> str:
    """A 128-bit hash of the parts, each prefixed by its length (no two splits hash alike)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(b"%d:" % len(part))
        digest.update(part)
    return digest.hexdigest()


# The row fingerprints of the last file split under each file name, by the rows' bytes:
# most rows of a list's next version are the very same bytes, and looking them up costs a
# fraction of hashing them again. A fingerprint is a function of the bytes alone, so a
# remembered one is exactly the one hashing would give. Bounded: files of more rows and
# names beyond the first few are not remembered.
_MEMO: dict[str, dict[bytes, str]] = {}
MEMO_ROWS = 250_000
MEMO_FILES = 8


def row_fingerprints(rows: list[bytes], name: str) -> Iterable[str]:
    """``row_fingerprint`` of each row, the rows seen in the last file called ``name`` looked up.

    A file of more than ``MEMO_ROWS`` rows is hashed row by row as it is read (lazily),
    so a million fingerprints are never held at once.
    """
    if len(rows) > MEMO_ROWS:
        _MEMO.pop(name, None)
        return map(row_fingerprint, rows)
    get = _MEMO.get(name, {}).get
    blake2b = hashlib.blake2b
    found = [get(row) or blake2b(row, digest_size=16).hexdigest() for row in rows]
    if name in _MEMO or len(_MEMO) < MEMO_FILES:
        _MEMO[name] = dict(zip(rows, found, strict=True))
    return found


def parse_row(data: bytes, width: int, name: str) -> list[str]:
    """The cells of one row's bytes, as the file's ``csv.reader`` reads them.

    It must read as exactly one row of ``width`` cells in UTF-8; anything else
    means the cut was not where the reader ends a row, or the row is broken: the
    full parse reads the file and names the problem.
    """
    try:
        # one line ending, at the end (nearly every row): bytes.splitlines gives the row
        # itself, so it is decoded whole
        if data.endswith(b"\r\n"):
            body = data[:-2]
        else:
            body = data[:-1] if data.endswith((b"\n", b"\r")) else data
        if b"\n" not in body and b"\r" not in body:
            lines = [data.decode("utf-8")]
        else:
            lines = [line.decode("utf-8") for line in data.splitlines(keepends=True)]
        parsed = list(csv.reader(lines, strict=True))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SplitRefused(f"{name}: a row the splitter cannot read ({exc})") from exc
    if len(parsed) != 1 or len(parsed[0]) != width:
        raise SplitRefused(f"{name}: a row that is not one row of {width} cells")
    return parsed[0]
