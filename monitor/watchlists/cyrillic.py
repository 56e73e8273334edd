"""One reading of a Russian, Ukrainian or Belarusian name, whatever system romanised it.

The lists write one Cyrillic name as the systems of whoever listed it write it:
BGN/PCGN ('Sergey', 'Yuriy', 'Pyotr', 'Yevgeniy', 'Dmitriyev'), ICAO 9303
passports ('Sergei', 'Iurii', 'Petr', 'Evgenii', 'Dmitriev'), the Ukrainian
national system of 2010 ('Serhii', 'Yurii', 'Yevhen'), and older or English
habits ('Alexei', 'Yuri', 'Dmitry', '-sky'). The systems differ letter for letter
in known places, so reading those places one way makes the spellings one word:

* я, ю, ё, е after a vowel or a soft sign: 'ya'/'ia'/'ja', 'yu'/'iu'/'ju', 'yo'/'io'/'e'
  (ICAO writes ё as 'e': 'Pyotr'/'Petr', 'Fyodor'/'Fedor'), 'ye'/'e'/'ie' at the start of
  a word or after a vowel ('Yevgeniy'/'Evgeny', 'Sergeyevich'/'Sergeevich'), and after a
  consonant (ье, which ICAO writes without the soft sign: 'Vasilyev'/'Vasiliev'/'Vasilev';
  the Ukrainian є of a Russian surname: 'Hubaryev'/'Gubarev');
* й and the endings -ий, -ый, -ій, -ей: 'y'/'i'/'j', 'iy'/'ii'/'y'/'i', 'ey'/'ei'
  ('Yuriy'/'Yuri'/'Iurii', 'Dmitriy'/'Dmitry', '-skiy'/'-sky'/'-ski'/'-skyi',
  'Sergey'/'Sergei');
* х 'kh'/'h'/'x', кс 'ks'/'x', ц 'ts'/'tc'/'tz', щ 'shch'/'sch'/'shh';
* Ukrainian г 'h' for the Russian 'g' ('Serhiy'/'Sergiy', 'Oleh'/'Oleg', 'Ihor'/'Igor'),
  Ukrainian и 'y' for the Russian 'i' ('Tymofeev'/'Timofeev'), and the Ukrainian
  'Oleks-' of the Russian 'Aleks-' ('Oleksiy'/'Aleksiy', 'Oleksandr'/'Aleksandr');
* Belarusian 'Ul-', 'dz', '-ou'/'-au' for the Russian 'Vl-', 'd', '-ov'/'-av'
  ('Uladzimir'/'Vladimir', 'Radzkou'/'Radkov').

A rule set, not a table of names: it is the difference between published
systems, so it reads every name they write. It is used to pair words of
persons' names only (:mod:`monitor.watchlists.scoring`): in an organisation's
name 'h' is rarely a Ukrainian 'g'.
"""

from __future__ import annotations

import re
from functools import lru_cache

CYRILLIC_MIN_LENGTH = 4
"""Shorter words are syllables (Korean, Chinese) or short names where a letter is another."""

