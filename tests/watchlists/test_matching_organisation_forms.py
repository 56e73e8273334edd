"""An organisation's name blended into one word, named after the town of its address, or
written with another ending of one stem, on the SDN list's own names.

Each positive is one SDN entry's alias watched against the same entry written another
way (its other name alone, as ``benchmarks/matching_eval.py`` asks), both ways round
where the rule reads both; each negative a real name of one entry against a real name of
another entry that the rule must not take for it. The SDN list of 2021-07-07
(../shared/realdata).
"""

from __future__ import annotations

import pytest

from monitor.watchlists.blends import blend_keys
from monitor.watchlists.config import WatchlistConfig
from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.matching import WatchIndex, prepare
from monitor.watchlists.rarity import WordRarity
from monitor.watchlists.tokens import analyse
from tests.watchlists.test_matching_rules import sdn
from tests.watchlists.test_matching_spelt_apart import found, written

THRESHOLD = WatchlistConfig.model_fields["threshold"].default

# One word blended from the beginnings of the other name's words, one kept whole: its
# first word or its last distinctive one.
BLENDS = [
    ("6531", "COLCERDOS LTDA.", "COLOMBIANA DE CERDOS LTDA."),
    ("6663", "COMECARNES LTDA.", "COMERCIALIZADORA DE CARNES LTDA."),
    ("7576", "BANAGRICOLA S.A.", "BANANERA AGRICOLA S.A."),
    ("12376", "FUNPORVENIR", "FUNDACION PARA EL BIENESTAR Y EL PORVENIR"),
    ("30630", "FINCIMEX", "FINANCIERA CIMEX S.A"),
    ("4454", "VALLECOM", "VALLE COMUNICACIONES LTDA."),
    ("6341", "GRANCO", "GRAN COMPANIA DE HOTELES LTDA."),
    ("25471", "KHAYBARCO", "KHAYBAR COMPANY"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), BLENDS)
def test_a_name_blended_into_one_word_is_found(key: str, watched: str, listed: str) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD  # either way round


# Distinct SDN entries: the blend keeps a word whole that other words follow ('AL HARAMAIN'
# then 'AL MASJED AL AQSA', 'KUDO' then 'KAI'), or takes all but a letter of a word ('Song'
# as 'son'): a name spelt together, or another name, not a blend.
NOT_BLENDS = [
    ("AL HARAMAIN AL MASJED AL AQSA", "7199", "ALHARAMAIN"),
    ("GODAIME KUDO-KAI", "12816", "GOKUDO"),
    ("Chol Song JO", "30082", "CHOLSON LLC"),
]


@pytest.mark.parametrize(("watched", "key", "listed"), NOT_BLENDS)
def test_words_run_together_otherwise_are_no_blend(watched: str, key: str, listed: str) -> None:
    assert found(watched, key, listed) < THRESHOLD


@pytest.mark.parametrize(("key", "watched", "listed"), BLENDS)
def test_the_index_finds_a_blend_by_the_word_it_keeps_whole(
    key: str, watched: str, listed: str
) -> None:
    """A blend shares no word with its name: the index keys the one-word name by its
    beginnings and endings (:func:`~monitor.watchlists.blends.blend_keys`), and the
    whole word is one of them."""
    one, many = sorted((analyse(watched), analyse(listed)), key=lambda f: len(f.tokens))
    assert len(one.tokens) == 1
    assert set(blend_keys(one.tokens[0])) & set(many.tokens)
    index = WatchIndex([WatchEntry(name=watched)])
    assert index._candidates(prepare(written(key, listed)).names[0][2], THRESHOLD)


