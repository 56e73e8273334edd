"""Whether scoring could pair two words of persons' names at all: what the index asks first.

Before scoring a name, the index (:mod:`monitor.watchlists.matching`) asks whether a watched
word not found could pair with a listed word by any rule of
:func:`~monitor.watchlists.scoring.score_names` (:func:`could_pair`); when none could, the
name scores no more than its words found. :func:`may_be_alike` is the cheap test every rule
implies, asked first. A new rule that pairs words of persons' names must be added here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from monitor.watchlists.consonants import consonant_key, consonants_alike
from monitor.watchlists.cyrillic import cyrillic_reading
from monitor.watchlists.name_parts import ONE_LETTER_MIN_LENGTH, one_letter_apart
from monitor.watchlists.ordinals import ordinal
from monitor.watchlists.person_rules import romanised_apart
from monitor.watchlists.short_forms import short_form
from monitor.watchlists.spellings import (
    LOOSE_MIN_RATIO,
    SOUND_RATIO,
    word_similarity,
    written_article,
)
from monitor.watchlists.spelt_apart import (
    APART_MIN_RATIO,
    apart_similarity,
    article_free,
    qaf_reading,
)
from monitor.watchlists.syllables import korean_reading
from monitor.watchlists.tokens import loose_sounds, sounds


def could_pair(a: str, b: str) -> bool:
    """Whether :func:`~monitor.watchlists.scoring.score_names` could pair these two words of a
    person's name by any of its rules: equal or alike
    (:func:`~monitor.watchlists.spellings.word_similarity`), one Cyrillic name or Korean syllable
    romanised two ways (:func:`~monitor.watchlists.person_rules.romanised_apart`), a letter apart
    (:func:`~monitor.watchlists.name_parts.one_letter_apart`) or spelt apart
    (:func:`~monitor.watchlists.spelt_apart.apart_similarity`) or one by their consonants
    (:func:`~monitor.watchlists.consonants.consonants_alike`).

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
        loose_bare=loose_sounds(article_free(word)),
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
      alike (:func:`~monitor.watchlists.spellings.article_variant`: a transliteration or the loose
      reading of it);
    * letters only, a loose reading (:func:`~monitor.watchlists.tokens.loose_sounds`),
      an article written on aside or not, 'q' read as 'gh' or not
      (:func:`~monitor.watchlists.spelt_apart.qaf_reading`), ``APART_MIN_RATIO`` alike
      (:func:`~monitor.watchlists.spelt_apart.apart_similarity`; the same loose reading of
      :func:`~monitor.watchlists. name_parts.one_letter_apart` too);
    * letters only, four at least: read as they sound, ``SOUND_RATIO`` alike
      (:func:`~monitor.watchlists.spellings.sound_alike`), or as long as each other and beginning
      alike (two letters swapped in :func:`~monitor.watchlists.name_parts.one_letter_apart`);
    * one Cyrillic name or Korean syllable
      (:func:`~monitor.watchlists.person_rules.romanised_apart`), one ordinal
      (:func:`~monitor.watchlists.spellings.word_similarity`);
    * letters only, one :func:`~monitor.watchlists.consonants.consonant_key`, a closing vowel aside
      (:func:`~monitor.watchlists.consonants.consonants_alike`).
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
