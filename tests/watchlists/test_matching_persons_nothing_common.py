"""Persons' names the matcher once found no word in common with, though they are one name:
a surname that is also a word of a country's name ('JAN, Lahore': Svalbard and Jan
Mayen), a Cyrillic soft sign or Ukrainian є written or not ('HUBARYEV'/'GUBAREV'), a
vowel beside a 'y' transliterated another way ('ABU AYED'/'ABU AYID'), the Korean 외
written 'oi' ('CHOI'/'CHOE'), the Arabic article written as it sounds ('ASHAMI' for
'AL-SHAMI'), a common surname spelt apart beside two common names that agree ('QADHAFI,
Mohammed Muammar' / 'GADHAFFI, Mohammad Moammar'). Distinct people sharing such a word stay apart.

The positives are names of one OFAC SDN entry (2021-07-07 list), each way; the negatives
names of distinct entries of that list.
"""

from __future__ import annotations

import pytest

from monitor.watchlists.config import WatchlistConfig
from monitor.watchlists.cyrillic import cyrillic_reading
from monitor.watchlists.spellings import article_variant, transliteration_variant
from monitor.watchlists.syllables import korean_reading
from monitor.watchlists.tokens import is_distinctive
from tests.watchlists.test_matching_classes import entity, person, score
from tests.watchlists.test_matching_structure import sdn_rarity

THRESHOLD = WatchlistConfig.model_fields["threshold"].default

ONE_PERSON = [
    ("JAN, Lahor", "JAN, Lahore"),  # SDN 16450
    ("TRINIDAD, Khulil", "TRINIDAD, Abu Khalil"),  # SDN 10848
    ("TRINIDAD, Khalil", "TRINIDAD, Khulil"),
    ("HUBARYEV, Pavlo", "GUBAREV, Pavel"),  # SDN 17256
    ("ABU AYED", "ABU AYID"),  # SDN 16448
    ("GEYE, Aroun", "GAYE, Aroun"),  # SDN 19129
    ("CHOI, Bu-il", "CHOE, Pu Il"),  # SDN 20120
    ("ASHAMI, Husayn", "AL-SHAMI, Husayn"),  # SDN 9966: the article as it sounds, 'ash-Shami'
    ("QADHAFI, Mohammed Muammar", "GADHAFFI, Mohammad Moammar"),  # SDN 12628
]


@pytest.mark.parametrize(("watched", "listed"), ONE_PERSON)
def test_one_persons_names_match_each_way(watched: str, listed: str) -> None:
    assert score(watched, person(listed), sdn_rarity()) >= THRESHOLD
    assert score(listed, person(watched), sdn_rarity()) >= THRESHOLD


@pytest.mark.parametrize("word", ["jan", "trinidad", "martin", "salvador"])
def test_a_word_of_a_countrys_name_that_names_people_is_distinctive(word: str) -> None:
    assert is_distinctive(word)


@pytest.mark.parametrize("word", ["afghanistan", "oman", "tobago", "mayen", "lahore"])
def test_places_stay_common_words(word: str) -> None:
    assert not is_distinctive(word)


@pytest.mark.parametrize(
    ("watched", "listed"),
    [
        # distinct SDN persons sharing the surname 'Jan' or 'Jan' among their given names
        ("JAN, Lahore", "JAN, Saidullah"),  # 16450 / 16517
        ("JAN, Malang", "WAZIR, Ahmed Jan"),  # 15831 / 12796
        ("ALIZAI, Agha Jan", "ISHAQZAI, Haji Lal Jan"),  # 12018 / 12624
        ("TRINIDAD, Angelo Ramirez", "TRINIDAD, Khalil"),  # one entry's names, not one name
    ],
)
def test_distinct_people_sharing_such_a_word_stay_apart(watched: str, listed: str) -> None:
    assert score(watched, person(listed), sdn_rarity()) < THRESHOLD
    assert score(listed, person(watched), sdn_rarity()) < THRESHOLD


