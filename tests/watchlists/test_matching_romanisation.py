"""Russian and Ukrainian names romanised by different systems (BGN/PCGN, ICAO 9303, the
Ukrainian national system), and Korean syllables by McCune-Reischauer and the Revised
Romanization, are one name in persons' names; distinct names stay apart.

The pairs are real: names of one OFAC SDN entry (2021-07-07 list), or, for the
negatives, names of distinct entries.
"""

from __future__ import annotations

import pytest

from monitor.watchlists.config import WatchlistConfig
from monitor.watchlists.cyrillic import cyrillic_reading, cyrillic_variant
from monitor.watchlists.syllables import korean_reading, korean_variant
from tests.watchlists.test_matching_classes import entity, person, score
from tests.watchlists.test_matching_structure import sdn_rarity

THRESHOLD = WatchlistConfig.model_fields["threshold"].default


@pytest.mark.parametrize(
    "spellings",
    [
        ("sergey", "sergei"),  # -ей
        ("serhiy", "serhii", "sergiy"),  # -ій, Ukrainian г
        ("aleksey", "aleksei", "alexei", "alexey"),  # кс
        ("oleksiy", "aleksiy"),  # Олекс-
        ("pyotr", "petr"),  # ё: BGN 'yo', ICAO 'e'
        ("yuriy", "yuri", "yury", "iurii", "yurii"),  # ю at the start, -ий
        ("dmitriy", "dmitry", "dmitrii"),
        ("zhitomirskiy", "zhitomirsky", "zhitomirski", "zhytomyrskyi"),  # -ский, и/ы
        ("yevgeniy", "evgeniy", "evgeny", "evgenii"),  # е at the start
        ("zdrilyuk", "zdriliuk", "zdrylyuk"),  # ю after a consonant, Ukrainian и
        ("sergeyevich", "sergeevich"),  # е after a vowel
        ("mozgovoy", "mozgovoi"),  # -ой
    ],
)
def test_one_name_in_every_system(spellings: tuple[str, ...]) -> None:
    readings = {cyrillic_reading(s) for s in spellings}
    assert len(readings) == 1 and readings != {""}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("hassan", "ghassan"),  # Arabic 'gh' is no Ukrainian 'h'
        ("maria", "mariam"),  # a letter added at the end
        ("sergey", "sergio"),
        ("ivan", "ivana"),
        ("oleg", "olga"),
        ("pak", "bak"),  # syllables: too short to read
        ("barey", "bari"),  # -ей is no -ий (SDN names of two people)
        ("chuei", "chuy"),
    ],
)
def test_distinct_names_stay_apart(one: str, other: str) -> None:
    assert not cyrillic_variant(one, other)


@pytest.mark.parametrize(
    ("watched", "listed"),
    [
        # names of one SDN entry each (2021-07-07)
        ("AKSYONOV, Sergey", "AKSYONOV, Sergei"),
        ("CHALY, Alexei", "CHALIY, Aleksey Mikhailovich"),
        ("KOLBIN, Pyotr", "KOLBIN, Petr Viktorovich"),  # and a patronymic
        ("KOLBIN, Pyotr", "KOLBIN, Petr"),
        ("MOZGOVOY, Aleksey", "MOZGOVOI, Alexei"),
        ("ZDRYLYUK, Serhiy", "ZDRILIUK, Serhii Anatoliyovych"),
        ("ZDRILYUK, Sergei", "ZDRILYUK, Sergey"),
    ],
)
def test_a_persons_name_in_two_systems_matches(watched: str, listed: str) -> None:
    assert score(watched, person(listed), sdn_rarity()) >= THRESHOLD


def test_the_reading_is_for_persons_names_only() -> None:
    # An organisation's 'h' is rarely a Ukrainian 'g': 'HERMES' is not 'GERMES'.
    assert score("HERMES TRADING", entity("GERMES TRADING")) < THRESHOLD


@pytest.mark.parametrize(
    "spellings",
    [
        ("to", "do"),  # an initial written voiced or not
        ("chol", "cheol"),  # eo/o
        ("yong", "young"),
        ("kwang", "gwang"),
        ("pil", "phil"),  # an aspirate written with 'h'
        ("hun", "hoon"),
        ("su", "sou"),
    ],
)
def test_one_korean_syllable_in_every_system(spellings: tuple[str, ...]) -> None:
    readings = {korean_reading(s) for s in spellings}
    assert len(readings) == 1 and readings != {""}


def test_longer_words_are_no_syllables() -> None:
    assert korean_reading("kwangmyong") == "" and korean_reading("aleksandr") == ""
    assert not korean_variant("chol", "chul")  # o/u: two vowels ('Hong', 'Hung')


@pytest.mark.parametrize(
    ("watched", "listed"),
    [
        # names of one SDN entry each (2021-07-07)
        ("PAK, To'-Ch'un", "PAK, Do Chun"),
        ("KIM, Yong-Chol", "KIM, Young-Cheol"),
        ("KANG, Phil Hun", "KANG, Pil Hoon"),
        ("KIM, Su-gwang", "KIM, Sou-kwang"),
        ("PAEK, Se Pong", "PAEK, Se-Bong"),
    ],
)
def test_a_korean_name_in_two_systems_matches(watched: str, listed: str) -> None:
    assert score(watched, person(listed), sdn_rarity()) >= THRESHOLD


def test_syllables_are_read_so_in_persons_names_only() -> None:
    assert score("DO CHUN TRADING", entity("TO CHUN TRADING")) < THRESHOLD


def test_syllables_are_read_so_beside_a_word_written_the_same() -> None:
    # 'Zhao Gang' (Entity List) is not 'WEI, Shao-Kang' (SDN): no word of the two the same
    assert score("Zhao Gang", person("WEI, Shao-Kang")) < THRESHOLD


def test_one_word_names_are_not_read_so() -> None:
    # SDN aliases of distinct people (2021-07-07): nicknames, not names in two systems
    assert score("KIO", person("GIO")) < THRESHOLD
    assert score("IARA", person("YARRAYA")) < THRESHOLD
