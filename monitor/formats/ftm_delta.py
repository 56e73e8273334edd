"""OpenSanctions delta files (entities.delta.json): ADD / MOD / DEL of whole entities.

Each line is ``{"op": "ADD"|"MOD"|"DEL", "entity": {...}}`` against the
publisher's previous version; a DEL carries only the entity id. A delta is
not a list, so :meth:`FtmDelta.parse` refuses to read one as a full snapshot
(that would delist everything not in it); the pipeline applies
:meth:`FtmDelta.parse_delta` to the current state with
:func:`monitor.ingest.delta.apply_delta` instead.

Entities are read as in :mod:`monitor.formats.ftm_json`. A MOD that turns a
listed party into a non-target removes it; an ADD of a supporting entity
(address, sanction, relation) is skipped, as that file would skip it.
The version id in the path (``20240527194702-wnk``) is the publication time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats._readers import single_file, without_bom
from monitor.formats.base import Format
from monitor.formats.ftm_json import (
    DELTA_LINE_RE,
    IGNORED,
    EntityShapeError,
    entity_id,
    entity_record,
    is_listed,
    json_lines,
    shape_error,
    version_time,
)
from monitor.ingest.delta import OPS, DeltaOp
from monitor.records import Record

__all__ = ["IGNORED", "FtmDelta"]  # IGNORED: what an entity gives that the record drops, and why


def delta_op(line: Any) -> DeltaOp | None:
    """The change one line makes to the listed parties, or None when it touches none."""
    if not isinstance(line, dict) or line.get("op") not in OPS:
        raise EntityShapeError(f"expected {{'op': one of {', '.join(OPS)}, 'entity': {{...}}}}")
    entity: Any = line.get("entity")
    key = entity_id(entity)
    if line["op"] == "DEL":
        return DeltaOp(op="DEL", key=key)
    if is_listed(entity):
        return DeltaOp(op=line["op"], key=key, record=entity_record(entity))
    return DeltaOp(op="DEL", key=key) if line["op"] == "MOD" else None


class FtmDelta(Format):
    """OpenSanctions delta file: ADD/MOD/DEL of FollowTheMoney entities (entities.delta.json)."""

    kind = "ftm-delta"
    example = "<version>/entities.delta.json"
    delta = True

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        if len(files) != 1:
            return False
        return bool(DELTA_LINE_RE.match(without_bom(files[0].head(256))))

    def published_at(self, files: Sequence[SourceFile]) -> datetime | None:
        return version_time(files)

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        names = ", ".join(f.name for f in files)
        raise ParseError(
            "an OpenSanctions delta holds changes, not the whole list; "
            "it must be applied to the current state (parse_delta), never read as a snapshot",
            file=names,
        )

    def parse_delta(self, files: Sequence[SourceFile]) -> Iterator[DeltaOp]:
        source = single_file(files, self.kind)
        for number, line in json_lines(source):
            try:
                change = delta_op(line)
            except EntityShapeError as exc:
                raise shape_error(source, number, exc) from exc
            if change is not None:
                yield change