def test_such_a_surname_alone_is_no_person() -> None:
    assert score("JAN", person("JAN, Saidullah"), sdn_rarity()) < THRESHOLD
    assert score("TRINIDAD", person("TRINIDAD, Khalil"), sdn_rarity()) < THRESHOLD


def test_the_country_still_names_a_place() -> None:
    # a company named after its country is the company without it: 'Trinidad' stays a
    # place beside 'Tobago'
    assert score("ATLANTIC LNG", entity("ATLANTIC LNG TRINIDAD AND TOBAGO")) >= THRESHOLD


@pytest.mark.parametrize(
    "spellings",
    [
        ("vasilyev", "vasiliev", "vasilev"),  # ье: BGN 'ye', 'ie', ICAO without the soft sign
        ("hubaryev", "hubariev", "gubarev"),  # Ukrainian є and г of a Russian surname
        ("leontyev", "leontiev", "leontev"),
    ],
)
def test_a_soft_sign_before_e_is_one_reading(spellings: tuple[str, ...]) -> None:
    readings = {cyrillic_reading(s) for s in spellings}
    assert len(readings) == 1 and readings != {""}


@pytest.mark.parametrize(("one", "other"), [("gubarev", "gubareva"), ("belyaev", "belov")])
def test_other_surnames_keep_their_readings(one: str, other: str) -> None:
    assert cyrillic_reading(one) != cyrillic_reading(other)


@pytest.mark.parametrize(("one", "other"), [("ayed", "ayid"), ("eyad", "iyad"), ("geye", "gaye")])
def test_a_vowel_beside_a_y_transliterates_one_vowel(one: str, other: str) -> None:
    assert transliteration_variant(one, other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ayid", "ayad"),  # i/a are two vowels: 'Ayid' is not 'Ayad'
        ("maya", "mayo"),  # a/o: two vowels
        ("yaya", "yayu"),
    ],
)
def test_other_vowels_beside_a_y_stay_apart(one: str, other: str) -> None:
    assert not transliteration_variant(one, other)


def test_korean_oe_written_oi_is_one_syllable() -> None:
    assert korean_reading("choi") == korean_reading("choe") != ""
    assert korean_reading("hoi") == korean_reading("hoe") != ""
    assert korean_reading("choi") != korean_reading("chae")


def test_a_korean_surname_alone_is_no_person() -> None:
    # 'CHOE, Chol Ho' and 'CHOI, Song Il': one surname two ways, two given names
    assert score("CHOI, Song Il", person("CHOE, Chol Ho"), sdn_rarity()) < THRESHOLD


@pytest.mark.parametrize(
    ("one", "other"),
    [("ashami", "shami"), ("ashami", "shamy"), ("arrahman", "rahman"), ("asharif", "sharif")],
)
def test_the_article_written_as_it_sounds(one: str, other: str) -> None:
    assert article_variant(one, other) and article_variant(other, one)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("asadi", "sadi"),  # too short a rest: 'Asadi' is a name of its own
        ("amir", "mir"),
        ("abbas", "bbas"),  # 'b' is no sun letter
        ("ansari", "nasri"),  # a nisba, not the article: no other name of it
    ],
)
def test_other_words_beginning_with_a_keep_it(one: str, other: str) -> None:
    assert not article_variant(one, other)


@pytest.mark.parametrize(
    ("watched", "listed"),
    [
        # distinct SDN persons of one family: a given name left over is another person
        ("QADHAFI, Saadi Muammar", "QADHAFI, Saif Muammar"),
        # two common names left over, neither a letter apart from the other
        ("HASSAN, Mohammed Ali", "HOSSEIN, Mohammad Ali"),
    ],
)
def test_common_names_left_over_stay_apart(watched: str, listed: str) -> None:
    assert score(watched, person(listed), sdn_rarity()) < THRESHOLD
