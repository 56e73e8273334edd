"""Persons' names whose romanisations differ in their vowels, or in an Arabic article written
onto the surname, on the SDN list's own names (2021-07-07, ../shared/realdata).

Each positive is one SDN entry's alias watched against the same entry written another way
(its other name alone, as ``benchmarks/matching_eval.py`` asks); each negative a real name
of one entry against a real name of another entry the rules must not take for it.
"""

from __future__ import annotations

import pytest

from monitor.watchlists.config import WatchlistConfig
from monitor.watchlists.consonants import consonant_key, consonants_alike
from monitor.watchlists.pairable import could_pair, may_be_alike
from monitor.watchlists.scoring import score_names
from monitor.watchlists.tokens import analyse, is_distinctive
from tests.watchlists.test_matching_spelt_apart import found

THRESHOLD = WatchlistConfig.model_fields["threshold"].default

# The Arabic article written onto a surname ('ELKADDAFI') beside a common given name: the
# article reading makes the surname one, as it does beside a telling word.
ARTICLE_WRITTEN_ON = [
    ("12606", "ELKADDAFI, Muammar", "QADHAFI, Muammar"),
    ("12607", "ELKADDAFI, Khamis", "QADHAFI, Khamis"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), ARTICLE_WRITTEN_ON)
def test_a_surname_with_the_article_written_on_is_the_same_person(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


def test_the_article_reading_makes_no_other_member_of_the_family_the_same() -> None:
    """'ELKADDAFI, Muammar' (SDN 12606) and 'QADHAFI, Khamis' (SDN 12607, his son) share
    the family name only."""
    assert found("ELKADDAFI, Muammar", "12607", "QADHAFI, Khamis") < THRESHOLD


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (("zomor", "zumar"), "smr"),  # short vowels: Arabic script writes none
        (("saqr", "saqar"), "skr"),  # a vowel written between two consonants or not
        (("sad", "saad"), "sd"),  # Sa'd: the apostrophe of 'ain, folded away
        (("abboud", "abbud"), "-pd"),  # a doubled consonant, 'ou'/'u', the initial vowel kept
        (("badji", "badjie"), "pg-"),  # a final vowel kept, however written
    ],
)
def test_one_consonant_key_for_romanisations_of_one_name(
    spellings: tuple[str, ...], key: str
) -> None:
    assert {consonant_key(s) for s in spellings} == {key}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("aman", "amine"),  # a final vowel more: another name
        ("azhar", "shaar"),  # an initial vowel more
        ("hashem", "hussam"),  # one key, too far apart as written (ratio 50)
        ("hassan", "hussein"),  # two common names
    ],
)
def test_other_names_are_not_alike_by_their_consonants(a: str, b: str) -> None:
    assert not consonants_alike(a, b)


# The surname and a telling given name alike by their consonants, part for part, every other
# telling word the same or a transliteration: one SDN entry's names each.
VOWELS_APART = [
    ("2677", "AL-ZOMOR, Abboud Abdul Latif Hassan", "AL-ZUMAR, Abbud"),
    ("8808", "AL-FAQIH, Sa'd", "AL FAQIH, Saad"),
    ("13471", "MAYALA, Adib", "MAYALEH, Adib"),
    ("17267", "WUOL, Santino Deng", "WOL, Santino Deng"),
    ("23305", "BADJI, Yankouba", "BADJIE, Yankuba"),
    ("20966", "TARJAMAN, Ramez", "TURJUMAN, Muhammad Ramiz"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), VOWELS_APART)
def test_a_name_written_with_other_vowels_is_the_same_person(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD


# Beside a common given name written the same, a surname with a vowel written or not.
VOWEL_BESIDE_COMMON = [
    ("10409", "AL-KARD, Ahmad", "AL-KIRD, Ahmad"),
    ("26955", "SHRI, Amin", "SHERRI, Amin"),
    ("17037", "ZOEITER, Ali", "ZEAITER, Ali"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), VOWEL_BESIDE_COMMON)
def test_a_surname_a_vowel_apart_beside_a_common_given_name_is_the_same_person(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


# Beside a telling given name, a surname with the nisba '-i' written or not.
NISBA_BESIDE_TELLING = [
    ("16540", "AL-UZBEK, Jaffar", "AL-UZBEKI, Jafar"),
    ("6941", "AL-JADAWI, Saqar", "AL-JADDAW, Saqr"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), NISBA_BESIDE_TELLING)
def test_a_surname_with_the_nisba_written_or_not_is_the_same_person(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


# Distinct SDN entries whose names the consonant reading brings close.
OTHER_PEOPLE = [
    # a telling word left over: the father's name in the son's ('Muthanna' is his own)
    ("AL-DURI, Harith", "11493", "AL-DARI, Muthanna Harith"),
    ("KHANANI, Huzaifa Jawed", "19991", "KHANANI, Javaid"),
    # two given names of one key, too far apart as written: brothers of one family
    ("KATRANJI, Maher Hashem", "24747", "QATRANJI, Hussam"),
    # the given name a common one: a surname alike beside 'Muhammad' is anyone's
    ("AMAN, Mohammed", "25140", "AMINE, Mohamed Abdalla"),
    ("FIAZ, Muhammad", "24784", "FAIZ, Mohammed Yusop Karin"),
    # one consonant key, more than vowels apart as written, beside a common name
    ("ANSHORI, Abdullah", "12587", "ANSARI, Haji Abdullah"),
    # another closing vowel than the nisba's: other names
    ("'ABDU, Hikmat", "22084", "'ABBUD, Hikmat"),
    ("HAMMUD, Abed Mahmoud", "10937", "HAMMADOU, Abid"),
    # the nisba beside a common given name: another family ('Atari' and 'Atar')
    ("VAZIRI, Ahmed", "12796", "WAZIR, Ahmed Jan"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), OTHER_PEOPLE)
def test_another_person_written_with_other_vowels_is_no_match(
    watched: str, key: str, listed: str
) -> None:
    assert found(watched, key, listed) < THRESHOLD


@pytest.mark.parametrize(
    ("key", "watched", "listed"),
    ARTICLE_WRITTEN_ON + VOWELS_APART + VOWEL_BESIDE_COMMON + NISBA_BESIDE_TELLING,
)
def test_the_words_read_alike_are_ones_the_screening_bound_foresees(
    key: str, watched: str, listed: str
) -> None:
    """Screening skips a watched name whose words not found pair with no listed word by
    :func:`could_pair` (and its cheap test :func:`may_be_alike`): every pair these rules
    make must be one they foresee."""
    w, lst = analyse(watched), analyse(listed, person=True)
    scored = score_names(w, lst)
    assert scored is not None and scored.score >= THRESHOLD, key
    apart = [(a, b) for a, b, _ in scored.pairs if a != b and is_distinctive(a)]
    assert apart
    assert all(could_pair(a, b) and may_be_alike(a, b) for a, b in apart)
