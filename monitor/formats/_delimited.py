"""Reading header-first delimited text (CSV, TSV) as dict rows with clear errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats._readers import READ_ERRORS


def dict_rows(source: SourceFile, delimiter: str) -> tuple[list[str], Iterator[dict[str, str]]]:
    """The header and an iterator over rows; repeated header rows are skipped."""
    stream = io.TextIOWrapper(source.open(), encoding="utf-8-sig", newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        stream.close()
        raise ParseError("the file is empty", file=source.name) from None
    except (csv.Error, UnicodeDecodeError, *READ_ERRORS) as exc:
        stream.close()
        raise ParseError(f"unreadable header ({exc})", file=source.name, position="line 1") from exc
    header = [h.strip() for h in header]
    return header, _rows(reader, header, stream, source.name)


def _rows(
    reader: Iterator[list[str]], header: list[str], stream: io.TextIOWrapper, file: str
) -> Iterator[dict[str, str]]:
    line = 1
    try:
        for line, row in enumerate(reader, start=2):
            if not row or row == header:
                continue
            if len(row) != len(header):
                raise ParseError(
                    f"expected {len(header)} fields, found {len(row)} "
                    "(truncated or malformed file?)",
                    file=file,
                    position=f"line {line}",
                )
            yield dict(zip(header, row, strict=True))
    except READ_ERRORS as exc:
        raise ParseError(
            f"cannot be read, the file is truncated or corrupt ({exc})", file=file
        ) from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ParseError(f"malformed text ({exc})", file=file, position=f"line {line + 1}") from exc
    finally:
        stream.close()


HeaderReader = Callable[[Any], list[str]]
"""Reads (and checks) the header from the reader; raises ParseError for a wrong one."""


def numbered_rows(
    source: SourceFile,
    reader: Any,
    read_header: HeaderReader,
    *,
    columns: str = "columns",
    malformed: str = "CSV",
) -> Iterator[tuple[int, dict[str, str]]]:
    """Data rows of a ``csv.reader`` as dicts with their line number.

    Blank rows are skipped; a row of another width than the header, or text
    the csv module cannot read, is a ParseError naming the line.
    """
    try:
        header = read_header(reader)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ParseError(
                    f"expected {len(header)} {columns}, found {len(row)}",
                    file=source.name,
                    position=f"line {reader.line_num}",
                )
            yield reader.line_num, dict(zip(header, row, strict=True))
    except csv.Error as exc:
        raise ParseError(
            f"malformed {malformed} ({exc})", file=source.name, position=f"line {reader.line_num}"
        ) from exc
