"""How alike a watched name and a listed name are: a score from 0 to 1 and the reason for it.

The score is the share of the watched name's words found in the listed name
(distinctive words weigh more than places and generic words), lowered when
the listed name has distinctive words the watched one lacks. So "DJI" scores
1.0 against "SZ DJI Technology Co., Ltd." (``sz`` is a place; ``technology
co ltd`` are legal forms). Words may stand in any order ("LASTNAME, Firstname"
is "Firstname Lastname"); in a person's name a watched initial stands for a
word it begins ("V. Putin" for "PUTIN, Vladimir").

Containment is a match, capped at ``CONTAINED`` (0.95) so that a name written
the same way still ranks first, and the reason says so:

* a listed company whose name has every word of the watched name, the watched
  words leading its distinctive ones (after what a Latin American company says it
  is: "BANCO BANDES"): a subsidiary or branch named after it ("Cimex" in "CIMEX
  IBERICA", "Gazprom" in "Gazprom Neft");
* a listed person whose name has every word of the watched name and more
  given names, patronymics or middle names ("Yury Kovalchuk" in "KOVALCHUK,
  Yury Valentinovich"), or whose every word is in the watched name ("Pavel
  Yurievich Gubarev" for "GUBAREV, Pavel"). The two names must then share
  two words (or a word and an initial), one of them more than a common part of
  people's names (:data:`~monitor.watchlists.words.COMMON_PERSON_WORDS`): a
  surname alone ("Cortez") is not a person, and "ALI, Mohammad" does not find
  every "ALI, Mohammad X";
* a listed company whose every word is in the watched name, sharing two
  distinctive words with it: a shorter name of the watched company, or the
  company it is named after ("SHAHED PHARM" for "Shahed Pharm Drugstore"), or
  one rare on the list when the words left over are generic words frequent on
  it ("CONGO FUTUR" for "CONGO FUTUR IMPORT").

A person's given name a letter apart from the listed one is the same name beside a
surname that agrees ('DALA, Ghiath' for 'DALA, Ghayth': :mod:`monitor.watchlists.name_parts`
says which words are the surname); the alert says which word is spelt apart.

An organisation written as its initials, five letters at least, scores
``ACRONYM`` (0.92): "IRISL" for "ISLAMIC REPUBLIC OF IRAN SHIPPING LINES"; so does one
written as a word blended from its words' beginnings, one word kept whole (``BLEND``:
"COLCERDOS" for "COLOMBIANA DE CERDOS", :mod:`monitor.watchlists.blends`).

A watched organisation written as its name, its legal form and words describing it
('UNIPAPEL S.A. BOLSAS DE PAPEL PAPELES SOBRES') is the listed name proper ('UNIPAPEL
S.A.'), and the other way round (:mod:`monitor.watchlists.described`); two names that
agree but for the word for the kind of body ('AKHMAD KADYROV FUND' / 'AKHMAT KADYROV
FOUNDATION') are one (:mod:`monitor.watchlists.bodies`); each scores up to ``CONTAINED``.

A match still rests on a distinctive word: common words alone never match.

Words of four letters or fewer, and words with digits, must be equal;
longer words may differ by one edit (two from nine letters on), and then count
for their rapidfuzz ratio (squared below eight letters, where one typo can
make another name: "Maria", "Mariam"; not squared for a letter swapped for one
that sounds alike, as transliterations do: "Sergei", "Sergey"), so "DJI" never
matches "Djibouti", "14th Institute" never matches "15th Institute", and
"Kuybyshev" is not "Novokuybyshev".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from monitor.names import fold
from monitor.watchlists.blends import blended
from monitor.watchlists.bodies import bodies_swapped
from monitor.watchlists.cyrillic import cyrillic_reading, cyrillic_variant
from monitor.watchlists.described import described_company
from monitor.watchlists.generic_names import GENERIC_WHY, generic_match
from monitor.watchlists.honorifics import leading_honorific
from monitor.watchlists.name_parts import ONE_LETTER_MIN_LENGTH, one_letter_apart, surname_words
from monitor.watchlists.ordinals import ordinal
from monitor.watchlists.short_forms import short_form
from monitor.watchlists.syllables import korean_reading, korean_variant
from monitor.watchlists.tokens import (
    VOWELS,
    NameForm,
    common_key,
    is_distinctive,
    loose_sounds,
    skeleton,
    sounds,
    sounds_as_j,
    weight,
)
from monitor.watchlists.words import (
    ARABIC_ARTICLES,
    COMMON_PERSON_WORDS,
    CONNECTORS,
    DESCRIPTORS,
    GENERIC_WORDS,
)

FUZZY_MIN_LENGTH = 5
LONG_WORD = 8  # one typo in a shorter word may be another name: 'Maria' and 'Mariam'
SWAP_LENGTH = 6  # from six letters, one letter swapped is a spelling: 'Abogue', 'Abogne'
TWO_EDITS_LENGTH = 9
EXTRA_WORD_PENALTY = 0.5
CONTAINED = 0.95
"""The score of a name contained in the other (fuller names, subsidiaries): below an exact 1.0."""
MIN_SHARED_PERSON = 2  # words a person's fuller or shorter name must share with the other
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


def merge_runs(tokens: Sequence[str], other: set[str]) -> tuple[str, ...]:
    """Join adjacent words that the other name writes as one ('Sense Time' / 'SenseTime')."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in (3, 2):
            joined = "".join(tokens[i : i + size])
            if i + size <= len(tokens) and joined in other:
                out.append(joined)
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


@dataclass(frozen=True, slots=True)
class NameScore:
    """A score and what it rests on: the paired words, the missing and the extra ones."""

    score: float
    pairs: tuple[tuple[str, str, float], ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    contained: str = ""  # "listed": the listed name has all the watched words; "watched"
    # (a person) or "watched company": the watched name has all the listed words;
    # "described" ("described listed"): the watched (listed) name is the other, its legal
    # form and words describing it (:mod:`monitor.watchlists.described`); "bodies": the
    # word for the kind of body translated otherwise (:mod:`monitor.watchlists.bodies`)
    apart: tuple[tuple[str, str], ...] = ()  # words paired as one spelt apart (see
    # :func:`_pair_spelt_apart`), the rest of the name the same
    titles: tuple[str, ...] = ()  # watched titles set aside ('dr', 'colonel')

    def explain(self, watched: NameForm, listed: NameForm) -> str:
        words = ", ".join(a if a == b else f"{a}~{b} ({s:.2f})" for a, b, s in self.pairs)
        parts = [f"words {words}"]
        if self.contained == "listed":
            parts.append(
                "the listed name contains every word of the watched name (a fuller name, "
                "or a subsidiary or branch named after it)"
            )
        elif self.contained == "watched":
            parts.append(
                "the watched name contains every word of the listed name (with given names, "
                "a patronymic or middle name the list leaves out)"
            )
        elif self.contained.startswith("acronym"):
            short = "watched" if "listed" in self.contained else "listed"
            parts.append(f"the {short} name is the initials of the other")
        elif self.contained.startswith("blend"):
            short = "watched" if "watched" in self.contained else "listed"
            parts.append(f"the {short} name is the other's words blended into one")
        elif self.contained == "watched company":
            parts.append(
                "the watched name contains every word of the listed name (a shorter name of "
                "the watched company, or of the company it is named after)"
            )
        elif self.contained in GENERIC_WHY:
            parts.append(GENERIC_WHY[self.contained])
        elif self.contained == "bodies":
            parts.append(
                "the two names agree but for the word for the kind of body, translated otherwise"
            )
        elif self.contained.startswith("described"):
            one, other = (
                ("listed", "watched") if "listed" in self.contained else ("watched", "listed")
            )
            parts.append(
                f"the {one} name is the {other} name, its legal form and words that "
                "describe it (a trade, a seat, what it is for)"
            )
        if self.apart:
            spelt = ", ".join(f"{a}~{b}" for a, b in self.apart)
            parts.append(
                f"{spelt}: one word spelt apart, read as one beside the other words "
                "the two names share"
            )
        if self.missing:
            parts.append("not in the listed name: " + ", ".join(self.missing))
        if self.extra:
            parts.append("listed name also has: " + ", ".join(self.extra))
        if self.titles:
            parts.append("titles set aside: " + ", ".join(self.titles))
        ignored = sorted({*watched.dropped, *listed.dropped})
        if ignored:
            parts.append("legal forms ignored: " + ", ".join(ignored))
        return "; ".join(parts)


def _comparable(token: str, person: bool = False) -> bool:
    """Words that may pair with another spelling: typos from five letters, transliterations
    from four ('Adil'/'Adel'), in a person's name a Korean syllable ('To'/'Do')."""
    return (
        fuzzy_word(token)
        or (person and bool(korean_reading(token)))
        or (len(token) >= VARIANT_MIN_LENGTH and token.isalpha())
        or ordinal(token) is not None
    )


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
    words that agree (:func:`_pair_spelt_apart`): 'Gazprom' and 'Gazprombank' are two
    companies, and in a person's name 'Kalash' and 'Kalashov' are two families."""
    short, long = sorted((a, b), key=len)
    return (
        len(short) >= CUT_SHORT_LENGTH
        and len(long) - len(short) <= CUT_SHORT_ENDING
        and long.startswith(short)
        and long.isalpha()
    )


def _stem_only(pairs: Sequence[tuple[str, str, float]]) -> bool:
    """Whether every distinctive word two organisations' names share pairs only as a word
    of one stem (:func:`derived`), not as the same word or a spelling of it."""
    telling = [(a, b) for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b)]
    return bool(telling) and all(
        a != b and derived(a, b) and word_similarity(a, b) < DERIVED for a, b in telling
    )


