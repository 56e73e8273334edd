"""Record's fast paths give exactly what the general ones give (stored JSON and hashes
depend on it: migrations compare them byte for byte)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from monitor import records
from monitor.records import Identifier, Record
from monitor.store.listing import Listing


def _sorted_json(record: Record) -> str:
    """The stored JSON as it was first defined: to_dict encoded with sort_keys."""
    return json.dumps(record.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


FIELDS: list[dict[str, Any]] = [
    {
        "key": "1",
        "name": '  Some  "Name" ',
        "entry_type": "individual",
        "programs": ("SDGT", "IRGC", "SDGT", ""),
        "aliases": ["b", "a", " a ", None, ""],
        "countries": [],
        "addresses": ["Street 1, City, Iran"],
        "identifiers": [
            Identifier(type="Passport", value="2", country="Iran"),
            Identifier(type="Passport", value="1"),
            Identifier(type="Passport", value="2", country="Iran"),
        ],
        "birth_dates": ["1962", "1962", "1960"],
        "effective_date": "2021-12-16",
        "remarks": " free   text ",
        "extra": {"vessel_type": "", "title": "Minister", "call_sign": "ABC"},
    },
    {
        "key": "2",
        "name": "",
        "entry_type": "entity",
        "programs": (),
        "aliases": (),
        "countries": ("Cuba",),
        "addresses": [],
        "identifiers": (),
        "birth_dates": (),
        "effective_date": None,
        "remarks": "",
        "extra": {},
    },
]


@pytest.mark.parametrize("values", FIELDS)
def test_of_fields_is_build(values: dict[str, Any]) -> None:
    built = Record.build(**values)
    fast = Record.of_fields(**values)
    assert fast == built
    assert fast.canonical_bytes() == built.canonical_bytes()
    assert fast.to_json() == built.to_json()


@pytest.mark.parametrize("values", FIELDS)
def test_stored_json_is_sort_keys_encoding(values: dict[str, Any]) -> None:
    record = Record.build(**values)
    assert record.to_json() == _sorted_json(record)
    assert Record.from_dict(json.loads(record.to_json())) == record


def test_stored_json_sorts_extra_given_out_of_order() -> None:
    """A record made directly (not by build) may hold extra unsorted: still sorted keys."""
    record = Record(
        key="3",
        name="X",
        extra=(("vessel_type", "Cargo"), ("call_sign", "A1"), ("title", "Mr")),
        identifiers=(Identifier(type="IMO", value="9"),),
    )
    assert record.to_json() == _sorted_json(record)
    assert '"extra":{"call_sign":"A1","title":"Mr","vessel_type":"Cargo"}' in record.to_json()


@pytest.mark.parametrize(
    "value",
    [
        ("1", "Ñame \u00e9 \u4e2d", None, ("a", 'q"uote', "back\\slash", "\x00\x1f\n\t")),
        [["Passport", "1", ""]],
        {"b": 1, "a": [True, False, None], "c": {"z": 1.5, "y": float("nan")}},
        ("lone \udc80 surrogate",),
        (),
        "",
    ],
)
def test_the_encoder_set_up_once_writes_what_encode_writes(value: Any) -> None:
    assert records._encode(value) == records._JSON.encode(value)


def test_hash_and_stored_json_of_a_known_record() -> None:
    """Pinned bytes: the content hash and stored JSON never move (migrations compare them)."""
    record = Record.build(**FIELDS[0])
    assert record.content_hash() == (
        "cc271175edcadf2249e9bbcc9bb18736550d347f9a0edff299ac9878e728c75d"
    )
    assert record.to_json() == (
        '{"addresses":["Street 1, City, Iran"],"aliases":["a","b"],'
        '"birth_dates":["1960","1962"],"countries":[],"effective_date":"2021-12-16",'
        '"entry_type":"individual","extra":{"call_sign":"ABC","title":"Minister"},'
        '"identifiers":[["Passport","1",""],["Passport","2","Iran"]],"key":"1",'
        '"name":"Some \'Name\'","notice":"","programs":["IRGC","SDGT"],'
        '"remarks":"free text","source_list":""}'
    )


@pytest.mark.parametrize("values", FIELDS)
def test_a_listing_holds_the_record_values_by_name(values: dict[str, Any]) -> None:
    """Listing.of fills the named tuple by position: each field holds its own value."""
    record = Record.build(**values)
    listing = Listing.of(record)
    assert type(listing) is Listing
    assert listing._asdict() == {
        "key": record.key,
        "content_hash": record.content_hash(),
        "name": record.name,
        "record": record.to_json(),
        "entry_type": record.entry_type,
        "source_list": record.source_list,
        "programs": record.programs,
        "countries": record.countries,
        "notice": record.notice,
        "effective_date": record.effective_date,
    }
