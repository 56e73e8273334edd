"""trade.gov Consolidated Screening List, JSON export or API answer."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from monitor.errors import ParseError
from monitor.formats import _csl_common as csl
from monitor.formats._readers import reading
from monitor.formats.base import Format
from monitor.records import Record
from monitor.sources import SourceFile

MAX_JSON_BYTES = 1 << 30


def _results(document: Any, file: str) -> list[dict[str, Any]]:
    """The rows: a top-level list, or the 'results' array of the API answer."""
    rows = document.get("results") if isinstance(document, dict) else document
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ParseError("expected a list of CSL rows or an object with 'results'", file=file)
    return rows


class CslJson(Format):
    """trade.gov Consolidated Screening List, JSON (consolidated.json or the search API answer)."""

    kind = "csl-json"
    example = "consolidated.json"

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        if len(files) != 1:
            return False
        head = files[0].head(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        return head[:1] in (b"{", b"[") and b'"entity_number"' in head and b'"source"' in head

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        if len(files) != 1:
            raise ParseError(
                f"{self.kind} takes exactly one file", file=", ".join(f.name for f in files)
            )
        source = files[0]
        with reading(source) as stream:
            raw = stream.read(MAX_JSON_BYTES + 1)
        if len(raw) > MAX_JSON_BYTES:
            raise ParseError("larger than the 1 GiB JSON limit", file=source.name)
        try:
            document = json.loads(raw.decode("utf-8-sig"))
        except RecursionError:
            raise ParseError("JSON nested too deeply to be a list", file=source.name) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            position = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else None
            raise ParseError(
                f"malformed JSON ({exc})", file=source.name, position=position
            ) from exc
        rows = _results(document, source.name)
        if not rows:
            raise ParseError("no rows", file=source.name)
        csl.check_columns(list(rows[0]), source.name)
        yield from csl.records_from_rows(rows, source.name)
