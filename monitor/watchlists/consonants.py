"""Two words read by their consonants: one name whose vowels two romanisations write otherwise.

Arabic and Persian script write short vowels not at all, so romanisations of one name differ
most in them ('Zomor'/'Zumar', 'Saqr'/'Saqar', 'Noor'/'Nour'). :func:`consonant_key` reads a
word so; :func:`consonants_alike` (persons' names) and :func:`vowels_apart` (organisations'
names) say when two words are one by it. Never a name on its own ('KACH' and 'KOCH' are two
organisations, 'FIAZ' and 'FAIZ' two people): the rules that ask them want other words of
the two names to agree (:mod:`monitor.watchlists.person_rules`,
:mod:`monitor.watchlists.organisation_rules`).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from monitor.watchlists.name_parts import common_person_word
from monitor.watchlists.spellings import VARIANT_MIN_LENGTH
from monitor.watchlists.tokens import VOWELS, loose_sounds

_NOT_CONSONANT = re.compile(r"[aeiouy]")
CONSONANTS_MIN_RATIO = 60
"""How alike as written (rapidfuzz ratio) two words one consonant key makes one must be."""
CONSONANTS_MIN_LENGTH = 3


def consonant_key(word: str) -> str:
    """A word's consonants in the loose reading of transliterations
    (:func:`~monitor.watchlists.tokens.loose_sounds`: 'kh'/'h', 'q'/'k', 'dh'/'th'/'d', 'j'/'g',
    doubled letters as one), the vowel letters between them left out, a vowel beginning or
    ending the word kept as '-'. Arabic script writes short vowels not at all, so
    romanisations of one name differ most in them, and in whether one is written between two
    consonants at all ('Zomor'/'Zumar' 'smr', 'Saqr'/'Saqar' 'skr', 'Sa'd'/'Saad' 'sd',
    'Abboud'/'Abbud' '-pd'); a long vowel at either end is written in every romanisation,
    and without it the name is another ('Aman'/'Amine', 'Azhar'/'Shaar', 'Fazul'/'Fazli')."""
    read = loose_sounds(word)
    inner = _NOT_CONSONANT.sub("", read)
    start = "-" if read[:1] in VOWELS else ""
    end = "-" if len(read) > 1 and read[-1] in VOWELS else ""
    return start + inner + end


def consonants_alike(a: str, b: str, final_vowel: bool = False) -> bool:
    """Whether two words of a person's name are one name by :func:`consonant_key`: three
    letters each at least, two consonants, letters only, ``CONSONANTS_MIN_RATIO`` alike as
    written, not both common names ('Hassan' and 'Husayn' are two names).

    ``final_vowel``: a vowel closing one word only may differ too, the Arabic nisba '-i'
    ('Uzbek'/'Uzbeki', 'Jaddaw'/'Jadawi'), which often makes another family's name: only
    for a surname beside a telling given name that agrees
    (:func:`~monitor.watchlists.person_rules.pair_consonants`)."""
    if min(len(a), len(b)) < CONSONANTS_MIN_LENGTH or not (a.isalpha() and b.isalpha()):
        return False
    key, other = consonant_key(a), consonant_key(b)
    if final_vowel and key != other and _nisba(a if key.endswith("-") else b):
        key, other = key.rstrip("-"), other.rstrip("-")
    if len(key.strip("-")) < 2 or key != other:
        return False
    if common_person_word(a) and common_person_word(b):
        return False
    return fuzz.ratio(a, b) >= CONSONANTS_MIN_RATIO


def _nisba(word: str) -> bool:
    """Whether a word ends as the Arabic nisba '-i' is written ('Uzbeki', 'Jadawi',
    'Baghdady'): not another closing vowel ('Abdu'/'Abbud', 'Hammadou'/'Hammud' are
    other names)."""
    return word.endswith(("i", "y", "ee"))


VOWELS_APART_RATIO = 75
"""How alike as written (rapidfuzz ratio) two words of an organisation's name written with
other vowels must be: 'Noor'/'Nour', 'Masr'/'Misr' are 75; 'Nour'/'Nar' (57) are two."""


def vowels_apart(a: str, b: str) -> bool:
    """Whether two words of an organisation's name are one word whose vowels the two
    transliterate otherwise: one :func:`consonant_key` (its closing vowel too),
    :func:`consonants_alike`, ``VOWELS_APART_RATIO`` alike as written, four letters at
    least: 'Noor'/'Nour' (Arabic 'nur'), 'Masr'/'Misr', 'Hermoral'/'Hormaral',
    'Bashara'/'Boshra', 'More'/'Morye' (SDN aliases of one entry each). Arabic and
    Persian write short vowels not at all, Russian 'ye' after a consonant is 'e'.

    Never a name on its own: beside words the two names share, as the spelt-apart rules
    ask (:func:`~monitor.watchlists.organisation_rules._organisation_word_apart`,
    :func:`~monitor.watchlists.scoring._pair_spelt_apart`); 'KACH' and 'KOCH' are two
    organisations."""
    if min(len(a), len(b)) < VARIANT_MIN_LENGTH or consonant_key(a) != consonant_key(b):
        return False
    return consonants_alike(a, b) and fuzz.ratio(a, b) >= VOWELS_APART_RATIO


_WRITTEN_VOWELS = re.compile(r"[aeiou]")
_DOUBLED_LETTER = re.compile(r"(.)\1+")


def vowels_only(a: str, b: str) -> bool:
    """Whether two words differ only in the vowels written between their consonants, as
    written ('y' and 'w' consonants, a doubled consonant as one): 'Safr'/'Safar',
    'Kard'/'Kurd', 'Shri'/'Sherri'; not 'Khudayr'/'Haydar', 'Anshori'/'Ansari',
    'Izadi'/'Yazdi' (two SDN persons each, one consonant key). Beside 'Muhammad' or
    'Ahmad', far more surnames are alike by their consonants than by their letters."""
    x, y = (_DOUBLED_LETTER.sub(r"\1", _WRITTEN_VOWELS.sub("", w)) for w in (a, b))
    return x == y