def _same_but_stem(
    pairs: Sequence[tuple[str, str, float]], watched: Sequence[str], listed: Sequence[str]
) -> bool:
    """Whether two organisations' names are the same words but for the one distinctive word
    each writes with another ending of one stem, beside one word or more that agree:
    'BENEVOLENT INTERNATIONAL FUND' / 'BENEVOLENCE INTERNATIONAL FUND', 'STATE
    ADMINISTRATION COUNCIL' / 'STATE ADMINISTRATIVE COUNCIL' (one SDN entry's names each).
    The word of one stem is then no other name's word, as it may be alone ('EXPLORER' is
    not 'KOREA OIL EXPLORATION CORPORATION')."""
    telling = [(a, b) for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b)]
    if len(telling) != 1:
        return False
    a, b = telling[0]
    rest = set(watched) - {a}
    return bool(rest) and rest == set(listed) - {b}


def romanised_apart(a: str, b: str) -> bool:
    """Two words of a person's name that are one Cyrillic name or one Korean syllable
    romanised by two systems (:mod:`monitor.watchlists.cyrillic`,
    :mod:`monitor.watchlists.syllables`): a transliteration, counted ``VARIANT``."""
    return cyrillic_variant(a, b) or korean_variant(a, b)


def _align(
    watched: Sequence[str], listed: Sequence[str], person: bool = False
) -> list[tuple[str, str, float]]:
    """Pair each watched word with at most one listed word: equal words, then the most alike
    (in a person's name, one Cyrillic name or Korean syllable romanised two ways counts as
    a transliteration: :func:`romanised_apart`; in an organisation's name, a word and its
    plural: :func:`inflected`, or a word of the same stem: :func:`derived`)."""

    # Read so in names of two words or more: one-word aliases ('IARA', 'YARRAYA'; 'KIO',
    # 'GIO') are nicknames and syllables of many people. Korean syllables only beside a
    # word written the same ('PAK, To Chun' / 'PAK, Do Chun'): Chinese 'Kang' and 'Gang'
    # are Wade-Giles and Pinyin of one sound and of others ('Zhao Gang', 'WEI, Shao-Kang').
    same = set(watched) & set(listed)
    romanised = person and min(len(watched), len(listed)) >= 2

    def alike(a: str, b: str) -> float:
        if romanised and (cyrillic_variant(a, b) or (same and korean_variant(a, b))):
            return max(VARIANT, word_similarity(a, b))  # 'Sergey'/'Sergei', 'To'/'Do'
        if not person and inflected(a, b):
            return INFLECTED
        if not person and derived(a, b):
            return max(DERIVED, word_similarity(a, b))
        return word_similarity(a, b)

    pairs = [(t, t, 1.0) for t in watched if t in same]
    rest_w = [t for t in watched if t not in same and _comparable(t, person)]
    rest_l = [t for t in listed if t not in same and _comparable(t, person)]
    if not (rest_w and rest_l):
        return pairs
    candidates = [(s, a, b) for a in rest_w for b in rest_l if (s := alike(a, b)) > 0]
    candidates.sort(key=lambda c: -c[0])
    used_w: set[str] = set()
    used_l: set[str] = set()
    for similarity, a, b in candidates:
        if a not in used_w and b not in used_l:
            used_w.add(a)
            used_l.add(b)
            pairs.append((a, b, similarity))
    return pairs


_COMMON_PERSON_SOUNDS = frozenset(sounds(w) for w in COMMON_PERSON_WORDS)


def common_person_word(token: str) -> bool:
    """A common part of people's names, in any transliteration: 'Faysal' as 'Faisal',
    'Muhammed' as 'Muhammad' (read as they sound, :func:`~monitor.watchlists.tokens.sounds`)."""
    return token in COMMON_PERSON_WORDS or sounds(token) in _COMMON_PERSON_SOUNDS


@lru_cache(maxsize=100_000)
def _sounds_only(a: str, b: str) -> bool:
    """Whether two words pair only as spellings that sound alike (:func:`sound_alike`), not
    as the same word, a transliteration by a vowel or letter, or a typo."""
    if a == b or transliteration_variant(a, b):
        return False
    return sound_alike(a, b) > _typo_similarity(a, b)


def _spelt_as_one(a: str, b: str) -> bool:
    """Whether two words of a person's name are one name by a rule of its own, not only
    because they sound alike: one Cyrillic name or Korean syllable romanised two ways
    (:func:`romanised_apart`), or one written with the Arabic article and the other without
    (:func:`article_variant`: 'ELKADDAFI, Muammar' / 'QADHAFI, Muammar', one SDN entry's
    names). Such a pair needs no other telling word beside it."""
    return romanised_apart(a, b) or article_variant(a, b)


def _anchored(
    pairs: list[tuple[str, str, float]],
    watched: Sequence[str],
    listed: Sequence[str],
    person: bool = False,
) -> list[tuple[str, str, float]]:
    """Words paired only because they sound alike count when the names also share a telling
    word ('LOAN, Waseem Raouf' / 'LOAN, Waseem Rauf'), or two common parts of people's names
    with every word of both names paired ('AKIEL, Ibrahim Mohamed' / 'AKIL, Ibrahim
    Mohamed'). With one common name besides ('ASSIRI, Ahmed' / 'VAZIRI, Ahmed'), or words
    left over, they are left unpaired: a loose spelling beside 'Ahmed' or 'Muhammad' finds
    other people. In an organisation's name the word so paired counts when every other word
    is the same in both (:func:`_same_but_one`)."""
    loose = [
        p for p in pairs if _sounds_only(p[0], p[1]) and not (person and _spelt_as_one(*p[:2]))
    ]
    if not loose:
        return pairs
    firm = [
        (a, b)
        for a, b, s in pairs
        if (a, b, s) not in loose and is_distinctive(a) and is_distinctive(b)
    ]
    if any(not common_person_word(a) and not common_person_word(b) for a, b in firm):
        return pairs
    paired_w, paired_l = {a for a, _, _ in pairs}, {b for _, b, _ in pairs}
    every = all(t in paired_w for t in watched if is_distinctive(t)) and all(
        t in paired_l for t in listed if is_distinctive(t)
    )
    if len(firm) >= MIN_SHARED_PERSON and every:
        return pairs
    if not person and _same_but_one(loose, watched, listed):
        return pairs
    return [p for p in pairs if p not in loose]


def _same_but_one(
    loose: Sequence[tuple[str, str, float]], watched: Sequence[str], listed: Sequence[str]
) -> bool:
    """Whether two organisations' names are the same words but for the one pair spelt as it
    sounds: 'IRAN POUYA' / 'IRAN POOYA', 'KHEITI HOLDING GROUP' / 'KHITI HOLDING GROUP'
    (one SDN entry's names each). The name is that word, written two ways; beside other
    words that differ it stays unpaired, as in a person's name."""
    if len(loose) != 1:
        return False
    a, b, _ = loose[0]
    return set(watched) - {a} == set(listed) - {b}


def _is_initial(token: str) -> bool:
    return len(token) == 1 and token.isalpha()


def _pair_initials(
    watched: Sequence[str], listed: Sequence[str], pairs: list[tuple[str, str, float]]
) -> list[tuple[str, str, float]]:
    """A watched initial left unpaired stands for an unpaired listed word it begins: 'V.' for
    'Vladimir' (a listed initial is not the watched full name: 'AHMED, A.' is not 'Assiri')."""
    used_w = {a for a, _, _ in pairs}
    used_l = {b for _, b, _ in pairs}
    for a in watched:
        for b in listed:
            if a in used_w or b in used_l or not _is_initial(a) or len(b) < 3 or a != b[0]:
                continue
            used_w.add(a)
            used_l.add(b)
            pairs.append((a, b, 1.0))
    return pairs


def _shared(pairs: Sequence[tuple[str, str, float]]) -> tuple[int, bool]:
    """Distinctive words paired with distinctive words (an initial for one counts too), and
    whether one of them is more than a common part of people's names ('Mohammad', 'Ali')."""
    shared = [
        (a, b) for a, b, _ in pairs if is_distinctive(b) and (is_distinctive(a) or _is_initial(a))
    ]
    rare = any(
        not common_person_word(a) and not common_person_word(b) and not _is_initial(a)
        for a, b in shared
    )
    return len(shared), rare


def _fuller_listed(
    listed: Sequence[str], pairs: Sequence[tuple[str, str, float]], person: bool
) -> bool:
    """Whether a listed name with every watched word and more is that name written in full.

    A person: two words shared, one of them more than a common part of people's
    names; the listed name may add given names, patronymics, middle names. A
    company: the watched words lead the listed name's distinctive words, as in a
    subsidiary or branch named after it ('Cubanacan U.K.', 'Gazprom Neft'), not
    a word of another name that happens to include it ('Puya Electro Saman Niru'
    for 'Niru'); or, two distinctive words or more, anywhere in it ('Tamil
    Tigers' in 'LIBERATION TIGERS OF TAMIL EELAM').
    """
    if person:
        shared, rare = _shared(pairs)
        return shared >= MIN_SHARED_PERSON and rare
    found = {b for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b)}
    # what a Latin American company says it is may come first: 'BANCO BANDES'
    leading = [t for t in listed if is_distinctive(t) and t not in DESCRIPTORS][: len(found)]
    return len(found) >= MIN_SHARED_PERSON or (bool(found) and set(leading) == found)


