"""Given names the lists write short ('Mg' for the Burmese 'Maung').

Each positive is
one SDN entry's alias watched against the same entry written another way (as the
evaluation in ``benchmarks/matching_eval.py`` asks); each negative a real name of one
entry against a real name of another that the rule must not take for it. The SDN list of
2021-07-07 (../shared/realdata).
"""

from __future__ import annotations

import pytest

from monitor.watchlists.tokens import analyse
from tests.watchlists.test_matching_spelt_apart import THRESHOLD, found

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


# One entry's names: the Spanish 'Ma' for Maria.
def test_ma_written_for_maria_is_the_same_person() -> None:
    key, watched, listed = "21065", "CHAVEZ MARTINEZ, Ma Isela", "CHAVEZ MARTINEZ, Maria Isela"
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


def test_ma_is_maria_among_the_given_names_only() -> None:
    assert analyse("CHAVEZ MARTINEZ, Ma Isela").tokens[2] == "maria"
    assert analyse("MA, Xiaohong").tokens == ("ma", "xiaohong")  # SDN 20565: a surname


def test_ma_read_as_maria_finds_no_other_maria() -> None:
    # 'MORAN SANCHEZ, Maria Janette' (SDN 16779) shares no name with 'Ma Isela'
    assert found("CHAVEZ MARTINEZ, Ma Isela", "16779", "MORAN SANCHEZ, Maria Janette") < THRESHOLD
