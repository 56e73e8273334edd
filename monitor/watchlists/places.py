"""Countries for watchlists: a code or a name, compared with a record's countries and addresses.

Lists write countries as names ("China") or codes ("CN"); users write either.
Addresses count too: OFAC gives SenseTime the country "China" with an address
in "Hong Kong SAR, China", so a watch on HK finds it.
"""

from __future__ import annotations

from monitor.countries import country_name
from monitor.names import fold
from monitor.records import Record


def country_key(value: str) -> str:
    """'HK', 'Hong Kong' and 'hong-kong' as one comparable form: 'hong kong'."""
    return fold(country_name(value))


def places_text(record: Record) -> str:
    """The record's countries and addresses as one folded text, padded for whole-word search."""
    parts = [country_key(c) for c in record.countries] + [fold(a) for a in record.addresses]
    return " " + " | ".join(p for p in parts if p) + " "


def in_place(places: str, key: str) -> bool:
    """Whether a folded country appears as whole words in a record's places text."""
    return f" {key} " in places
