"""Normalised records and change events: the plain values passed between stages.

Every format plugin produces :class:`Record` values with the same shape, so the
differ, the store and the reports never need to know which file a record came
from. Collections are kept as sorted tuples so that reordering in the source
file never shows up as a change, and the content hash is the sha256 of the
record's canonical JSON array (:meth:`Record.canonical_fields`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from monitor.kinds import EventKind

# Both the canonical array (the content hash's) and the stored object (whose keys
# Record.to_json writes already sorted) are compact JSON, non-ASCII kept as it is.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _encoder_of(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """``encoder.encode``, for values without reference cycles, set up once.

    Why: ``encode`` makes a new C encoder at every call (with a closure, and a dict
    to find cycles in), about a third of encoding a record twice for every entry of a
    first version. The C encoder made here is the one ``encode`` makes, with the same
    settings, so the text is the same (records hold strings, tuples and dicts of them:
    no cycles to find). Without the C encoder (another Python), ``encode`` itself.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None or encoder.indent is not None:
        return encoder.encode
    escape = (
        json.encoder.encode_basestring_ascii
        if encoder.ensure_ascii
        else json.encoder.encode_basestring
    )
    chunks = make(
        None,  # no cycle check
        encoder.default,
        escape,
        encoder.indent,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )

    def encode(value: Any) -> str:
        return "".join(chunks(value, 0))

    return encode


_encode = _encoder_of(_JSON)
ENTRY_TYPES = ("entity", "individual", "vessel", "aircraft", "unknown")


def clean_text(value: str | None) -> str:
    """Collapse whitespace and use one quote character.

    OFAC's CSV cannot hold a double quote inside a field and writes a single
    one instead; the XML keeps the double quote. Folding both to ``'`` keeps
    one entry identical across formats.
    """
    return " ".join((value or "").replace('"', "'").split())


def sorted_unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """Drop blanks and duplicates and sort, so order in the source never matters."""
    if isinstance(values, (list, tuple)):
        if not values:
            return ()  # most fields of most entries are empty: no set, no sort
        if len(values) == 1:  # the next most common: one value, nothing to sort
            text = clean_text(values[0])
            return (text,) if text else ()
    # clean_text written inline: this runs for five fields of every entry of every snapshot
    return tuple(
        sorted({text for v in values if v and (text := " ".join(v.replace('"', "'").split()))})
    )


def joined(values: Iterable[str | None], separator: str = "; ") -> str:
    """Several values of one field as one text (for ``extra``, ``notice``, ``remarks``):
    blanks and duplicates dropped and sorted first, so the publisher's order never shows."""
    return separator.join(sorted_unique(values))


@dataclass(frozen=True, kw_only=True, slots=True)
class Identifier:
    """One identifying document or code: passport, USCC, ISIN, IMO number..."""

    type: str
    value: str
    country: str = ""

    def label(self) -> str:
        suffix = f" ({self.country})" if self.country else ""
        return f"{self.type} {self.value}{suffix}"


_COLLECTIONS = ("programs", "aliases", "countries", "addresses", "birth_dates")


def _sorted_identifiers(identifiers: Iterable[Identifier]) -> tuple[Identifier, ...]:
    """Identifiers without duplicates, sorted by (type, value, country).

    Keyed by that tuple rather than put in a set: the dataclass's hash and equality are
    Python calls per comparison, and the keys are unique, so the identifiers themselves
    are never compared.
    """
    if isinstance(identifiers, (list, tuple)) and len(identifiers) < 2:
        return tuple(identifiers)
    by_fields = {(i.type, i.value, i.country): i for i in identifiers}
    return tuple(by_fields[fields] for fields in sorted(by_fields))


