"""The objects of a JSON array, streamed one at a time out of a document.

Why: ``json.loads`` held the raw bytes, their decoded text and the whole
document at once before the first record was built: several times the file's
size for the 90 MB trade.gov CSL export, and more for larger exports. Here the
document is decoded a chunk at a time and each item of the array is parsed on
its own by the standard library's C scanner (``JSONDecoder.raw_decode``), so
memory holds one item and one chunk of text, not the document.

Why not ijson (tried first): its C backend (yajl) silently turns a lone UTF-16
surrogate escape into ``?`` (text the record checks must see, to reject it),
and its item builder tracks a path string per nesting level, so a hostile
document nested 100,000 deep took gigabytes (our hostile-file test was
killed). ``raw_decode`` keeps the exact semantics ``json.loads`` had: the same
values, and a ``RecursionError`` for absurd nesting, which becomes a parse
error.

The whole document is still checked: the rest after the array is read to the
end, so a truncated file is an error even when its array is complete. As the
pipeline reads every record before it changes anything, an error at the end
still rejects all of it.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Iterator
from typing import IO, Any

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats._readers import UTF8_BOM, reading

CHUNK = 1 << 20
_LOOKAHEAD = 16  # characters a value must leave unread to be surely complete
_WHITESPACE = re.compile(r"[ \t\n\r]*")
MAX_NUMBER_CHARS = 100  # longer numbers are no list's data: an attack or a broken export


class _Malformed(Exception):
    """The document is not valid JSON here; the message says what was expected."""


class BadValue(ValueError):
    """A value JSON can spell but no list holds: NaN, an infinite or a 100,000-digit number.

    Python's decoder would turn ``NaN`` and ``1e99999`` into floats that become
    keys 'nan' and 'inf', and fail on a huge integer with an exception of its
    own; here each is an error of the record that holds it.
    """


def _constant(text: str) -> Any:
    raise BadValue(f"{text} is not a JSON number a list can hold")


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise BadValue(f"a number of {len(text)} characters")
    value = float(text)
    if not math.isfinite(value):
        raise BadValue(f"the number {text} is out of range (not finite)")
    return value


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise BadValue(f"a number of {len(text)} digits")
    return int(text)


_DECODER = json.JSONDecoder(parse_constant=_constant, parse_float=_float, parse_int=_int)


def loads(text: str) -> Any:
    """``json.loads`` that refuses non-finite and oversize numbers (:class:`BadValue`)."""
    return _DECODER.decode(text)


class _Cursor:
    """A JSON document's text, decoded on demand; consumed text is dropped."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text = ""
        self.pos = 0
        self.eof = False

    def _read_more(self, size: int | None = None) -> bool:
        """Append the next chunk of text; False at the end of the document."""
        if self.eof:
            return False
        data = self.stream.read(size or CHUNK)
        if self.pos > CHUNK:
            self.text, self.pos = self.text[self.pos :], 0
        self.text += self.decoder.decode(data, final=not data)
        self.eof = not data
        return True

    def peek(self) -> str:
        """The next character that is not whitespace ('' at the end), without taking it."""
        while True:
            blank = _WHITESPACE.match(self.text, self.pos)
            self.pos = blank.end() if blank else self.pos
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._read_more():
                return ""

    def take(self, expected: str) -> None:
        found = self.peek()
        if found != expected:
            raise _Malformed(f"expected {expected!r}, found {found or 'the end of the file'!r}")
        self.pos += 1

    def value(self) -> Any:
        """The next JSON value, read ahead as far as it needs (doubling, so long values
        cost linear time)."""
        self.peek()
        size = CHUNK
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if _may_be_cut(exc, len(self.text)) and self._read_more(size):
                    size *= 2
                    continue
                raise _Malformed(exc.msg) from None
            if end > len(self.text) - _LOOKAHEAD and self._read_more(size):
                size *= 2  # a number ending near the end of the text may go on: "1" of "1.5e3"
                continue
            self.pos = end
            return value


