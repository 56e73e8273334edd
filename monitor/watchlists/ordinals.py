"""Ordinal numbers in any language and writing, read as their number: '2ND' is 'SECOND'.

Lists and users write the same organisation "2ND ACADEMY OF NATURAL SCIENCES"
and "SECOND ACADEMY OF NATURAL SCIENCES", "1ER" and "PREMIER". The forms come
from the OpenSanctions ``rigour`` package (its ordinals table: English,
French, German, Spanish, Russian... up to 100), not from a hand list.

Only forms that are one word and cannot be a name part are kept: those with
a digit ('2nd', '21st', '2eme') and words of five letters or more ('second',
'premier', 'zweite'). Short words ('una', 'dier') and Roman numerals ('II',
'I') are left out: in a person's name they are names and initials.
"""

from __future__ import annotations

from functools import lru_cache

from monitor.names import fold

MIN_WORD_LENGTH = 5
_ROMAN = frozenset("ivxlcdm")


@lru_cache(maxsize=1)
def _ordinals() -> dict[str, int]:
    from rigour._core import ordinals_dict  # rigour's compiled table, read on first use

    found: dict[str, int] = {}
    for number, forms in ordinals_dict().items():
        for form in forms:
            words = fold(form).split()
            if len(words) != 1 or words[0].isdigit():
                continue
            word = words[0]
            if word.isalpha() and (len(word) < MIN_WORD_LENGTH or set(word) <= _ROMAN):
                continue
            found.setdefault(word, number)
    return found


def ordinal(token: str) -> int | None:
    """The number a folded word writes as an ordinal ('2nd', 'second', 'segundo': 2), if any."""
    return _ordinals().get(token)
