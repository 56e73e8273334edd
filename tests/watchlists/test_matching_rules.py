"""The matching rules by class, on real names: people in any order, legal forms, fuller names.

The people and banks are real: UK (2020) and OFAC SDN (2021) designations,
many of them Russian persons written "Given Patronymic SURNAME" by the UK and
"SURNAME, Given Patronymic" by OFAC, and Russian banks whose SDN aliases give
the same bank with its legal form in English, transliterated Russian, before
or after the name.
"""

from __future__ import annotations

from functools import cache

import pytest

from monitor.files import SourceFile
from monitor.formats import resolve_format
from monitor.records import Record
from monitor.watchlists.config import WatchlistConfig
from monitor.watchlists.entry import WatchEntry
from monitor.watchlists.matching import Match, WatchIndex, prepare
from tests.conftest import realdata
from tests.watchlists.conftest import WATCH_FIXTURES

THRESHOLD = WatchlistConfig.model_fields["threshold"].default


@cache
def sdn() -> tuple[Record, ...]:
    folder = realdata("ofac-sdn", "2021-07-07_moov-bench")
    files = [SourceFile.from_path(p) for p in sorted(folder.iterdir())]
    return tuple(resolve_format("auto", files).parse(files))


def sdn_entry(key: str) -> Record:
    return next(r for r in sdn() if r.key == key)


def person(name: str) -> Record:
    return Record.build(key="p", name=name, entry_type="individual")


def best(watched: str, record: Record) -> Match | None:
    found = WatchIndex([WatchEntry(name=watched)]).match(prepare(record), threshold=0.0)
    return found[0] if found else None


def score(watched: str, record: Record) -> float:
    found = best(watched, record)
    return found.score if found else 0.0


# UK name (Given Patronymic SURNAME) -> OFAC SDN entry of the same person.
PEOPLE = {
    "Dmitry Olegovich ROGOZIN": "ROGOZIN, Dmitry Olegovich",
    "Pavel Yurievich GUBAREV": "GUBAREV, Pavel",
    "Doku Khamatovich UMAROV": "UMAROV, Doku",
    "Ramzan Akhmadovitch KADYROV": "KADYROV, Ramzan Akhmatovich",
    "Andrei Evgenevich PURGIN": "PURGIN, Andrey Yevgenyevich",
    "Mikhail Sergeyevich SHEREMET": "SHEREMET, Mikhail Sergeyevich",
    "Rustam Ilmirovich TEMIRGALIEV": "TEMIRGALIEV, Rustam Ilmirovich",
    "Sergei Andreevich DANILENKO": "DANILENKO, Sergei Andreevich",
    "Kim Kyong IL": "KIM, Kyong Il",
    "Antonio Jose BENAVIDES TORRES": "BENAVIDES TORRES, Antonio Jose",
}

# Watched bank -> SDN entry key; each alias of the entry, alone, must be found.
BANKS = {
    "Genbank": "19031",  # JOINT STOCK COMPANY / CLOSED JOINT STOCK COMPANY / AO / JSC GENBANK
    "Investcapitalbank": "16810",  # OJSC, OPEN JOINT STOCK COMPANY INVESTCAPITALBANK
    "Sevastopolsky Morskoy Bank": "19034",  # AKTSIONERNOE OBSHCHESTVO, AO, JSC
    "Bank Taatta": "22503",  # TAATTA, AO; BANK TAATTA AKTSIONERNOE OBSHCHESTVO; JSC ...
}


def test_a_portfolio_of_real_people_is_found_whatever_the_order_and_patronymic() -> None:
    records = [r for r in sdn() if r.name in PEOPLE.values()]
    assert len(records) == len(PEOPLE)
    entries = [WatchEntry(id=uk, name=uk) for uk in PEOPLE]
    index = WatchIndex(entries)
    found = {
        m.entry.key: record.name
        for record in records
        for m in index.match(prepare(record), threshold=THRESHOLD)
    }
    assert found == PEOPLE


def test_a_portfolio_of_real_banks_is_found_under_every_legal_form() -> None:
    for watched, key in BANKS.items():
        entry = sdn_entry(key)
        for name in (entry.name, *entry.aliases):
            if all(word.upper() in name for word in watched.split()):
                one = Record.build(key=key, name=name, entry_type="entity")
                assert score(watched, one) >= THRESHOLD, (watched, name)


