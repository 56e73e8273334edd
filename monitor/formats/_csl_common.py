"""What the trade.gov Consolidated Screening List exports (CSV, TSV, JSON) share.

Identity: the CSL ``_id`` changes between versions, so it is never used. Rows
that come from OFAC carry ``entity_number`` (the OFAC uid), which is stable;
the same number can appear under several source lists (SDN, SSI, CAPTA), so
the key is ``<list code>:<entity_number>``. Other rows (Entity List, DPL,
UVL, MEU, DTC, ISN) get the natural key ``<list code>:<folded name>``. When
rows of one list share that key, rows that differ only in columns the record
ignores are one entry; of the others the row listed first (earliest
``start_date``, then folded address) keeps the plain key, and each other row
gets ``<key>|<folded address>`` (then ``#n`` among rows that share that too),
so a same-name row appearing or disappearing beside an entry does not move it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from monitor.errors import ParseError
from monitor.formats._ofac_common import cmic_listing_date
from monitor.names import fold
from monitor.records import Identifier, Record, joined

CSV_COLUMNS = (
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
# What a CSL row gives that the record does not keep, on purpose (the completeness test
# of tests/formats checks every other value is kept).
IGNORED = {
    "_id": "changes between versions for the same row (see Identity above)",
    "source": "kept as the list's name and code ('Entity List (EL)'); the agency after "
    "' - ' follows from the list",
    "source_list_url": "a link to the publisher's page of the list, not a fact about the party",
    "source_information_url": "a link to the publisher's page, not a fact about the party",
}
REQUIRED_COLUMNS = ("source", "entity_number", "name", "addresses", "start_date")
EXTRA_FIELDS = (
    "title",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "places_of_birth",
)
_CODE_RE = re.compile(r"\(([^()]+)\)")
_ENTRY_TYPES = {
    "entity": "entity",
    "individual": "individual",
    "vessel": "vessel",
    "aircraft": "aircraft",
}


def list_code(source: str) -> str:
    """'Entity List (EL) - Bureau of Industry and Security' -> 'EL'."""
    match = _CODE_RE.search(source)
    return match.group(1).strip() if match else fold(source).upper() or "CSL"


def source_list_name(source: str) -> str:
    """'Entity List (EL) - Bureau of Industry and Security' -> 'Entity List (EL)'."""
    return source.split(" - ")[0].strip()


def check_columns(columns: Sequence[str], file: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ParseError(
            f"not a CSL export: missing column(s) {', '.join(missing)}; "
            f"found {', '.join(columns[:8])}...",
            file=file,
            position="header",
        )


def _items(value: Any) -> list[Any]:
    """A '; '-separated string (CSV) or a list (JSON) as a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return joined(str(v) for v in value if v)
    return "" if value is None else str(value).strip()


# Extra fields that hold several values ('; '-separated in CSV, a list in JSON): sorted.
MULTI_VALUED_EXTRA = ("places_of_birth",)


def _address(value: Any) -> tuple[str, str]:
    """An address line and its country, from a string or a JSON object."""
    if isinstance(value, Mapping):
        parts = [value.get(k) or "" for k in ("address", "city", "state", "postal_code", "country")]
        return ", ".join(str(p).strip() for p in parts if str(p).strip()), str(parts[-1]).strip()
    text = str(value).strip()
    tail = text.rsplit(",", 1)[-1].strip()
    return text, tail if len(tail) == 2 and tail.isalpha() and tail.isupper() else ""


def _identifier(value: Any) -> Identifier | None:
    """'CN, 91110000MA005UCQ5P, Unified Social Credit Code (USCC)' or a JSON object."""
    if isinstance(value, Mapping):
        return Identifier(
            type=_text(value.get("type")),
            value=_text(value.get("number")),
            country=_text(value.get("country")),
        )
    parts = [p.strip() for p in str(value).split(", ")]
    if len(parts) >= 3:
        return Identifier(type=parts[-1], value=", ".join(parts[1:-1]), country=parts[0])
    if len(parts) == 2:
        return Identifier(type=parts[1], value=parts[0])
    return Identifier(type="", value=parts[0]) if parts[0] else None


def row_record(row: Mapping[str, Any], key: str) -> Record:
    """One CSL row as a normalised record under the given key."""
    addresses = [_address(a) for a in _items(row.get("addresses"))]
    identifiers = [i for i in (_identifier(v) for v in _items(row.get("ids"))) if i]
    start = _text(row.get("start_date"))[:10] or cmic_listing_date(identifiers)
    return Record.build(
        key=key,
        name=_text(row.get("name")),
        entry_type=_ENTRY_TYPES.get(_text(row.get("type")).lower(), "unknown"),
        source_list=source_list_name(_text(row.get("source"))),
        programs=[str(p) for p in _items(row.get("programs"))],
        aliases=[str(a) for a in _items(row.get("alt_names"))],
        countries=[c for _, c in addresses]
        + [str(c) for c in _items(row.get("citizenships")) + _items(row.get("nationalities"))],
        addresses=[line for line, _ in addresses],
        identifiers=identifiers,
        birth_dates=[str(d) for d in _items(row.get("dates_of_birth"))],
        effective_date=start or None,
        notice=_text(row.get("federal_register_notice")),
        remarks=_text(row.get("remarks")),
        extra={
            name: joined(_items(row.get(name)))
            if name in MULTI_VALUED_EXTRA
            else _text(row.get(name))
            for name in EXTRA_FIELDS
        },
    )


