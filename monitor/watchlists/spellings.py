"""Whether two words are one word written another way, and how alike they then are.

A name on one list is written on another with a typo, transliterated from Arabic, Persian,
Russian or Korean by another system, with the Arabic article written onto a word or apart,
or spelt as it sounds. :func:`word_similarity` says how alike two words are: 1 for equal
words, :data:`VARIANT` for two transliterations of one word, a typo's rapidfuzz ratio
(squared below eight letters, where one letter may make another name), how alike two
spellings that sound alike are. The functions beside it say which of these a pair is.

They judge two words alone. When a word is read so beside the rest of its name (a
person's, an organisation's) is for :mod:`monitor.watchlists.scoring` and its rules.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from monitor.watchlists.ordinals import ordinal
from monitor.watchlists.tokens import VOWELS, loose_sounds, skeleton, sounds, sounds_as_j

FUZZY_MIN_LENGTH = 5
LONG_WORD = 8  # one typo in a shorter word may be another name: 'Maria' and 'Mariam'
SWAP_LENGTH = 6  # from six letters, one letter swapped is a spelling: 'Abogue', 'Abogne'
TWO_EDITS_LENGTH = 9


VARIANT = 0.92
"""How alike two transliterations of one word are: 'Qasim' for 'Qasem' in a three-word name
still reaches the default threshold of 0.9, two such words in a two-word name do too."""
VARIANT_MIN_LENGTH = 4
VARIANT_MIN_RATIO = 75
SOUND_RATIO = 0.75
"""Two spellings read as they sound must be this alike (rapidfuzz ratio) to be one name."""
CLOSE_SOUND_RATIO = 0.85
LONG_VARIANT = 5  # a vowel more makes another short name: 'Said' and 'Saad', 'Jahan' and 'Jhan'


def fuzzy_word(token: str) -> bool:
    """Words that may match with a typo: long enough, and no digits (numbers must be exact)."""
    return len(token) >= FUZZY_MIN_LENGTH and token.isalpha()


def max_edits(a: str, b: str) -> int:
    """Typos allowed between two words: none for short words, one, two for long words."""
    if not (fuzzy_word(a) and fuzzy_word(b)):
        return 0
    return 2 if min(len(a), len(b)) >= TWO_EDITS_LENGTH else 1


@lru_cache(maxsize=100_000)
def _sound(word: str) -> str:
    from rigour.text.phonetics import metaphone  # only when matching runs

    return metaphone(word)


def spelling_variant(a: str, b: str) -> bool:
    """One letter swapped for one that sounds alike: 'Sergei'/'Sergey', 'Viktor'/'Viktar'.

    Transliterations of one name differ so; a letter added or dropped
    ('Maria'/'Mariam') may make another name and is not such a variant.
    """
    return len(a) == len(b) and _sound(a) == _sound(b)


@lru_cache(maxsize=200_000)
def transliteration_variant(a: str, b: str) -> bool:
    """Two spellings of one word transliterated from Arabic, Persian, Russian or Korean.

    Such spellings differ in their vowels and in the letters that stand for one
    sound ('q'/'k', 'kh'/'h', 'sh'/'ch', 'z'/'s', 'w'/'v', 'j'/'y'): 'Qasim' and
    'Qasem', 'Abass' and 'Abbas', 'Chaar' and 'Shaar', 'Yuriy' and 'Yuri',
    'Khamzat' and 'Hamzat'. Read so (:func:`~monitor.watchlists.tokens.sounds`),
    the two are the same, or differ only in vowels that transliterate one,
    letter for letter, or by a vowel more inside a longer word ('Jabbareen', 'Jabarin'). A
    letter added at the end ('Maria'/'Mariam', 'Megvi'/'Megvii') or a vowel
    doubled may make another name and is no such variant; most letters must be
    common too ('Omar' and 'Amir' share 'mr' but differ).
    """
    if a == b or min(len(a), len(b)) < VARIANT_MIN_LENGTH:
        return False
    if fuzz.ratio(a, b) < VARIANT_MIN_RATIO:
        return False
    x, y = sounds(a), sounds(b)
    if x == y or sounds_as_j(a) == sounds_as_j(b) or _vowel_for_vowel(a, b):
        return True
    if skeleton(a) != skeleton(b) or len(skeleton(a)) < 2:
        return False
    if len(x) == len(y):
        return all(c == d or {c, d} in _ONE_VOWEL for c, d in zip(x, y, strict=True))
    shorter, longer = sorted((x, y), key=len)
    return (
        len(longer) - len(shorter) == 1
        and len(shorter) >= LONG_VARIANT
        and _inner_vowel(shorter, longer)
    )


_ONE_VOWEL = ({"a", "e"}, {"e", "i"}, {"o", "u"})
"""Vowels that transliterate one vowel ('Ahmad'/'Ahmed', 'Qasim'/'Qasem', 'Umar'/'Omar');
'Aman' and 'Amin', 'Said' and 'Saad' are other names."""


_WRITTEN_CONSONANT = re.compile(r"[^aeiou]")


def _vowel_for_vowel(a: str, b: str) -> bool:
    """Whether two words as written differ only in vowels that transliterate one vowel,
    letter for letter, two consonants at least: 'Ayed'/'Ayid', 'Eyad'/'Iyad'. The reading
    of :func:`~monitor.watchlists.tokens.sounds` makes a 'y' after the first letter an 'i'
    and then one 'i' of 'yi' ('ayid' is 'aid', 'ayed' 'aied'), which hid these from the
    letter-for-letter test there."""
    if len(a) != len(b) or "y" not in a or len(_WRITTEN_CONSONANT.findall(a)) < 2:
        return False
    return all(c == d or {c, d} in _ONE_VOWEL for c, d in zip(a, b, strict=True))


def _inner_vowel(shorter: str, longer: str) -> bool:
    """Whether ``longer`` is ``shorter`` with one vowel more, neither first ('Awad' is not
    'Waad') nor last, nor doubling the vowel next to it."""
    for i in range(1, len(longer) - 1):
        if longer[:i] + longer[i + 1 :] == shorter:
            letter = longer[i]
            neighbours = {longer[i - 1] if i else "", longer[i + 1]}
            return letter in VOWELS and letter not in neighbours
    return False


@lru_cache(maxsize=200_000)
def word_similarity(a: str, b: str) -> float:
    """1 for equal words; ``VARIANT`` for transliterations of one word; their rapidfuzz ratio
    for a typo, squared below eight letters unless the two are spelling variants; for words
    that sound alike (:func:`sound_alike`), how alike they are read as they sound."""
    if a == b:
        return 1.0
    if (number := ordinal(a)) is not None:
        return 1.0 if ordinal(b) == number else 0.0
    if transliteration_variant(a, b) or loose_variant(a, b) or article_variant(a, b):
        return max(VARIANT, _typo_similarity(a, b))
    return max(_typo_similarity(a, b), sound_alike(a, b))


LOOSE_MIN_LENGTH = 5
LOOSE_MIN_RATIO = 65


# Not cached: only word_similarity asks, whose cache already holds the pair (a cache
# of each held 96,000 pairs more in the 2,000 x 5,000 screening benchmark).
def loose_variant(a: str, b: str) -> bool:
    """Two spellings of one word that transliterate a letter of the original script two
    ways beyond :func:`transliteration_variant`: 'Katranji'/'Katrangi' (Arabic jim),
    'Ghathafi'/'Gaddafi', 'Taesong'/'Daesong', 'Toseyeh'/'Tosee': the same in
    the second reading (:func:`~monitor.watchlists.tokens.loose_sounds`).

    Five letters at least, and a rapidfuzz ratio of 65 or more as written: that
    reading makes short names one ('Rami', 'Remi'), and two thirds of the letters
    in common keep it a reading of one name, not of two ('Sheng' and 'Ching' are
    'sing' in it, but Chinese 'sh' and 'ch' are two sounds). Words the first reading
    already reads alike are left to :func:`transliteration_variant`, whose closer
    gate refused them ('Bashiq', 'Basic').
    """
    if min(len(a), len(b)) < LOOSE_MIN_LENGTH or fuzz.ratio(a, b) < LOOSE_MIN_RATIO:
        return False  # the cheap test first: most word pairs are two words
    if sounds(a) == sounds(b):
        return False  # read alike already: transliteration_variant judged them
    return _loosely_one(a, b)


def _loosely_one(a: str, b: str) -> bool:
    """The same in the loose reading, five letters at least, two thirds alike as written."""
    if min(len(a), len(b)) < LOOSE_MIN_LENGTH or not (a.isalpha() and b.isalpha()):
        return False
    x, y = loose_sounds(a), loose_sounds(b)
    return x == y and len(x) >= VARIANT_MIN_LENGTH and fuzz.ratio(a, b) >= LOOSE_MIN_RATIO


ARTICLE_WORD_LENGTH = 7
"""A word with the Arabic article written onto it: 'al' or 'el' and five letters more."""


def written_article(word: str) -> str:
    """The word without an Arabic article written onto it ('elkaddafi': 'kaddafi'), or ''
    when it has none: two letters 'al'/'el' and five letters more, so 'Albert' is none."""
    if len(word) >= ARTICLE_WORD_LENGTH and word[:2] in ("al", "el"):
        return word[2:]
    return ""


# Not cached: only word_similarity asks, whose cache already holds the pair (a cache
# of each held 96,000 pairs more in the 2,000 x 5,000 screening benchmark).
def article_variant(a: str, b: str) -> bool:
    """One word written with the Arabic article, the other without: 'ELKADDAFI' for
    'AL-QADHAFI', 'ELMOBRUK' for 'AL-MOBRUK', 'ALHOSSEINI' for 'AL-HOSEINI' (the list
    writes the article apart in one name and onto the word in another), or with the article
    as it sounds before a sun letter: 'ASHAMI' for 'AL-SHAMI' (:func:`_assimilated_article`).
    The rest must be
    the other word, or a transliteration of it, in the first reading or the loose one
    ('kaddafi' and 'qadhafi' read alike but are too far apart as written for the first's
    own gate; here the article already ties them to one name's way of writing)."""
    for x, y in ((a, b), (b, a)):
        for rest in (written_article(x), *_assimilated_article(x)):
            if not rest or y.startswith(x[:2]):
                continue
            if rest == y or transliteration_variant(rest, y) or _loosely_one(rest, y):
                return True
    return False


_SUN_LETTERS = frozenset("tdrzsn")
"""The first letters of the consonants the Arabic article takes the sound of ('ad-Din',
'ar-Rahman', 'as-Sahab', 'ash-Shami', 'at-Tahir', 'an-Nasser'); 'l' is the article's own."""
ASSIMILATED_REST_LENGTH = 5


def _assimilated_article(word: str) -> tuple[str, ...]:
    """The word without the Arabic article written onto it as it sounds before a sun letter,
    its 'l' left out ('ASHAMI' for 'AL-SHAMI': 'ash-Shami'; 'ARRAHMAN' for 'AR-RAHMAN'): the
    word after the 'a', and after the doubled letter once; five letters at least, or ()."""
    if len(word) <= ASSIMILATED_REST_LENGTH or word[0] != "a" or word[1] not in _SUN_LETTERS:
        return ()
    found = [word[1:]]
    if word[1] == word[2]:
        found.append(word[2:])
    return tuple(w for w in found if len(w) >= ASSIMILATED_REST_LENGTH)


@lru_cache(maxsize=200_000)
def phonetic_key(word: str) -> str:
    """A word's metaphone (rigour's, a maintained phonetic key) without a leading vowel, a
    voiced consonant read as its voiceless one: 'Oleksandr', 'Aleksandr' and 'Alexander'
    are all 'LKSNTR', 'Molawi' and 'Maulawi' 'MLW', 'Byong' and 'Pyong' 'PYNK'.

    Metaphone reads consonants only, so it is a key to look words up by, not a
    verdict: 'Hassan' and 'Hussein' share it too.
    """
    key = _sound(word)
    key = key[1:] if key[:1] in _METAPHONE_VOWELS else key
    return key.translate(_VOICING)


_METAPHONE_VOWELS = frozenset("AEIOUY")
# Korean romanisations write one consonant voiced or not ('Byong'/'Pyong',
# 'Daesong'/'Taesong': metaphone already reads 'D' as 'T').
_VOICING = str.maketrans("B", "P")


@lru_cache(maxsize=200_000)
def sound_alike(a: str, b: str) -> float:
    """How alike two spellings of one name are when transliterations differ by more than a
    vowel or a letter: 'Oleksandr'/'Aleksandr', 'Raouf'/'Rauf', 'Molawi'/'Maulawi',
    'Byong'/'Pyong'; 0 when they are not such spellings (nor, still, 'Pejman'/'Pezhman'
    or 'Ghathafi'/'Gaddafi': neither one key nor close enough).

    Read as they sound (:func:`~monitor.watchlists.tokens.sounds`), the two must
    be ``SOUND_RATIO`` alike (rapidfuzz ratio), and share a phonetic key
    (:func:`phonetic_key`) unless they are closer still (``CLOSE_SOUND_RATIO``).
    A word that is the other with letters added at the end ('Maria'/'Mariam',
    'Kalash'/'Kalashov', 'Ahmad'/'Ahmadi') is another name. The value is that
    ratio, squared below ``LONG_WORD`` letters unless the words share their key:
    one letter in a short word may make another name ('Tayeb'/'Taleb').
    """
    if min(len(a), len(b)) < VARIANT_MIN_LENGTH or not (a.isalpha() and b.isalpha()):
        return 0.0
    x, y = sounds(a), sounds(b)
    if x.startswith(y) or y.startswith(x) or a.startswith(b) or b.startswith(a):
        return 0.0
    ratio = fuzz.ratio(x, y) / 100
    if ratio < SOUND_RATIO:
        return 0.0
    same_key = phonetic_key(a) == phonetic_key(b)
    if not same_key and ratio < CLOSE_SOUND_RATIO:
        return 0.0
    if same_key or min(len(a), len(b)) >= LONG_WORD:
        return ratio
    return ratio * ratio


def _typo_similarity(a: str, b: str) -> float:
    """The rapidfuzz ratio of a word and its typo; squared below eight letters, where a
    letter added or dropped may make another name ('Maria', 'Mariam'), but not for a letter
    swapped for one that sounds alike nor, from six letters, for any one letter swapped
    ('Abogue'/'Abogne', 'Hribar'/'Hribak': the list's own spellings of one name)."""
    edits = max_edits(a, b)
    distance = Levenshtein.distance(a, b, score_cutoff=edits)
    if edits == 0 or distance > edits:
        return 0.0
    ratio = fuzz.ratio(a, b) / 100
    swapped = distance == 1 and len(a) == len(b)
    if (
        min(len(a), len(b)) >= LONG_WORD
        or (swapped and len(a) >= SWAP_LENGTH)
        or (distance == 1 and spelling_variant(a, b))
    ):
        return ratio
    return ratio * ratio


@lru_cache(maxsize=100_000)
def sounds_only(a: str, b: str) -> bool:
    """Whether two words pair only as spellings that sound alike (:func:`sound_alike`), not
    as the same word, a transliteration by a vowel or letter, or a typo."""
    if a == b or transliteration_variant(a, b):
        return False
    return sound_alike(a, b) > _typo_similarity(a, b)