def test_unrelated_real_companies_sharing_common_words_find_nothing() -> None:
    """Real Entity List companies that OFAC does not list, against every SDN entry."""
    config = WatchlistConfig(id="unrelated", entries=WATCH_FIXTURES / "entity_list_not_on_cons.csv")
    entries = config.watch_entries()
    assert len(entries) >= 30
    index = WatchIndex(entries)
    found = {
        (m.entry.key, r.name) for r in sdn() for m in index.match(prepare(r), threshold=THRESHOLD)
    }
    assert found == set()


def test_people_in_any_order() -> None:
    listed = person("KOVALCHUK, Yury Valentinovich")
    assert score("Yury Valentinovich Kovalchuk", listed) == 1.0
    assert score("Kovalchuk Yury Valentinovich", listed) == 1.0


def test_a_fuller_listed_name_of_a_person_matches_and_says_so() -> None:
    found = best("Yury Kovalchuk", person("KOVALCHUK, Yury Valentinovich"))
    assert found is not None and found.score >= THRESHOLD
    assert "the listed name contains every word of the watched name" in found.why
    # but a surname alone is not a person
    assert score("Kovalchuk", person("KOVALCHUK, Yury Valentinovich")) < THRESHOLD


def test_a_patronymic_the_list_leaves_out_and_initials() -> None:
    found = best("Pavel Yurievich Gubarev", person("GUBAREV, Pavel"))
    assert found is not None and found.score >= THRESHOLD
    assert "the watched name contains every word of the listed name" in found.why
    assert score("M. Sheremet", person("SHEREMET, Mikhail Sergeyevich")) >= THRESHOLD
    assert score("V. Sheremet", person("SHEREMET, Mikhail Sergeyevich")) < THRESHOLD
    # another given name is another person
    assert score("Ivan Sheremet", person("SHEREMET, Mikhail Sergeyevich")) < THRESHOLD


def test_transliterations_that_sound_alike_are_one_name() -> None:
    listed = person("PURGIN, Andrey Yevgenyevich")
    assert score("Andrei Evgenevich Purgin", listed) >= THRESHOLD


@pytest.mark.parametrize(
    "listed",
    [
        "BANK ROSSIYA CLOSED JOINT STOCK COMPANY",
        "OPEN JOINT STOCK COMPANY BANK ROSSIYA",
        "PUBLIC JOINT-STOCK COMPANY BANK ROSSIYA",
        "BANK ROSSIYA, PJSC",
        "OAO BANK ROSSIYA",
        "ZAKRYTOE AKTSIONERNOE OBSHCHESTVO BANK ROSSIYA",
        "АО «Банк Россия»",
        "ПАО Банк Россия",
    ],
)
def test_legal_forms_in_any_position_and_language_are_ignored(listed: str) -> None:
    found = best("Bank Rossiya", Record.build(key="b", name=listed))
    assert found is not None and found.score == 1.0, found


def test_legal_forms_of_other_countries() -> None:
    mexican = Record.build(key="m", name="GRUPO INDUSTRIAL RAPHAEL S.A. DE C.V.")
    assert score("Raphael Industrial", mexican) == 1.0
    german = Record.build(key="g", name="DEUTSCHE FORFAIT GMBH")
    assert score("Deutsche Forfait AG", german) == 1.0
    found = best("Triliance", Record.build(key="t", name="TRILIANCE PETROCHEMICAL CO. LTD."))
    assert found is not None and found.score >= THRESHOLD


def test_a_subsidiary_named_after_the_watched_company_matches_and_says_so() -> None:
    found = best("Cimex", sdn_entry("536"))  # CIMEX IBERICA
    assert found is not None and found.score >= THRESHOLD
    assert found.value == "CIMEX IBERICA"
    assert "a subsidiary or branch named after it" in found.why


def test_common_words_alone_still_never_match() -> None:
    listed = Record.build(key="c", name="BANK ROSSIYA CLOSED JOINT STOCK COMPANY")
    generic = WatchEntry.model_construct(name="Bank Joint Stock Company", id="g", aliases=())
    assert WatchIndex([generic]).match(prepare(listed), threshold=0.01) == []
