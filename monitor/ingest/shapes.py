"""The shape guard: a delimited file's header row and ending, against the last good version.

A renamed column or a download cut off in the middle of a line still parses,
into records that silently lose a field or an entry. So each text file is
compared with the same-named file of the list's last good version.

Why shapes are kept in the snapshot's row: re-reading the last good version's
archived file on every check doubled the reading of each snapshot. The new
file's tail and size come from the one pass that hashes it
(:class:`monitor.ingest.guards.ContentFacts`), so a shape costs one small head read,
and it is stored with the snapshot's file facts for the next check to compare
against. Rows written before shapes were stored fall back to the archived file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from monitor.errors import InputError
from monitor.files import SourceFile
from monitor.ingest.guards import HEAD_BYTES, TAIL_BYTES, content_kind

EOF_MARK = b"\x1a"


@dataclass(frozen=True, kw_only=True)
class FileShape:
    """What a delimited text file's structure looks like, apart from its rows."""

    header: tuple[str, ...] | None
    header_line: int
    ends_with_newline: bool
    ends_with_eof_mark: bool
    size: int
    # The last line read as a row: its number of cells, and whether it is visibly whole
    # (quotes balanced, the last cell closed by its quote or empty). Used only when the
    # file lacks a final newline; 0 / False in shapes stored before they were kept.
    last_width: int = 0
    last_line_whole: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "header": list(self.header) if self.header else None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FileShape:
        header = data.get("header")
        return cls(
            header=tuple(str(c) for c in header) if header else None,
            header_line=int(data.get("header_line", 0)),
            ends_with_newline=bool(data.get("ends_with_newline")),
            ends_with_eof_mark=bool(data.get("ends_with_eof_mark")),
            size=int(data.get("size", 0)),
            last_width=int(data.get("last_width", 0)),
            last_line_whole=bool(data.get("last_line_whole", False)),
        )


Shapes = Mapping[str, FileShape | None]
"""Shapes by file name (compared without case); None for a file that is not delimited text."""


def _looks_like_header(cells: list[str]) -> bool:
    """Column names: several short non-empty cells, none a number, date or OFAC null."""
    return len(cells) >= 3 and all(
        cell and len(cell) <= 80 and not cell[0].isdigit() and cell != "-0-" for cell in cells
    )


def _header(head: bytes) -> tuple[tuple[str, ...] | None, int]:
    """The first header-like row among the first lines (UK files start with a date line)."""
    lines = head.decode("utf-8", "replace").lstrip("\ufeff").splitlines()
    if len(head) >= HEAD_BYTES:
        lines = lines[:-1]
    for number, line in enumerate(lines[:5], start=1):
        delimiter = "\t" if "\t" in line else ","
        cells = [c.strip() for c in next(csv.reader([line], delimiter=delimiter), [])]
        if _looks_like_header(cells):
            return tuple(cells), number
    return None, 0


def read_tail_and_size(source: SourceFile) -> tuple[bytes, int]:
    """The last bytes and the decompressed size, read through (for rows without a stored shape)."""
    tail = b""
    size = 0
    try:
        for chunk in source.iter_chunks():
            size += len(chunk)
            tail = (tail + chunk)[-TAIL_BYTES:]
    except (OSError, EOFError) as exc:
        raise InputError(f"{source.name}: cannot be read ({exc})") from exc
    return tail, size


def file_shape(source: SourceFile, tail: bytes, size: int) -> FileShape | None:
    """The shape of a delimited text file from its head, tail and size; None for other files."""
    head = source.head(HEAD_BYTES)
    if content_kind(head) != "text":
        return None
    header, line = _header(head)
    body = tail.rstrip(b"\r\n")
    width, whole = _last_line(tail, size)
    return FileShape(
        header=header,
        header_line=line,
        ends_with_newline=tail.rstrip(EOF_MARK).endswith(b"\n"),
        ends_with_eof_mark=body.endswith(EOF_MARK),
        size=size,
        last_width=width,
        last_line_whole=whole,
    )


