"""Evidence: a birth date's one form, read without strptime for the plain forms."""

from __future__ import annotations

from monitor.files import SourceFile
from monitor.formats.csl_csv import CslCsv
from monitor.formats.ofac_csv import OfacCsv
from monitor.subjects.evidence import _parsed_date, _plain_date, birth_date
from tests.conftest import SNAPSHOTS

ODD = [
    "31 Feb 1977",  # no such day
    "00 Jul 1977",
    "1 jul 1977",
    "01 JUL 1977",
    "JUL 1977",
    "Sept 1977",
    "1977-02-30",
    "1977-7-10",
    "0000-01-01",
    "0999-01-01",
    "circa 1977",
    "1977",
    "١٢ Jul 1977",  # Arabic-Indic digits: strptime reads them
    "12 Jül 1977",
    "1977-13-01",
    "10 Jul 1977 to 12 Jul 1977",
]


def _real_birth_dates() -> set[str]:
    sdn = SNAPSHOTS / "us-ofac-sdn" / "2021-12-30T1850Z" / "sdn.csv.gz"
    csl = SNAPSHOTS / "us-csl" / "2022-05-06T0000Z" / "consolidated.csv.gz"
    records = [
        *OfacCsv().parse([SourceFile.from_path(sdn)]),
        *CslCsv().parse([SourceFile.from_path(csl)]),
    ]
    return {date for record in records for date in record.birth_dates}


def test_the_plain_forms_are_read_as_strptime_reads_them() -> None:
    """Every birth date of the shipped SDN and CSL files, and odd ones, as strptime gives
    them (or left to it); nearly all real ones need no strptime."""
    real = _real_birth_dates()
    plain = {text: _plain_date(text) for text in real | set(ODD)}
    assert all(got is None or got == _parsed_date(text) for text, got in plain.items())
    assert all(birth_date(text) == _parsed_date(" ".join(text.split())) for text in plain)
    assert len(real) > 3000
    assert sum(1 for text in real if plain[text] is not None) > 0.95 * len(real)
    assert plain["31 Feb 1977"] is None and birth_date("31 Feb 1977") == "31 feb 1977"
    assert plain["1 jul 1977"] == "1977-07-01" and plain["JUL 1977"] == "1977-07"
