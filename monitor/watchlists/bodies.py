"""The word for the kind of body a name gives, written as another such word.

Charities, political and militant groups and public bodies are named in Arabic,
Persian or Russian, and their English names translate the word for what they are
freely: Arabic 'jam'iyya' is a society or an association, 'mu'assasa' a foundation,
an institution or an organisation, 'lajna' a committee; Russian 'fond' a fund or a
foundation. So the SDN list names one entry 'IRANIAN COMMITTEE FOR THE RECONSTRUCTION OF
LEBANON' and 'IRANIAN ORGANIZATION FOR RECONSTRUCTION IN LEBANON', another 'AKHMAT KADYROV
FOUNDATION' and 'AKHMAD KADYROV FUND', another 'ELEHSSAN SOCIETY' and 'AL-IHSAN CHARITY
ASSOCIATION'.

Such a word left over in each of two names that otherwise agree is then one word written
two ways (:func:`monitor.watchlists.scoring.score_names`). Only these words: the kind of
a business ('Bank', 'Holding', 'Trading') tells two companies of one name apart ('CHAM
BANK' and 'CHAM HOLDING' are two SDN entries).
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.watchlists.tokens import NameForm, is_distinctive
from monitor.watchlists.words import ARABIC_ARTICLES, COMMON_WORDS, CONNECTORS

BODIES = frozenset(
    {
        *("organization", "organisation", "committee", "association", "society"),
        *("foundation", "fund", "council", "institution", "charity", "union", "federation"),
    }
)
"""Generic words (:data:`~monitor.watchlists.words.GENERIC_WORDS`) naming the kind of a
non-commercial body, which translations of one name write one for another."""
MIN_SHARED = 2
"""Distinctive words the two names must share beside the kind of body written otherwise."""
STEM_LENGTH = 6
"""Letters a word shares with a common word of its stem ('PALESTINIAN', 'PALESTINE'): no
telling word beside the kind of body."""


def bodies_swapped(
    listed: NameForm,
    lst: Sequence[str],
    pairs: Sequence[tuple[str, str, float]],
    missing: Sequence[str],
    frequent: frozenset[str],
) -> bool:
    """Whether the watched and the listed organisation's names agree but for the word each
    gives the kind of body (:data:`BODIES`): every watched word left over (``missing``) and
    every listed word left unpaired is such a word, one on each side at least, and two
    distinctive words paired, one telling and rare on the list (``frequent``), as when a
    generic word is left out. One word is not enough, nor a word of a common word's stem
    (:func:`_telling`): 'PALESTINIAN RELIEF FUND' and 'PALESTINIAN RELIEF SOCIETY',
    'ISLAMIC SALVATION FOUNDATION' and 'ISLAMIC SALVATION SOCIETY' are other SDN entries'
    names. Nothing known of the list, the rule does not apply."""
    if listed.person or not frequent or not missing or not set(missing) <= BODIES:
        return False
    paired = {b for _, b, _ in pairs}
    unpaired = [t for t in lst if t not in paired and t not in ARABIC_ARTICLES | CONNECTORS]
    if not unpaired or not set(unpaired) <= BODIES:
        return False
    shared = [(a, b) for a, b, _ in pairs if _telling(a) and _telling(b)]
    return len(shared) >= MIN_SHARED and any(
        a not in frequent and b not in frequent for a, b in shared
    )


_COMMON_STEMS = frozenset(w[:STEM_LENGTH] for w in COMMON_WORDS if len(w) >= STEM_LENGTH)


def _telling(word: str) -> bool:
    """A distinctive word that is no other form of a common one: 'Palestinian' is the
    adjective of the place 'Palestine', 'Moroccan' of 'Morocco', and tells a body no more
    than they do (the first six letters of a place or generic word)."""
    return is_distinctive(word) and word[:STEM_LENGTH] not in _COMMON_STEMS
