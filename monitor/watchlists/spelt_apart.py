"""One word two names spell apart beside words that agree: which it is, and how alike.

A transliteration or a typo too far for a word on its own is, beside a name that agrees, the
same word: 'KUACH, Gregory Deng' / 'KUAC, Gregory Deng'. :func:`left_over` finds the words so
judged (the distinctive words of each name no firm pair uses); :func:`apart_similarity` and
:func:`loosely_a_letter_apart` judge them in the loose reading of transliterations
(:func:`~monitor.watchlists.tokens.loose_sounds`). When the rest of the two names agrees
enough is for :func:`~monitor.watchlists.scoring._pair_spelt_apart` and the rules of
:mod:`monitor.watchlists.person_rules` and :mod:`monitor.watchlists.organisation_rules`.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from monitor.watchlists.spellings import written_article
from monitor.watchlists.tokens import VOWELS, is_distinctive, loose_sounds

APART_MIN_RATIO = 0.75
"""How alike, in the loose reading, the one word two names spell apart must be..."""
APART_CLOSE = 0.8
"""...unless a single letter apart in it ('Daha'/'Daya', 'Fazi'/'Fari' are 0.75)."""
APART_MIN_LENGTH = 4
"""...and how long: a syllable of a Korean or Chinese name spelt apart is another name."""


def article_free(word: str) -> str:
    """A word without an Arabic article written onto it
    (:func:`~monitor.watchlists.spellings.written_article`)."""
    return written_article(word) or word


def qaf_reading(word: str) -> str:
    """A word with 'q' written 'gh': Persian qaf and ghayn are one sound, written either
    way ('Qolamshahi'/'Gholamshahi', 'Qolizadeh'/'Gholizadeh', 'Eqtesad'/'Eghtesad'), and
    Gulf and Libyan Arabic say qaf 'g' ('Saqar'/'Sagar', 'Qadhafi'/'Gaddafi'). The loose
    reading (:func:`~monitor.watchlists.tokens.loose_sounds`) then reads both 'g'.

    For the rules that pair one word spelt apart beside others that agree
    (:func:`apart_similarity`, :func:`loosely_a_letter_apart`), and only when one of the
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
    readings = [(a, b), (article_free(a), article_free(b))]
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


def loosely_a_letter_apart(a: str, b: str) -> bool:
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


def left_over(
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
