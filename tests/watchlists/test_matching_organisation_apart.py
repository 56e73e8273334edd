"""An organisation's word spelt apart or cut short beside words that agree, on the SDN
list's own names.

Each positive is one SDN entry's alias watched against the same entry written another
way (its other name alone, as ``benchmarks/matching_eval.py`` asks), both ways round;
each negative a real name of one entry against a real name of another entry that the
rule must not take for it. The SDN list of 2021-07-07 (../shared/realdata).
"""

from __future__ import annotations

import pytest

from monitor.watchlists.config import WatchlistConfig
from monitor.watchlists.matching import _may_pair
from monitor.watchlists.tokens import analyse
from tests.watchlists.test_matching_spelt_apart import found

THRESHOLD = WatchlistConfig.model_fields["threshold"].default

# One telling word that agrees, the other spelt apart (0.8 alike in the loose reading,
# five letters at least, the same first letter).
ONE_WORD_BESIDE = [
    ("15852", "ANCAR DINE", "ANSAR AL-DINE"),
    ("21125", "SILSILET AL THAHAB", "SELSELAT AL THAHAB"),
    ("18636", "WILAYAH QAWKAZ", "WILAYAT QAWQAZ"),
    ("26828", "MODABERAN EGHTESAD", "MODABBERAN EQTESAD COMPANY"),
    ("11256", "ETILAFU EL-KHAIR", "ETELAF AL-KHAIR"),
    ("19682", "AR-RAHNA WELFARE ORGANISATION", "AR-RAHMA WELFARE ORGANISATION"),
]
# Beside two telling words that agree, one word cut short or with another ending.
CUT_SHORT = [
    ("7637", "AL-AQSA SPANM I STIFTELSE", "AL-AQSA SPANMAL STIFTELSE"),
    ("10486", "TAMIL REHABILITERINGS ORGANISASJONEN", "TAMILSK REHABILITERINGS ORGANISASJON"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), ONE_WORD_BESIDE + CUT_SHORT)
def test_an_organisation_written_apart_on_one_word_is_found(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD  # either way round


# Distinct SDN entries: with one word to rest on, a word spelt apart at its first letter is
# another name ('Jemaah' and 'Gama'a' are one Arabic word, 'group', of two groups; Korean
# 'Taedong' and 'Daesong' name two banks).
OTHER_ORGANISATIONS = [
    ("JEMAAH ISLAMIYAH", "4694", "GAMA'A AL-ISLAMIYYA"),
    ("JEMAA ISLAMIYYA", "4694", "GAMA'A AL-ISLAMIYYA"),
    ("TAEDONG CREDIT BANK", "20569", "DAESONG CREDIT DEVELOPMENT BANK"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), OTHER_ORGANISATIONS)
def test_another_organisation_spelt_nearly_alike_is_no_match(
    watched: str, key: str, listed: str
) -> None:
    assert found(watched, key, listed) < THRESHOLD


@pytest.mark.parametrize(("key", "watched", "listed"), ONE_WORD_BESIDE + CUT_SHORT)
def test_the_words_apart_are_ones_the_screening_bound_foresees(
    key: str, watched: str, listed: str
) -> None:
    """Screening skips a watched name whose words not found pair with no listed word: every
    pair these rules make must be one it foresees for an organisation."""
    w, lst = analyse(watched).tokens, analyse(listed).tokens
    odd = [(a, b) for a in w for b in lst if a not in lst and b not in w]
    assert odd
    assert any(_may_pair(a, b, person=False) for a, b in odd)


# The same words but one, spelt as it sounds ('ou'/'oo', 'ei'/'i'): one entry's names.
ONE_WORD_AS_IT_SOUNDS = [
    ("15564", "IRAN POUYA", "IRAN POOYA"),
    ("15564", "IRAN PUYA", "IRAN POUYA"),
    ("30163", "KHEITI HOLDING GROUP", "KHITI HOLDING GROUP"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), ONE_WORD_AS_IT_SOUNDS)
def test_an_organisation_spelt_as_it_sounds_beside_the_same_words_is_found(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


# Distinct SDN entries, one word each, spelt alike as they sound: the pair counts for how
# alike the two are, below the threshold.
OTHER_SOUNDING_ALIKE = [
    ("HAMAS", "23628", "HAMMS"),
    ("SURATEL", "10890", "SYRIATEL"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), OTHER_SOUNDING_ALIKE)
def test_another_organisation_sounding_alike_is_no_match(
    watched: str, key: str, listed: str
) -> None:
    assert found(watched, key, listed) < THRESHOLD
