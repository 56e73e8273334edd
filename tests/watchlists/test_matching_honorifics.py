"""Burmese honorifics ('U', 'Daw') leading a person's name, set aside as titles.

Each positive is one SDN entry's alias watched against the same entry written another way
(as the evaluation in ``benchmarks/matching_eval.py`` asks), both ways; each negative a
real name of one entry against a real name of another. The SDN list of 2021-07-07
(../shared/realdata).
"""

from __future__ import annotations

import pytest

from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.honorifics import leading_honorific
from monitor.watchlists.matching import WatchIndex, prepare
from tests.watchlists.test_matching_spelt_apart import THRESHOLD, found, written

# One entry's names: with the honorific 'U' and without it.
HONORIFIC_LEFT_OUT = [
    ("11271", "U LI MYINT", "MYINT, Li"),
    ("11270", "U OO OO KHINE", "KHINE, Oo Oo"),
    ("31925", "HLAING, U Ko Ko", "HLAING, Ko Ko"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), HONORIFIC_LEFT_OUT)
def test_a_name_with_the_honorific_is_the_name_without_it(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


@pytest.mark.parametrize(("key", "watched", "listed"), HONORIFIC_LEFT_OUT)
def test_the_screening_index_finds_it_at_the_threshold(key: str, watched: str, listed: str) -> None:
    # the index's bound counts the honorific as set aside, as scoring does
    index = WatchIndex([WatchEntry(name=watched)])
    assert index.match(prepare(written(key, listed)), threshold=THRESHOLD)


def test_only_a_leading_u_is_an_honorific() -> None:
    assert leading_honorific("U LI MYINT") == "u"
    assert leading_honorific("HLAING, U Ko Ko") == "u"
    assert leading_honorific("MON, Daw Khin Thiri Thet") == "daw"  # SDN 31316
    assert leading_honorific("KIM, Hyon U") == ""  # a Korean syllable (SDN 'KIM, Hyon Wu')
    assert leading_honorific("U") == ""


@pytest.mark.parametrize(
    ("watched", "key", "listed"),
    [
        # two SDN entries each: another given name beside the honorific and a surname
        ("HTET, U Hein", "31939", "HTET, Kaung"),
        ("SOE, U Thein", "31758", "NYUNT, Thein"),
    ],
)
def test_the_honorific_set_aside_finds_no_other_person(watched: str, key: str, listed: str) -> None:
    assert found(watched, key, listed) < THRESHOLD