_VOWEL = "aeiouy"
# Digraphs of one Cyrillic letter, read first and kept apart from the letters they hold
# (upper-case marks never occur in a folded word). 'x' is кс, 'kh' is х.
_DIGRAPHS = (
    ("shch", "Щ"),
    ("sch", "Щ"),
    ("shh", "Щ"),
    ("kh", "Х"),
    ("x", "ks"),
    ("tch", "Ч"),
    ("ch", "Ч"),
    ("sh", "Ш"),
    ("zh", "Ж"),
    ("gh", "Ғ"),  # not Cyrillic: kept apart so that 'Ghassan' never reads as 'Hassan'
    ("th", "Θ"),
    ("dh", "Ð"),
    ("ph", "Φ"),
    ("tsz", "Ц"),
    ("ts", "Ц"),
    ("tc", "Ц"),
    ("tz", "Ц"),
)
_START_E = re.compile(r"^(?:ye|ie|je)")  # Е, Є at the start: 'Yevgeniy', 'Ievgen', 'Evgeniy'
_START_IOTA = re.compile(r"^[yj](?=[aou])")  # Я, Ю, Ё at the start: 'Yuriy', 'Iurii', 'Juri'
_SOFT_YO = re.compile(r"(?<=[^aeiouy])[yi]o")  # Ё after a consonant: 'Pyotr', 'Petr'
_BETWEEN_VOWELS = re.compile(r"(?<=[aeiou])[yj](?=[aeiou])")  # 'Dmitriyev', 'Sergeyevich'
_SOFT = re.compile(r"(?<=[^aeiouy])[yj](?=[aeiou])")  # я, ю after a consonant: 'ya'/'ia'
# ье (a soft sign before е) and the Ukrainian є after a consonant: BGN writes 'ye', older
# habits 'ie', ICAO 9303 drops the soft sign ('Vasilyev'/'Vasiliev'/'Vasilev'), and the
# Ukrainian form of a Russian surname writes є ('Hubaryev' for 'Gubarev').
_SOFT_E = re.compile(r"(?<=[^aeiouy])ie(?=[^aeiouy])")
_HARD_Y = re.compile(r"(?<=[^aeiouy])y(?=[^aeiouy])")  # Ukrainian и, Russian ы: 'Tymofeev'
_FINAL = re.compile(r"(?:[iy][iyj]|(?<=[^aeiouy])y)$")  # -ий, -ый, -ій: 'Yuriy'/'Yuri'
_FINAL_E = re.compile(r"e[iyj]$")  # -ей: 'Sergey'/'Sergei', 'Alexei'/'Aleksey'
_J_AFTER_VOWEL = re.compile(r"(?<=[aeiou])[yj](?![aeiou])")  # й: 'Nikolay', 'Mykhaylo'
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def cyrillic_reading(word: str) -> str:
    """A folded word read as one romanisation of Cyrillic: 'sergey', 'sergei' are 'sergei',
    'serhiy', 'serhii' 'sergi'; 'yuriy', 'yuri', 'iurii' 'iuri'; 'pyotr', 'petr' 'petr';
    'aleksey', 'alexei' 'aleksei'; '' for a word too short or not of letters.

    The Russian -ей and the Ukrainian -ій of one name ('Sergey', 'Serhiy') stay two:
    read as one, -ей made 'Barey' 'Bari' and 'Chuei' 'Chuy', other people's names."""
    if len(word) < CYRILLIC_MIN_LENGTH or not word.isalpha():
        return ""
    if word.startswith("oleks"):
        word = "aleks" + word[5:]
    word = _belarusian(word)
    for letters, mark in _DIGRAPHS:
        word = word.replace(letters, mark)
    # Each rule only where its letters are: most words have no 'y' nor 'j', and screening
    # reads every word of a list once.
    if word[0] in "yij":
        word = _START_E.sub("e", word)
        word = _START_IOTA.sub("i", word)
    if "yo" in word or "io" in word:
        word = _SOFT_YO.sub("e", word)
    if "y" in word or "j" in word:
        word = _BETWEEN_VOWELS.sub("", word)
    if word[-1] in "iyj":
        word = _FINAL_E.sub("ei", _FINAL.sub("i", word))
    if "y" in word or "j" in word:
        word = _SOFT.sub("i", word)
        word = _HARD_Y.sub("i", word)
        word = _J_AFTER_VOWEL.sub("i", word)
    if "ie" in word:
        word = _SOFT_E.sub("e", word)
    word = word.replace("h", "g").replace("j", "i")
    return _DOUBLED.sub(r"\1", word)


_BELARUSIAN_START = re.compile(r"^ul(?=[aeiou])")  # Ул-: 'Uladzimir', 'Uladzislau'
_BELARUSIAN_END = re.compile(r"(?<=[^aeiouy])([ao])u$")  # -оў, -аў: 'Radzkou', 'Uladzislau'


BELARUSIAN_END_LENGTH = 6
"""Letters a word must have for its closing '-ou', '-au' to be read '-ov', '-av': the
Arabic and French names 'Hamou', 'Abou' end so too."""


def _belarusian(word: str) -> str:
    """A Belarusian romanisation read as the Russian one: the initial 'Ul-' of 'Uladzimir'
    as 'Vl-', 'dz' (дз, the Russian д before a soft vowel) as 'd' ('Dzmitry'/'Dmitry'), a
    closing '-ou', '-au' (ў) as '-ov', '-av' ('RADZKOU'/'RADKOV', 'Uladzislau'/'Vladislav':
    one SDN person each). A 'dzh' is Ж ('Dzhokhar'), read before: not this 'dz'."""
    word = _BELARUSIAN_START.sub("vl", word)
    if len(word) >= BELARUSIAN_END_LENGTH:
        word = _BELARUSIAN_END.sub(r"\1v", word)
    return word.replace("dz", "d") if "dzh" not in word else word


def cyrillic_variant(a: str, b: str) -> bool:
    """Whether two different words are one Cyrillic name romanised by two systems."""
    if a == b:
        return False
    x = cyrillic_reading(a)
    return bool(x) and x == cyrillic_reading(b)
