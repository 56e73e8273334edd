"""Matching real list entries against watch entries: recall on real names, and precision."""

from __future__ import annotations

from monitor.records import Record
from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.matching import Match, WatchIndex, prepare
from tests.watchlists.conftest import CONS_2021, CONS_2025, record_named, records

DJI = "SZ DJI TECHNOLOGY CO., LTD."
SENSETIME = "SENSETIME GROUP LIMITED"
HUAWEI = "HUAWEI TECHNOLOGIES CO., LTD."


def matches(entries: list[WatchEntry], record: Record, threshold: float = 0.9) -> list[Match]:
    return WatchIndex(entries).match(prepare(record), threshold=threshold)


def matched_names(entries: list[WatchEntry], threshold: float = 0.9) -> set[tuple[str, str]]:
    """(watch entry, listed name) over every entry of both real OFAC consolidated versions."""
    index = WatchIndex(entries)
    return {
        (m.entry.key, record.name)
        for record in records(CONS_2021) + records(CONS_2025)
        for m in index.match(prepare(record), threshold=threshold)
    }


def test_legal_forms_case_and_place_words_are_set_aside() -> None:
    found = matches([WatchEntry(name="DJI Technology")], record_named(CONS_2025, DJI))
    assert [(m.field, m.value, m.score) for m in found] == [("name", DJI, 1.0)]
    assert "legal forms ignored: co, ltd, technology" in found[0].why


def test_a_short_term_matches_only_as_a_whole_word() -> None:
    listed = {name for _, name in matched_names([WatchEntry(name="DJI")], threshold=0.5)}
    assert listed == {DJI}
    djibouti = Record.build(key="x", name="Djibouti Telecom S.A.", aliases=["DJIBTEL"])
    assert matches([WatchEntry(name="DJI")], djibouti, threshold=0.1) == []


def test_common_words_alone_never_match_even_past_validation() -> None:
    """Validation refuses such entries; the matcher does not rely on it."""
    generic = [
        WatchEntry.model_construct(name=name, id=name, aliases=(), identifiers=(), country="")
        for name in ("Technology", "China", "Technology Co., Ltd.", "Shenzhen", "Trading")
    ]
    assert matched_names(generic, threshold=0.01) == set()


def test_script_and_accents_are_folded() -> None:
    huawei = record_named(CONS_2025, HUAWEI)
    assert [m.score for m in matches([WatchEntry(name="华为技术有限公司")], huawei)] == [1.0]
    gazprom = Record.build(key="g", name="PUBLIC JOINT STOCK COMPANY GAZPROM")
    assert [m.score for m in matches([WatchEntry(name="ПАО Газпром")], gazprom)] == [1.0]
    societe = Record.build(key="s", name="SOCIETE GENERALE")
    assert [m.score for m in matches([WatchEntry(name="Société Générale S.A.")], societe)] == [1.0]


def test_words_written_together_or_apart_are_the_same() -> None:
    found = matches([WatchEntry(name="Sense Time")], record_named(CONS_2025, SENSETIME))
    assert [m.score for m in found] == [1.0]


def test_a_typo_lowers_the_score_and_a_different_word_does_not_match() -> None:
    sensetime = record_named(CONS_2025, SENSETIME)
    [long_word] = matches([WatchEntry(name="Sensetme Group")], sensetime, threshold=0.5)
    assert 0.9 <= long_word.score < 1.0
    assert "sensetme~sensetime" in long_word.why
    # In a short word one typo may be another name ("Maria", "Mariam"): below the threshold.
    megvii = record_named(CONS_2025, "MEGVII TECHNOLOGY LIMITED")
    [short_word] = matches([WatchEntry(name="Megvi Technology")], megvii, threshold=0.5)
    assert 0.8 <= short_word.score < 0.9
    refinery = Record.build(key="r", name="OJSC NOVOKUYBYSHEV REFINERY")
    assert matches([WatchEntry(name="OJSC Kuybyshev Refinery")], refinery, threshold=0.3) == []
    bright = Record.build(key="b", name="Centre Bright Electronics Company Limited")
    assert matches([WatchEntry(name="Right GmbH")], bright) == []