# A listed company named after the town or island of its own address: the watched name
# leads the rest ('POLOTSK STEKLOVOLOKNO' at an address in Polotsk, Belarus).
NAMED_AFTER_ITS_TOWN = [
    ("10755", "STEKLOVOLOKNO", "POLOTSK STEKLOVOLOKNO OAO"),
    ("25480", "IRINVESTSHIP LIMITED", "LONDON IRINVEST SHIP COMPANY"),
    ("22694", "MADKANDALOU COMPANY", "QESHM MADKANDALOO SHIPBUILDING COOPERATIVE CO"),
    ("15912", "TAGHTIRAN P.J.S.", "TAGHTIRAN KASHAN COMPANY"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), NAMED_AFTER_ITS_TOWN)
def test_a_company_named_after_its_town_is_the_company(key: str, watched: str, listed: str) -> None:
    assert found(watched, key, listed) >= THRESHOLD


def test_a_short_word_of_the_address_is_no_town_to_skip() -> None:
    # Two SDN entries: 'JUI CHENG SHIPPING' has an address naming 'Jui'; a word of three
    # letters is no place the company is named after, so 'CHANG AN SHIPPING' (its 'Chang'
    # a spelling of 'Cheng') does not lead the name.
    watched = "CHANG AN SHIPPING AND TECHNOLOGY"
    assert found(watched, "26930", "JUI CHENG SHIPPING COMPANY LIMITED") < THRESHOLD


# The same words but one, written with another ending of one stem.
ONE_STEM = [
    ("7322", "BENEVOLENT INTERNATIONAL FUND", "BENEVOLENCE INTERNATIONAL FUND"),
    ("31937", "STATE ADMINISTRATION COUNCIL", "STATE ADMINISTRATIVE COUNCIL"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), ONE_STEM)
def test_the_same_name_with_another_ending_is_found(key: str, watched: str, listed: str) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


def test_a_word_of_one_stem_alone_is_still_no_name() -> None:
    # A vessel HERBY (alias EXPLORER) and a company: the stem is all the two names share.
    assert found("EXPLORER", "20581", "KOREA OIL EXPLORATION CORPORATION") < THRESHOLD


# What a company is, in the languages of the lists' Iranian and Turkish companies and a
# few English words, left over in one name: generic words ('sherkat' is 'company',
# 'havacilik' 'aviation'); and legal forms written short ('P.J.S.', 'FSUE', 'FAU', the
# Russian 'SK' and 'IC' for a shipping and an investment company).
GENERIC_OR_FORM = [
    ("11184", "SHERKAT SANAYEH ELECTRONICS IRAN", "SANAYE ELECTRONIC IRAN"),
    ("17229", "PIONEER LOGISTICS HAVACILIK", "PIONEER LOGISTICS"),
    ("12743", "SYRIAN MILITARY INTELLIGENCE DIRECTORATE", "SYRIAN MILITARY INTELLIGENCE"),
    ("15918", "AL-DONYA TELEVISION CHANNEL", "AL-DUNYA TELEVISION"),
    ("20200", "FEDERAL STATE UNITARY ENTERPRISE SZ MORYE", "FSUE SZ 'MORYE'"),
    ("20211", "GLAVGOSEKSPERTIZA", "FAU 'GLAVGOSEKSPERTIZA ROSSII'"),
    ("24451", "SK GUDZON, OOO", "GUDZON SHIPPING CO LLC"),
    ("16835", "LLC IC ABROS", "THE LIMITED LIABILITY COMPANY INVESTMENT COMPANY ABROS"),
]


def found_on_the_list(watched: str, key: str, name: str) -> float:
    """:func:`found`, the words frequent on the SDN list known, as screening knows them: a
    generic word left over is set aside only beside a word rare on the list."""
    index = WatchIndex([WatchEntry(name=watched)])
    rarity = WordRarity.of(sdn())
    matches = index.match(prepare(written(key, name)), threshold=0.0, rarity=rarity)
    return matches[0].score if matches else 0.0


@pytest.mark.parametrize(("key", "watched", "listed"), GENERIC_OR_FORM)
def test_a_generic_word_or_legal_form_left_over_is_no_other_name(
    key: str, watched: str, listed: str
) -> None:
    assert found_on_the_list(watched, key, listed) >= THRESHOLD


