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
import functools
import hashlib
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat

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
    return _rows(content, name, odd=_odd_quotes(content))


def _rows(content: bytes, name: str, *, odd: bool) -> list[bytes]:
    """:func:`rows`, told whether a line has an odd count of quotes (``_odd_quotes``)."""
    lines = content.splitlines(keepends=True)
    if _lone_cr(content, lines):
        raise SplitRefused(f"{name}: a CR without LF (the reader ends a row there)")
    if not odd:  # every line is one row (the usual case)
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
    break) the file is a few hundred runs instead of thousands of rows, matched with
    the last version's in place (:meth:`against`). Only the runs that are new (or gone)
    are cut into rows (:meth:`rows_of`, or where they differ: :meth:`changes`). A cut
    falls only at a line end; whether every line of a run is one row is checked when
    the run is cut into rows (a quoted cell that spans lines refuses), so the rows of
    all runs are the rows :func:`rows` cuts from the whole file whenever every run's
    lines are rows.
    """

    content: bytes  # the file's bytes (without a byte-order mark)
    end: int  # where the tail starts: right after the last anchor
    anchor: bytes
    name: str

    @functools.cached_property
    def pieces(self) -> list[bytes]:
        """Each run up to an anchor, the anchor left out: one split of the file. (A file
        compared with held runs is not split: :meth:`against`.)"""
        pieces = self.content.split(self.anchor)
        pieces.pop()  # the tail
        return pieces

    @functools.cached_property
    def tail(self) -> bytes:
        """The rows after the last anchor (the end-of-file mark included)."""
        return self.content[self.end :]

    def against(
        self, held: Sequence[bytes], index: Mapping[bytes, int]
    ) -> tuple[list[bytes], list[bytes], list[bytes]] | None:
        """This file's runs compared with ``held`` (runs in file order, ``index`` their
        places): its runs in order (a held run as its held object), its runs ``held``
        lacks, and the held runs it lacks; None when a run appears twice.

        Why: splitting the whole file copied all of it into a few hundred new byte
        strings, and comparing them as a set hashed all of it, every version, to find
        the few runs that changed. Walked in file order instead, each held run is
        matched where the last one ended by comparing bytes in place (no copy, no
        hash); only a run that does not match there is cut out and looked up, which
        also finds the place to go on from after runs were removed or moved. The cuts
        are those of ``pieces``: the first anchor at or after the run's start.
        """
        content, anchor, end = self.content, self.anchor, self.end
        size = len(anchor)
        find, starts = content.find, content.startswith
        seen = bytearray(len(held))
        order: list[bytes] = []
        new: list[bytes] = []
        start = place = 0
        while start < end:
            if place < len(held):
                piece = held[place]
                stop = start + len(piece)
                # the held run is here, and the first anchor after its start ends it
                # (none begins inside it: it has none, and none overlaps its end)
                if (
                    starts(piece, start)
                    and starts(anchor, stop)
                    and find(anchor, max(start, stop - size + 1), stop + size - 1) < 0
                ):
                    seen[place] = 1
                    order.append(piece)
                    place += 1
                    start = stop + size
                    continue
            stop = find(anchor, start)
            piece = content[start:stop]
            start = stop + size
            found = index.get(piece)
            if found is None:
                new.append(piece)
                order.append(piece)
                continue
            if seen[found]:
                return None  # a held run twice
            seen[found] = 1
            order.append(held[found])
            place = max(place, found + 1)
        gone = list(compress(held, seen.translate(_FLIP)))
        return order, new, gone

    def rows_of(self, piece: bytes) -> list[bytes]:
        """The rows of one run of ``pieces`` (its anchor put back), as :func:`rows` cuts them."""
        return _lines_as_rows(piece + self.anchor, self.name)

    def tail_rows(self, tail: bytes) -> list[bytes]:
        """The rows of a file's ``tail``."""
        return _lines_as_rows(tail, self.name)

    def piece_changes(self, new: bytes, old: bytes) -> tuple[list[bytes], list[bytes]]:
        """The rows of run ``new`` and of run ``old`` (a held one), less the lines both
        begin and end with (:func:`changed_lines`)."""
        return self.changes(new + self.anchor, old + self.anchor)

    def changes(self, new: bytes, old: bytes) -> tuple[list[bytes], list[bytes]]:
        """The rows of ``new`` and of ``old`` (runs with their anchors, or tails), less the
        lines both begin and end with: those rows are in both, so they cancel out
        wherever the rows of two versions' runs are compared as sets.

        Why: a run of a few hundred rows that changed in one row, or a file's tail that
        grew by the rows added to the list (new entries seldom end a run: the tail of
        the real SDN file is ~2,000 rows), was cut into rows whole, twice, every version.
        The lines in between are cut as :meth:`rows_of` cuts a run, quotes checked; the
        lines left out were cut and checked when ``old`` was.
        """
        new_rows: list[bytes] = []
        old_rows: list[bytes] = []
        for new_part, old_part in differing_parts(new, old):
            new_rows += _lines_as_rows(new_part, self.name)
            old_rows += _lines_as_rows(old_part, self.name)
        return new_rows, old_rows

    def lines_are_rows(self) -> bool:
        """Whether every line of the file is one row (no quoted cell spans lines): then
        the rows of the runs are exactly the rows :func:`rows` cuts from the file."""
        return not any(map(_odd_quotes, self.pieces)) and not _odd_quotes(self.tail)


