"""A name written short: the same name cut after its first syllables.

People's names are written in full on one list and short on another, or in one
alias of the same entry: 'KRIVORUCHKO, Alex' / 'KRIVORUCHKO, Aleksey', 'MARQUEZ, Rafa' /
'Rafael', 'SHUSHANASHVILI, Kakha' / 'Kakhaber', 'MAZIOTIS, Nikos' / 'Nikolaos', 'ISIDRO,
Chapo' / 'Chapito', 'PAEZ, Nacho' / 'Nachillo' (SDN aliases of one person each). The short
form is the long one's beginning, four letters at least, with at most one letter of its
own, a Greek or Spanish 'o' or 's' ('Niko-s', 'Chap-o'), and the long form adds two
letters or more (three beside such a letter): one letter more is as often another name
('Maria'/'Mariam', 'Karim'/'Karima', 'Daniel'/'Daniela', a man's and a woman's), so it is
no short form; nor is a patronymic or a surname made of a name ('Petrovich', 'Dominguez').

Not a verdict on its own: :mod:`monitor.watchlists.person_rules` reads a short form so only
beside a surname that agrees, as it reads a given name a letter apart.
"""

from __future__ import annotations

from functools import lru_cache

SHORT_STEM = 4
"""Letters the two forms must begin with alike: 'Rafa'/'Rafael'; 'Ali'/'Alim' are two names."""
SHORT_OWN = 1
"""Letters of its own the short form may end with: 'Nikos' for 'Nikolaos', 'Mario' for
'Mariano'..."""
OWN_ENDINGS = frozenset("os")
"""...and which: the Spanish and Greek endings of short forms ('Chapo', 'Nacho', 'Nikos').
Another letter makes another name: 'Maria' is not 'Marilyn', 'David' not 'Davinson',
'Abdur' not 'Abdullah'."""
LONG_ADDED = 2
"""Letters the long form must add: one letter more is another name ('Maria', 'Mariam')..."""
LONG_ADDED_BESIDE_OWN = 3
"""...and three when the short form ends with a letter of its own: a letter changed and two
added is as often another name ('Haris'/'Harith', 'Drago'/'Dragan', two persons each on the
SDN list), where 'Mario'/'Mariano', 'Chapo'/'Chapito', 'Nikos'/'Nikolaos' are one."""


NAME_PART_ENDINGS = (
    "vich", "vych", "vna", "ovic", "evic", "ov", "ova", "ev", "eva", "enko", "ez", "son",
    "sen", "zai", "zada", "zadeh", "yan", "ian", "oglu", "ogly", "shvili", "dze", "ski",
    "sky", "skiy",
)  # fmt: skip
"""Endings that make a name another part of a name: a patronymic ('Petr'/'Petrovich',
'Vladislav'/'Vladislavovich'), a surname made of a father's name or a place ('Ivan'/'Ivanov',
'Domingo'/'Dominguez', 'David'/'Davidson', 'Ahmad'/'Ahmadzai', 'Karapet'/'Karapetyan',
'Kadar'/'Kadarskiy'). Such a long form names the father or the family, not the same
person's given name written in full."""


def _as_written(word: str) -> str:
    """A word with 'x' written 'ks', as Cyrillic and Greek names romanise it: 'Alex' and
    'Aleksey', 'Maxim' and 'Maksim' begin alike."""
    return word.replace("x", "ks")


def short_form(a: str, b: str) -> bool:
    """:func:`_short_form`, after the test it implies that costs least: the first three
    letters alike (screening asks it of most word pairs of two names, almost all of them
    names that begin otherwise)."""
    return a[:3] == b[:3] and _short_form(a, b)


@lru_cache(maxsize=100_000)
def _short_form(a: str, b: str) -> bool:
    """Whether one of two words is the other's name written short: the long form's first
    ``SHORT_STEM`` letters or more, then at most ``SHORT_OWN`` letter of its own
    (:data:`OWN_ENDINGS`), where the
    long form goes on ``LONG_ADDED`` letters or more ('Alex'/'Aleksey', 'Rafa'/'Rafael',
    'Kakha'/'Kakhaber', 'Nikos'/'Nikolaos'). Letters only; not a long form with an ending
    of another part of a name (:data:`NAME_PART_ENDINGS`: 'Petr'/'Petrovich'), nor one of
    the other sex (:func:`_other_gender`)."""
    if a == b or not (a.isalpha() and b.isalpha()):
        return False
    short, long = sorted((_as_written(a), _as_written(b)), key=len)
    stem = _common_start(short, long)
    if stem < SHORT_STEM:
        return False
    own = len(short) - stem
    if own > SHORT_OWN or (own and short[-1] not in OWN_ENDINGS):
        return False
    if len(long) - stem < (LONG_ADDED_BESIDE_OWN if own else LONG_ADDED):
        return False
    return not (long.endswith(NAME_PART_ENDINGS) or _other_gender(short, long))


def _common_start(short: str, long: str) -> int:
    """How many letters two words begin with alike."""
    for i, letter in enumerate(short):
        if long[i] != letter:
            return i
    return len(short)


def _other_gender(short: str, long: str) -> bool:
    """Whether the long form is a woman's name made of the short man's one, or the other
    way round: 'Jose'/'Josefina', 'Alejandro'/'Alejandrina', 'Antonio'/'Antonieta',
    'Maria'/'Mariano' (mother and son, brother and sister on the SDN list share a surname).
    A short form ending in 'a' of a longer name is none: 'Rafa'/'Rafael', 'Kakha'/'Kakhaber'."""
    return (long.endswith("a") and not short.endswith("a")) or (
        short.endswith("a") and long.endswith("o")
    )
