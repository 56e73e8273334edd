"""Thai persons' names romanised two ways on the SDN list (2021-07-07, ../shared/realdata):
the Royal Thai General System's aspirated 'ph' and closing 'n' against popular spellings'
'p' and 'rn' (:func:`~monitor.watchlists.scoring.thai_consonant_key`), read so only where a
surname and a given name agree, as the consonant rule does.
"""

from __future__ import annotations

import pytest

from monitor.watchlists.config import WatchlistConfig
from monitor.watchlists.scoring import (
    consonant_key,
    consonants_alike,
    could_pair,
    may_be_alike,
    score_names,
    thai_consonant_key,
)
from monitor.watchlists.tokens import analyse, is_distinctive
from tests.watchlists.test_matching_spelt_apart import found

THRESHOLD = WatchlistConfig.model_fields["threshold"].default

# one SDN entry's aliases each
THAI_SPELLINGS = [
    ("9529", "CHARI-APHAPHON, Hiran", "CHARI-APAPORN, Hiran"),
    ("9530", "CHANTHRAPRAPHAPHON, Aphinya", "CHANTARAPRAPAPORN, Apinya"),
    ("9532", "CHANTHRAPRAPHAPHON, Arin", "CHANTARAPRAPAPORN, Arin"),
]


def test_one_thai_key_for_two_romanisations() -> None:
    assert thai_consonant_key("kradumphon") == thai_consonant_key("kradoomporn")
    assert consonant_key("kradumphon") != consonant_key("kradoomporn")
    assert consonants_alike("aphaphon", "apaporn")


@pytest.mark.parametrize(("key", "watched", "listed"), THAI_SPELLINGS)
def test_a_thai_name_romanised_two_ways_is_the_same_person(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


# the same family name, another member (a given name of their own)
OTHER_PEOPLE = [
    ("KRADUMPHON, Sombun", "9534", "KRADOOMPORN, Wari"),
    ("CHANTHRAPRAPHAPHON, Aphinya", "9532", "CHANTARAPRAPAPORN, Arin"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), OTHER_PEOPLE)
def test_another_member_of_a_thai_family_is_no_match(watched: str, key: str, listed: str) -> None:
    assert found(watched, key, listed) < THRESHOLD


@pytest.mark.parametrize(("key", "watched", "listed"), THAI_SPELLINGS)
def test_the_thai_reading_is_one_the_screening_bound_foresees(
    key: str, watched: str, listed: str
) -> None:
    """Screening skips words :func:`could_pair` and :func:`may_be_alike` say cannot pair."""
    scored = score_names(analyse(watched), analyse(listed, person=True))
    assert scored is not None and scored.score >= THRESHOLD, key
    apart = [(a, b) for a, b, _ in scored.pairs if a != b and is_distinctive(a)]
    assert apart
    assert all(could_pair(a, b) and may_be_alike(a, b) for a, b in apart)
