"""Words for numbers, dates, lists and notices, so that reports read like a person wrote them.

Everything here turns data values into display strings; templates only lay
them out. Keeping the wording in Python (not in template filters) lets a
user's own templates reuse it without registering anything.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from monitor.citations import URL
from monitor.countries import country_name

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Plural nouns by entry type; "entry" when a group mixes types or has none.
TYPE_NOUNS = {
    "entity": ("entity", "entities"),
    "individual": ("individual", "individuals"),
    "vessel": ("vessel", "vessels"),
    "aircraft": ("aircraft", "aircraft"),
}
ENTRY = ("entry", "entries")


@dataclass(frozen=True)
class ListName:
    """How a sentence names a list, and what it calls its entries (None: by type)."""

    name: str
    noun: tuple[str, str] | None = None


# Lists and the lists inside consolidated lists, as a reader names them.
LIST_NAMES = {
    "us-ofac-sdn": ListName("the SDN list"),
    "us-ofac-cons": ListName("OFAC's consolidated non-SDN list"),
    "us-csl": ListName("the Consolidated Screening List"),
    "un-sc": ListName("the UN Security Council list"),
    "eu-fsf": ListName("the EU financial sanctions list"),
    "uk-hmt": ListName("the UK consolidated list"),
}
# Each list as a publication, for "OFAC non-SDN list, effective ...; also in the trade.gov CSL".
PUBLICATIONS = {
    "us-ofac-sdn": "OFAC SDN list",
    "us-ofac-cons": "OFAC non-SDN list",
    "us-csl": "trade.gov CSL",
    "un-sc": "UN Security Council list",
    "eu-fsf": "EU financial sanctions list",
    "uk-hmt": "UK consolidated list",
}
SOURCE_LIST_NAMES = {
    "Entity List (EL)": ListName("the Entity List", ("entity", "entities")),
    "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC)": ListName(
        "the NS-CMIC list", ("company", "companies")
    ),
    "Denied Persons List (DPL)": ListName("the Denied Persons List", ("person", "persons")),
    "Military End User (MEU) List": ListName("the Military End-User List", ("entity", "entities")),
    "Unverified List (UVL)": ListName("the Unverified List", ("party", "parties")),
    "Specially Designated Nationals (SDN)": ListName("the SDN list"),
    "Sectoral Sanctions Identifications List (SSI)": ListName("the SSI list"),
    "Foreign Sanctions Evaders (FSE)": ListName("the FSE list"),
    "ITAR Debarred (DTC)": ListName("the ITAR Debarred list", ("party", "parties")),
    "Nonproliferation Sanctions (ISN)": ListName("the Nonproliferation Sanctions list"),
    "Palestinian Legislative Council List (PLC)": ListName("the NS-PLC list"),
    "Non-SDN Menu-Based Sanctions List (NS-MBS List)": ListName("the NS-MBS list"),
    "Capta List (CAP)": ListName("the CAPTA list"),
}
# Programs that by themselves name a list inside a list without source lists
# (OFAC's consolidated file); only the unambiguous ones.
PROGRAM_LISTS = {
    "CMIC-EO13959": SOURCE_LIST_NAMES[
        "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC)"
    ],
    "CMIC-EO": SOURCE_LIST_NAMES[
        "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC)"
    ],
    "NS-PLC": SOURCE_LIST_NAMES["Palestinian Legislative Council List (PLC)"],
}

_CITATION = re.compile(r"(\d{2,3})\s*F\.?\s*R\.?\s*(\d{3,6})", re.IGNORECASE)


def day_text(day: str | date) -> str:
    """'2021-11-26' -> '26 Nov 2021'."""
    value = date.fromisoformat(day[:10]) if isinstance(day, str) else day
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def days_text(days: Iterable[str]) -> str:
    """A few days in words: '26 Nov 2021', '2 and 30 Dec 2021', '30 Nov to 22 Dec 2021'."""
    unique = sorted(set(days))
    if not unique:
        return ""
    parsed = [date.fromisoformat(d[:10]) for d in unique]
    first, last = parsed[0], parsed[-1]
    if len(parsed) == 1:
        return day_text(first)
    same_month = (first.year, first.month) == (last.year, last.month)
    if same_month and len(parsed) <= 3:
        return join_words([str(d.day) for d in parsed]) + f" {MONTHS[first.month - 1]} {first.year}"
    return f"{_short(first, last)} to {day_text(last)}"


def _short(first: date, last: date) -> str:
    """The first day of a range without what the last one already says."""
    if first.year != last.year:
        return day_text(first)
    if first.month != last.month:
        return f"{first.day} {MONTHS[first.month - 1]}"
    return str(first.day)


def join_words(items: Sequence[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def count_noun(count: int, noun: tuple[str, str]) -> str:
    return f"{count} {noun[0] if count == 1 else noun[1]}"


def type_noun(types: Iterable[str]) -> tuple[str, str]:
    """'entities' when every entry is an entity, 'entries' when types are mixed or unknown."""
    kinds = set(types)
    if len(kinds) == 1:
        return TYPE_NOUNS.get(kinds.pop(), ENTRY)
    return ENTRY


def breakdown(counter: Counter[str], preposition: str, what: str, limit: int = 4) -> str:
    """'13 in Pakistan, 13 in China and 3 in 3 other countries' (largest first, then by name)."""
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    shown = [f"{n} {preposition} {name}" for name, n in ranked[:limit]]
    rest = ranked[limit:]
    if len(rest) == 1:
        shown.append(f"{rest[0][1]} {preposition} {rest[0][0]}")
    elif rest:
        shown.append(f"{sum(n for _, n in rest)} {preposition} {len(rest)} other {what}")
    return join_words(shown)


def countries_text(values: Iterable[str]) -> list[str]:
    return [country_name(v) for v in values]


def notice_citation(notice: str) -> str:
    """The latest Federal Register citation of a notice ('86 F.R. 66277 11/22/2021' -> '86 FR
    66277'); the Denied Persons List repeats every earlier order, so the last one is the action."""
    found = _CITATION.findall(notice or "")
    if found:
        volume, page = found[-1]
        return f"{volume} FR {page}"
    text = " ".join(URL.sub("", notice or "").split())  # URLs are shown as links
    return text if len(text) <= 60 else text[:59] + "…"


def list_name(list_id: str, source_list: str, programs: Sequence[str]) -> ListName:
    """The name a sentence gives the list of an event: the inner list where there is one."""
    if source_list:
        return SOURCE_LIST_NAMES.get(source_list, ListName(source_list))
    inner = {PROGRAM_LISTS.get(p) for p in programs}
    if len(inner) == 1 and None not in inner:
        found = inner.pop()
        assert found is not None
        return found
    return LIST_NAMES.get(list_id, ListName(list_id))


def publication(list_id: str) -> str:
    return PUBLICATIONS.get(list_id, list_id)


def where_label(list_id: str, source_list: str) -> str:
    """A section's exact label: the list id, and the inner list's name as published."""
    return f"{list_id} / {source_list}" if source_list else list_id


def shorten(text: str, limit: int = 120) -> str:
    """Long values (addresses, remarks) cut to a readable length."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
