"""Words of an organisation's name that are one word with another ending.

A plural ('Industry'/'Industries'), a word of one stem ('Economic'/'Economy',
'Revolution'/'Revolutionary'), a word cut short ('Spanm'/'Spanmal'): one organisation's
names on the SDN list write its words so. Only in organisations' names: in a person's name a
letter added at the end may make another name ('Carlo'/'Carlos', 'Mohammad'/'Mohammadi').

Words alone, nothing of scoring: :mod:`monitor.watchlists.generic_names` reads generic words
by the same stems, and :mod:`monitor.watchlists.scoring` imports that module.
"""

from __future__ import annotations

from monitor.watchlists.tokens import VOWELS

INFLECTED = 0.95
"""How alike a word and its plural are in an organisation's name: below an equal word."""
INFLECTION_MIN_LENGTH = 4


def inflected(a: str, b: str) -> bool:
    """Whether one word is the other's English plural: 'Industry'/'Industries',
    'Railway'/'Railways', 'Saving'/'Savings'. In organisations' names only: in a
    person's name a letter added at the end may make another name ('Carlo'/'Carlos')."""
    short, long = sorted((a, b), key=len)
    if len(short) < INFLECTION_MIN_LENGTH or not short.isalpha():
        return False
    return long in (short + "s", short + "es") or (
        short.endswith("y") and long == short[:-1] + "ies"
    )


DERIVED = 0.9
"""How alike two words of one stem are in an organisation's name: below a plural."""
STEM_MIN_LENGTH = 6
STEM_ENDING = 3  # letters an ending may replace: 'transport-ation' / 'transport-ing'


def derived(a: str, b: str) -> bool:
    """Whether two words of an organisation's name are one word with other endings:
    'Economic'/'Economy', 'Revolution'/'Revolutionary', 'Transportation'/'Transporting',
    'Democratic'/'Democratiques' (one party's names on the SDN list). The stem they share
    is six letters at least and the shorter word without at most three of its last
    letters; the longer has at most four letters more; what follows the stem in either
    is an ending, beginning with a vowel: 'Gazprombank' is another word than 'Gazprom'.
    In organisations' names only, as :func:`inflected`: 'Mohammad' and 'Mohammadi' are
    two people's names; and never the only word a match rests on: 'EXPLORER'
    is not 'KOREA OIL EXPLORATION CORPORATION'."""
    short, long = sorted((a, b), key=len)
    if len(short) < STEM_MIN_LENGTH or not (short.isalpha() and long.isalpha()):
        return False
    if len(long) - len(short) > STEM_ENDING + 1:
        return False
    for cut in range(STEM_ENDING + 1):
        stem = short[: len(short) - cut]
        if len(stem) < STEM_MIN_LENGTH or not long.startswith(stem):
            continue
        endings = (short[len(stem) :], long[len(stem) :])
        if all(not e or e[0] in VOWELS for e in endings):
            return True
    return False


CUT_SHORT_LENGTH = 5
CUT_SHORT_ENDING = 3


def cut_short(a: str, b: str) -> bool:
    """Whether one word of an organisation's name is the other cut short or given another
    ending: five letters at least, the other word those letters and at most three more
    ('Spanm'/'Spanmal', 'Tamil'/'Tamilsk': one foundation's and one organisation's names on
    the SDN list, a word cut where the list's field or the writer stopped, a Norwegian
    adjective for the noun). :func:`derived` asks for a longer stem and a vowel after it.

    In organisations' names only, and only as the one word left over beside two telling
    words that agree (:func:`~monitor.watchlists.scoring._pair_spelt_apart`): 'Gazprom' and
    'Gazprombank' are two companies, and in a person's name 'Kalash' and 'Kalashov' are two
    families."""
    short, long = sorted((a, b), key=len)
    return (
        len(short) >= CUT_SHORT_LENGTH
        and len(long) - len(short) <= CUT_SHORT_ENDING
        and long.startswith(short)
        and long.isalpha()
    )
