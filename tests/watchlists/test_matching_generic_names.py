"""Organisations' names of common words only, compared as whole names; and the initials of
organisations' names, on the SDN list's own names.

Each positive is one SDN entry's alias watched against the same entry written another
way (its other name alone, as ``benchmarks/matching_eval.py`` asks), both ways round, the
list's word rarity known (as screening and alerts count it); each negative a real name of
one entry against a real name of another entry. The SDN list of 2021-07-07.
"""

from __future__ import annotations

from functools import cache

import pytest

from monitor.watchlists.config import WatchlistConfig
from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.generic_names import (
    generic_match,
    generic_words,
    index_keys,
    is_generic,
    lookup_keys,
    watchable,
)
from monitor.watchlists.matching import WatchIndex, prepare
from monitor.watchlists.rarity import WordRarity
from monitor.watchlists.tokens import analyse
from tests.watchlists.test_matching_rules import sdn
from tests.watchlists.test_matching_spelt_apart import written

THRESHOLD = WatchlistConfig.model_fields["threshold"].default


@cache
def rarity() -> WordRarity:
    return WordRarity.of(sdn())


def scored(watched: str, key: str, name: str) -> tuple[float, str]:
    """The score and reason of a watched name against SDN entry ``key`` written as ``name``."""
    index = WatchIndex([WatchEntry(name=watched)])
    matches = index.match(prepare(written(key, name)), threshold=0.0, rarity=rarity())
    return (matches[0].score, matches[0].why) if matches else (0.0, "")


# The same words in order, legal forms aside; an article opening the name is the name's.
SAME_WORDS = [
    ("30286", "DES INTERNATIONAL", "DES INTERNATIONAL CO., LTD."),
    ("30286", "DES INTERNATIONAL COMPANY LIMITED", "DES INTERNATIONAL CO., LTD."),
    ("12209", "OFFICE NO. 39", "OFFICE 39"),
    (
        "11195",
        "IRAN AIRCRAFT MANUFACTURING INDUSTRIES",
        "IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY",
    ),
]
# One name the other with a place, or one common word, more.
FULLER = [
    ("25647", "ADVANCED TECHNOLOGIES", "ADVANCED TECHNOLOGIES COMPANY OF IRAN"),
    ("29524", "NEW FAR INTERNATIONAL", "NEW FAR INTERNATIONAL LOGISTICS LIMITED"),
    (
        "11195",
        "IRAN AIRCRAFT MANUFACTURING COMPANY",
        "IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY",
    ),
    ("24026", "RUSSIAN FINANCIAL CORPORATION BANK JSC", "RUSSIAN FINANCIAL CORPORATION"),
    (
        "9526",
        "INTERNATIONAL CHEMICAL JOINT VENTURE CORPORATION",
        "KOREA INTERNATIONAL CHEMICAL JOINT VENTURE COMPANY",
    ),
    ("11533", "HONG KONG ELECTRONICS KISH CO", "HONG KONG ELECTRONICS"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), SAME_WORDS + FULLER)
def test_a_name_of_common_words_is_found_as_a_whole_name(
    key: str, watched: str, listed: str
) -> None:
    for mine, theirs in ((watched, listed), (listed, watched)):  # either way round
        score, why = scored(mine, key, theirs)
        assert score >= THRESHOLD, (mine, theirs)
        assert "names of common words only" in why


def test_an_article_opening_a_name_is_the_name() -> None:
    # 'DES' is the name (D.E.S.), not the French article; 'the' opening a name is one
    assert generic_words(analyse("DES INTERNATIONAL CO., LTD.")) == ("des", "international")
    assert generic_words(analyse("THE ORGANIZATION FOR TECHNICAL INDUSTRIES")) == (
        "organization",
        "technical",
        "industries",
    )
    assert watchable(analyse("DES INTERNATIONAL"))
    assert WatchEntry(name="DES INTERNATIONAL").name == "DES INTERNATIONAL"


# Real names of distinct SDN entries: common words alone, a word apart, are no match.
OTHER_ENTRIES = [
    ("DUBAI TRADING COMPANY", "10598", "A A TRADING FZCO"),  # another word each
    ("NATIONAL BANK OF CUBA", "17243", "INDUSTRIAL BANK"),
    ("KOREA TRADE BANK", "19509", "KOREA UNITED DEVELOPMENT BANK"),
    ("ISLAMIC NATIONAL BANK", "17755", "RUSSIAN NATIONAL COMMERCIAL BANK"),
    ("CENTRAL BANK OF IRAN", "10368", "IRAN EXPORT BANK"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), OTHER_ENTRIES)
