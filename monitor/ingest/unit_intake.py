"""What a take of a snapshot read unit by unit produces: its intake and its plan.

Every take (:mod:`monitor.ingest.stored_set_takes`, :mod:`monitor.ingest.held_takes`)
ends here: :func:`intake` makes the :class:`UnitIntake` (the
:class:`~monitor.ingest.intake.Intake` the full parse would give, classified as it
was read) and the :class:`UnitPlan` of how the stored fingerprint set becomes this
snapshot's; :func:`refused` is how a take gives the snapshot back to the full parse.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from sqlalchemy import Connection

from monitor.formats.base import Format, Unit
from monitor.ingest import differ, guards, held_state
from monitor.ingest.intake import BaseState, Intake
from monitor.ingest.spill import Spill
from monitor.records import Record
from monitor.store import fingerprints
from monitor.store.fingerprints import StoredUnit

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class UnitPlan:
    """How the stored fingerprint set becomes this snapshot's once it is applied."""

    tag: str
    added: dict[str, StoredUnit]  # new fingerprints (every one when ``replace_all``)
    gone: set[str]  # stored fingerprints this snapshot no longer has
    replace_all: bool  # the set read was not this state's: write it anew
    known: dict[str, StoredUnit] = field(default_factory=dict)  # the set read (kept in memory)
    fields: dict[int, int] = field(default_factory=dict)  # the new set's units by fields bitmask
    rows: dict[bytes, str] | None = None  # the new set's rows, when each unit is one row
    rows_bytes: int = 0  # their length in all
    # The rows were the held ones with this version's changes (held_takes.take_rows): they name
    # the new set by construction, as the held rows named the set they came with.
    rows_derived: bool = False
    # With ``rows_derived``: ``rows`` are the held rows themselves, which become the new
    # set's (these rows out, these in) only once the version is committed (units.keep_applied).
    rows_change: tuple[list[bytes], dict[bytes, str]] | None = None
    runs: held_state.HeldRuns | None = None  # with ``rows``: the same rows as runs of the file

    def write(self, connection: Connection, list_id: str, snapshot_id: int) -> None:
        """Store this snapshot's set, in the transaction that applies the snapshot."""
        fingerprints.write(
            connection,
            list_id,
            snapshot_id=snapshot_id,
            tag=self.tag,
            added=self.added,
            gone=self.gone,
            replace_all=self.replace_all,
        )


@dataclass(frozen=True, kw_only=True)
class UnitIntake(Intake):
    """An intake read unit by unit, with what to store of its fingerprints."""

    plan: UnitPlan = field(kw_only=True)
    # Classified as it was read (none for a baseline): Intake.classify needs every hash.
    classified: differ.Classification | None = None

    def classify(self) -> differ.Classification:
        return self.classified if self.classified is not None else super().classify()


def fields_of(record: Record) -> int:
    """Bit i set: the record has differ.LOSS_FIELDS[i] (what the field-loss guard counts)."""
    return sum(1 << i for i, name in enumerate(differ.LOSS_FIELDS) if getattr(record, name))


def parse_new(fmt: Format, unit: Unit, added: dict[str, StoredUnit]) -> Record | None:
    """The record of a unit new to the stored set, noted in ``added`` with its key and
    fields; None when it is a record no database can store (the full parse names it)."""
    record = fmt.parse_unit(unit)
    if guards.record_problem(record):
        return None
    added[unit.fingerprint] = (record.key, fields_of(record))
    return record


def intake(
    base: BaseState,
    keys: AbstractSet[str],
    fresh: dict[str, Record],
    kept: dict[int, int],
    added: dict[str, StoredUnit],
    gone: set[str],
    known: dict[str, StoredUnit],
    *,
    first: Spill | None,
    tag: str,
    stored: dict[str, str] | None = None,
) -> UnitIntake:
    """The intake from what a take found: ``kept`` counts the fields of the units seen
    before, ``fresh`` holds the records of the new units (none for a baseline)."""
    fields = Counter(kept)  # the new state's units by fields bitmask
    fields.update(mask for _, mask in added.values())
    if stored is None:
        stored = base.hashes_of(fresh) if first is None else {}
    changed = {k: r for k, r in fresh.items() if stored.get(k) != r.content_hash()}
    for key, record in fresh.items():
        if key not in changed:  # new bytes, same record
            kept[fields_of(record)] += 1
    plan = UnitPlan(
        tag=tag,
        added=added,
        gone=gone,
        replace_all=not known,
        known=known,
        fields=dict(fields),
    )
    log.debug("list %s: %s of %s units parsed", base.list_id, len(added), len(keys))
    gone_units = {fp: known[fp] for fp in gone}
    return UnitIntake(
        base=base,
        keys=keys,
        changed=changed,
        kept_fields=_field_counts(kept) if first is None else dict.fromkeys(differ.LOSS_FIELDS, 0),
        first=first,
        plan=plan,
        classified=_classify(base, keys, changed, stored, known, gone_units)
        if first is None
        else None,
    )


def _classify(
    base: BaseState,
    keys: AbstractSet[str],
    changed: dict[str, Record],
    stored: dict[str, str],
    known: dict[str, StoredUnit],
    gone: dict[str, StoredUnit],
) -> differ.Classification:
    """What happened to each key, without the state's hashes when a stored set was used:
    a key the state has but this snapshot lacks produced one of the gone units."""
    if not known:
        return differ.classify(base.hashes, keys, changed)
    return differ.Classification(
        added=sorted(k for k in changed if k not in stored),
        removed=sorted({key for key, _ in gone.values() if key not in keys}),
        changed=sorted(k for k in changed if k in stored),
        unchanged_count=len(keys) - len(changed),
    )


def _field_counts(kept: dict[int, int]) -> dict[str, int]:
    """How many unchanged entries have each of differ.LOSS_FIELDS, from their bitmasks."""
    return {
        name: sum(n for fields, n in kept.items() if fields >> i & 1)
        for i, name in enumerate(differ.LOSS_FIELDS)
    }


def refused(base: BaseState, why: str) -> UnitIntake | None:
    """None, saying why: the caller reads the snapshot by the full parse."""
    log.debug("list %s: read in full, not unit by unit: %s", base.list_id, why)
    return None
