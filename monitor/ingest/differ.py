"""The differ: two states in, events out. Pure: no I/O, no clock.

Work is split in two steps so the pipeline can load only what changed:
:func:`classify` compares content hashes (cheap, whole list); then
:func:`build_events` runs the field-level comparison
(:mod:`monitor.ingest.field_diff`) only for the entries whose hash changed,
plus re-key detection between removals and additions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.ingest.field_diff import changed_fields as differing_fields
from monitor.kinds import EventKind
from monitor.names import fold
from monitor.records import Event, FieldChange, Record, parse_iso_date

# What a changed field means to a reader; "remarks only" is a category of its own.
FIELD_CATEGORIES = {
    "programs": "programs",
    "name": "names",
    "aliases": "names",
    "addresses": "addresses",
    "countries": "addresses",
    "identifiers": "identifiers",
    "birth_dates": "dates",
    "effective_date": "dates",
    "remarks": "remarks",
    "entry_type": "type",
    "source_list": "list",
    "notice": "notice",
    "extra": "other",
}

# Fields a broken or incomplete version strips from many entries at once (an OFAC set
# without alt.csv: every alias); counted per entry that had the field before.
LOSS_FIELDS = ("aliases", "addresses", "countries", "identifiers", "birth_dates", "programs")


@dataclass(frozen=True, kw_only=True)
class Classification:
    """Keys sorted into what happened to them, from content hashes alone."""

    added: list[str]
    removed: list[str]
    changed: list[str]
    unchanged_count: int


def classify(
    current: Mapping[str, str], keys: Collection[str], differing: Iterable[str]
) -> Classification:
    """Sort keys by what happened to them.

    ``current`` is the stored state (key -> content hash), ``keys`` every key
    of the new snapshot, ``differing`` the keys whose content hash differs
    from the stored one (new keys included): the intake compared the hashes
    as it read the snapshot, so unchanged entries are known by key alone.
    """
    differing = list(differing)
    added = [k for k in differing if k not in current]
    changed = [k for k in differing if k in current]
    removed = [k for k in current if k not in keys]
    unchanged = len(keys) - len(differing)
    return Classification(
        added=sorted(added),
        removed=sorted(removed),
        changed=sorted(changed),
        unchanged_count=unchanged,
    )


def field_changes(before: Record, after: Record) -> tuple[FieldChange, ...]:
    """Field-level before/after, order-insensitive; reordering alone is no change."""
    old, new = before.to_dict(), after.to_dict()
    old.pop("key")
    new.pop("key")
    fields = differing_fields(old, new)
    return tuple(FieldChange(field=f, before=old.get(f), after=new.get(f)) for f in fields)


def field_losses(
    changed: Iterable[tuple[Record, Record]], kept: Mapping[str, int]
) -> dict[str, tuple[int, int]]:
    """Per field of LOSS_FIELDS: (entries that lost it entirely, entries that had it).

    ``changed`` holds (before, after) of the modified entries; ``kept`` how many
    unchanged entries have each field (the intake counts them as it reads), so
    "had it" covers every entry in both versions without reading the others again.
    """
    had = {name: kept.get(name, 0) for name in LOSS_FIELDS}
    lost = dict.fromkeys(LOSS_FIELDS, 0)
    for before, after in changed:
        for name in LOSS_FIELDS:
            if getattr(before, name):
                had[name] += 1
                if not getattr(after, name):
                    lost[name] += 1
    return {name: (lost[name], had[name]) for name in LOSS_FIELDS}


def changed_fields(events: Iterable[Event]) -> list[tuple[str, int]]:
    """The fields the modified entries changed, most changed first: (field, entries)."""
    counts: dict[str, int] = defaultdict(int)
    for event in events:
        if event.kind == "modified":
            for change in event.changes:
                counts[change.field] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def categories_of(changes: Iterable[FieldChange]) -> tuple[str, ...]:
    return tuple(sorted({FIELD_CATEGORIES.get(c.field, "other") for c in changes}))


def _identity(record: Record) -> tuple[str, str, str]:
    return (fold(record.name), record.entry_type, record.source_list)


def _former_keys(record: Record) -> list[str]:
    """Ids the publisher says this entry had before (OpenSanctions ``referents``)."""
    return dict(record.extra).get("referents", "").split()


def match_rekeys(removed: Mapping[str, Record], added: Mapping[str, Record]) -> dict[str, str]:
    """{new key: old key} for removals and additions that are one entry under a new key.

    The publisher's word comes first: an added entry that names a removed key
    among its former ids (OpenSanctions ``referents``) is that entry. Otherwise
    only unambiguous pairs count: one removed and one added entry with the same
    folded name, type and source list.
    """
    pairs = {
        key: old for key, record in added.items() for old in _former_keys(record) if old in removed
    }
    taken = set(pairs.values())
    gone: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    new: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for key, record in removed.items():
        if key not in taken:
            gone[_identity(record)].append(key)
    for key, record in added.items():
        if key not in pairs:
            new[_identity(record)].append(key)
    pairs.update(
        (new[identity][0], old_keys[0])
        for identity, old_keys in gone.items()
        if len(old_keys) == 1 and len(new.get(identity, [])) == 1 and identity[0]
    )
    return pairs


@dataclass(frozen=True, kw_only=True)
class DiffInput:
    """Everything :func:`build_events` needs, already loaded by the pipeline."""

    list_id: str
    observed_at: datetime
    added: Mapping[str, Record]
    removed: Mapping[str, Record]
    changed: Mapping[str, tuple[Record, Record]]
    seen_before: set[str]
    detect_rekeys: bool = True


def build_events(data: DiffInput) -> list[Event]:
    """Events for one snapshot against the previous state."""
    rekeys = match_rekeys(data.removed, data.added) if data.detect_rekeys else {}
    old_keys_rekeyed = set(rekeys.values())
    events: list[Event] = []
    common: dict[str, Any] = {"list_id": data.list_id, "observed_at": data.observed_at}
    for key, record in data.added.items():
        if key in rekeys:
            old = data.removed[rekeys[key]]
            changes = (
                FieldChange(field="key", before=rekeys[key], after=key),
                *field_changes(old, record),
            )
            events.append(
                Event(
                    key=key,
                    kind=EventKind.REKEYED,
                    record=record,
                    previous_key=rekeys[key],
                    changes=changes,
                    categories=categories_of(changes[1:]),
                    **common,
                )
            )
        else:
            kind = EventKind.RELISTED if key in data.seen_before else EventKind.LISTED
            events.append(
                Event(
                    key=key,
                    kind=kind,
                    record=record,
                    effective_date=parse_iso_date(record.effective_date),
                    **common,
                )
            )
    for key, record in data.removed.items():
        if key not in old_keys_rekeyed:
            events.append(Event(key=key, kind=EventKind.DELISTED, record=record, **common))
    for key, (before, after) in data.changed.items():
        changes = field_changes(before, after)
        if changes:
            events.append(
                Event(
                    key=key,
                    kind=EventKind.MODIFIED,
                    record=after,
                    changes=changes,
                    categories=categories_of(changes),
                    effective_date=_new_effective_date(changes),
                    **common,
                )
            )
    return sorted(events, key=lambda e: (e.kind, e.key))


def _new_effective_date(changes: Iterable[FieldChange]) -> Any:
    """A modification is dated only when the publisher gave it a new effective date."""
    for change in changes:
        if change.field == "effective_date" and isinstance(change.after, str):
            return parse_iso_date(change.after)
    return None


def baseline_events(list_id: str, observed_at: datetime, records: Iterable[Record]) -> list[Event]:
    """The first snapshot of a list: every entry recorded as listed, flagged as baseline."""
    return [
        Event(
            list_id=list_id,
            key=r.key,
            kind=EventKind.LISTED,
            record=r,
            observed_at=observed_at,
            baseline=True,
            effective_date=parse_iso_date(r.effective_date),
        )
        for r in records
    ]
