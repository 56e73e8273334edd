"""Delta snapshots: publishers that ship changes (ADD, MOD, DEL) instead of the whole list.

OpenSanctions publishes ``entities.delta.json`` files: whole-entity upserts and
deletions against its previous version. The monitor keeps comparing full
states (so guards, the differ and the store work unchanged): the pipeline
applies a delta to the current state with :func:`apply_delta` and continues
with the result as if it were a full snapshot. The function is pure so that a
replay of the same deltas always rebuilds the same state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from monitor.records import Record

OPS = ("ADD", "MOD", "DEL")


@dataclass(frozen=True, kw_only=True, slots=True)
class DeltaOp:
    """One change of a delta file: upsert a record (ADD, MOD) or remove a key (DEL)."""

    op: str
    key: str
    record: Record | None = None

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown delta operation {self.op!r}; valid: {', '.join(OPS)}")
        if (self.record is None) != (self.op == "DEL"):
            need = "has no" if self.op == "DEL" else "needs a"
            raise ValueError(f"a {self.op} operation {need} record")
        if self.record is not None and self.record.key != self.key:
            raise ValueError(
                f"delta key {self.key!r} differs from its record's {self.record.key!r}"
            )


@dataclass(frozen=True, kw_only=True)
class DeltaResult:
    """The state after a delta, and the operations that did not fit the previous state.

    A DEL of a key we do not hold is normal for OpenSanctions (its deltas also
    cover entities that are not listed parties: addresses, sanctions, links),
    and an ADD of a key we hold means the previous state was not the one the
    publisher diffed against; both are applied as meant and reported, never
    raised, so that one odd line does not block a list.
    """

    records: dict[str, Record]
    unknown_deletes: tuple[str, ...] = ()
    existing_adds: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for the log, empty when every operation fitted."""
        parts = []
        if self.unknown_deletes:
            parts.append(f"{len(self.unknown_deletes)} DEL of keys not in the current state")
        if self.existing_adds:
            parts.append(f"{len(self.existing_adds)} ADD of keys already present (applied as MOD)")
        return "; ".join(parts)


def apply_delta(current: Mapping[str, Record], ops: Iterable[DeltaOp]) -> DeltaResult:
    """The state after applying ``ops`` in order to ``current`` (which is not modified)."""
    state = dict(current)
    unknown_deletes: list[str] = []
    existing_adds: list[str] = []
    for change in ops:
        if change.record is None:  # DEL: DeltaOp guarantees only DEL has no record
            if state.pop(change.key, None) is None:
                unknown_deletes.append(change.key)
            continue
        if change.op == "ADD" and change.key in state:
            existing_adds.append(change.key)
        state[change.key] = change.record
    return DeltaResult(
        records=state,
        unknown_deletes=tuple(unknown_deletes),
        existing_adds=tuple(existing_adds),
    )
