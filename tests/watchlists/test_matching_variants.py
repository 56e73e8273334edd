"""Matching rules for names written another way, on real names of the OFAC SDN list (2021-07-07).

Each watched name below is an alias OFAC gives an entry, and each listed name
another name of that same entry (or, for the negatives, of another entry):
transliterations, apostrophes, the Arabic article, Persian connectors, a
company's shorter or fuller name. The negatives are real pairs of distinct
entries that a looser rule would confuse.
"""

from __future__ import annotations

import pytest

from monitor.records import Record
from monitor.watchlists.config import WatchlistConfig
from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.matching import Match, WatchIndex, prepare
from monitor.watchlists.name_parts import common_person_word
from monitor.watchlists.spellings import transliteration_variant

THRESHOLD = WatchlistConfig.model_fields["threshold"].default


def person(name: str) -> Record:
    return Record.build(key="p", name=name, entry_type="individual")


def entity(name: str) -> Record:
    return Record.build(key="e", name=name)


def best(watched: str, record: Record) -> Match | None:
    found = WatchIndex([WatchEntry(name=watched)]).match(prepare(record), threshold=0.0)
    return found[0] if found else None


def score(watched: str, record: Record) -> float:
    found = best(watched, record)
    return found.score if found else 0.0


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("qasim", "qasem"),  # SOLEIMANI, Qasem
        ("abass", "abbas"),  # HARB, Abbas Hussein
        ("chaar", "shaar"),  # AL-SHAAR, Mohammad Ibrahim
        ("yuriy", "yuri"),  # GOTSANYUK, Yuri Mikhailovich
        ("hajji", "haji"),  # ISHAQZAI, Haji Lal Jan
        ("adil", "adel"),  # AL-OLABI, Adel Anwar
        ("jabbareen", "jabarin"),  # JABARIN, Zaher
        ("faysal", "faisal"),
    ],
)
def test_transliterations_of_one_word(one: str, other: str) -> None:
    assert transliteration_variant(one, other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("aman", "amin"),  # AMAN GROUP is not AMIN, Alireza
        ("said", "saad"),
        ("omar", "amir"),
        ("waad", "awad"),  # WAAD COMPANY is not AWAD, Munir
        ("megvi", "megvii"),  # a letter added at the end may make another name
        ("maria", "mariam"),
    ],
)
def test_other_names_are_not_transliterations(one: str, other: str) -> None:
    assert not transliteration_variant(one, other)


# SDN alias -> another name of the same entry.
SAME_PEOPLE = {
    "HARB, Abass Hussein": "HARB, Abbas Hussein",
    "AL QAISI, Naif Saleh Salem": "AL-QAYSI, Nayif Salih Salim",
    "SHIVAEI, Ahmed Asghari": "SHIVA'I, Ahmad Asghari",
    "CHOE, Chun Sik": "CH'OE, Ch'un-sik",
    "AL-OLABI, Adil Anwar": "AL-OLABI, Adel Anwar",
    "JABBAREEN, Zahir Ali Mousa": "JABARIN, Zaher",
    "DE VERA, Pio Abogue": "DE VERA, Pio Abogne",
    "HRIBAR, Alenka": "HRIBAK, Alenka",
    "Abu al Banat": "Abu Banat",
}


@pytest.mark.parametrize(("watched", "listed"), SAME_PEOPLE.items())
def test_a_person_written_another_way_is_found(watched: str, listed: str) -> None:
    assert score(watched, person(listed)) >= THRESHOLD


def test_an_apostrophe_inside_a_word_is_no_word_break() -> None:
    found = best("SHIVAEI, Ahmed Asghari", person("SHIVA'I, Ahmad Asghari"))
    assert found is not None and "shivaei~shivai" in found.why


def test_persian_connectors_are_never_missing_from_an_organisation() -> None:
    assert score("JAISH-E-MOHAMMED", entity("JAISH-I-MOHAMMED")) == 1.0
    assert score("BANK-E EGHTESAD NOVIN", entity("EGHTESAD NOVIN BANK")) == 1.0


def test_a_shorter_listed_name_of_a_watched_company_matches_and_says_so() -> None:
    found = best("SHAHED PHARM DRUGSTORE SARL", entity("SHAHED PHARM"))
    assert found is not None and found.score >= THRESHOLD
    assert "a shorter name of the watched company" in found.why


def test_two_watched_words_anywhere_in_a_listed_company_make_a_fuller_name() -> None:
    found = best("TAMIL TIGERS", entity("LIBERATION TIGERS OF TAMIL EELAM"))
    assert found is not None and found.score >= THRESHOLD
    assert "a subsidiary or branch named after it" in found.why
    # one word must still lead: 'Niru' is not 'PUYA ELECTRO SAMAN NIRU'
    assert score("Niru", entity("PUYA ELECTRO SAMAN NIRU")) < THRESHOLD


@pytest.mark.parametrize(
    ("watched", "listed"),
    [
        # a company named after people has no initials
        ("A AND M MAHAR COMPANY LIMITED", "MAHAR, Ayad Miuhammed"),
        # a shorter listed name needs two words that are not initials
        ("AWAD, Munir A.", "ADANOV, Munir"),
        # nor a common given name in another spelling
        ("AL-KHALIDI, Faysal Jasim Muhammad al-Umari", "MUHAMMAD, Faysal"),
        # a company named after a word is not a person with that word
        ("HAMSHO GROUP", "HAMSHO, Muhammad"),
        ("AMAN GROUP", "AMIN, Alireza"),
    ],
)
def test_distinct_real_entries_stay_below_the_threshold(watched: str, listed: str) -> None:
    assert score(watched, person(listed)) < THRESHOLD


def test_common_parts_of_names_in_any_spelling() -> None:
    assert common_person_word("faysal") and common_person_word("muhammed")
    assert not common_person_word("jabarin")


def test_group_and_holding_are_words_of_the_name_not_legal_forms() -> None:
    """'ATLAS HOLDING SAL' and 'ATLAS EXCHANGE' are distinct SDN entries (28527, 26536)."""
    assert score("ATLAS HOLDING SAL", entity("ATLAS EXCHANGE")) < THRESHOLD
    assert score("ATLAS HOLDING", entity("ATLAS HOLDING SAL")) == 1.0
    assert score("SenseTime Group", entity("SENSETIME GROUP LIMITED")) == 1.0
