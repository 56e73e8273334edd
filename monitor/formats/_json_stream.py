"""The objects of a JSON array, streamed one at a time out of a document (ijson).

Why: ``json.loads`` held the raw bytes, their decoded text and the whole
document at once before the first record was built: several times the file's
size for the 90 MB trade.gov CSL export, and more for larger exports. ijson's
C backend (yajl) reads the array incrementally and hands over one object at a
time, so memory holds what the format keeps of each object, not the document.

A damaged document becomes a :class:`ParseError` that names the file and the
last complete object; as the pipeline reads every record before it changes
anything, an error at the end of a truncated file still rejects all of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import ijson

from monitor.errors import ParseError
from monitor.formats._readers import reading
from monitor.sources import SourceFile

UTF8_BOM = b"\xef\xbb\xbf"


def first_byte(source: SourceFile) -> bytes:
    """The first byte after a BOM and whitespace: '[' for an array, '{' for an object."""
    return source.head(4096).lstrip(UTF8_BOM + b" \t\r\n")[:1]


def array_items(source: SourceFile, path: str) -> Iterator[tuple[int, Any]]:
    """(number, value) for each item of the array at the dotted ``path`` ('' = top level).

    Yields nothing when there is no array at ``path``; callers say why with
    :func:`describe_path` (an error path, so it may read the document whole).
    """
    prefix = f"{path}.item" if path else "item"
    number = 0
    with reading(source) as stream:
        if source.head(len(UTF8_BOM)) == UTF8_BOM:
            stream.read(len(UTF8_BOM))
        try:
            for number, item in enumerate(ijson.items(stream, prefix, use_float=True), 1):
                yield number, item
        except ijson.JSONError as exc:
            where = f"after record {number}" if number else "before the first record"
            raise ParseError(f"malformed JSON ({exc})", file=source.name, position=where) from exc


def describe_path(source: SourceFile, path: str) -> str | None:
    """Why the document has no array of records at ``path``, in one line; None when it
    has one and the array is empty."""
    with reading(source) as stream:
        try:
            found: Any = json.loads(stream.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            return f"malformed JSON ({exc})"
    for part in path.split(".") if path else ():
        if not isinstance(found, dict) or part not in found:
            keys = ", ".join(list(found)[:10]) if isinstance(found, dict) else type(found).__name__
            return f"no {path!r} in the document (found: {keys})"
        found = found[part]
    if not isinstance(found, list):
        return f"expected an array of records at {repr(path) if path else 'the top level'}"
    return None