def _last_line(tail: bytes, size: int) -> tuple[int, bool]:
    """The number of cells of the file's last line, and whether that line is visibly whole.

    Whole: its quotes are balanced and its last cell is closed by its quote. A
    line cut inside a quoted cell has an odd number of quotes. A line that ends
    with an unquoted cell or a delimiter cannot be told from one cut there (a
    real half SDN file ends '-0- ,': the remarks of its last row cut off), so it
    is never called whole. A last line longer than the kept tail is not judged.
    """
    text = tail.rstrip(EOF_MARK + b" \r\n")
    if b"\n" not in text and len(tail) < size:
        return 0, False
    last = text.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")
    if not last.strip():
        return 0, False
    delimiter = "\t" if "\t" in last else ","
    cells = next(csv.reader([last], delimiter=delimiter), [])
    return len(cells), last.count('"') % 2 == 0 and last.endswith('"')


def archived_shape(source: SourceFile) -> FileShape | None:
    """The shape of an archived file, reading it through."""
    tail, size = read_tail_and_size(source)
    return file_shape(source, tail, size)


def stored_shapes(file_facts: Iterable[Mapping[str, Any]]) -> dict[str, FileShape | None]:
    """The shapes kept in a snapshot row's file facts.

    Rows recorded before shapes were stored are read from their archived files
    (files no longer there are skipped).
    """
    found: dict[str, FileShape | None] = {}
    for fact in file_facts:
        name = str(fact.get("name", ""))
        if "shape" in fact:
            stored = fact["shape"]
            found[name] = FileShape.from_dict(stored) if stored else None
        elif (path := Path(str(fact.get("path", "")))).is_file():
            found[name] = archived_shape(SourceFile(path=path, name=name))
    return found


def compare(before: Shapes, after: Shapes) -> str | None:
    """Why the new files' shapes are not acceptable, or None when they are.

    Added columns are accepted (parsers ignore columns they do not know, so
    nothing can be lost); a missing or renamed column, a missing header, a
    last line cut in the middle or a missing end-of-file mark is not. Files
    the last good version did not have, and non-text files, are not compared.
    """
    known = {name.lower(): shape for name, shape in before.items()}
    for name, new in after.items():
        old = known.get(name.lower())
        if old is None or new is None:
            continue
        if reason := _compare_one(name, old, new):
            return reason
    return None


def _whole(before: FileShape, after: FileShape) -> bool:
    """A file without its final newline whose last row is complete is not truncated.

    Complete: the last line is visibly whole (see :func:`_last_line`) and has as
    many cells as the header, or, for files without a header (OFAC), as the last
    row of the list's last good version.
    """
    if not after.last_line_whole:
        return False
    if after.header:
        return after.last_width == len(after.header)
    return before.last_width > 0 and after.last_width == before.last_width


def _compare_one(name: str, before: FileShape, after: FileShape) -> str | None:
    if before.header and after.header is None:
        return f"{name}, line 1: the header row of the list's last good version is missing"
    if before.header and after.header:
        missing = [c for c in before.header if c not in after.header]
        if missing:
            added = [c for c in after.header if c not in before.header]
            new = f"; new: {', '.join(map(repr, added))}" if added else ""
            return (
                f"{name}, line {after.header_line}: the header differs from the list's last "
                f"good version: missing {', '.join(map(repr, missing))}{new}"
            )
    ended_whole = before.ends_with_newline or before.last_line_whole
    if ended_whole and not after.ends_with_newline and not _whole(before, after):
        return (
            f"{name}, byte {after.size}: the file ends in the middle of a line, unlike the "
            "list's last good version: a truncated download?"
        )
    if before.ends_with_eof_mark and not after.ends_with_eof_mark:
        return (
            f"{name}, byte {after.size}: the end-of-file mark (0x1A) that ends the list's last "
            "good version is missing: a truncated download?"
        )
    return None