def runs(content: bytes, name: str, last_cell: bytes) -> Runs | None:
    """The content cut after every line ending with ``last_cell`` (and the file's line
    break); None when that gives fewer than ``MIN_RUNS`` runs (rows serve better)."""
    line_break = b"\r\n" if content[: content.find(b"\n") + 1].endswith(b"\r\n") else b"\n"
    anchor = last_cell + line_break
    # As many runs as anchors (it ends with its only line feed: no two overlap). Only
    # the first MIN_RUNS are looked for: counting them all scanned the whole file.
    found = -len(anchor)
    for _ in range(MIN_RUNS):
        found = content.find(anchor, found + len(anchor))
        if found < 0:
            return None
    return Runs(content=content, end=content.rfind(anchor) + len(anchor), anchor=anchor, name=name)


_FLIP = bytes([1, 0]) + bytes(254)  # bytes.translate: 0 -> 1, 1 -> 0 (the runs not seen)


# A differing middle this long (both sides) is cut in two at a line both have, and each
# half is compared again; a shorter one is cut into rows as it is.
SPLIT_ABOVE = 8192
SYNC_TRIES = 8  # lines tried, from the middle on, for one the other side has too


def differing_parts(new: bytes, old: bytes, depth: int = 24) -> list[tuple[bytes, bytes]]:
    """The parts of ``new`` and ``old`` that differ, in whole lines, in order: the lines
    outside them are the same lines in both.

    The two are cut where they stop and start agreeing (:func:`changed_lines`); a long
    middle left between, as when a tail both grew at its end and changed near its
    start, is cut again at a line both have (one whose first cell, the OFAC ent_num,
    starts a line of the other too) and each half compared on its own.
    """
    start, new_end, old_end = changed_lines(new, old)
    new, old = new[start:new_end], old[start:old_end]
    if depth and new and old and len(new) + len(old) > SPLIT_ABOVE:
        halves = _sync(new, old)
        if halves is not None:
            return [
                *differing_parts(new[: halves[0]], old[: halves[1]], depth - 1),
                *differing_parts(new[halves[0] :], old[halves[1] :], depth - 1),
            ]
    return [(new, old)] if new or old else []


def _sync(new: bytes, old: bytes) -> tuple[int, int] | None:
    """A line start in each, both lines beginning with the same first cell, neither at
    the very start (each half then shorter than the whole); None when none is found."""
    at = len(new) // 2
    for _ in range(SYNC_TRIES):
        at = new.find(b"\n", at) + 1
        if at <= 0 or at >= len(new):
            return None
        comma = new.find(b",", at, new.find(b"\n", at))
        if comma > at:
            other = old.find(b"\n" + new[at : comma + 1]) + 1
            if 0 < other < len(old):
                return at, other
    return None


def changed_lines(new: bytes, old: bytes) -> tuple[int, int, int]:
    """Where ``new`` and ``old`` differ, in whole lines: ``new[start:new_end]`` and
    ``old[start:old_end]``, between the longest run of whole lines they begin with and the
    longest run of whole lines they end with (the two never overlap).

    A cut falls only after a line feed (or at either end), so each part is whole
    lines of its own bytes: ``rows`` of the three parts is ``rows`` of the whole.
    """
    start = _common_start(new, old)
    start = new.rfind(b"\n", 0, start) + 1  # back to the start of the line
    same = _common_end(new, old, min(len(new), len(old)) - start)
    new_end, old_end = len(new) - same, len(old) - same
    if not (_line_starts(new, new_end, start) and _line_starts(old, old_end, start)):
        # forward to the first line start inside the common end, the same in both
        feed = new.find(b"\n", new_end)
        same = 0 if feed < 0 else len(new) - feed - 1
        new_end, old_end = len(new) - same, len(old) - same
    return start, new_end, old_end


def _line_starts(content: bytes, at: int, start: int) -> bool:
    """Whether a line of ``content`` starts at ``at`` (``start`` is known to be one)."""
    return at == start or content[at - 1 : at] == b"\n"


_FIRST_STEP = 256  # bytes compared first; the step doubles while the bytes agree


def _common_start(a: bytes, b: bytes) -> int:
    """The length of the longest common prefix of ``a`` and ``b``: chunks of doubling size
    compared in C, then the chunk that differs halved down to the byte."""
    size = min(len(a), len(b))
    low, step = 0, _FIRST_STEP
    while True:
        if low >= size:
            return size
        high = min(low + step, size)
        if a[low:high] != b[low:high]:
            break
        low, step = high, step * 2
    while high - low > 1:  # a[:low] == b[:low]; they differ before ``high``
        middle = (low + high) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle
    return low


def _common_end(a: bytes, b: bytes, limit: int) -> int:
    """The length of the longest common suffix of ``a`` and ``b``, at most ``limit``."""
    low, step = 0, _FIRST_STEP
    a_size, b_size = len(a), len(b)
    while True:
        if low >= limit:
            return limit
        high = min(low + step, limit)
        if a[a_size - high : a_size - low] != b[b_size - high : b_size - low]:
            break
        low, step = high, step * 2
    while high - low > 1:  # the last ``low`` bytes agree; they differ within ``high``
        middle = (low + high) // 2
        if a[a_size - middle : a_size - low] == b[b_size - middle : b_size - low]:
            low = middle
        else:
            high = middle
    return low


def _lines_as_rows(content: bytes, name: str) -> list[bytes]:
    """:func:`rows` of a run, refusing one where a quoted cell spans lines (its cut may
    have fallen inside the cell)."""
    if _odd_quotes(content):
        raise SplitRefused(f"{name}: a quoted cell spans lines in a run of rows")
    return _rows(content, name, odd=False)  # its quotes were just counted


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
