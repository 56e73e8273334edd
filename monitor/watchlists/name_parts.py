"""A person's surname, two spellings of one given name a letter apart, and the common
parts of people's names.

Screening reads a person's name as parts, not as a bag of words: when the
surname agrees and one given name is a letter apart ("DALA, Ghiath" /
"DALA, Ghayth", "KRUNIC, Savko" / "KRUNIC, Savo"), the two are far likelier
one person written two ways than when the given name agrees and the surname
differs (a family shares its surname, not its given names). The lists write
the surname two ways: OFAC and the UN "SURNAME, Given Names", the UK "Given
Names SURNAME" (the surname in capitals, the given names not).
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from monitor.names import fold
from monitor.watchlists.tokens import INNER_APOSTROPHE, VOWELS, loose_sounds, sounds
from monitor.watchlists.words import COMMON_PERSON_WORDS

ONE_LETTER_MIN_LENGTH = 4
"""Words shorter than this are syllables (Korean, Chinese) where a letter is another name."""
LOOSE_MIN_RATIO = 65
"""How alike as written two words the loose reading makes one must be (rapidfuzz ratio)."""


@lru_cache(maxsize=100_000)
def surname_words(name: str) -> frozenset[str]:
    """The folded words of a name's surname, when the name shows which they are: those
    before the comma ('DALA, Ghiath': 'dala'; 'MAGNA ALCIDEDES, Ramon': 'magna',
    'alcidedes'), or the words in capitals of a name that also has words in lower case
    ('Moussa Ben Omar Ben Ali ESSAADI': 'essaadi'); empty when it does not ('ARIF
    SUNARSO')."""
    name = INNER_APOSTROPHE.sub("", name)
    if "," in name:
        return frozenset(fold(name.split(",", 1)[0]).split())
    words = name.split()
    upper = [w for w in words if w.isupper() and len(w) > 1]
    if upper and any(any(c.islower() for c in w) for w in words):
        return frozenset(fold(" ".join(upper)).split())
    return frozenset()


def _same_start(x: str, y: str) -> bool:
    """Whether two readings begin alike: the same letter, or a vowel each ('Amid'/'Umid',
    'Esah'/'Isah': Arabic and Persian initial vowels are written any of them)."""
    return x[:1] == y[:1] or (x[:1] in VOWELS and y[:1] in VOWELS)


@lru_cache(maxsize=100_000)
def one_letter_apart(a: str, b: str) -> bool:
    """Whether two words are one spelling of a name a letter apart: one letter added,
    dropped or changed, or two next to each other swapped (the optimal string alignment
    distance of rapidfuzz, Damerau's transposition included), beginning alike; or two
    letters swapped once read as they sound ('Ghiath'/'Ghayth' are 'giat'/'gait'); or the
    same in the loose reading of transliterations ('Pong'/'Bong'); or one the other with
    the initial 'h' Arabic names drop ('Habib'/'Abib').

    Four letters at least and letters only. A letter apart only once read as they
    sound or loosely is no such spelling: 'Hishan' and 'Hassan' ('hisan', 'hasan'),
    'Suthit' and 'Suthep', 'Cheyo' and 'Chino' are other people's names on the SDN list.
    Not a verdict on its own either: 'Tayeb' and 'Taleb' are two names; matching reads
    it so only beside a surname that agrees (:mod:`monitor.watchlists.scoring`).
    """
    if a == b or min(len(a), len(b)) < ONE_LETTER_MIN_LENGTH:
        return False
    if not (a.isalpha() and b.isalpha()):
        return False
    if OSA.distance(a, b, score_cutoff=1) <= 1 and _same_start(a, b):
        return True
    x, y = sounds(a), sounds(b)
    if len(x) == len(y) and OSA.distance(x, y) == 1 and Levenshtein.distance(x, y) == 2:
        return x[0] == y[0]  # two letters swapped: 'giat', 'gait'
    if loose_sounds(a) == loose_sounds(b) and fuzz.ratio(a, b) >= LOOSE_MIN_RATIO:
        return True  # 'Pong'/'Bong'; not 'Sheng'/'Ching', two Chinese sounds
    short, long = sorted((a, b), key=len)
    return long == "h" + short


_COMMON_PERSON_SOUNDS = frozenset(sounds(w) for w in COMMON_PERSON_WORDS)


def common_person_word(token: str) -> bool:
    """A common part of people's names, in any transliteration: 'Faysal' as 'Faisal',
    'Muhammed' as 'Muhammad' (read as they sound, :func:`~monitor.watchlists.tokens.sounds`)."""
    return token in COMMON_PERSON_WORDS or sounds(token) in _COMMON_PERSON_SOUNDS
