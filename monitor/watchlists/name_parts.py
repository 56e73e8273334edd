"""A person's surname, and two spellings of one given name a letter apart.

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

from rapidfuzz.distance import OSA

from monitor.names import fold
from monitor.watchlists.tokens import INNER_APOSTROPHE, VOWELS, loose_sounds, sounds

ONE_LETTER_MIN_LENGTH = 4
"""Words shorter than this are syllables (Korean, Chinese) where a letter is another name."""


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


def _readings(word: str) -> tuple[str, str]:
    """A word as written and read as it sounds. The loose reading of transliterations
    (:func:`~monitor.watchlists.tokens.loose_sounds`) only counts when the two are the
    same in it: a letter apart beside its 'e'/'i' and 'b'/'p' made 'Suthit' 'Suthep' and
    'Cheyo' 'Chino' (SDN names of other people)."""
    return (word, sounds(word))


def _same_start(x: str, y: str) -> bool:
    """Whether two readings begin alike: the same letter, or a vowel each ('Amid'/'Umid',
    'Esah'/'Isah': Arabic and Persian initial vowels are written any of them)."""
    return x[:1] == y[:1] or (x[:1] in VOWELS and y[:1] in VOWELS)


@lru_cache(maxsize=100_000)
def one_letter_apart(a: str, b: str) -> bool:
    """Whether two words are one spelling of a name a letter apart: one letter added,
    dropped or changed, or two next to each other swapped (the optimal string alignment
    distance of rapidfuzz, Damerau's transposition included), as written or read as
    they sound ('Ghiath'/'Ghayth' are 'giat'/'gait'), beginning alike, or one the
    other with the initial 'h' Arabic names drop ('Habib'/'Abib').

    Four letters at least and letters only. Not a verdict on its own: 'Tayeb' and
    'Taleb' are two names; matching reads it so only beside a surname that agrees
    (:mod:`monitor.watchlists.scoring`).
    """
    if a == b or min(len(a), len(b)) < ONE_LETTER_MIN_LENGTH:
        return False
    if not (a.isalpha() and b.isalpha()):
        return False
    if loose_sounds(a) == loose_sounds(b):
        return True  # 'Pong'/'Bong': Korean consonants written voiced or not
    for x, y in zip(_readings(a), _readings(b), strict=True):
        if OSA.distance(x, y, score_cutoff=1) <= 1 and _same_start(x, y):
            return True
    short, long = sorted((a, b), key=len)
    return long == "h" + short
