"""Belarusian romanisations of a Russian name ('Uladzimir' for 'Vladimir', 'RADZKOU' for
'RADKOV'), read as one name in persons' names.

Each positive is one SDN entry's alias watched against the same entry written another way
(as the evaluation in ``benchmarks/matching_eval.py`` asks), both ways. The SDN list of
2021-07-07 (../shared/realdata).
"""

from __future__ import annotations

import pytest

from monitor.watchlists.cyrillic import cyrillic_reading, cyrillic_variant
from tests.watchlists.test_matching_spelt_apart import THRESHOLD, found

# One entry's names: written in Belarusian and in Russian.
BELARUSIAN = [
    ("10139", "RADZKOU, Aleksandr Mikhailavich", "RADKOV, Aleksandr Mikhailovich"),
    ("10140", "RUSAKEVICH, Uladzimir Vasilievich", "RUSAKEVICH, Vladimir Vasilyevich"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), BELARUSIAN)
def test_a_belarusian_name_is_the_russian_one(key: str, watched: str, listed: str) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


@pytest.mark.parametrize(
    ("belarusian", "russian"),
    [
        ("uladzimir", "vladimir"),
        ("radzkou", "radkov"),
        ("zubkou", "zubkov"),  # SDN 32211 'ZUBKOU, Siarhei Yaugenavich' / 'ZUBKOV, Sergei'
        ("dzmitry", "dmitriy"),
        ("uladzislau", "vladislav"),
    ],
)
def test_belarusian_spellings_read_as_the_russian_ones(belarusian: str, russian: str) -> None:
    assert cyrillic_variant(belarusian, russian)


def test_short_arabic_names_ending_in_ou_stay_as_written() -> None:
    # 'Hamou', 'Abou' end as the Belarusian '-ou' does: too short to be read '-ov'
    assert cyrillic_reading("hamou") != cyrillic_reading("hamov")
    assert cyrillic_reading("abou") != cyrillic_reading("abov")
