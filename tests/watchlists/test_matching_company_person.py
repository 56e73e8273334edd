"""A company's name against a listed person's: one shared word is a coincidence of words.

A watched name that carries a legal form ('COMPANY', 'CHARITABLE ORGANIZATION') names a
company; a listed individual's alias that shares one distinctive word with it (a kunya
such as 'Abu Usamah', a surname alone) is another party. A company named after its owner
shares the owner's names, two words at least, and is still found. Real names of the SDN
list of 2021-07-07 (../shared/realdata), each against the entry written as one of its own
names.
"""

from __future__ import annotations

import pytest

from monitor.watchlists.config import WatchlistConfig
from tests.watchlists.test_matching_spelt_apart import found

THRESHOLD = WatchlistConfig.model_fields["threshold"].default

ONE_WORD_OF_A_PERSON = [
    ("RAHMA CHARITABLE ORGANIZATION", "18603", "RAHMAH, Abu"),
    ("AL-'USAMAH COMPANY", "21804", "Abu Usamah"),
    ("AL-'USAMAH COMPANY", "17166", "ABU USAMA"),
    ("AL-AHSAN CHARITABLE ORGANIZATION", "11280", "AH SAN"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), ONE_WORD_OF_A_PERSON)
def test_a_company_sharing_one_word_with_a_person_is_not_found(
    watched: str, key: str, listed: str
) -> None:
    assert found(watched, key, listed) < THRESHOLD


def test_a_company_named_after_its_owner_still_finds_the_owner() -> None:
    watched = "CLAUDIA MERCEDES VARGAS GIRALDO SOCIEDAD POR ACCIONES SIMPLIFICADA"
    assert found(watched, "20156", "VARGAS GIRALDO, Claudia Mercedes") >= THRESHOLD


def test_the_same_word_without_a_legal_form_still_finds_the_person() -> None:
    """Without a legal form the watched name may be the person's own: 'USAMAH' alone is
    scored as before (the rule reads the legal form, not the listed type alone)."""
    assert found("ABU USAMAH", "21804", "Abu Usamah") >= THRESHOLD
