"""Organisations' names that go on after their legal form, that write a vowel otherwise or
translate the word for the kind of body otherwise, on the SDN list's own names.

Each positive is one SDN entry's alias watched against the same entry written another
way (its other name alone, as ``benchmarks/matching_eval.py`` asks), the words frequent
on the list known as screening knows them; each negative a real name of one entry
against a real name of another entry that the rule must not take for it. The SDN list of
2021-07-07 (../shared/realdata).
"""

from __future__ import annotations

import pytest

from monitor.watchlists.config import WatchlistConfig
from monitor.watchlists.consonants import vowels_apart
from monitor.watchlists.described import NOT_DESCRIBED, described
from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.matching import WatchIndex, prepare
from monitor.watchlists.rarity import WordRarity
from monitor.watchlists.tokens import analyse
from tests.watchlists.test_matching_organisation_forms import found_on_the_list, sdn
from tests.watchlists.test_matching_spelt_apart import found, written

THRESHOLD = WatchlistConfig.model_fields["threshold"].default

# The name, its legal form (or 'for'), then its seat, its trade or what it is for.
DESCRIBED = [
    ("7601", "UNIPAPEL S.A. BOLSAS DE PAPEL PAPELES SOBRES", "UNIPAPEL S.A."),
    ("28123", "ARANEKS DOO BEOGRAD-VOZDOVAC", "ARANEKS DOO"),
    ("16016", "CILINDER SISTEM D.O.O. ZA PROIZVODNJU I USLUGE", "CILINDER SISTEM D.O.O."),
    ("23287", "CALIDUS TRADE DOO BEOGRAD", "CALIDUS TRADE DOO"),
    ("26590", "BANCO DE VENEZUELA SA, BANCO UNIVERSAL", "BANCO DE VENEZUELA"),
    ("11346", "WAAD PROJECT FOR RECONSTRUCTION", "WAAD PROJECT"),
    ("22257", "AL-BUSTAN CHARITY FOUNDATION", "AL-BUSTAN CHARITY"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), DESCRIBED)
def test_a_name_described_after_its_legal_form_is_the_name(
    key: str, watched: str, listed: str
) -> None:
    assert found_on_the_list(watched, key, listed) >= THRESHOLD
    assert found_on_the_list(listed, key, watched) >= THRESHOLD  # either way round


def test_the_alert_says_the_words_describe_the_company() -> None:
    index = WatchIndex([WatchEntry(name="UNIPAPEL S.A. BOLSAS DE PAPEL PAPELES SOBRES")])
    rarity = WordRarity.of(sdn())
    [match] = index.match(prepare(written("7601", "UNIPAPEL S.A.")), threshold=0.9, rarity=rarity)
    assert match.score == 0.95
    assert "legal form and words that describe it" in match.why


# Another SDN entry, one bare word: a name many companies take, or a person's or vessel's
# alias; 'PARTIZAN TECH DOO BEOGRAD' is not every 'PARTIZAN'.
NOT_THE_COMPANY = [
    ("PARTIZAN TECH DOO BEOGRAD", "24512", "PARTIZAN"),
    ("AL-HODA FOR RELIGIOUS TOURISM COMPANY", "15057", "HODA"),
    ("RAMAK COMPANY FOR DEVELOPMENT AND HUMANITARIAN PROJECTS LLC", "10933", "RAMAK"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), NOT_THE_COMPANY)
def test_one_bare_word_is_not_the_described_company(watched: str, key: str, listed: str) -> None:
    assert found_on_the_list(watched, key, listed) < THRESHOLD


def test_where_a_name_is_cut_from_its_description() -> None:
    parts = described(analyse("CILINDER SISTEM D.O.O. ZA PROIZVODNJU I USLUGE"))
    assert parts.name == {"cilinder", "system"}  # 'Sistem' read as the generic 'system'
    assert parts.description == {"za", "proizvodnju", "i", "usluge"}
    # A legal form opening or closing the name, a corporate word that is no legal form, a
    # country after the form (a subsidiary's): no description.
    for name in (
        "OOO VESNA",
        "KING ROMANS COMPANY LIMITED",
        "HUAWEI TECHNOLOGIES (THAILAND)",
        "CUBI CAFE CLICK CUBE MEXICO, S.A. DE C.V.",
        "VERANILLO DIVE CENTER LTDA. COLOMBIA",
        # a part of the corporation named after it, another Entity List party than the
        # corporation on the OFAC list
        "China Aerospace Science and Industry Corporation (CASIC) 3rd Academy",
        "China Aerospace Science and Industry Corporation Second Academy",
        "China Aerospace Science and Industry Corporation (CASIC) 3rd Academy?s 159 Factory",
    ):
        assert described(analyse(name)) == NOT_DESCRIBED, name


# One word written with other vowels beside words the two names share.
VOWELS_APART = [
    ("28168", "NOOR HOLDING SAL", "NOUR HOLDING SAL"),
    ("17567", "AJNAD MASR", "AJNAD MISR"),
    ("20200", "MORE SHIPYARD", "MORYE SHIPYARD"),
    (
        "21652",
        "GRUPO TERAPEUTICO HERMORAL, S.A. DE C.V.",
        "GRUPO TERAPEUTICO HORMARAL, S.A. DE C.V.",
    ),
    ("27163", "PISHTAZAN KAVOSH GOSTAR BASHARA LLC", "PISHTAZAN KAVOSH GOSTAR BOSHRA, LLC"),
    ("23246", "NOVY VEK-MEDIA OOO", "NOVYI VEK - MEDIA"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), VOWELS_APART)
def test_a_word_written_with_other_vowels_beside_shared_words(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


def test_vowels_apart_keeps_the_consonants_and_most_letters() -> None:
    assert vowels_apart("noor", "nour") and vowels_apart("hermoral", "hormaral")
    assert not vowels_apart("nour", "nar")  # 57 alike as written: two words
    assert not vowels_apart("sham", "shams")  # a consonant more


def test_one_word_written_with_other_vowels_is_no_name_alone() -> None:
    # 'PEJAK' and 'PJAK', 'MASNA' and 'MSNA' are each one entry's names, but a name of one
    # short word written with other vowels is as often another's ('KACH', 'KOCH').
    assert found("PEJAK", "11351", "PJAK") < THRESHOLD


# The word for the kind of body translated otherwise, two distinctive words agreeing.
BODIES = [
    ("30610", "AKHMAD KADYROV FUND", "AKHMAT KADYROV FOUNDATION"),
    ("9333", "AL-BIRR WA AL-IHSAN CHARITY ASSOCIATION", "BIRR AND ELEHSSAN SOCIETY"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), BODIES)
def test_the_kind_of_body_translated_otherwise_is_one_name(
    key: str, watched: str, listed: str
) -> None:
    assert found_on_the_list(watched, key, listed) >= THRESHOLD
    assert found_on_the_list(listed, key, watched) >= THRESHOLD


# Other SDN entries: beside one distinctive word, the kind of body tells them apart.
OTHER_BODIES = [
    ("PALESTINIAN RELIEF FUND", "7911", "PALESTINIAN RELIEF SOCIETY"),
    ("ISLAMIC SALVATION FOUNDATION", "10408", "ISLAMIC SALVATION SOCIETY"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), OTHER_BODIES)
def test_another_kind_of_body_beside_one_word_is_another(
    watched: str, key: str, listed: str
) -> None:
    assert found_on_the_list(watched, key, listed) < THRESHOLD