def check_names(row: Mapping[str, Any], file: str, position: str) -> None:
    """A name is text and the aliases are texts; JSON can give a list or an object instead,
    which would be stored as a Python repr, so it is an error of that row."""
    name = row.get("name")
    if name is not None and not isinstance(name, str):
        raise ParseError(
            f"the name is a JSON {_json_kind(name)}, not text", file=file, position=position
        )
    if not _text(name):
        raise ParseError("a row without a name", file=file, position=position)
    aliases = row.get("alt_names")
    if not (
        aliases is None
        or isinstance(aliases, str)
        or (isinstance(aliases, list) and all(isinstance(a, str) for a in aliases))
    ):
        raise ParseError("alt_names must be text or a list of texts", file=file, position=position)


def _json_kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    return "number" if isinstance(value, int | float) else type(value).__name__


def _natural_key(row: Mapping[str, Any]) -> str:
    code = list_code(_text(row.get("source")))
    number = _text(row.get("entity_number"))
    return f"{code}:{number}" if number else f"{code}:{fold(_text(row.get('name')))}"


def _address_key(raw_addresses: Any) -> str:
    """The row's addresses folded, in sorted order (their order in the cell is no content)."""
    return " ".join(sorted(fold(_address(a)[0]) for a in _items(raw_addresses)))


RowSource = Callable[[], Iterable[Mapping[str, Any]]]
"""Reads the file's rows from the start, each time it is called."""


def records_from_rows(
    rows: RowSource, file: str, previous: Collection[str] = frozenset()
) -> Iterator[Record]:
    """Records with documented keys, made unique inside one snapshot, streamed.

    Why two passes: a natural key (list code and folded name) is final only
    when no other row of the file has it, and holding every record until the
    end to find out cost about 1.4 GiB for a million rows. The first pass
    reads only the keys; the second yields each record whose key is unique at
    once and holds back only the few rows that share a key, which are keyed
    at the end (see :func:`_refined`).

    ``previous``: the keys of the list's previous version, when the caller has
    them. A row whose refined key was one of them keeps it, even when its twin
    (the row with the plain key) has gone and it is alone with its name.
    """
    earlier = frozenset(previous)
    refined_before = {k.split("|", 1)[0] for k in earlier if "|" in k}
    keys: list[str] = []
    for number, row in enumerate(rows(), start=1):
        check_names(row, file, f"row {number}")
        keys.append(_natural_key(row))
    counts = Counter(keys)
    shared: dict[str, list[tuple[Record, str]]] = {}
    for key, row in zip(keys, rows(), strict=True):
        record = row_record(row, key)
        if counts[key] == 1 and key in refined_before:
            kept = f"{key}|{_address_key(row.get('addresses'))}"
            yield replace(record, key=kept) if kept in earlier else record
        elif counts[key] == 1:
            yield record
        else:
            shared.setdefault(key, []).append((record, _address_key(row.get("addresses"))))
    for twins in shared.values():
        yield from _refined(twins, earlier)


def _refined(twins: list[tuple[Record, str]], previous: frozenset[str]) -> Iterator[Record]:
    """Rows sharing a natural key: one keeps it, the others get it refined.

    Rows that give the same record (they differ only in columns the record does
    not keep, such as ``_id`` or the source URLs) are one entry. Of the distinct
    ones, the row listed first keeps the plain key: the earliest ``start_date``,
    then the smallest folded address, then the content. A row that appears later
    beside an entry therefore gets the refined key and the entry keeps its own,
    and when the twin goes again the entry still has the plain key. The others are
    keyed ``<key>|<folded address>``, with ``#1``, ``#2``... in content order
    when two of them also share the address. Nothing depends on the file's order.

    With the previous version's keys, a row whose refined key is among them keeps
    it, and the plain key goes to the first of the other rows (if any), so the
    entry that held it keeps it even when its address now sorts after a twin's.
    """
    distinct = {record.content_hash(): (record, address) for record, address in twins}
    ranked = sorted(
        distinct.values(),
        key=lambda pair: (
            pair[0].effective_date or "9999",
            pair[1],
            pair[0].content_hash(),
        ),
    )
    kept = [pair for pair in ranked if f"{pair[0].key}|{pair[1]}" in previous]
    rest = [pair for pair in ranked if pair not in kept]
    if rest:
        (anchor, _), rest = rest[0], rest[1:]
        yield anchor
    refined = [(record, f"{record.key}|{address}") for record, address in kept + rest]
    refined_counts = Counter(key for _, key in refined)
    seen: Counter[str] = Counter()
    for record, key in sorted(refined, key=lambda pair: (pair[1], pair[0].content_hash())):
        if refined_counts[key] > 1:
            seen[key] += 1
            key = f"{key}#{seen[key]}"
        yield replace(record, key=key)