def test_names_of_common_words_that_differ_are_no_match(
    watched: str, key: str, listed: str
) -> None:
    assert scored(watched, key, listed)[0] < THRESHOLD
    assert scored(listed, key, listed)[0] == 1.0  # the listed name itself is found


def test_a_name_of_frequent_words_with_a_place_more_is_no_match() -> None:
    # 'NATIONAL BANK' (both words frequent on the list) is not every 'NATIONAL BANK OF X'
    assert scored("NATIONAL BANK", "306", "NATIONAL BANK OF CUBA")[0] < THRESHOLD
    # nothing known of the list: only the same words match
    index = WatchIndex([WatchEntry(name="NEW FAR INTERNATIONAL")])
    listed = written("29524", "NEW FAR INTERNATIONAL LOGISTICS LIMITED")
    assert not index.match(prepare(listed), threshold=0.0)


def test_a_word_that_is_a_place_and_a_persons_name_is_a_name_of_its_own() -> None:
    """'Marshall' (of the Marshall Islands) is a person's name too, so a company's name of
    it is no name of common words: found by the ordinary rules, even knowing nothing of
    the list."""
    index = WatchIndex([WatchEntry(name="MARSHALL CAPITAL")])
    [match] = index.match(prepare(written("17449", "MARSHALL CAPITAL PARTNERS")), threshold=0.0)
    assert match.score >= THRESHOLD
    assert "names of common words only" not in match.why


# A company's initials with 'CO' for its closing 'Company' (one SDN entry's names each).
COMPANY_INITIALS = [
    ("25477", "MITDCO", "MARINE INFORMATION TECHNOLOGY DEVELOPMENT COMPANY"),
]


@pytest.mark.parametrize(("key", "short", "full"), COMPANY_INITIALS)
def test_initials_with_co_for_company_are_an_acronym(key: str, short: str, full: str) -> None:
    for mine, theirs in ((short, full), (full, short)):
        score, why = scored(mine, key, theirs)
        assert score >= THRESHOLD, (mine, theirs)
        assert "initials" in why


# Three words and 'CO' are the initials of too many companies (distinct SDN entries).
OTHER_COMPANIES = [
    ("SCSCO", "22943", "SADID CARAN SABA COMPANY"),
    ("SADID CARAN SABA COMPANY", "25434", "SCSCO"),
    ("PASCO", "30143", "POLYMER ARIA SASOL COMPANY"),
]


@pytest.mark.parametrize(("short", "key", "full"), OTHER_COMPANIES)
def test_three_initials_with_co_are_no_acronym(short: str, key: str, full: str) -> None:
    assert scored(short, key, full)[0] < THRESHOLD


def test_an_arabic_article_inside_a_name_gives_no_initial() -> None:
    # 'HASAM' (SDN 23628) is no initials of 'HARAKAT AL-SHABAAB AL-MUJAAHIDIIN' (10761)
    assert "hasam" not in analyse("HARAKAT AL-SHABAAB AL-MUJAAHIDIIN").acronyms
    assert scored("HASAM", "10761", "HARAKAT AL-SHABAAB AL-MUJAAHIDIIN")[0] < THRESHOLD
    # one opening the name does: 'AQAP'-style initials keep it
    assert "aqitap" in analyse("AL-QAIDA IN THE ARABIAN PENINSULA").acronyms


def test_a_place_may_stand_anywhere_and_as_its_peoples_adjective() -> None:
    key = "32275"  # one SDN entry's names
    score, _ = scored(
        "BELARUSIAN STATE SECURITY COMMITTEE",
        key,
        "STATE SECURITY COMMITTEE OF THE REPUBLIC OF BELARUS",
    )
    assert score >= THRESHOLD


def test_every_pair_of_common_words_matched_shares_an_index_key() -> None:
    """The index's contract for this rule: every two names of common words only on the SDN
    list that :func:`generic_match` takes for one share a key (:func:`index_keys` of the
    watched, :func:`lookup_keys` of the listed), so screening scores them."""
    forms = {
        form.original: form
        for record in sdn()
        if record.entry_type != "individual"
        for name in (record.name, *record.aliases)
        if (form := analyse(name)).tokens and is_generic(form)
    }
    watched = [f for f in forms.values() if watchable(f)]
    matched = 0
    for mine in watched:
        keys = index_keys(mine)
        for theirs in forms.values():
            if generic_match(mine, theirs, rarity().frequent) is not None:
                matched += 1
                assert keys & lookup_keys(theirs), (mine.original, theirs.original)
    assert matched > len(watched)  # more than each name against itself
