"""What an entry says about who it is: the tokens two entries of one subject share.

Pure: a record and its list's format in, tokens out. Each token has a strength,
strongest first, because a link must rest on the best evidence there is:

1. ``reference``: the publisher's own number quoted by another list. OFAC's
   entity number is the key of every OFAC file and is republished in the
   trade.gov CSL (``SDN:36``, ``CMIC:33114``); OpenSanctions entities name the
   source entries they merged (``referents``: ``ofac-32733``, ``gb-hmt-14688``).
2. ``identifier``: an identifier only one party has: IMO and MMSI numbers,
   SWIFT/BIC codes, the Chinese USCC, LEI and DUNS numbers, tax and company
   registration numbers with their country, passports and national ids with
   their issuing country, the UN reference number (quoted by the EU and UK).
3. ``name``: the folded name with the entry type and countries (and, for a
   person, the birth dates). Names repeat, so the linking uses a name token
   only where it is unambiguous (one entry per list carries it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from functools import lru_cache

from monitor.citations import OFAC_CSL_CODES
from monitor.countries import country_name
from monitor.names import fold
from monitor.records import Identifier, Record


class Strength(IntEnum):
    """How strong a link is (lower is stronger); stored with each link."""

    CONFIGURED = 0
    REFERENCE = 1
    IDENTIFIER = 2
    NAME = 3


@dataclass(frozen=True, kw_only=True, slots=True)
class Token:
    """One piece of evidence: the shared value, its strength, and how to say it."""

    value: str
    strength: Strength
    label: str


Row = tuple[str, int, str]
"""A token as the linking stores it: (value, strength as a number, label).