def _may_be_cut(error: json.JSONDecodeError, text_length: int) -> bool:
    """Could this error be the end of the text read so far rather than bad JSON?"""
    return error.msg.startswith("Unterminated string") or error.pos >= text_length - 12


def first_byte(source: SourceFile) -> bytes:
    """The first byte after a BOM and whitespace: '[' for an array, '{' for an object."""
    return source.head(4096).lstrip(UTF8_BOM + b" \t\r\n")[:1]


def array_items(source: SourceFile, path: str) -> Iterator[tuple[int, Any]]:
    """(number, value) for each item of the array at the dotted ``path`` ('' = top level).

    Yields nothing when there is no array at ``path``; callers say why with
    :func:`describe_path` (an error path, so it may read the document whole).
    """
    parts = path.split(".") if path else []
    number = 0
    stage = "before"
    with reading(source) as stream:
        cursor = _Cursor(stream)
        try:
            if not _enter_array(cursor, parts):
                return
            stage = "items"
            for number, item in enumerate(_items(cursor), 1):
                yield number, item
            stage = "after"
            _finish(cursor, len(parts))
        except BadValue as exc:
            where = {
                "before": "before the first record",
                "items": f"record {number + 1}",
                "after": f"after record {number}",
            }[stage]
            raise ParseError(str(exc), file=source.name, position=where) from None
        except (_Malformed, UnicodeDecodeError) as exc:
            where = f"after record {number}" if number else "before the first record"
            raise ParseError(f"malformed JSON ({exc})", file=source.name, position=where) from None
        except RecursionError:
            raise ParseError("JSON nested too deeply to be a list", file=source.name) from None


def _enter_array(cursor: _Cursor, parts: list[str]) -> bool:
    """Move into the array at ``parts`` (object keys); False when there is none."""
    for part in parts:
        if cursor.peek() != "{":
            return False
        cursor.pos += 1
        if not _find_key(cursor, part):
            return False
    if cursor.peek() != "[":
        return False
    cursor.pos += 1
    return True


def _find_key(cursor: _Cursor, wanted: str) -> bool:
    """Skip members of the current object up to ``wanted``'s value; False at its end."""
    if cursor.peek() == "}":
        return False
    while True:
        key = cursor.value()
        if not isinstance(key, str):
            raise _Malformed("an object key that is not a string")
        cursor.take(":")
        if key == wanted:
            return True
        cursor.value()
        if cursor.peek() == "}":
            return False
        cursor.take(",")


def _items(cursor: _Cursor) -> Iterator[Any]:
    if cursor.peek() == "]":
        cursor.pos += 1
        return
    while True:
        yield cursor.value()
        if cursor.peek() == "]":
            cursor.pos += 1
            return
        cursor.take(",")


def _finish(cursor: _Cursor, open_objects: int) -> None:
    """Read the rest of the document: the members after the array, to the end."""
    for _ in range(open_objects):
        while cursor.peek() != "}":
            cursor.take(",")
            cursor.value()
            cursor.take(":")
            cursor.value()
        cursor.pos += 1
    if cursor.peek():
        raise _Malformed("more data after the end of the document")


def describe_path(source: SourceFile, path: str) -> str | None:
    """Why the document has no array of records at ``path``, in one line; None when it
    has one and the array is empty."""
    with reading(source) as stream:
        try:
            found: Any = loads(stream.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, BadValue, json.JSONDecodeError, RecursionError) as exc:
            return f"malformed JSON ({exc})"
    for part in path.split(".") if path else ():
        if not isinstance(found, dict) or part not in found:
            keys = ", ".join(list(found)[:10]) if isinstance(found, dict) else type(found).__name__
            return f"no {path!r} in the document (found: {keys})"
        found = found[part]
    if not isinstance(found, list):
        return f"expected an array of records at {repr(path) if path else 'the top level'}"
    return None
