"""The differ on real records: re-keying by the publisher's former ids and by identity."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from monitor.files import SourceFile
from monitor.formats import get_format
from monitor.ingest import differ
from monitor.records import Record
from tests.conftest import FIXTURES

ENTITIES = FIXTURES / "opensanctions" / "t1" / "entities.ftm.json"
WHEN = datetime(2024, 5, 28, tzinfo=UTC)


def real_records() -> list[Record]:
    return list(get_format("ftm-json").parse([SourceFile.from_path(ENTITIES)]))


def events(before: list[Record], after: list[Record]) -> list[differ.Event]:
    old = {r.key: r for r in before}
    new = {r.key: r for r in after}
    return differ.build_events(
        differ.DiffInput(
            list_id="os",
            observed_at=WHEN,
            added={k: r for k, r in new.items() if k not in old},
            removed={k: r for k, r in old.items() if k not in new},
            changed={k: (old[k], new[k]) for k in new if k in old and old[k] != new[k]},
            seen_before=set(),
        )
    )


def test_a_merged_entity_is_rekeyed_through_its_referents() -> None:
    records = real_records()
    first = records[0]
    renamed = replace(
        first,
        key="NK-merged",
        name=first.name + " (merged)",
        extra=tuple(sorted({**dict(first.extra), "referents": first.key}.items())),
    )
    found = events(records, [renamed, *records[1:]])
    assert [(e.kind, e.previous_key, e.key) for e in found] == [("rekeyed", first.key, "NK-merged")]
    assert "names" in found[0].categories


def test_a_new_entry_without_referents_or_same_name_is_a_listing() -> None:
    records = real_records()
    other = replace(records[0], key="NK-new", name="Somebody Else Entirely")
    kinds = sorted(e.kind for e in events(records[1:], [*records[1:], other]))
    assert kinds == ["listed"]


def test_reordering_alone_is_no_change() -> None:
    record = next(r for r in real_records() if len(r.aliases) > 1)
    data = json.loads(record.to_json())
    shuffled = Record.from_dict({**data, "aliases": list(reversed(data["aliases"]))})
    assert shuffled.aliases != record.aliases
    assert differ.field_changes(record, shuffled) == ()