@dataclass(frozen=True, kw_only=True, slots=True)
class Record:
    """The normalised content of one entry in one snapshot."""

    key: str
    name: str
    entry_type: str = "unknown"
    source_list: str = ""
    programs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    birth_dates: tuple[str, ...] = ()
    effective_date: str | None = None
    notice: str = ""
    remarks: str = ""
    extra: tuple[tuple[str, str], ...] = ()
    _hash: str = field(default="", init=False, repr=False, compare=False)

    @classmethod
    def build(cls, **values: Any) -> Record:
        """Build a record, sorting and de-duplicating every collection."""
        for name in _COLLECTIONS:
            if name in values:
                values[name] = sorted_unique(values[name])
        if "identifiers" in values:
            values["identifiers"] = _sorted_identifiers(values["identifiers"])
        if "extra" in values:
            extra = values["extra"]
            items = extra.items() if isinstance(extra, Mapping) else extra
            values["extra"] = tuple(sorted((k, v) for k, v in items if v))
        values["name"] = clean_text(str(values.get("name", "")))
        values["remarks"] = clean_text(values.get("remarks", ""))
        return cls(**values)

    @classmethod
    def of_fields(
        cls,
        *,
        key: str,
        name: str,
        entry_type: str,
        programs: Iterable[str | None],
        aliases: Iterable[str | None],
        countries: Iterable[str | None],
        addresses: Iterable[str | None],
        identifiers: Iterable[Identifier],
        birth_dates: Iterable[str | None],
        effective_date: str | None,
        remarks: str,
        extra: Mapping[str, str],
    ) -> Record:
        """The record :meth:`build` makes of the same values (no source list, no notice).

        Why: ``build`` takes any subset of the fields and looks up each one given; a
        parser that has them all, for every entry of a list (the OFAC CSV's), spent
        about a fifth of its time there. tests/test_records.py holds the two equal.
        """
        return cls(
            key=key,
            name=clean_text(name),
            entry_type=entry_type,
            programs=sorted_unique(programs),
            aliases=sorted_unique(aliases),
            countries=sorted_unique(countries),
            addresses=sorted_unique(addresses),
            identifiers=_sorted_identifiers(identifiers),
            birth_dates=sorted_unique(birth_dates),
            effective_date=effective_date,
            remarks=clean_text(remarks),
            extra=tuple(sorted((k, v) for k, v in extra.items() if v)) if extra else (),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the inverse of :meth:`from_dict`.

        Written out field by field: it runs for every entry of every snapshot.
        """
        return {
            "key": self.key,
            "name": self.name,
            "entry_type": self.entry_type,
            "source_list": self.source_list,
            "programs": list(self.programs),
            "aliases": list(self.aliases),
            "countries": list(self.countries),
            "addresses": list(self.addresses),
            "identifiers": [[i.type, i.value, i.country] for i in self.identifiers],
            "birth_dates": list(self.birth_dates),
            "effective_date": self.effective_date,
            "notice": self.notice,
            "remarks": self.remarks,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Record:
        values = dict(data)
        values["identifiers"] = tuple(
            Identifier(type=t, value=v, country=c) for t, v, c in values.get("identifiers", ())
        )
        values["extra"] = tuple(sorted(dict(values.get("extra", {})).items()))
        for name in ("programs", "aliases", "countries", "addresses", "birth_dates"):
            values[name] = tuple(values.get(name, ()))
        return cls(**values)

    def to_json(self) -> str:
        """The record as stored: the JSON object of :meth:`to_dict`, keys sorted.

        The object is built with its keys in sorted order (``extra``'s too), so the
        encoder need not sort them: the same text as encoding ``to_dict`` with
        ``sort_keys``, about a fifth cheaper (it runs for every entry of a first version).
        """
        extra = dict(self.extra)
        if len(extra) > 1 and list(extra) != sorted(extra):
            extra = dict(sorted(extra.items()))
        return _encode(
            {
                "addresses": self.addresses,
                "aliases": self.aliases,
                "birth_dates": self.birth_dates,
                "countries": self.countries,
                "effective_date": self.effective_date,
                "entry_type": self.entry_type,
                "extra": extra,
                "identifiers": [(i.type, i.value, i.country) for i in self.identifiers],
                "key": self.key,
                "name": self.name,
                "notice": self.notice,
                "programs": self.programs,
                "remarks": self.remarks,
                "source_list": self.source_list,
            }
        )

    def canonical_fields(self) -> tuple[Any, ...]:
        """Every field in a fixed order: the canonical form that the content hash covers.

        A JSON array of the fields, not the stored object: the same content, but
        no dict to build and no key to write or sort, which made hashing every
        entry of every snapshot about 40% cheaper. Never reorder: stored hashes
        depend on it (migration 0011 moved stored hashes to this form).
        """
        return (
            self.key,
            self.name,
            self.entry_type,
            self.source_list,
            self.programs,
            self.aliases,
            self.countries,
            self.addresses,
            [(i.type, i.value, i.country) for i in self.identifiers],
            self.birth_dates,
            self.effective_date,
            self.notice,
            self.remarks,
            self.extra,
        )

    def canonical_bytes(self) -> bytes:
        """The canonical JSON array as UTF-8 (UnicodeEncodeError for a lone surrogate);
        the content hash is kept on the way, so checking a record and hashing it encode once."""
        data = _encode(self.canonical_fields()).encode("utf-8")
        if not self._hash:
            object.__setattr__(self, "_hash", hashlib.sha256(data).hexdigest())
        return data

    def content_hash(self) -> str:
        """sha256 of the canonical JSON array, computed once per record (guards, differ and
        store all need it)."""
        if not self._hash:
            self.canonical_bytes()
        return self._hash


@dataclass(frozen=True, kw_only=True, slots=True)
class FieldChange:
    """One field of a modified entry: its value before and after."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True, kw_only=True, slots=True)
class Event:
    """What changed for one entry between two snapshots of one list."""

    list_id: str
    key: str
    kind: EventKind
    record: Record
    observed_at: datetime
    baseline: bool = False
    previous_key: str | None = None
    changes: tuple[FieldChange, ...] = ()
    categories: tuple[str, ...] = field(default=())
    effective_date: date | None = None


def parse_iso_date(value: str | None) -> date | None:
    """An ISO date string as a date, or None when absent or implausible."""
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return parsed if 1900 <= parsed.year <= 2100 else None