The evidence is computed as rows, and a :class:`Token` is made from one only when
asked for: the linking of a list's first version computes some 15,000 tokens, and
building each as a Token and then converting it to the row it stores cost about a
third of that work."""

_REFERENCE = int(Strength.REFERENCE)
_IDENTIFIER = int(Strength.IDENTIFIER)
_NAME = int(Strength.NAME)


def _token(row: Row) -> Token:
    return Token(value=row[0], strength=Strength(row[1]), label=row[2])


_NON_CODE = re.compile(r"[^0-9A-Z]+")
_DIGITS = re.compile(r"\d{7}")
_CSL_OFAC_KEY = re.compile(r"^(?P<code>[^:]+):(?P<number>\d+)$")
_REFERENT = re.compile(r"^(?P<source>ofac|gb-hmt)-(?P<number>\d+)$")
REFERENT_LABELS = {"ofac": "OFAC entity number", "gb-hmt": "UK HMT group id"}

# Identifier types (folded) that name one party, and the category a token files them
# under; whether the issuing country is part of the identity.
_GLOBAL = {
    "imo": "IMO number",
    "mmsi": "MMSI",
    "swift bic": "SWIFT/BIC",
    "unified social credit code uscc": "USCC",
    "united social credit code certificate usccc": "USCC",
    "legal entity number": "LEI",
    "d u n s number": "DUNS number",
    "un reference number": "UN reference number",
}
_NATIONAL = {
    "tax id no": "tax id",
    "v a t number": "tax id",
    "us fein": "tax id",
    "registration number": "registration number",
    "registration id": "registration number",
    "company number": "registration number",
    "uk company number": "registration number",
    "commercial registry number": "registration number",
    "business registration number": "registration number",
    "public registration number": "registration number",
    "c r no": "registration number",
    "passport": "passport",
    "diplomatic passport": "passport",
    "national id no": "national id",
}
# A vessel's registration is its IMO number when it says so.
_VESSEL = "vessel registration identification"
# National documents that identify only with the country that issued them.
_NEED_COUNTRY = {"passport", "national id"}


def _code(value: str) -> str:
    return _NON_CODE.sub("", value.upper())


@lru_cache(maxsize=1024)
def _identifier_kind(type_: str) -> str:
    """The folded identifier type; a list uses a few dozen types over thousands of entries."""
    return fold(type_)


def identifier_token(identifier: Identifier) -> Token | None:
    """The token of a strong identifier, or None for a weak or undated fact ('Gender')."""
    row = _identifier_row(identifier.type, identifier.value, identifier.country)
    return _token(row) if row is not None else None


@lru_cache(maxsize=65536)
def _identifier_row(type_: str, raw: str, country_code: str) -> Row | None:
    """identifier_token of one (type, value, country) as a row, remembered: rows are immutable,
    and a list's identifiers recur in every version it publishes (each version's changed
    entries are tokenised again; a first version tokenises thousands)."""
    kind = _identifier_kind(type_)
    if kind not in _GLOBAL and kind not in _NATIONAL and kind != _VESSEL:
        return None  # a weak fact ('Gender', 'Website'): most of a list's identifiers
    value = _code(raw)
    if not value:
        return None
    if kind == _VESSEL and raw.upper().startswith("IMO"):
        kind = "imo"
    if kind in _GLOBAL:
        category = _GLOBAL[kind]
        if category == "IMO number":
            found = _DIGITS.search(value)
            if not found:
                return None
            value = found.group(0)
        if category == "SWIFT/BIC":
            value = value[:8]  # a branch code after the 8 letters names the same bank
        return (f"id:{category}:{value}", _IDENTIFIER, f"{category} {value}")
    if kind in _NATIONAL:
        category = _NATIONAL[kind]
        country = country_name(country_code).casefold() if country_code else ""
        if category in _NEED_COUNTRY and not country:
            return None
        where = f" ({country_name(country_code)})" if country else ""
        return (f"id:{category}:{country}:{value}", _IDENTIFIER, f"{category} {raw}{where}")
    return None


def reference_tokens(record: Record, list_format: str) -> list[Token]:
    """The publisher numbers an entry carries or quotes."""
    return [_token(row) for row in _reference_rows(record, list_format)]


def _reference_rows(record: Record, list_format: str) -> list[Row]:
    """reference_tokens as rows."""
    family = _family(list_format)
    if family == "ofac-":
        return [_referent("ofac", record.key)] if record.key.isdigit() else []
    found: list[Row] = []
    if family == "csl-":
        match = _CSL_OFAC_KEY.match(record.key)
        if match and match.group("code") in OFAC_CSL_CODES:
            found.append(_referent("ofac", match.group("number")))
    elif family == "uk-":
        if record.key.isdigit():
            found.append(_referent("gb-hmt", record.key))
    elif family == "ftm-":
        found.append(
            (
                f"ref:opensanctions:{record.key}",
                _REFERENCE,
                f"OpenSanctions id {record.key}",
            )
        )
        for referent in dict(record.extra).get("referents", "").split():
            match = _REFERENT.match(referent)
            if match:
                found.append(_referent(match.group("source"), match.group("number")))
    return found


@lru_cache(maxsize=64)
def _family(list_format: str) -> str:
    """The prefix of a format that quotes publisher numbers ('' for none): asked once per
    format, not four times per entry."""
    return next((p for p in ("ofac-", "csl-", "uk-", "ftm-") if list_format.startswith(p)), "")


@lru_cache(maxsize=65536)
def _referent(source: str, number: str) -> Row:
    """Remembered: every OFAC entry carries one, in every version (rows are immutable)."""
    value = int(number)
    return (f"ref:{source}:{value}", _REFERENCE, f"{REFERENT_LABELS[source]} {value}")


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2}) ([A-Za-z]{3}) ([0-9]{4})")
_MONTH_YEAR = re.compile(r"([A-Za-z]{3}) ([0-9]{4})")
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _plain_date(text: str) -> str | None:
    """birth_date's answer for the plain forms it meets almost always (a valid date, ASCII
    digits, an English month), without strptime; None for anything else, which goes
    through strptime as before. Only what strptime reads the same way is answered here."""
    try:
        if found := _DAY_MONTH_YEAR.fullmatch(text):
            month = _MONTHS.get(found[2].lower())
            if month:
                return _day(datetime(int(found[3]), month, int(found[1])))
        elif found := _MONTH_YEAR.fullmatch(text):
            month = _MONTHS.get(found[1].lower())
            if month:
                return _month(datetime(int(found[2]), month, 1))
        elif found := _ISO_DAY.fullmatch(text):
            return _day(datetime(int(found[1]), int(found[2]), int(found[3])))
    except ValueError:  # no such day: strptime decides
        return None
    return None


def _day(moment: datetime) -> str:
    """strftime("%Y-%m-%d") written out for a four-digit year, as strftime writes it
    (several times cheaper; a first version meets thousands of dates). A year before 1000
    is left to strftime, whose %Y pads it or not depending on the platform."""
    if moment.year < 1000:
        return moment.strftime("%Y-%m-%d")
    return f"{moment.year}-{moment.month:02d}-{moment.day:02d}"


def _month(moment: datetime) -> str:
    """strftime("%Y-%m"), as :func:`_day` writes it."""
    if moment.year < 1000:
        return moment.strftime("%Y-%m")
    return f"{moment.year}-{moment.month:02d}"


@lru_cache(maxsize=65536)
def birth_date(value: str) -> str:
    """One form of a birth date whatever the file wrote: OFAC's '10 Jul 1977' and
    'Jul 1977' and the CSL's '1977-07-10' ('1977-07'); anything else folded as is.

    Remembered: strptime is slow and tried up to three times, and the same dates
    recur across entries and every version of a list (its answer never changes).
    The plain forms are read without it (a list's first version meets thousands)."""
    text = " ".join(value.split())
    plain = _plain_date(text)
    return plain if plain is not None else _parsed_date(text)


def _parsed_date(text: str) -> str:
    """birth_date by strptime (every form it reads), else the folded text."""
    for pattern, form in (("%d %b %Y", "%Y-%m-%d"), ("%b %Y", "%Y-%m"), ("%Y-%m-%d", "%Y-%m-%d")):
        try:
            return datetime.strptime(text, pattern).strftime(form)
        except ValueError:
            continue
    return fold(text)


def name_token(record: Record) -> Token | None:
    """Folded name, type and countries (and a person's birth dates): None when the entry
    gives no country, or is a person without a birth date (a name alone is too common)."""
    row = _name_row(record.name, record.entry_type, record.countries, record.birth_dates)
    return _token(row) if row is not None else None


@lru_cache(maxsize=65536)
def _name_row(
    name: str, entry_type: str, countries: tuple[str, ...], birth_dates: tuple[str, ...]
) -> Row | None:
    """name_token of these fields as a row, remembered: an entry's name token is computed again
    whenever the entry changes, and most of a list's names outlive many versions."""
    countries_key, shown = _countries(countries)
    if not countries_key:
        return None
    folded = fold(name)
    if not folded:
        return None
    parts = [entry_type, folded, countries_key]
    if entry_type == "individual":
        if not birth_dates:
            return None
        parts.append(_birth_dates(birth_dates))
    return (
        "name:" + "|".join(parts),
        _NAME,
        f"same name, type and country ({name!r}, {entry_type}, {shown})",
    )


@lru_cache(maxsize=4096)
def _countries(countries: tuple[str, ...]) -> tuple[str, str]:
    """A name token's countries: folded for its value, named for its label ('' when none).
    A list's entries share a few hundred combinations of countries."""
    folded = sorted({country_name(c).casefold() for c in countries if c.strip()})
    shown = ", ".join(country_name(c) for c in sorted(set(countries)) if c.strip())
    return ",".join(folded), shown


def _birth_dates(dates: tuple[str, ...]) -> str:
    """A person's birth dates, as a name token holds them."""
    return ",".join(sorted({birth_date(d) for d in dates}))


def tokens(record: Record, list_format: str) -> list[Token]:
    """Every token of an entry, strongest first, each value once."""
    return [_token(row) for row in token_rows(record, list_format)]


def token_rows(record: Record, list_format: str) -> tuple[Row, ...]:
    """:func:`tokens` as the linking stores them: (value, strength, label) each."""
    found = _reference_rows(record, list_format)
    for identifier in record.identifiers:
        row = _identifier_row(identifier.type, identifier.value, identifier.country)
        if row is not None:
            found.append(row)
    name = _name_row(record.name, record.entry_type, record.countries, record.birth_dates)
    if name is not None:
        found.append(name)
    if len(found) < 2:
        return tuple(found)  # nothing to repeat
    unique: dict[str, Row] = {}
    for row in found:
        if row[0] not in unique:
            unique[row[0]] = row
    return tuple(unique.values())
