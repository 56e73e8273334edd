"""A given name written short beside a surname that agrees ('Alex' for 'Aleksey').

Each positive is one SDN entry's alias watched against the same entry written another way
(as the evaluation in ``benchmarks/matching_eval.py`` asks), both ways; each negative a
real name of one entry against a real name of another that the rule must not take for it.
The SDN list of 2021-07-07 (../shared/realdata).
"""

from __future__ import annotations

import pytest

from monitor.watchlists.pairable import could_pair, may_be_alike
from monitor.watchlists.short_forms import short_form
from tests.watchlists.test_matching_spelt_apart import THRESHOLD, found

# One entry's names: a given name written short, the surname the same.
GIVEN_NAME_SHORT = [
    ("15885", "KRIVORUCHKO, Alex", "KRIVORUCHKO, Aleksey"),
    ("21644", "MARQUEZ, Rafa", "MARQUEZ ALVAREZ, Rafael"),
    ("13167", "SHUSHANASHVILI, Kakha", "SHUSHANASHVILI, Kakhaber Pavlovich"),
    ("16779", "MORAN SANCHEZ, Janet", "MORAN SANCHEZ, Maria Janette"),
    ("18009", "MAZIOTIS, Nikos", "MAZIOTIS, Nikolaos"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), GIVEN_NAME_SHORT)
def test_a_given_name_written_short_is_the_same_person(key: str, watched: str, listed: str) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


# The Spanish and Greek short forms of one SDN entry's aliases ('PAEZ, Nacho', 'PAEZ
# Nachillo'; 'ISIDRO, Chapo', 'ISIDRO, Chapito'), and other SDN names written short.
@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("alex", "aleksey"),
        ("rafa", "rafael"),
        ("kakha", "kakhaber"),
        ("nikos", "nikolaos"),
        ("nacho", "nachillo"),
        ("chapo", "chapito"),
        ("janet", "janette"),
    ],
)
def test_short_forms_are_read_either_way_and_foreseen_by_the_index(short: str, long: str) -> None:
    assert short_form(short, long) and short_form(long, short)
    # the screening index skips what could_pair and its cheap test do not foresee
    assert may_be_alike(short, long) and could_pair(short, long)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("drago", "dragan"),  # 'NIKOLIC, Drago' (SDN 7759) and 'NIKOLIC, Dragan' (7758)
        ("haris", "harith"),  # 'AL-DHARI, Muthana Haris' (11493), 'AL-DHARI, Harith' (11169)
        ("alejandro", "alejandrina"),  # 'GUZMAN SALAZAR, Alejandro' (13120), his mother (13121)
        ("jose", "josefina"),  # a man's and a woman's name
        ("maria", "marilyn"),  # 'ZEVALLOS GONZALES, Sara Marilyn' (11400), 'Sara Maria' (11399)
        ("vladimir", "vladimirovich"),  # a patronymic: the father's name
        ("domingo", "dominguez"),  # a Spanish surname made of a father's name
        ("martin", "martinez"),
        ("maria", "mariam"),  # one letter more is another name
        ("ali", "alim"),  # too short to be a name's beginning
    ],
)
def test_other_names_are_no_short_forms(a: str, b: str) -> None:
    assert not short_form(a, b)


def test_a_father_and_son_sharing_a_surname_are_not_one_by_a_short_form() -> None:
    # 'AL-DHARI, Muthana Haris' (SDN 11493) is the son of 'AL-DARI, Harith Sulayman' (11169)
    assert found("AL-DHARI, Muthana Haris", "11169", "AL-DHARI, Harith") < THRESHOLD


def test_brothers_sharing_a_surname_are_not_one_by_a_short_form() -> None:
    assert found("NIKOLIC, Dragan", "7759", "NIKOLIC, Drago") < THRESHOLD


def test_a_mother_and_son_are_not_one_by_a_name_of_the_other_sex() -> None:
    watched = "GUZMAN SALAZAR, Alejandro"  # SDN 13120
    assert found(watched, "13121", "SALAZAR DE GUZMAN, Alejandrina") < THRESHOLD


def test_a_short_given_name_beside_another_surname_is_no_match() -> None:
    # 'MEJIA MAGNANI, Jhon' (SDN 8248) is not 'MUNOZ MEJIA, Jhonathan' (19910)
    assert found("MEJIA MAGNANI, Jhon", "19910", "MUNOZ MEJIA, Jhonathan") < THRESHOLD