def _named(lst: Sequence[str], listed: NameForm, paired: set[str]) -> list[str]:
    """A listed organisation's words without those left over that name a place of its own
    address (``NameForm.places``): 'POLOTSK STEKLOVOLOKNO' at an address in Polotsk is
    'STEKLOVOLOKNO' named after its town, the watched words then leading the rest
    (:func:`_fuller_listed`)."""
    return [t for t in lst if t in paired or t not in listed.places]


def _fuller_watched(listed: Sequence[str], pairs: Sequence[tuple[str, str, float]]) -> bool:
    """Whether a watched name is the listed one with more words: a person's with more names
    (given, middle, patronymic), a company's with more words ('Shahed Pharm Drugstore' for
    'SHAHED PHARM'): every listed word found, two words shared (not initials: 'AWAD, Munir
    A.' is not 'ADANOV, Munir'), one more than a common name part. One word shared is not
    enough: 'Huawei Technologies (Thailand)' is not 'HUAWEI'."""
    paired = {b for _, b, _ in pairs}
    _, rare = _shared(pairs)
    words = sum(1 for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b))
    return words >= MIN_SHARED_PERSON and rare and all(t in paired for t in listed)


def _generic_dropped(
    listed: NameForm,
    lst: Sequence[str],
    pairs: Sequence[tuple[str, str, float]],
    missing: Sequence[str],
    frequent: frozenset[str],
) -> bool:
    """Whether a listed company is the watched one written without a generic word or a
    place: 'CONGO FUTUR' for 'CONGO FUTUR IMPORT', 'ARIAN BANK' for 'ARIAN BANK
    CORPORATION', 'BOYLE CHEMICAL' for 'SHANGHAI BOYLE CHEMICAL', 'DART AIRLINES' for
    'DART UKRAINIAN AIRLINES', 'MASHHAD PRISON' for 'MASHHAD CENTRAL PRISON'.

    Every listed word is paired, each watched word left over is a common word of
    companies' names, in letters (a generic business word or a place,
    :data:`~monitor.watchlists.words.COMMON_WORDS`; a number is not: 'VALFAJR 8'
    may be another company than 'VALFAJR'), one only unless each is a generic word
    many of the list's entries share ('KOREA GENERAL COMPANY FOR EXTERNAL
    CONSTRUCTION' is not 'EXTERNAL TECHNOLOGY GENERAL CORPORATION'), and a paired
    word is telling and rare on the list (``frequent``, counted on the list):
    'SHAHID INDUSTRIES' is not 'SHAHID'.
    Nothing known of the list, the rule does not apply. The listed name has two
    words at least (the Arabic article aside): 'CHAM BANK' is not 'CHAM HOLDING' (alias
    'CHAM'), 'SINA BANK' is not a vessel 'SINA'; nor is one word and its legal form
    enough: 'SOVFRACHT MANAGEMENT COMPANY' is not 'OJSC SOVFRACHT', 'AL-AQSA AL-ISLAMI
    BANK' not 'AL-AQSA FOUNDATION' (SDN entries of others each).
    """
    if listed.person or not frequent:
        return False
    if not all(t.isalpha() and not is_distinctive(t) for t in missing):
        return False
    if len(missing) > 1 and not all(t in GENERIC_WORDS and t in frequent for t in missing):
        return False  # 'KOREA ... EXTERNAL CONSTRUCTION' is not 'EXTERNAL GENERAL'
    paired = {b for _, b, _ in pairs}
    if not all(t in paired for t in lst):
        return False
    if sum(1 for t in lst if t not in ARABIC_ARTICLES) < MIN_SHARED_PERSON:
        return False  # 'CHAM' for 'CHAM BANK': one word is a name many companies take
    return any(
        is_distinctive(a) and is_distinctive(b) and a not in frequent and b not in frequent
        for a, b, _ in pairs
    )


@cache
def person_titles() -> frozenset[str]:
    """Titles written before people's names, one word each: rigour's person-name prefixes
    (a maintained list: 'Dr', 'Colonel', 'Mrs', 'Professor').

    Not the religious titles and honorifics of the lists' Arabic, Persian and Afghan
    names ('Haji', 'Sheikh', 'Mullah'): there they are as often a surname ('HAJI, Ali
    Khatib', 'SHEIKH, Mohammad Nayeem'), and set aside they made another person's
    fuller name out of the rest.
    """
    # The list rigour's public remove_person_prefixes is built on (its docstring names
    # it); the words are needed one by one, which that function does not give. rigour is
    # pinned below 3 in pyproject.toml, and test_matching_classes fails if it moves.
    from rigour._core import person_name_prefixes_list  # only when matching runs

    words = {fold(p).strip(".") for p in person_name_prefixes_list() if " " not in p.strip()}
    return frozenset(w for w in words if w.isalpha())


def _named_apart(pairs: Sequence[tuple[str, str, float]]) -> bool:
    """Whether two names agree on two distinctive words or more: enough of a person's name
    for a title beside it to be set aside ('ZUMAR, Colonel Abbud' / 'AL-ZUMAR, Abbud'),
    not a title and one name ('Queen Rania' is not every 'RANIA')."""
    return sum(1 for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b)) >= 2


APART_MIN_RATIO = 0.75
"""How alike, in the loose reading, the one word two names spell apart must be..."""
APART_CLOSE = 0.8
"""...unless a single letter apart in it ('Daha'/'Daya', 'Fazi'/'Fari' are 0.75)."""
APART_MIN_LENGTH = 4
"""...and how long: a syllable of a Korean or Chinese name spelt apart is another name."""


def _article_free(word: str) -> str:
    """A word without an Arabic article written onto it (:func:`written_article`)."""
    return written_article(word) or word


def qaf_reading(word: str) -> str:
    """A word with 'q' written 'gh': Persian qaf and ghayn are one sound, written either
    way ('Qolamshahi'/'Gholamshahi', 'Qolizadeh'/'Gholizadeh', 'Eqtesad'/'Eghtesad'), and
    Gulf and Libyan Arabic say qaf 'g' ('Saqar'/'Sagar', 'Qadhafi'/'Gaddafi'). The loose
    reading (:func:`~monitor.watchlists.tokens.loose_sounds`) then reads both 'g'.

    For the rules that pair one word spelt apart beside others that agree
    (:func:`apart_similarity`, :func:`_loosely_a_letter_apart`), and only when one of the
    two words has a 'q' and the other none: read so on its own it would make 'Bashiq'
    'Basij'."""
    return word.replace("q", "gh")


def _qaf_apart(a: str, b: str) -> bool:
    """Whether one word has a 'q' and the other none (:func:`qaf_reading`)."""
    return ("q" in a) != ("q" in b)


def apart_similarity(a: str, b: str) -> float:
    """How alike two words are in the loose reading
    (:func:`~monitor.watchlists.tokens.loose_sounds`), an Arabic article written onto
    either left out, or 'q' read as 'gh' in one of them (:func:`qaf_reading`): 'Kuach'/'Kuac'
    0.75, 'Tantoush'/'Tantouche' 0.92, 'Alsharekh'/'Sharikh' 1.0, 'Nafir'/'Nasir' 0.8,
    'Qolamshahi'/'Gholamshahi' 1.0; 0 when they are further apart than one letter and less
    than ``APART_CLOSE`` alike ('Alighadeer'/'Alizaheer' 0.75, 'Hassan'/'Hossein' 0.6),
    when one has two letters more than the other ('Juan'/'Julian',
    'Domingo'/'Dominguez'), or when they begin with another sound: a name spelt apart
    keeps its first one, another name need not ('THET, Naing Win' and 'WIN, Thet
    Khaing' are two SDN entries)."""
    if not (a.isalpha() and b.isalpha()):
        return 0.0
    best = 0.0
    readings = [(a, b), (_article_free(a), _article_free(b))]
    if _qaf_apart(a, b):
        readings.append((qaf_reading(a), qaf_reading(b)))
    for x, y in readings:
        x, y = loose_sounds(x), loose_sounds(y)
        if abs(len(x) - len(y)) > 1 or x[:1] != y[:1]:
            continue  # 'Juan' and 'Julian', 'Jafari' and 'Safari', 'Samer' and 'Amer
        ratio = fuzz.ratio(x, y) / 100
        if ratio >= APART_CLOSE or Levenshtein.distance(x, y, score_cutoff=1) <= 1:
            best = max(best, ratio)
    return best