def test_a_name_one_letter_from_a_generic_word_stays_a_name() -> None:
    # 'Salman' is one letter from the Persian 'sazman' (organisation), left out of the
    # generic words for it: read as it, the given name would be a generic word.
    assert analyse("SALMAN, Maalim", person=True).distinctive == ("salman", "maalim")
    assert found("ALI, Maalim Salman", "17284", "SALMAN, Maalim") >= THRESHOLD


def test_a_generic_word_alone_is_no_name_to_watch() -> None:
    with pytest.raises(ValueError):
        WatchEntry(name="SHERKAT")


def test_a_word_a_name_is_told_by_is_no_generic_word() -> None:
    # The Arabic 'hawala' (money transfer) names a trade, but 'AHMAD SHAH HAWALA' is told by
    # it beside a common given name and surname: it stays a word to match on.
    assert found_on_the_list("HAJI AHMAD SHAH HAWALA", "15005", "AHMAD SHAH HAWALA") >= THRESHOLD


# The one distinctive word spelt apart when every other word of both names is the same.
APART_BESIDE_COMMON = [
    ("4697", "LEBANESE HEZBOLLAH", "LEBANESE HIZBALLAH"),
    ("12454", "CONGO FUTURE", "CONGO FUTUR"),
    ("21124", "HANIFEH EXCHANGE", "HANIFA EXCHANGE"),
]


@pytest.mark.parametrize(("key", "watched", "listed"), APART_BESIDE_COMMON)
def test_one_word_spelt_apart_beside_the_same_common_words_is_found(
    key: str, watched: str, listed: str
) -> None:
    assert found(watched, key, listed) >= THRESHOLD
    assert found(listed, key, watched) >= THRESHOLD


def test_a_word_spelt_apart_at_its_first_letter_is_another_company() -> None:
    # Two SDN entries: 'Charak' and 'Shalak' begin with one sound read loosely ('ch', 'sh'),
    # but as written with other letters: two names beside the country they share.
    assert found("IRAN CHARAK", "25337", "IRAN SHALAK") < THRESHOLD


# A Mexican rural production company's legal form written out in one name, short in the
# other ("S.P.R. DE R.I.").
SPELT_OUT = [
    (
        "21570",
        "'ALONDRA PRODUCE', SOCIEDAD DE PRODUCCION RURAL DE RESPONSABILIDAD ILIMITADA",
        "ALONDRA PRODUCE, S.P.R. DE R.I.",
    ),
    (
        "21577",
        "'AGRICOLA RUELAS', SOCIEDAD DE PRODUCCION RURAL DE RESPONSABILIDAD ILIMITADA",
        "AGRICOLA RUELAS, S.P.R. DE R.I.",
    ),
]


@pytest.mark.parametrize(("key", "watched", "listed"), SPELT_OUT)
def test_a_legal_form_written_out_is_found(key: str, watched: str, listed: str) -> None:
    assert found_on_the_list(watched, key, listed) >= THRESHOLD


def test_a_written_out_form_is_dropped_as_a_whole_phrase_only() -> None:
    spelt = analyse("'ALONDRA PRODUCE', SOCIEDAD DE PRODUCCION RURAL DE RESPONSABILIDAD ILIMITADA")
    assert spelt.tokens == ("alondra", "produce")
    # 'Rural' alone is a word a company may be called by, and stays.
    assert "rural" in analyse("BANCO RURAL S.A.").tokens


def test_two_rural_production_companies_are_not_one() -> None:
    # Two SDN entries of that form: the written-out form shared, the names not.
    watched = "'AGRICOLA RUELAS', SOCIEDAD DE PRODUCCION RURAL DE RESPONSABILIDAD ILIMITADA"
    assert found_on_the_list(watched, "21570", "ALONDRA PRODUCE, S.P.R. DE R.I.") < THRESHOLD
