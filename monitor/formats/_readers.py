"""Reading helpers shared by the format plugins written against real publisher files.

Every plugin must turn a damaged input (truncated gzip, corrupt bytes, broken
XML) into a :class:`ParseError` that names the file, never a bare exception;
these helpers do that in one place so each plugin stays about its format.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import IO, TYPE_CHECKING

from monitor.errors import ParseError
from monitor.files import SourceFile

if TYPE_CHECKING:  # lxml is imported by the XML plugins that use it, not by every plugin
    from lxml import etree

READ_ERRORS = (OSError, EOFError, zlib.error)
UTF8_BOM = b"\xef\xbb\xbf"


def without_bom(head: bytes) -> bytes:
    """The first bytes of a file without a UTF-8 byte-order mark.

    Every text format reads a BOM the same way: it is not content. Sniffers
    look past it and readers decode with ``utf-8-sig`` (or drop it from the
    first line), so a copy re-saved by an editor that adds one parses alike.
    """
    return head[len(UTF8_BOM) :] if head.startswith(UTF8_BOM) else head


def single_file(files: Sequence[SourceFile], kind: str) -> SourceFile:
    """The one file of a single-file format; two files are a configuration mistake."""
    if len(files) != 1:
        names = ", ".join(f.name for f in files) or "(no files)"
        raise ParseError(f"{kind} takes exactly one file", file=names)
    return files[0]


@contextmanager
def reading(source: SourceFile) -> Iterator[IO[bytes]]:
    """Open the decompressed bytes; a truncated or corrupt file becomes a ParseError."""
    try:
        with source.open() as stream:
            yield stream
    except READ_ERRORS as exc:
        raise ParseError(
            f"cannot be read, the file is truncated or corrupt ({exc})", file=source.name
        ) from exc


def xml_elements(source: SourceFile, tags: set[str]) -> Iterator[etree._Element]:
    """Stream the completed elements named in ``tags`` from one XML file."""
    from monitor.formats._xml import iter_elements

    with reading(source) as stream:
        yield from iter_elements(stream, tags, file=source.name)


def node_text(element: etree._Element) -> str:
    """An element's own text, whitespace collapsed."""
    return " ".join((element.text or "").split())


def decoded_lines(source: SourceFile) -> Iterator[str]:
    """Lines of a text file, each decoded as UTF-8 when valid, else as Windows-1252.

    Government CSV exports switch encodings between years (the UK list was
    Windows-1252 until 2021, UTF-8 after); deciding per line keeps a stray
    byte from rejecting a whole list. A leading byte-order mark is dropped.
    """
    with reading(source) as stream:
        for number, line in enumerate(stream):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text = line.decode("cp1252", errors="replace")
            yield text.lstrip("\ufeff") if number == 0 else text


def iso_date(year: int, month: int, day: int) -> str | None:
    """An ISO date, or None for a calendar-impossible one such as 31 February."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def dmy_to_iso(value: str) -> str | None:
    """'27/04/2020' (UK style) as '2020-04-27'; None when it is not such a date."""
    parts = value.strip().split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    day, month, year = (int(p) for p in parts)
    return iso_date(year, month, day)


def utc_datetime(value: str) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime; naive times are taken as UTC."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