def _pair_spelt_apart(
    forms: tuple[NameForm, NameForm],
    watched: Sequence[str],
    listed: Sequence[str],
    pairs: list[tuple[str, str, float]],
    frequent: frozenset[str],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the one word two names spell apart when every other word is the same.

    'KUACH, Gregory Deng' / 'KUAC, Gregory Deng', 'SAYYED AL-HOSEINI, Akbar' / 'SAYED
    ALHOSSEINI, Akbar', 'AL-SAHRAOUI, Adnan Abu Walid' / 'AL-SAHRAWI, Adnan Abu Walid': a
    transliteration or a typo too far for a word on its own is, beside a name that
    agrees, the same word. Only when:

    * the names share two distinctive words or more, each the same word or a
      transliteration (:data:`VARIANT` or more), one of them telling: neither a
      common part of people's names ('Mohammad', 'Ali') nor frequent on the list;
    * exactly one distinctive word of each name is left over (unpaired or paired
      loosely), four letters at least, and the two are alike in the loose reading
      (:func:`apart_similarity`, ``APART_MIN_RATIO``), or a letter apart
      (:func:`~monitor.watchlists.name_parts.one_letter_apart`, counting
      :data:`ONE_LETTER`), not both common names ('Hassan' and 'Hossein' are two names).

    The pair counts for that likeness, so the score still falls with each word (a
    three-word name spelt apart on one word at 0.75 scores 0.92); from ``APART_CLOSE``
    it counts :data:`VARIANT`, as a transliteration does: 'SHEHADEH, Rafik' /
    'SHIHADAH, Rafiq' (0.83 alike) scores 0.92 as two words transliterated do, where
    0.875 left it below the threshold beside the transliterated 'Rafiq'. A person's
    two-word name shares one word: a surname and a given name
    alone are enough for a letter apart when the surname agrees (:func:`_surname_agrees`:
    'DALA, Ghiath' / 'DALA, Ghayth') or, longer, the given name (:func:`_surname_apart`);
    for a word read loosely (``APART_CLOSE`` alike: 'DOCRATE, Junaid' / 'DOCKRAT, Junaid',
    'CHAFFORI, Petit' / 'CHAPORI, Petit') only when both names show which word is the
    surname and the words pair part for part (:func:`_same_parts`). When every word
    shared is a common part of people's names: :func:`_pair_common_apart`. Two common
    names left over are one spelt apart only when long and a letter apart in the loose
    reading (:func:`_common_spelt_apart`: 'RAGAB, Abdullah' / 'RAJAB, Abdallah'). With
    more words left over, as many in each name, all spelt apart part for part pair
    (:func:`_pair_each_apart`); otherwise those a letter apart pair and the rest is a
    fuller name or another (:func:`_pair_letter_apart`).

    When a person's names have one distinctive word each and the rest the same ('Abu'
    is none), that word is judged alone: :func:`_pair_only_word_apart`.

    Organisations: beside two firm words the one word left over pairs as above, or as a
    word cut short (:func:`cut_short`: 'AL-AQSA SPANM I STIFTELSE' / 'AL-AQSA SPANMAL
    STIFTELSE'); beside one telling word, closer spellings only
    (:func:`_pair_organisation_apart`).
    """
    firm = [
        (a, b, s) for a, b, s in pairs if s >= VARIANT and is_distinctive(a) and is_distinctive(b)
    ]
    telling = [(a, b) for a, b, _ in firm if _telling(a, b, frequent)]
    person = forms[1].person
    if not telling:
        if person and firm:
            return _pair_common_apart(forms, firm, pairs, watched, listed)
        if person:
            return _pair_only_word_apart(pairs, watched, listed)
        return _pair_beside_common_words(watched, listed, pairs)
    one_word = len(firm) < MIN_SHARED_PERSON
    if one_word and not person:
        return _pair_organisation_apart(watched, listed, pairs, firm)
    kept, odd_w, odd_l = _left_over(pairs, firm, watched, listed)
    if person and (short := _pair_short_forms(forms, telling, kept, pairs, odd_w, odd_l)):
        return short
    if len(odd_w) != 1 or len(odd_l) != 1:
        if person and (every := _pair_each_apart(forms, telling, odd_w, odd_l)):
            return [*kept, *every], tuple((a, b) for a, b, _ in every)
        if person and (not one_word or _surname_agrees(forms, telling)):
            return _pair_letter_apart(kept, pairs, odd_w, odd_l)
        return pairs, ()
    a, b = odd_w[0], odd_l[0]
    if min(len(a), len(b)) < APART_MIN_LENGTH:
        return pairs, ()  # Korean syllables: 'KIM, Sou-kwang' is not 'KIM, Kwang Chun'
    if (
        common_person_word(a)
        and common_person_word(b)
        and not _common_spelt_apart(a, b, COMMON_APART_LENGTH - (0 if one_word else 1))
    ):
        return pairs, ()  # 'Hassan' and 'Hossein' are two names
    if one_word and not (_surname_agrees(forms, telling) or _surname_apart(telling, a, b)):
        return pairs, ()
    loose = apart_similarity(a, b)
    likeness = VARIANT if loose >= APART_CLOSE else loose
    if not person and (cut_short(a, b) or vowels_apart(a, b)):
        # 'AL-AQSA SPANM I STIFTELSE' / 'AL-AQSA SPANMAL STIFTELSE', 'BASHARA' / 'BOSHRA'
        likeness = VARIANT
    if len(firm) < MIN_SHARED_PERSON and (
        likeness < APART_CLOSE or not _same_parts(forms, [*telling, (a, b)])
    ):
        likeness = 0.0
    if likeness < ONE_LETTER and one_letter_apart(a, b):
        likeness = ONE_LETTER
    before = next((s for x, y, s in pairs if (x, y) == (a, b)), 0.0)
    if likeness < APART_MIN_RATIO or likeness <= before:
        return pairs, ()
    return [*kept, (a, b, likeness)], ((a, b),)


def _pair_each_apart(
    forms: tuple[NameForm, NameForm],
    telling: list[tuple[str, str]],
    odd_w: Sequence[str],
    odd_l: Sequence[str],
) -> list[tuple[str, str, float]]:
    """Beside a telling word that agrees, pair every word left over in either person's
    name, as many in each, with one spelt apart (``APART_CLOSE`` alike in the loose reading,
    four letters at least, not both common names), each counting :data:`VARIANT`, when
    both names show their surname and every pair is of the same part ('GUMAN LOERAL,
    Joaquin' / 'GUZMAN LOERA, Joaquin'); [] otherwise."""
    if len(odd_w) != len(odd_l):
        return []
    found: list[tuple[str, str, float]] = []
    used: set[str] = set()
    for a in odd_w:
        b = next(
            (
                b
                for b in odd_l
                if b not in used
                and min(len(a), len(b)) >= APART_MIN_LENGTH
                and not (common_person_word(a) and common_person_word(b))
                and apart_similarity(a, b) >= APART_CLOSE
            ),
            "",
        )
        if not b:
            return []
        found.append((a, b, VARIANT))
        used.add(b)
    if not _same_parts(forms, [*telling, *((a, b) for a, b, _ in found)]):
        return []
    return found


COMMON_APART_LENGTH = 6
"""Letters two common names must have for one to be the other spelt apart beside one word
that agrees: 'Abdullah' and 'Abdallah' are one name, 'Hamid' and 'Hamad' two; beside two
words or more, a letter less ('ZLEITNI, Abdel-Hafez' / 'ZLITNI, Abdul Hafiz')."""


def _common_spelt_apart(a: str, b: str, length: int = COMMON_APART_LENGTH) -> bool:
    """Whether two common parts of people's names are one name spelt apart: ``length``
    letters at least, ``APART_CLOSE`` alike and a letter apart in the loose reading
    (:func:`_loosely_a_letter_apart`): 'Abdullah'/'Abdallah' ('RAGAB, Abdullah' / 'RAJAB,
    Abdallah'), where 'Hassan'/'Hossein' are two names."""
    return (
        min(len(a), len(b)) >= length
        and apart_similarity(a, b) >= APART_CLOSE
        and _loosely_a_letter_apart(a, b)
    )


def _pair_letter_apart(
    kept: list[tuple[str, str, float]],
    pairs: list[tuple[str, str, float]],
    odd_w: Sequence[str],
    odd_l: Sequence[str],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Beside two words of a person's name that agree, one telling, or a surname that
    agrees, pair the words of the rest a letter apart
    (:func:`~monitor.watchlists.name_parts.one_letter_apart`), not both common names;
    the words left are then a fuller or shorter name, or another ('MEJIA MAGNANI, Jhon'
    / 'MEJIA MAGNANI, John Yvan', 'ZDRYLYUK, Serhiy' / 'ZDRILIUK, Serhii
    Anatoliyovych')."""
    found: list[tuple[str, str, float]] = []
    used: set[str] = set()
    for a in odd_w:
        for b in odd_l:
            if b in used or (common_person_word(a) and common_person_word(b)):
                continue
            if one_letter_apart(a, b):
                found.append((a, b, ONE_LETTER))
                used.add(b)
                break
    if not found:
        return pairs, ()
    paired = {a for a, _, _ in found} | used
    rest = [p for p in pairs if p not in kept and p[0] not in paired and p[1] not in paired]
    return [*kept, *rest, *found], tuple((a, b) for a, b, _ in found)


def _pair_short_forms(
    forms: tuple[NameForm, NameForm],
    telling: list[tuple[str, str]],
    kept: list[tuple[str, str, float]],
    pairs: list[tuple[str, str, float]],
    odd_w: Sequence[str],
    odd_l: Sequence[str],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]] | None:
    """Pair the words left over in two persons' names that are one name written short
    (:func:`~monitor.watchlists.short_forms.short_form`), each counting :data:`ONE_LETTER`
    as a given name a letter apart does: 'KRIVORUCHKO, Alex' / 'KRIVORUCHKO, Aleksey',
    'SHUSHANASHVILI, Kakha' / 'SHUSHANASHVILI, Kakhaber Pavlovich' (then a fuller name),
    'VILLA DIAZ, Oscar Domingo' / 'Oscar Dominguez'. None when no such pair is found.

    Beside one telling word, that word is the surname of both names and the short form a
    given name of both (:func:`_short_given_name`): a family shares its surname, and a
    given name cut short beside another family's surname, or a surname cut short
    ('KALASH' / 'KALASHOV', 'Ivan' / 'Ivanov'), is as likely another person's."""
    found: list[tuple[str, str, float]] = []
    used: set[str] = set()
    for a in odd_w:
        left = [b for b in odd_l if b not in used]
        if b := next((b for b in left if _short_given_name(forms, telling, a, b)), ""):
            found.append((a, b, ONE_LETTER))
            used.add(b)
    if not found:
        return None
    paired = {a for a, _, _ in found} | used
    rest = [p for p in pairs if p not in kept and p[0] not in paired and p[1] not in paired]
    return [*kept, *rest, *found], tuple((a, b) for a, b, _ in found)


def _short_given_name(
    forms: tuple[NameForm, NameForm], telling: list[tuple[str, str]], a: str, b: str
) -> bool:
    """Whether ``a`` and ``b`` may be read as one name written short in two persons' names
    that share ``telling`` words: a short form, not of a common part of people's names (a
    common name is a name of its own: 'Amin' is not 'Aminullah', 'Hamid' not
    'Hamidullah'); beside one telling word only, that word the surname of both names and
    the short form a given name of both (:func:`~monitor.watchlists.name_parts.
    surname_words`)."""
    if not short_form(a, b) or common_person_word(min(a, b, key=len)):
        return False
    if len(telling) >= MIN_SHARED_PERSON:
        return True
    mine, theirs = surname_words(forms[0].original), surname_words(forms[1].original)
    if not (mine and theirs) or a in mine or b in theirs:
        return False
    return all(x in mine and y in theirs for x, y in telling)


COMMON_APART_SHARED = 2
"""Common parts of people's names ('Abd', 'Rahim', 'Adnan', 'Walid') two persons' names must
share for the one word left over in each to be read loosely as one spelling; beside one
such word alone the word left over must be the surname, a letter apart in the loose reading
(:func:`_pair_common_apart`)."""


def _pair_common_apart(
    forms: tuple[NameForm, NameForm],
    firm: list[tuple[str, str, float]],
    pairs: list[tuple[str, str, float]],
    watched: Sequence[str],
    listed: Sequence[str],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the one word two persons' names spell apart when the words they share are all
    common parts of people's names (:data:`~monitor.watchlists.words.COMMON_PERSON_WORDS`),
    which :func:`_pair_spelt_apart`
    alone does not rest on: 'AL-TALHI, Abd al-Rahim' / 'AL TAHLI, Abd Al-Rahim',
    'AL-SAHRAOUI, Adnan Abu Walid' / 'AL-SAHRAWI, Adnan Abu Walid', 'ESAH, Wali Adam' /
    'ISAH, Wali Adam'.

    Every other distinctive word of both names must agree (as written or transliterated),
    and the two words left over must not be common names themselves ('Hassan' and
    'Hossein' are two names). With two common words shared or more, the two are
    :func:`apart_similarity` ``APART_MIN_RATIO`` alike, as when a telling word is shared.
    Beside one common name alone ('KASSIR, Ali' / 'QASIR, Ali', 'MOQISEH, Mohammad' /
    'MOGHISSEH, Mohammad'), far more names are a letter or two apart from each other
    ('ASSIRI, Ahmed' / 'VAZIRI, Ahmed'), so the word is the surname in both names
    (:func:`_same_parts`), five letters at least, ``APART_CLOSE`` alike and a letter apart
    in the loose reading (:func:`_loosely_a_letter_apart`): 'AHSAN, Muhammad' and
    'AKHWAN, Muhammad' are two SDN entries.
    """
    kept, odd_w, odd_l = _left_over(pairs, firm, watched, listed)
    if len(odd_w) != 1 or len(odd_l) != 1:
        return pairs, ()
    a, b = odd_w[0], odd_l[0]
    if min(len(a), len(b)) < APART_MIN_LENGTH:
        return pairs, ()
    if (common_person_word(a) or common_person_word(b)) and not _common_left_apart(firm, a, b):
        return pairs, ()
    loose = apart_similarity(a, b)
    likeness = VARIANT if loose >= APART_CLOSE else loose
    if len(firm) < COMMON_APART_SHARED:
        shown = [(x, y) for x, y, _ in firm] + [(a, b)]
        if min(len(a), len(b)) < SURNAME_APART_LENGTH or not _same_parts(forms, shown):
            return pairs, ()
        if likeness < APART_CLOSE or not _loosely_a_letter_apart(a, b):
            likeness = ONE_LETTER if _surname_a_letter_apart(forms, a, b) else 0.0
    before = next((s for x, y, s in pairs if (x, y) == (a, b)), 0.0)
    if likeness < APART_MIN_RATIO or likeness <= before:
        return pairs, ()
    return [*kept, (a, b, likeness)], ((a, b),)


def _common_left_apart(firm: Sequence[tuple[str, str, float]], a: str, b: str) -> bool:
    """Whether a common name left over beside common names that agree is one spelt apart:
    beside two of them at least (:data:`COMMON_APART_SHARED`), long and a letter apart in the
    loose reading (:func:`_common_spelt_apart`, as beside a telling word): 'QADHAFI,
    Mohammed Muammar' / 'GADHAFFI, Mohammad Moammar' (one SDN entry's names). Beside one
    common name, or with 'Hassan' and 'Hossein' left over, never."""
    return len(firm) >= COMMON_APART_SHARED and _common_spelt_apart(a, b, COMMON_APART_LENGTH - 1)


def _surname_a_letter_apart(forms: tuple[NameForm, NameForm], a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are the watched and the listed surname, a letter apart as
    written (:func:`~monitor.watchlists.name_parts.one_letter_apart`), neither the other
    with letters added at its end: 'TVITO, Daniel' / 'TUITO, Daniel', 'MPANO, Douglas' /
    'MPAMO, Douglas' beside a common given name that agrees ('Uzbek' and 'Uzbeki' name
    other families)."""
    return (
        a in surname_words(forms[0].original)
        and b in surname_words(forms[1].original)
        and not (a.startswith(b) or b.startswith(a))
        and one_letter_apart(a, b)
    )


ONE_LETTER = 0.88
"""How a given name a letter apart (:func:`~monitor.watchlists.name_parts.one_letter_apart`)
counts beside a surname that agrees: 'DALA, Ghiath' / 'DALA, Ghayth' scores 0.94, and
0.90 beside a surname transliterated ('ELMABRUK, Mustah' / 'AL MABROOK, Muftah')."""
SURNAME_MIN_LENGTH = 4


def _telling(a: str, b: str, frequent: frozenset[str]) -> bool:
    """A pair of words a name can be told by: neither a common part of people's names
    ('Mohammad', 'Ali') nor frequent on the list."""
    return not (common_person_word(a) or common_person_word(b) or a in frequent or b in frequent)


def _surname_agrees(forms: tuple[NameForm, NameForm], telling: list[tuple[str, str]]) -> bool:
    """Whether the one telling word two names share is a surname: four letters at least,
    and the surname of either name (:func:`~monitor.watchlists.name_parts.surname_words`)
    when either shows which words that is ('KRUNIC, Savko' / 'KRUNIC, Savo'; 'ABIB,
    Soussou' / 'SOUSSOU, Habib'). A given name that agrees beside a surname a letter
    apart is weaker evidence (a family shares its surname, people share given names):
    :func:`_surname_apart`."""
    watched, listed = forms
    mine, theirs = surname_words(watched.original), surname_words(listed.original)
    return any(
        min(len(a), len(b)) >= SURNAME_MIN_LENGTH
        and (a in mine or b in theirs or not (mine or theirs))
        for a, b in telling
    )


SURNAME_APART_LENGTH = 5


def _loosely_a_letter_apart(a: str, b: str) -> bool:
    """Whether two words are a letter apart in the loose reading
    (:func:`~monitor.watchlists.tokens.loose_sounds`): 'jililati'/'jleilati', 'moqiseh'/
    'moghisseh' ('mukisi'/'mugisi'). Not when one is the other with letters added at the
    end ('Vaziri'/'Wazir', 'Atari'/'Atar' name other families), and below
    ``LONG_CONSONANT_APART`` letters a changed letter is a vowel: 'Qansu'/'Canko' ('kansu'/
    'kanku') and 'Ahsan'/'Akhwan' are other names. A 'q' in one word alone is read 'gh'
    (:func:`qaf_reading`: 'Saqar'/'Sagar')."""
    if _qaf_apart(a, b):
        a, b = qaf_reading(a), qaf_reading(b)
    x, y = loose_sounds(a), loose_sounds(b)
    if x.startswith(y) or y.startswith(x):
        return x == y
    if Levenshtein.distance(x, y, score_cutoff=1) > 1:
        return False
    if len(x) != len(y) or min(len(a), len(b)) >= LONG_CONSONANT_APART:
        return True
    return all(c == d or {c, d} <= VOWELS for c, d in zip(x, y, strict=True))


LONG_CONSONANT_APART = 6
"""From six letters a consonant changed in the loose reading may still be one surname."""


def _same_parts(forms: tuple[NameForm, NameForm], words: list[tuple[str, str]]) -> bool:
    """Whether both names show their surname (:func:`~monitor.watchlists.name_parts.
    surname_words`: 'SURNAME, Given' or 'Given SURNAME') and each pair of ``words`` is of the
    same part in both: surname with surname, given name with given name. 'DOCRATE, Junaid'
    / 'DOCKRAT, Junaid' are; 'SUTHIT, Samsaeng' / 'SAMSAENG, Suthep' and 'CHEYO ANTRAX' /
    'CHINO ANTRAX' (no parts shown) are not: a name loosely alike in another part is as
    likely another person's."""
    mine, theirs = surname_words(forms[0].original), surname_words(forms[1].original)
    return bool(mine and theirs) and all((a in mine) == (b in theirs) for a, b in words)


def _surname_apart(telling: list[tuple[str, str]], a: str, b: str) -> bool:
    """Whether a given name that agrees may stand beside a surname a letter apart ('TVITO,
    Daniel' / 'TUITO, Daniel', 'MAYALA, Adib' / 'MAYALEH, Adib'): weaker evidence than
    the other way round, so the given name and the surnames are five letters at least
    ('CENG, Guowei' / 'ZENG, Guowei' begin with other sounds anyway), and neither
    surname is the other with letters added at its end: 'Ahmad' and 'Ahmadi',
    'Uzbek' and 'Uzbeki' name other families."""
    if min(len(a), len(b)) < SURNAME_APART_LENGTH or a.startswith(b) or b.startswith(a):
        return False
    return any(min(len(x), len(y)) >= SURNAME_APART_LENGTH for x, y in telling)


ACRONYM = 0.92
"""The score of an organisation's name against its initials: as two spellings of one word."""


def _acronym(watched: NameForm, listed: NameForm) -> NameScore | None:
    """An organisation written as its initials on one side: 'ISGS' for 'ISIS IN THE GREATER
    SAHARA' (:func:`~monitor.watchlists.tokens.acronyms`: four words and letters at least).

    The one word must be a telling one ('Bank' is no acronym), and neither name a
    listed person's: people's initials are no name.
    """
    if listed.person:
        return None
    for one, many, watched_short in ((watched, listed, True), (listed, watched, False)):
        if len(one.tokens) != 1 or len(many.tokens) < 2:
            continue
        word = one.tokens[0]
        if is_distinctive(word) and word in many.acronyms:
            initials = "initials of the listed name" if watched_short else "initials of it"
            why = (word, " ".join(many.tokens), ACRONYM)
            pair = why if watched_short else (why[1], word, ACRONYM)
            return NameScore(ACRONYM, (pair,), (), (), f"acronym: {initials}")
    return None


BLEND = ACRONYM
"""The score of an organisation's name against the one word blended from its words'
beginnings (:mod:`monitor.watchlists.blends`): as its initials."""


def blend(watched: NameForm, listed: NameForm) -> NameScore | None:
    """An organisation written as one word blended from its words on one side: 'COLCERDOS'
    for 'COLOMBIANA DE CERDOS', 'KHAYBARCO' for 'KHAYBAR COMPANY'
    (:func:`~monitor.watchlists.blends.blended`). Never a listed person's name, nor a
    name written 'SURNAME, Given names' on either side: people's names are no blends."""
    if listed.person or "," in watched.original or "," in listed.original:
        return None
    for one, many, watched_short in ((watched, listed, True), (listed, watched, False)):
        if len(one.tokens) != 1 or not is_distinctive(word := one.tokens[0]):
            continue
        if blended(word, many.original, many.token_set):
            why = (word, " ".join(many.tokens), BLEND)
            pair = why if watched_short else (why[1], word, BLEND)
            side = "watched" if watched_short else "listed"
            return NameScore(BLEND, (pair,), (), (), f"blend: {side}")
    return None


def _common_words_only(
    watched: NameForm, listed: NameForm, frequent: frozenset[str]
) -> NameScore | None:
    """A watched name of common words only: the same words ('DEFENCE INDUSTRIES
    ORGANISATION' is 'DEFENSE ... ORGANIZATION'), or for an organisation's name, the other
    with a place or a common word more (:mod:`monitor.watchlists.generic_names`)."""
    if listed.person:
        if common_key(watched.tokens) != common_key(listed.tokens):
            return None
        return NameScore(1.0, tuple((t, t, 1.0) for t in watched.tokens), (), ())
    found = generic_match(watched, listed, frequent)
    if found is None:
        return None
    if found.contained == "generic watched":  # the words left over are the watched name's
        return NameScore(found.score, found.pairs, found.extra, (), found.contained)
    return NameScore(found.score, found.pairs, (), found.extra, found.contained)


def score_names(
    watched: NameForm, listed: NameForm, frequent: frozenset[str] = frozenset()
) -> NameScore | None:
    """The score of a listed name for a watched name, or None when they share no telling word.

    ``frequent``: words many entries of the list share
    (:class:`~monitor.watchlists.rarity.WordRarity`); a match resting on one of
    them alone is none, unless the two names have the same words.

    When the listed name is a person's (``listed.person``), a fuller name of a person
    must then share two distinctive words with the watched one (a surname
    alone is not a person); a company's fuller name is a subsidiary or branch,
    found from one word. Either's watched name may be the fuller one, sharing
    two distinctive words.
    """
    w, lst = watched.tokens, listed.tokens
    if (acronym := _acronym(watched, listed)) is not None:
        return acronym
    if (blended_name := blend(watched, listed)) is not None:
        return blended_name
    if watched.joined & listed.token_set or listed.joined & watched.token_set:
        w = merge_runs(w, set(lst))
        lst = merge_runs(lst, set(w))
    if not any(is_distinctive(t) for t in w):
        return _common_words_only(watched, listed, frequent)
    pairs = _anchored(_align(w, lst, listed.person), w, lst, listed.person)
    if listed.person and not watched.company:  # 'A AND M MAHAR COMPANY' has no initials
        pairs = _pair_initials(w, lst, pairs)
    pairs, consonants = _pair_consonants((watched, listed), w, lst, pairs, frequent)
    if not any(is_distinctive(a) and is_distinctive(b) for a, b, _ in pairs):
        return None  # a match never rests on common words alone, nor on a typo of one
    pairs, apart = _pair_spelt_apart((watched, listed), w, lst, pairs, frequent)
    apart = consonants + apart
    if not listed.person and _stem_only(pairs) and not _same_but_stem(pairs, w, lst):
        return None  # a word of one stem is no name to rest on alone: 'EXPLORER', 'EXPLORATION'
    # A watched word paired with a common word ('Tradig' ~ 'trading') weighs as a common word.
    paired_weights = [min(weight(a), weight(b)) for a, b, _ in pairs]
    found = sum(pw * s for pw, (_, _, s) in zip(paired_weights, pairs, strict=True))
    paired_w = {a for a, _, _ in pairs}
    paired_l = {b for _, b, _ in pairs}
    # The Arabic article ('Abu al Banat' / 'Abu Banat') is written or left out at will, as
    # are the connectors of Persian and Urdu names ('Jaish-e-Mohammed', 'Jaish-i-Mohammed').
    connectors = ARABIC_ARTICLES if listed.person else ARABIC_ARTICLES | CONNECTORS
    unpaired = [t for t in w if t not in paired_w and t not in connectors]
    titles: tuple[str, ...] = ()
    if listed.person and _named_apart(pairs):
        # 'HAQQANI, Dr. Naseer' is 'HAQQANI, Naseer': a title the list leaves out
        titles = tuple(t for t in unpaired if t in person_titles())
        unpaired = [t for t in unpaired if t not in titles]
    if listed.person and (honorific := leading_honorific(watched.original)) in unpaired:
        titles, unpaired = (*titles, honorific), [t for t in unpaired if t != honorific]
    recall = found / (sum(paired_weights) + sum(weight(t) for t in unpaired))
    extra = tuple(t for t in lst if t not in paired_l and is_distinctive(t))
    matched = sum(1 for b in paired_l if is_distinctive(b)) or 1
    penalty = EXTRA_WORD_PENALTY * len(extra) / (len(extra) + matched)
    missing = tuple(unpaired)
    score, contained = recall * (1 - penalty), ""
    fuller = (
        extra
        and not missing
        and _fuller_listed(_named(lst, listed, paired_l), pairs, listed.person)
    )
    if fuller and min(recall, CONTAINED) > score:
        score, contained = min(recall, CONTAINED), "listed"
    if extra and not missing and not contained:
        flipped = [(b, a, s) for a, b, s in pairs]  # 'UNIPAPEL S.A. BOLSAS DE PAPEL' listed
        if described_company(listed, watched, flipped, extra, frequent) and (
            min(recall, CONTAINED) > score
        ):
            score, contained = min(recall, CONTAINED), "described listed"
    if missing and _fuller_watched(lst, pairs):
        # Every listed word found: the listed name's own recall is how much of it the watch has.
        covered = found / (sum(paired_weights) or 1)
        if min(covered, CONTAINED) > score:
            score = min(covered, CONTAINED)
            contained = "watched" if listed.person else "watched company"
    if missing and not contained:
        covered = min(found / (sum(paired_weights) or 1), CONTAINED)
        kind = _left_out_kind((watched, listed), lst, pairs, missing, frequent)
        if kind and covered > score:
            score, contained = covered, kind
    telling = [(a, b) for a, b, _ in pairs if is_distinctive(a) and is_distinctive(b)]
    if listed.person and watched.company and len(telling) < 2:
        # A company's name sharing one word with a person's is a coincidence of words, not
        # the person: 'RAHMA CHARITABLE ORGANIZATION' is not 'RAHMAH, Abu'. A company named
        # after its owner shares the owner's names ('... VARGAS GIRALDO S.A.S.').
        return None
    if len(telling) == 1 and ({*telling[0]} & frequent):
        # 'AL-SHAHID CORPORATION' is not every 'SHAHID ... INDUSTRIES', nor 'SHAHID FUND':
        # resting on a word many entries share, the names must have the same words.
        left = [t for t in lst if t not in paired_l and t not in ARABIC_ARTICLES | CONNECTORS]
        if missing or left:
            return None
    return NameScore(round(score, 4), tuple(pairs), missing, extra, contained, apart, titles)


def _left_out_kind(
    forms: tuple[NameForm, NameForm],
    lst: Sequence[str],
    pairs: Sequence[tuple[str, str, float]],
    missing: Sequence[str],
    frequent: frozenset[str],
) -> str:
    """Why an organisation's watched words left over (``missing``) may be left out, as the
    reason :class:`NameScore` gives, or '' when no rule reads them so: a generic word or a
    place ('CONGO FUTUR IMPORT' / 'CONGO FUTUR'), the word for the kind of body translated
    ('ORGANIZATION' for 'COMMITTEE'), the legal form and a description of the trade
    ('UNIPAPEL S.A. BOLSAS DE PAPEL'). The first rule that applies names it; each is
    scored alike, by how much of the listed name the watch has."""
    watched, listed = forms
    if _generic_dropped(listed, lst, pairs, missing, frequent):
        return "watched company"
    if bodies_swapped(listed, lst, pairs, missing, frequent):
        return "bodies"
    if described_company(watched, listed, pairs, missing, frequent):
        return "described"
    return ""


def could_pair(a: str, b: str) -> bool:
    """Whether :func:`score_names` could pair these two words of a person's name by any of
    its rules: equal or alike (:func:`word_similarity`), one Cyrillic name or Korean
    syllable romanised two ways (:func:`romanised_apart`), a letter apart
    (:func:`~monitor.watchlists.name_parts.one_letter_apart`) or spelt apart
    (:func:`apart_similarity`) or one by their consonants (:func:`consonants_alike`).

    The index (:mod:`monitor.watchlists.matching`) asks it before scoring a watched name
    that reaches the threshold only if its one word not found is a letter apart: when
    that word pairs with no listed word, the name scores no more than its words found.
    A rule that pairs words of persons' names another way must be added here, or the
    index skips names that rule would match (``tests/watchlists/test_screening_bound.py``
    checks every pair scored on real names).

    First the cheap test every rule implies (:func:`may_be_alike`): of the 315,000
    word pairs the 2,000 x 5,000 screening benchmark asks, it leaves 7,800 to the rules,
    which pair 463.
    """
    return may_be_alike(a, b) and _pairs_by_a_rule(a, b)


@lru_cache(maxsize=50_000)
def _pairs_by_a_rule(a: str, b: str) -> bool:
    """The rules :func:`could_pair` names, run one by one. Cached: pairs asked recur."""
    return (
        one_letter_apart(a, b)
        or romanised_apart(a, b)
        or apart_similarity(a, b) >= APART_MIN_RATIO
        or word_similarity(a, b) > 0
        or consonants_alike(a, b, final_vowel=True)
        or short_form(a, b)
    )


@dataclass(frozen=True, slots=True)
class _Readings:
    """What :func:`may_be_alike` compares of a word, read once per word."""

    alpha: bool  # letters only
    long: bool  # letters only, four at least (a letter apart, sounding alike)
    sounds: str
    loose: str
    loose_bare: str  # the loose reading without an Arabic article written onto the word
    loose_qaf: str  # the loose reading of the word with 'q' written 'gh' (qaf_reading)
    bare: str  # the word without that article, or ''
    cyrillic: str
    korean: str
    number: int | None
    consonants: str  # consonant_key without a closing vowel, letters only


@lru_cache(maxsize=100_000)
def _readings(word: str) -> _Readings:
    alpha = word.isalpha()
    return _Readings(
        alpha=alpha,
        long=alpha and len(word) >= ONE_LETTER_MIN_LENGTH,
        sounds=sounds(word),
        loose=loose_sounds(word),
        loose_bare=loose_sounds(_article_free(word)),
        loose_qaf=loose_sounds(qaf_reading(word)),
        bare=written_article(word),
        cyrillic=cyrillic_reading(word),
        korean=korean_reading(word),
        number=ordinal(word),
        consonants=consonant_key(word).rstrip("-") if alpha else "",
    )


_SLACK = 0.01
"""Below each rule's own gate: the rules compare ratios divided by 100 or as written, and
ratios of words are multiples of 100/n (n at most a few dozen letters), so this margin only
keeps rounding from making the test stricter than a rule."""


def may_be_alike(a: str, b: str) -> bool:
    """A necessary condition for :func:`could_pair`, a few comparisons of cached readings
    where the rules cost dozens: every rule implies one of these, so False here is False
    there (``tests/watchlists/test_pair_prefilter.py`` checks it on every word pair of real
    names). Almost every pair the index asks is two names, rejected here.

    * equal words;
    * as written, a rapidfuzz ratio of ``LOOSE_MIN_RATIO`` (65) or more: a
      transliteration (75), a loose variant (65), a typo (one edit in five letters or
      more, two in nine: 77 or more), a letter apart as written (one edit, four letters
      at least: 75) or an initial 'h' dropped (88);
    * the word without an Arabic article written onto it equal to the other, or 65
      alike (:func:`article_variant`: a transliteration or the loose reading of it);
    * letters only, a loose reading (:func:`~monitor.watchlists.tokens.loose_sounds`),
      an article written on aside or not, 'q' read as 'gh' or not (:func:`qaf_reading`),
      ``APART_MIN_RATIO`` alike
      (:func:`apart_similarity`; the same loose reading of :func:`~monitor.watchlists.
      name_parts.one_letter_apart` too);
    * letters only, four at least: read as they sound, ``SOUND_RATIO`` alike
      (:func:`sound_alike`), or as long as each other and beginning alike (two letters
      swapped in :func:`~monitor.watchlists.name_parts.one_letter_apart`);
    * one Cyrillic name or Korean syllable (:func:`romanised_apart`), one ordinal
      (:func:`word_similarity`);
    * letters only, one :func:`consonant_key`, a closing vowel aside
      (:func:`consonants_alike`).
    """
    if a == b:
        return True
    if fuzz.ratio(a, b, score_cutoff=LOOSE_MIN_RATIO - _SLACK):
        return True
    x, y = _readings(a), _readings(b)
    if (x.number is not None and x.number == y.number) or (
        (x.cyrillic and x.cyrillic == y.cyrillic) or (x.korean and x.korean == y.korean)
    ):
        return True
    for rest, other in ((x.bare, b), (y.bare, a)):
        if rest and (
            rest == other or fuzz.ratio(rest, other, score_cutoff=LOOSE_MIN_RATIO - _SLACK)
        ):
            return True
    if not (x.alpha and y.alpha):
        return False
    if x.consonants and x.consonants == y.consonants:
        return True  # consonants_alike
    if a[:3] == b[:3] and short_form(a, b):  # the first three letters alike: no call
        return True
    apart = APART_MIN_RATIO * 100 - _SLACK
    if fuzz.ratio(x.loose, y.loose, score_cutoff=apart) or x.loose == y.loose:
        return True
    if fuzz.ratio(x.loose_bare, y.loose_bare, score_cutoff=apart):
        return True
    if fuzz.ratio(x.loose_qaf, y.loose_qaf, score_cutoff=apart):
        return True
    if not (x.long and y.long):
        return False
    if len(x.sounds) == len(y.sounds) and x.sounds[:1] == y.sounds[:1]:
        return True
    return bool(fuzz.ratio(x.sounds, y.sounds, score_cutoff=SOUND_RATIO * 100 - _SLACK))


def _pair_organisation_apart(
    watched: Sequence[str],
    listed: Sequence[str],
    pairs: list[tuple[str, str, float]],
    firm: list[tuple[str, str, float]],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the one word two organisations' names spell apart when they share one telling
    word and nothing else distinctive is left over: 'ANCAR DINE' / 'ANSAR AL-DINE', 'SILSILET
    AL THAHAB' / 'SELSELAT AL THAHAB', 'WILAYAH QAWKAZ' / 'WILAYAT QAWQAZ', 'MODABERAN
    EGHTESAD' / 'MODABBERAN EQTESAD' (the same names on the SDN list).

    With one word to rest on, the word spelt apart is held closer than beside two: five
    letters at least, ``APART_CLOSE`` alike in the loose reading (:func:`apart_similarity`)
    and beginning with the same letter as written. The loose reading makes Arabic jim 'g',
    but 'JEMAAH ISLAMIYAH' (Indonesian) and 'GAMA'A AL-ISLAMIYYA' (Egyptian) are two
    groups; Korean 'Taedong' and 'Daesong' two banks' names."""
    kept, odd_w, odd_l = _left_over(pairs, firm, watched, listed)
    if len(odd_w) != 1 or len(odd_l) != 1:
        return pairs, ()
    a, b = odd_w[0], odd_l[0]
    if not _organisation_word_apart(a, b, pairs):
        return pairs, ()
    return [*kept, (a, b, VARIANT)], ((a, b),)


def _organisation_word_apart(a: str, b: str, pairs: list[tuple[str, str, float]]) -> bool:
    """Whether an organisation's word ``a`` is ``b`` spelt apart, held close: the same first
    letter as written, not paired as a variant already, and five letters at least,
    ``APART_CLOSE`` alike in the loose reading, or only its vowels written otherwise
    (:func:`vowels_apart`: 'NOOR HOLDING' / 'NOUR HOLDING', 'AJNAD MASR' / 'AJNAD MISR')."""
    if not a or not b or a[0] != b[0]:
        return False
    if not vowels_apart(a, b) and (
        min(len(a), len(b)) < ORGANISATION_APART_LENGTH or apart_similarity(a, b) < APART_CLOSE
    ):
        return False
    before = next((s for x, y, s in pairs if (x, y) == (a, b)), 0.0)
    return before < VARIANT


def _left_over(
    pairs: list[tuple[str, str, float]],
    firm: list[tuple[str, str, float]],
    watched: Sequence[str],
    listed: Sequence[str],
) -> tuple[list[tuple[str, str, float]], list[str], list[str]]:
    """The pairs kept beside firm ones (the firm pairs and those of common words), and the
    distinctive words of each name that none of them uses: the words the spelt-apart
    rules judge."""
    kept = [p for p in pairs if p in firm or not (is_distinctive(p[0]) and is_distinctive(p[1]))]
    used_w, used_l = {a for a, _, _ in kept}, {b for _, b, _ in kept}
    odd_w = [t for t in watched if is_distinctive(t) and t not in used_w]
    odd_l = [t for t in listed if is_distinctive(t) and t not in used_l]
    return kept, odd_w, odd_l


def _pair_beside_common_words(
    watched: Sequence[str], listed: Sequence[str], pairs: list[tuple[str, str, float]]
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the one distinctive word of two organisations' names spelt apart when every
    other word is the same in both, common words each ('ARVADA PETROLEUM' / 'ARFADA
    PETROLEUM', 'LEBANESE HEZBOLLAH' / 'LEBANESE HIZBALLAH': one SDN entry's names each):
    held as :func:`_pair_organisation_apart` holds a word beside one telling word (five
    letters at least, ``APART_CLOSE`` alike in the loose reading, the same first letter as
    written). A name of that one word alone is not read so ('MARIA' and 'MARAYA' are two
    vessels): the words that agree tie the two to one name."""
    odd_w = [t for t in watched if is_distinctive(t)]
    odd_l = [t for t in listed if is_distinctive(t)]
    if len(odd_w) != 1 or len(odd_l) != 1:
        return pairs, ()
    a, b = odd_w[0], odd_l[0]
    rest = set(watched) - {a}
    if not rest or rest != set(listed) - {b}:
        return pairs, ()
    if not _organisation_word_apart(a, b, pairs):
        return pairs, ()
    kept = [p for p in pairs if p[0] != a and p[1] != b]
    return [*kept, (a, b, VARIANT)], ((a, b),)


ORGANISATION_APART_LENGTH = 5
"""Letters the word two organisations' names spell apart must have when they share one
telling word only (:func:`_pair_organisation_apart`)."""

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
    ask (:func:`_organisation_word_apart`, :func:`_pair_spelt_apart`); 'KACH' and 'KOCH'
    are two organisations."""
    if min(len(a), len(b)) < VARIANT_MIN_LENGTH or consonant_key(a) != consonant_key(b):
        return False
    return consonants_alike(a, b) and fuzz.ratio(a, b) >= VOWELS_APART_RATIO


def _pair_only_word_apart(
    pairs: list[tuple[str, str, float]], watched: Sequence[str], listed: Sequence[str]
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the one distinctive word of two persons' names when it is spelt a letter apart
    and the rest of both names is the same: an alias of one word ('Kalume' / 'Karume',
    'Mukade' / 'Mukake', 'BIGARUKA' / 'BIGARURA') or a kunya ('THERAB, Abu' / 'THURAB,
    Abu': 'Abu' is no word to tell a person by), the SDN list's own spellings of one
    person. Not beside another word that agrees: :func:`_pair_spelt_apart` and
    :func:`_pair_common_apart` judge those.

    The word is five letters at least, ``APART_CLOSE`` alike and a letter apart in the
    loose reading (:func:`_loosely_a_letter_apart`), not a common name in both ('Hassan'
    and 'Hossein' are two names), and not the other with its last vowel changed: 'Patricia'
    and 'Patricio', 'Maria' and 'Mario' are a woman's and a man's names.
    """
    odd_w = [t for t in watched if is_distinctive(t)]
    odd_l = [t for t in listed if is_distinctive(t)]
    if len(odd_w) != 1 or len(odd_l) != 1:
        return pairs, ()
    a, b = odd_w[0], odd_l[0]
    if set(watched) - {a} != set(listed) - {b} or min(len(a), len(b)) < SURNAME_APART_LENGTH:
        return pairs, ()
    if common_person_word(a) or common_person_word(b):
        return pairs, ()
    if a[:-1] == b[:-1] and {a[-1], b[-1]} <= VOWELS:
        return pairs, ()
    if apart_similarity(a, b) < APART_CLOSE or not _loosely_a_letter_apart(a, b):
        return pairs, ()
    before = next((s for x, y, s in pairs if (x, y) == (a, b)), 0.0)
    if before >= VARIANT:
        return pairs, ()
    kept = [p for p in pairs if p[0] != a and p[1] != b]
    return [*kept, (a, b, VARIANT)], ((a, b),)


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
    for a surname beside a telling given name that agrees (:func:`_pair_consonants`)."""
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


def _pair_consonants(
    forms: tuple[NameForm, NameForm],
    watched: Sequence[str],
    listed: Sequence[str],
    pairs: list[tuple[str, str, float]],
    frequent: frozenset[str],
) -> tuple[list[tuple[str, str, float]], tuple[tuple[str, str], ...]]:
    """Pair the words of two persons' names that differ only in their vowels when both the
    surname and a given name agree so: 'AL-ZOMOR, Abboud' / 'AL-ZUMAR, Abbud', 'BADJI,
    Yankouba' / 'BADJIE, Yankuba', "AL-FAQIH, Sa'd" / 'AL FAQIH, Saad' (one SDN entry's
    names each). Beside a telling given name, a surname's closing vowel may differ too
    ('AL-UZBEK, Jaffar' / 'AL-UZBEKI, Jafar', 'AL-JADAWI, Saqar' / 'AL-JADDAW, Saqr').
    Each such pair counts :data:`VARIANT`, as a transliteration.

    Only when both names show their surname (:func:`~monitor.watchlists.name_parts.
    surname_words`) and each pair is of one part in both, a surname pair and a given-name
    pair among them (the same, transliterated, or alike by :func:`consonant_key`), both
    telling (no common part of people's names, not frequent on the list): a surname alike
    alone is another member of a family, a given name alike alone another person, and
    beside 'Muhammad' a surname alike by its consonants is anyone's ('FIAZ, Muhammad' /
    'FAIZ, Mohammed'). Every other telling word of both names must pair too (words left
    over are common names or titles): 'AL-DURI, Harith' is not 'AL-DARI, Muthanna Harith',
    his son. Beside a common given name written the same, only a surname a vowel apart as
    written, nothing left over: 'AL-KARD, Ahmad' / 'AL-KURD, Ahmad' (:func:`_vowels_only`,
    :func:`_surname_and_given`)."""
    watched_form, listed_form = forms
    if not listed_form.person:
        return pairs, ()
    mine, theirs = surname_words(watched_form.original), surname_words(listed_form.original)
    if not (mine and theirs):
        return pairs, ()
    firm = [p for p in pairs if p[2] >= VARIANT and is_distinctive(p[0]) and is_distinctive(p[1])]
    _, odd_w, odd_l = _left_over(pairs, firm, watched, listed)
    found: list[tuple[str, str, float]] = []
    for a in odd_w:
        b = next(
            (
                b
                for b in odd_l
                if (a in mine) == (b in theirs)
                and all(b != y for _, y, _ in found)
                and consonants_alike(a, b, final_vowel=a in mine)
            ),
            "",
        )
        if b:
            found.append((a, b, VARIANT))
    left = [t for t in odd_w if t not in {a for a, _, _ in found}]
    left += [t for t in odd_l if t not in {b for _, b, _ in found}]
    if not found or not _surname_and_given(mine, theirs, firm, found, frequent, left):
        return pairs, ()
    paired = {a for a, _, _ in found} | {b for _, b, _ in found}
    kept = [p for p in pairs if p[0] not in paired and p[1] not in paired]
    return [*kept, *found], tuple((a, b) for a, b, _ in found)


def _surname_and_given(
    mine: frozenset[str],
    theirs: frozenset[str],
    firm: Sequence[tuple[str, str, float]],
    found: Sequence[tuple[str, str, float]],
    frequent: frozenset[str],
    left: Sequence[str],
) -> bool:
    """Whether the ``firm`` pairs and those ``found`` by their consonants pair a telling
    surname and a given name part for part (:func:`_pair_consonants`), ``left`` the
    telling words neither pairs. Beside a telling given name, the words left over are
    common names or titles; beside a common given name written the same, none is left over
    and the words found differ only in a vowel written or not (:func:`_vowels_only`)."""
    surnames = [(a, b) for a, b, _ in [*firm, *found] if a in mine and b in theirs]
    given = [(a, b) for a, b, _ in [*firm, *found] if a not in mine and b not in theirs]
    if not any(_telling(a, b, frequent) for a, b in surnames):
        return False
    if any(_telling(a, b, frequent) for a, b in given):
        # 'AL-DURI, Harith' is not 'AL-DARI, Muthanna Harith' (his son)
        return all(common_person_word(t) or t in person_titles() for t in left)
    # 'AL-KARD, Ahmad' / 'AL-KURD, Ahmad', 'SHRI, Amin' / 'SHERRI, Amin'
    same = any(a == b for a, b in given)
    return (
        same
        and not left
        and all(_vowels_only(a, b) and consonants_alike(a, b) for a, b, _ in found)
    )


_WRITTEN_VOWELS = re.compile(r"[aeiou]")
_DOUBLED_LETTER = re.compile(r"(.)\1+")


def _vowels_only(a: str, b: str) -> bool:
    """Whether two words differ only in the vowels written between their consonants, as
    written ('y' and 'w' consonants, a doubled consonant as one): 'Safr'/'Safar',
    'Kard'/'Kurd', 'Shri'/'Sherri'; not 'Khudayr'/'Haydar', 'Anshori'/'Ansari',
    'Izadi'/'Yazdi' (two SDN persons each, one consonant key). Beside 'Muhammad' or
    'Ahmad', far more surnames are alike by their consonants than by their letters."""
    x, y = (_DOUBLED_LETTER.sub(r"\1", _WRITTEN_VOWELS.sub("", w)) for w in (a, b))
    return x == y
