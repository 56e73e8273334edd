"""A person's word spelt apart beside words that agree, on the SDN list's own names.

Each positive is one SDN entry's alias watched against the same entry written another
way (its other name alone, as the evaluation in ``benchmarks/matching_eval.py`` asks);
each negative a real name of one entry against a real name of another entry that the
rule must not take for it. The SDN list of 2021-07-07 (../shared/realdata).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from monitor.records import Record
from monitor.watchlists.config import WatchlistConfig
from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.matching import WatchIndex, prepare
from monitor.watchlists.pairable import could_pair, may_be_alike
from monitor.watchlists.tokens import analyse
from tests.watchlists.test_matching_rules import sdn_entry

THRESHOLD = WatchlistConfig.model_fields["threshold"].default


def written(key: str, name: str) -> Record:
    """The SDN entry ``key`` under one of its own names only (the name checked to be its)."""
    record = sdn_entry(key)
    assert name in (record.name, *record.aliases), (key, name)
    return replace(record, name=name, aliases=())


def found(watched: str, key: str, name: str) -> float:
    """The score of a watched name against entry ``key`` written as ``name`` (0: no match)."""
    matches = WatchIndex([WatchEntry(name=watched)]).match(
        prepare(written(key, name)), threshold=0.0
    )
    return matches[0].score if matches else 0.0


# Every word shared is a common part of people's names, two of them at least: the one
# word left over in each is read loosely, as beside a telling word.
COMMON_WORDS_SHARED = [
    ("10477", "AL TAHLI, Abd Al-Rahim", "AL-TALHI, 'Abd al-Rahim"),
    ("24547", "AL-SAHRAOUI, Adnan Abu Walid", "AL-SAHRAWI, Adnan Abu Walid"),
    ("11459", "ESAH, Wali Adam", "ISAH, Wali Adam"),
    ("6864", "KHAN, Nafir Ali", "KHAN, Nasir Ali"),
]
# A surname spelt apart beside a telling given name, both names 'SURNAME, Given'.
SURNAME_APART = [
    ("10132", "DOCRATE, Junaid", "DOCKRAT, Junaid"),
    ("32391", "CHAFFORI, Petit", "CHAPORI, Petit"),
    ("9538", "CHAICHAMRUNPHAN, Warin", "CHAIJAMROONPHAN, Warin"),
]
# A surname a letter apart in the loose reading beside one common given name.
SURNAME_BESIDE_COMMON = [
    ("27273", "KASSIR, Ali", "QASIR, Ali"),
    ("23471", "MOQISEH, Mohammad", "MOGHISSEH, Mohammad"),
    ("15194", "AL-JILILATI, MOHAMMAD", "AL-JLEILATI, MOHAMMAD"),
]

# Two common names spelt apart (six letters, a letter apart loosely) beside a surname
# that agrees.
COMMON_NAME_APART = [
    ("10327", "RAGAB, Abdullah", "RAJAB, Abdallah"),
    ("12684", "ZLEITNI, Abdel-Hafez", "ZLITNI, Abdul Hafiz"),
]
# A word read loosely beside common names that agree counts as a transliteration.
LOOSE_BESIDE_COMMON = [
    ("26126", "YAQUBI, Hosein", "YAGHOOBI, Hossein"),
    ("17284", "SULAYMAN, Ma'alin", "SULEIMAN, Ma'alim"),
]
# Every word left over spelt apart, part for part, beside a telling word that agrees.
EACH_WORD_APART = [
    ("6861", "GUMAN LOERAL, Joaquin", "GUZMAN LOERA, Joaquin"),
    ("10570", "KHAYR-BAYK, Muhammad Nasif", "KHEIR BEIK, Mohamad Nassif"),
]
# A surname a letter apart as written beside a common given name that agrees.
SURNAME_LETTER_BESIDE_COMMON = [
    ("7224", "TVITO, Daniel", "TUITO, Daniel"),
    ("22885", "TARAK, Musah", "TARAH, Musah"),
]
NEAR_MISSES = (
    COMMON_NAME_APART + LOOSE_BESIDE_COMMON + EACH_WORD_APART + SURNAME_LETTER_BESIDE_COMMON
)


@pytest.mark.parametrize(
    ("key", "watched", "listed"),
    COMMON_WORDS_SHARED + SURNAME_APART + SURNAME_BESIDE_COMMON + NEAR_MISSES,
)
def test_one_word_spelt_apart_beside_words_that_agree_is_the_same_person(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD  # either way round


# Distinct SDN entries whose names differ by a word spelt nearly alike.
OTHER_PEOPLE = [
    # a consonant apart in a five-letter surname beside a common name
    ("AHSAN, Muhammad", "13095", "AKHWAN, Muhammad"),
    ("QANSU, Ali", "16529", "CANKO, Ali"),
    # a surname that is the other with letters added at its end
    ("VAZIRI, Ahmed", "12796", "WAZIR, Ahmed Jan"),
    # loosely alike only (not a letter apart) beside one common name
    ("TERENTIEV, Vladimir", "23243", "TIORINE, Vladimir"),
    ("HAMCHO, Ali", "18591", "HAMMUD, Ali"),
    # nicknames: no part of the name shown to be a surname
    ("CHEYO ANTRAX", "16161", "CHINO ANTRAX"),
    # the word apart is the surname in one name and the given name in the other
    ("SUTHIT, Samsaeng", "11272", "SAMSAENG, Suthep"),
    # a surname a letter apart beside a common given name, but itself a common name
    ("QASIM, Muhammad", "24544", "QASIR, Muhammad"),
    ("QASIR, Muhammad", "15581", "QASIM, Muhammad"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), OTHER_PEOPLE)
def test_another_person_spelt_nearly_alike_is_no_match(watched: str, key: str, listed: str) -> None:
    assert found(watched, key, listed) < THRESHOLD


@pytest.mark.parametrize(
    ("key", "watched", "listed"),
    COMMON_WORDS_SHARED + SURNAME_APART + SURNAME_BESIDE_COMMON + NEAR_MISSES,
)
def test_the_words_spelt_apart_are_ones_the_screening_bound_foresees(
    key: str, watched: str, listed: str
) -> None:
    """Screening skips a watched name whose words not found pair with no listed word by
    :func:`could_pair`: every pair these rules make must be one it foresees."""
    w, lst = analyse(watched).tokens, analyse(listed, person=True).tokens
    odd = [(a, b) for a in w for b in lst if a not in lst and b not in w]
    assert odd
    assert any(could_pair(a, b) and may_be_alike(a, b) for a, b in odd)


def test_a_word_spelt_apart_counts_as_a_transliteration_beside_another() -> None:
    """'SHIHADAH, Rafiq' beside 'SHEHADEH, Rafik': the surname read loosely (0.83 alike)
    counts as a transliteration, so with the given name transliterated too the name
    scores as two transliterated words do, at the threshold or above."""
    assert found("SHEHADEH, Rafik", "20946", "SHIHADAH, Rafiq") >= THRESHOLD


# A person's one distinctive word spelt a letter apart, the rest of both names the same:
# one-word aliases and kunyas ('Abu' tells no one apart), one SDN entry's names each.
ONLY_WORD_APART = [
    ("28029", "Kalume", "Karume"),
    ("28026", "Mukade", "Mukake"),
    ("11391", "BIGARUKA", "BIGARURA"),
    ("10329", "THERAB, Abu", "THURAB, Abu"),
    ("18643", "Abu Khalif", "Abu Khanif"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), ONLY_WORD_APART)
def test_a_one_word_alias_or_kunya_spelt_a_letter_apart_is_the_same_person(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


# Distinct SDN entries: a common name a letter from another word ('Khalid'/'Khalif',
# 'Bashir'/'Bashiq'), a last vowel changed ('La Negra' is a woman, 'El Negro' a man).
OTHER_PEOPLE_ONE_WORD = [
    ("ABU KHALID", "18643", "Abu Khalif"),
    ("Bashir", "20881", "BASHIQ"),
    ("LA NEGRA", "8170", "EL NEGRO"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), OTHER_PEOPLE_ONE_WORD)
def test_another_person_of_one_word_a_letter_apart_is_no_match(
    watched: str, key: str, listed: str
) -> None:
    assert found(watched, key, listed) < THRESHOLD


@pytest.mark.parametrize(("key", "watched", "listed"), ONLY_WORD_APART)
def test_the_one_word_apart_is_one_the_screening_bound_foresees(
    key: str, watched: str, listed: str
) -> None:
    w, lst = analyse(watched).tokens, analyse(listed, person=True).tokens
    odd = [(a, b) for a in w for b in lst if a not in lst and b not in w]
    assert any(could_pair(a, b) and may_be_alike(a, b) for a, b in odd)


# Persian qaf and ghayn one sound ('Q'/'GH'), Gulf Arabic qaf said 'g': one entry's names.
QAF_WRITTEN_APART = [
    ("26936", "QOLAMSHAHI, Abbas", "GHOLAMSHAHI, Abbas"),
    ("28685", "QOLIZADEH, Vali", "GHOLIZADEH, Vali"),
    ("30624", "SAGAR, Abu", "SAQAR, Abu"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), QAF_WRITTEN_APART)
def test_qaf_written_q_or_gh_is_the_same_person(key: str, watched: str, listed: str) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


def test_qaf_read_as_gh_makes_no_other_kunya_the_same() -> None:
    """'SAQAR, Abu' (SDN 30624) and 'SHACKER, Abu' (SDN 18531) are two people."""
    assert found("SAQAR, Abu", "18531", "SHACKER, Abu") < THRESHOLD


@pytest.mark.parametrize(("key", "watched", "listed"), QAF_WRITTEN_APART)
def test_qaf_pairs_are_ones_the_screening_bound_foresees(
    key: str, watched: str, listed: str
) -> None:
    w, lst = analyse(watched).tokens, analyse(listed, person=True).tokens
    odd = [(a, b) for a in w for b in lst if a not in lst and b not in w]
    assert any(could_pair(a, b) and may_be_alike(a, b) for a, b in odd)
