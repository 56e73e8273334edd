"""One reading of a Korean syllable, whatever system romanised it.

The lists write a Korean name's syllables apart, hyphenated or joined, and by
McCune-Reischauer ('To'-Ch'un', 'Ch'o'l', 'Kwang'), by the Revised Romanization
('Do Chun', 'Cheol', 'Gwang') or by habit ('Young', 'Hoon', 'Sou', 'Phil'). The
systems differ in known places: an initial consonant written voiced or not
(k/g, t/d, p/b, ch/j: Revised writes the sound, McCune-Reischauer the letter),
an aspirate marked by an apostrophe or an 'h' ('Ch'ang', 'Phil'), and the vowels
eo/ŏ/o, eu/ŭ/u, oo/ou/u, you/yo, oe/oi ('Choe'/'Choi'). Reading those places one
way makes the syllables one. A syllable is a short word of that shape: one initial
consonant (or none), its vowels and at most 'ng' after them; longer words are names of
other languages, compared as such.

Used to pair the syllables of persons' names only
(:mod:`monitor.watchlists.scoring`): 'Do' and 'To' are one Korean syllable, but
two words of an organisation's name.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SYLLABLE = re.compile(
    r"^(?:ch|ph|th|kh|kk|tt|pp|ss|jj|[bcdghjklmnprstw]?)(?:[wy]?[aeiou]{1,3})(?:ng|[klmnpt])?$"
)
MAX_SYLLABLE = 6
_INITIAL = (("kh", "k"), ("ph", "p"), ("th", "t"), ("g", "k"), ("d", "t"), ("b", "p"), ("j", "ch"))
# 외 is 'oe' in both systems and 'oi' by habit ('Choe'/'Choi', 'Hoe'/'Hoi').
_VOWELS = (("you", "yo"), ("eo", "o"), ("eu", "u"), ("oo", "u"), ("ou", "u"), ("oi", "oe"))


@lru_cache(maxsize=100_000)
def korean_reading(word: str) -> str:
    """A folded word read as one romanisation of a Korean syllable: 'to', 'do' are 'to';
    'cheol', 'chol' 'chol'; 'young', 'yong' 'yong'; 'gwang', 'kwang' 'kwang'; '' for a
    word that is no syllable ('Kwangmyong', 'Aleksandr')."""
    if len(word) > MAX_SYLLABLE or not _SYLLABLE.match(word):
        return ""
    for letters, same in _INITIAL:
        if word.startswith(letters):
            word = same + word[len(letters) :]
            break
    for letters, same in _VOWELS:
        word = word.replace(letters, same)
    return word


def korean_variant(a: str, b: str) -> bool:
    """Whether two different words are one Korean syllable romanised by two systems."""
    if a == b:
        return False
    x = korean_reading(a)
    return bool(x) and x == korean_reading(b)
