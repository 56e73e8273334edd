"""Shared fixtures of the format tests: the real fixture files and the larger real data set.

Every format test parses byte-exact copies of published files under
``tests/fixtures``; tests that need more versions read ``../shared/realdata``
(override with WATCHLIST_REALDATA) and are skipped, saying why, when it is absent.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.files import SourceFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REALDATA = Path(
    os.environ.get("WATCHLIST_REALDATA")
    or Path(__file__).resolve().parents[3] / "shared" / "realdata"
)

# Every fixture these tests own, with the one format that must recognise it.
OWN_FIXTURES = {
    "ofac-advanced/2020-03-17/cons_advanced.xml.gz": "ofac-advanced-xml",
    "ofac-advanced/2020-03-17/sample_ofac_consolidated.xml.gz": "ofac-xml",
    "ofac-enhanced/2025-01-14/CONS_ENHANCED.ZIP": "ofac-enhanced-xml",
    "un/2023-03-27/consolidated-202303.xml.gz": "un-xml",
    "un/2024-10-16/sample_unsc.xml.gz": "un-xml",
    "eu-fsf/2020-04-15/sample_eu.xml": "eu-fsf-xml",
    "eu-fsf/2020-04-15/sample_eu_sanctions.xml": "eu-fsf-xml",
    "uk-hmt/2020-04-27/sample_hmt.csv.gz": "uk-conlist-csv",
    "bis-dpl/2019-06-29/dpl.txt": "bis-dpl",
    "bis-dpl/2022-09-07/dpl.txt": "bis-dpl",
    "bis-dpl/2023-11-30/dpl.txt": "bis-dpl",
}


def source_of(path: Path) -> SourceFile:
    return SourceFile.from_path(path)


@pytest.fixture
def fixture_file() -> Callable[[str], SourceFile]:
    """A fixture file by its path under tests/fixtures."""
    return lambda relative: source_of(FIXTURES / relative)


@pytest.fixture
def realdata() -> Path:
    """The shared real data set, or a skip that says what is missing."""
    if not REALDATA.is_dir():
        pytest.skip(
            f"{REALDATA} absent: the larger real data set (../shared/realdata) "
            "is not checked out here"
        )
    return REALDATA


@pytest.fixture
def own_fixtures() -> dict[str, str]:
    """Fixture path -> the kind that must recognise it (and no other kind)."""
    return dict(OWN_FIXTURES)