def test_typos_of_legal_forms_and_generic_words_are_read_as_those_words() -> None:
    listed = Record.build(key="u", name="UNITED WORLD INTERNATIONAL")
    [found] = matches([WatchEntry(name="United World Internaional GmbH")], listed)
    assert found.score == 1.0
    bsqrd = Record.build(key="b", name="BSQRD LIMITED")
    assert [m.score for m in matches([WatchEntry(name="Bsqrd Liited")], bsqrd)] == [1.0]
    daedong = Record.build(key="d", name="DAEDONG CREDIT BANK")  # not a misspelt Dandong
    assert [m.score for m in matches([WatchEntry(name="Daedong Credit Bank")], daedong)] == [1.0]


def test_numbers_must_be_equal() -> None:
    institute = Record.build(key="c", name="CETC 15th Research Institute")
    assert matches([WatchEntry(name="CETC 14th Research Institute")], institute) == []


def test_a_subsidiary_in_another_country_stays_below_the_threshold() -> None:
    huawei = record_named(CONS_2025, HUAWEI)
    [near] = matches([WatchEntry(name="Huawei Technologies (Thailand) Co.")], huawei, 0.5)
    assert near.score < 0.9
    assert "not in the listed name: thailand" in near.why


def test_an_acronym_in_brackets_is_an_alternative_form() -> None:
    smic = Record.build(key="m", name="SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION")
    entry = WatchEntry(name="Semiconductor Manufacturing International Corporation (SMIC)")
    assert [m.score for m in matches([entry], smic)] == [1.0]


def test_identifier_wins_over_a_matching_name() -> None:
    dji = record_named(CONS_2025, DJI)
    assert any(i.value == "914403007954257495" for i in dji.identifiers)
    entry = WatchEntry(name="DJI Technology", identifiers=("USCC 9144-0300-7954-2574-95",))
    [found] = matches([entry], dji)
    assert (found.field, found.value, found.score) == (
        "identifier",
        "Unified Social Credit Code (USCC) 914403007954257495 (China)",
        1.0,
    )
    assert found.why.startswith("identifier USCC 9144-0300-7954-2574-95 found on the list")


def test_an_identifier_in_the_remarks_matches_whatever_the_name() -> None:
    sensetime = record_named(CONS_2025, SENSETIME)
    assert sensetime.remarks == "C.R. No. 2162198 (Hong Kong)"
    [found] = matches([WatchEntry(name="Shang Tang", identifiers=("CR 2162198",))], sensetime)
    assert (found.field, found.value, found.watch_value) == ("remarks", "2162198", "CR 2162198")


def test_the_watch_entry_country_must_be_the_entrys_country_or_address() -> None:
    sensetime = record_named(CONS_2025, SENSETIME)
    assert sensetime.countries == ("China",)
    hong_kong = WatchEntry(name="SenseTime", country="HK")  # found in the address
    russia = WatchEntry(name="SenseTime", country="RU")
    assert [m.entry for m in matches([hong_kong, russia], sensetime)] == [hong_kong]


def test_each_entry_keeps_its_best_match_and_aliases_count() -> None:
    huawei = record_named(CONS_2021, HUAWEI)  # alias HUAWEI INVESTMENT & HOLDING CO LTD
    entry = WatchEntry(name="Huawei Investment & Holding", aliases=("Huawei",))
    [found] = matches([entry], huawei)  # both names score 1.0: the watched primary name wins
    assert (found.field, found.value, found.watch_value) == (
        "alias",
        "HUAWEI INVESTMENT & HOLDING CO LTD",
        "Huawei Investment & Holding",
    )
    assert found.why.startswith(
        "watch name 'Huawei Investment & Holding' ~ "
        "listed alias 'HUAWEI INVESTMENT & HOLDING CO LTD'"
    )
