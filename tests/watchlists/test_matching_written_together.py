"""Words one name writes together, a spelling apart from the one word the other writes.

'ABDUL RAB' / 'ABDULRABB', 'NASR AL-DIN' / 'NASRALDINE': the lists join a person's
compound name, or write it apart, and spell it another way while at it. Each positive is
one SDN entry's alias watched against the same entry written another way (as the
evaluation in ``benchmarks/matching_eval.py`` asks); each negative a real name of one
entry against a real name of another that the rule must not take for it. The SDN list of
2021-07-07 (../shared/realdata).
"""

from __future__ import annotations

import pytest

from monitor.watchlists.scoring import written_together
from monitor.watchlists.tokens import analyse
from tests.watchlists.test_matching_spelt_apart import THRESHOLD, found

# One entry's names: a compound name joined in one and apart in the other, spelt apart.
JOINED_SPELT_APART = [
    ("30652", "JARFAN, Abdulrabb Saleh Ahmed", "JARFAN, Abdul Rab Saleh Ahmed Hussain"),
    ("10891", "NASRALDINE, Ghazi 'Atef", "NASR AL-DIN, Hajj Ghazi 'Atif"),
    ("23230", "TOKHTAKHOUNOV, Alim-Jean", "TOKHTAKHOUNOV, Alimjan"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), JOINED_SPELT_APART)
def test_a_name_written_together_and_spelt_apart_is_the_same_person(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD  # either way round


@pytest.mark.parametrize(("key", "watched", "listed"), JOINED_SPELT_APART)
def test_the_index_always_scores_names_written_together(
    key: str, watched: str, listed: str
) -> None:
    """The screening bound counts words written together as found
    (:meth:`~monitor.watchlists.matching._WatchedName.could_reach`): it must see these."""
    assert written_together(analyse(watched), analyse(listed, person=True))


# Distinct SDN entries: a compound given name joined in one and apart in the other,
# spelt apart, the rest of the names other people's.
OTHER_PEOPLE = [
    ("AWDA, Abd Al Aziz", "26087", "MUTREB, Maher Abdulaziz M."),
    ("NASRALLAH, Hasan Abd-al-Karim", "12868", "ABDULKARIM, Ali"),
    ("JAMIAT UL-ANSAR", "20360", "JAMAATUL AHRAR"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), OTHER_PEOPLE)
def test_another_name_with_one_compound_written_together_is_no_match(
    watched: str, key: str, listed: str
) -> None:
    assert found(watched, key, listed) < THRESHOLD


def test_a_word_joined_to_its_article_is_no_spelling_of_the_word_alone() -> None:
    """'AL-SHISHANI' is 'al shishani': joined, it would read as 'alshishani', a spelling
    apart from 'SHISHANI', and pair worse than the word itself does."""
    assert not written_together(analyse("AL-SHISHANI, Akhmed"), analyse("SHISHANI, Akhmad"))
    assert not written_together(
        analyse("NEW FAR INTERNATIONAL LOGISTICS LTD"), analyse("NEW FAR INTERNATIONAL")
    )


# One entry's names: the Burmese given name Maung written short ('Mg') after the comma.
GIVEN_NAME_SHORT = [
    ("31772", "SWE, Khin Mg", "SWE, Khin Maung"),
    ("31924", "YEE, Khin Mg", "YEE, Khin Maung"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), GIVEN_NAME_SHORT)
def test_a_given_name_written_short_is_the_same_person(key: str, watched: str, listed: str) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


def test_another_person_with_the_given_name_written_short_is_no_match() -> None:
    # 'SOE, Khin Maung' (SDN 24810) is not 'SWE, Khin Maung' (31772)
    assert found("SWE, Khin Mg", "24810", "SOE, Khin Maung") < THRESHOLD


def test_mg_is_maung_among_the_given_names() -> None:
    assert analyse("SWE, Khin Mg").tokens == analyse("SWE, Khin Maung").tokens
