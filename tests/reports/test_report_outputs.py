"""Reports on real replayed data: every format compared byte for byte with reviewed golden files.

The database is the package's replay of a copy of the shipped archive
(December 2021 SDN versions, the 2022 CSL, the two OFAC consolidated
versions). Time is frozen around each CLI call, so "generated at" is fixed.
To accept a deliberate change: ``UPDATE_GOLDEN=1 pytest tests/reports`` and
review the diff of tests/reports/golden/ before committing it.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from lxml import etree

from tests.reports.conftest import FROZEN, Run

GOLDEN = Path(__file__).resolve().parent / "golden"
ATOM = "{http://www.w3.org/2005/Atom}"


def assert_golden(name: str, text: str) -> None:
    """Byte-for-byte equality with the reviewed file (rewritten when UPDATE_GOLDEN=1)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1 once and review it"
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        lines = zip(expected.splitlines(), text.splitlines(), strict=False)
        first = next(
            (n for n, (a, b) in enumerate(lines, 1) if a != b), len(expected.splitlines()) + 1
        )
        pytest.fail(f"{name} differs from the golden file from line {first}")


DECEMBER = ("report", "--since", "2021-12-01", "--until", "2021-12-31")
SDN_WEEK = ("report", "--list", "us-ofac-sdn", "--since", "2021-12-16", "--until", "2021-12-22")


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("digest-2021-12.txt", DECEMBER),
        ("digest-2021-12.md", (*DECEMBER, "--format", "markdown")),
        ("digest-2021-12.html", (*DECEMBER, "--format", "html")),
        ("sdn-2021-12-16-22.json", (*SDN_WEEK, "--format", "json")),
        ("sdn-2021-12-16-22.csv", (*SDN_WEEK, "--format", "csv")),
        ("sdn-2021-12-16-22.atom", (*SDN_WEEK, "--format", "atom")),
        ("sdn-2021-12-by-day.txt", ("report", "--list", "us-ofac-sdn", "--period", "month",
                                    "--on", "2021-12-01", "--by", "day", "--kind",
                                    "listed,delisted")),
        ("el-2021-11.md", ("report", "--list", "us-csl", "--source", "Entity List", "--period",
                           "month", "--on", "2021-11-01", "--format", "markdown")),
        ("run-sdn-2021-12-16.txt", ("report", "--snapshot", "113fd0d2f135")),
        ("history-guzman-lopez.txt", ("history", "GUZMAN LOPEZ")),
        ("history-guzman-lopez.md", ("history", "GUZMAN LOPEZ", "--format", "markdown")),
        ("history-guzman-lopez.html", ("history", "GUZMAN LOPEZ", "--format", "html")),
        ("history-guzman-lopez.json", ("history", "GUZMAN LOPEZ", "--format", "json")),
        ("asof-sensetime-2021-12-01.txt", ("as-of", "2021-12-01", "--query", "SENSETIME")),
        ("asof-guzman-2021-12-15.json", ("as-of", "2021-12-15", "--query", "GUZMAN LOPEZ",
                                         "--list", "us-ofac-sdn", "--format", "json")),
        ("feed-sdn.atom", ("feed", "--list", "us-ofac-sdn", "--limit", "25")),
    ],
)  # fmt: skip
def test_golden(run: Run, name: str, args: tuple[str, ...]) -> None:
    assert_golden(name, run(*args).stdout)


def test_headlines_read_like_a_person_wrote_them(run: Run) -> None:
    november = run("report", "--list", "us-csl", "--since", "2021-11-01", "--until", "2021-11-30")
    assert (
        "* 29 entities added to the Entity List (86 FR 67319, effective 26 Nov 2021): "
        "13 in China, 13 in Pakistan, 1 in Japan, 1 in Singapore and 1 in Taiwan."
    ) in november.stdout
    december = run(*DECEMBER).stdout
    # one change told once, naming both publications (OFAC's file and the CSL)
    cmic = [line for line in december.splitlines() if "NS-CMIC" in line]
    assert cmic == [
        "* 9 companies added to the NS-CMIC list (OFAC non-SDN list, effective 10 and 16 Dec "
        "2021; also in the trade.gov CSL): 9 under CMIC-EO13959; 8 in China and 2 in Cayman "
        "Islands."
    ]
    assert "In subjects (a party on several lists counted once): 211 listed," in december
    assert "264 entries removed from the SDN list (observed 2 to 30 Dec 2021)" in december
    assert "130 under SDNT, 130 under SDNTK" in december
    assert "465 of 520 events had no effective date" in december


def test_bulk_edits_fold_into_one_line_each(run: Run) -> None:
    """The 2025 consolidated list: hundreds of identical edits, one line each, names in the
    appendix; entries changed only by bulk edits are not listed one by one."""
    text = run("report", "--snapshot", "latest", "--list", "us-ofac-cons").stdout
    assert (
        "B1. 197 entries on OFAC's consolidated non-SDN list gained identifier Secondary "
        "sanctions risk: Ukraine-/Russia-Related Sanctions Regulations"
    ) in text
    assert "had program CMIC-EO replaced by CMIC-EO13959" in text
    assert "13 edits made to many entries at once are summarised below" in text
    appendix = text.split("Appendix: entries changed by edits made to many entries at once")[1]
    assert appendix.count("\n  ") >= 197
    assert "more changed only by the edits made to many entries at once" in text


def test_json_keeps_the_documented_keys(run: Run) -> None:
    data = json.loads(run(*DECEMBER, "--format", "json").stdout)
    assert {"generated_at", "period", "summary", "events", "headlines", "groups"} <= set(data)
    assert data["generated_at"] == FROZEN
    assert data["period"] == {"since": "2021-12-01", "until": "2021-12-31", "date": "effective"}
    assert data["summary"] == {
        "listed": 220,
        "delisted": 264,
        "relisted": 0,
        "modified": 36,
        "rekeyed": 0,
    }
    event_keys = {
        "list", "key", "kind", "name", "type", "source_list", "programs", "countries", "notice",
        "effective_date", "observed_at", "baseline", "snapshot", "previous_key", "categories",
        "changes",
    }  # fmt: skip
    assert all(event_keys <= set(e) for e in data["events"])
    lists = {g["group"]: g for g in data["groups"]["list"]}
    assert lists["us-csl / Entity List (EL)"]["listed"] == 37
    # the nine NS-CMIC companies are listed in OFAC's file and in the CSL: 9 subjects
    assert data["subjects"] == {
        "listed": 211,
        "delisted": 264,
        "relisted": 0,
        "modified": 36,
        "rekeyed": 0,
        "total": 509,
    }
    cmic = [e for e in data["events"] if "CMIC-EO13959" in e["programs"]]
    assert len(cmic) == 18 and len({e["subject"] for e in cmic}) == 9
    assert all(
        len({e["list"] for e in cmic if e["subject"] == s}) == 2
        for s in {e["subject"] for e in cmic}
    )


def test_by_subject_puts_one_party_on_two_lists_in_one_section(run: Run) -> None:
    markdown = run(*DECEMBER, "--format", "markdown", "--by", "subject").stdout
    section = markdown.split("## SENSETIME GROUP LIMITED (us-csl, us-ofac-cons) (2)")[1]
    section = section.split("\n## ")[0]
    assert "us-ofac-cons: 33114" in section
    assert (
        "us-csl / Non-SDN Chinese Military-Industrial Complex Companies List (CMIC): CMIC:33114"
        in section
    )
    html = run(*DECEMBER, "--format", "html", "--by", "subject").stdout
    assert "SENSETIME GROUP LIMITED (us-csl, us-ofac-cons)" in html


def test_csv_has_one_row_per_event(run: Run) -> None:
    events = json.loads(run(*DECEMBER, "--format", "json").stdout)["events"]
    rows = list(csv.DictReader(io.StringIO(run(*DECEMBER, "--format", "csv").stdout)))
    assert len(rows) == len(events) == 520
    assert [(r["list"], r["key"], r["kind"]) for r in rows] == [
        (e["list"], e["key"], e["kind"]) for e in events
    ]


def test_atom_feed_is_valid_and_stable(run: Run) -> None:
    first = run("feed", "--list", "us-ofac-sdn", at="2022-01-05T09:00:00Z").stdout
    later = run("feed", "--list", "us-ofac-sdn", at="2023-06-01T00:00:00Z").stdout
    assert first == later, "a feed written later must carry the same ids and times"
    feed = etree.fromstring(first.encode("utf-8"))
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 200
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        assert str(entry.findtext(f"{ATOM}id")).startswith("urn:uuid:")
        assert entry.findtext(f"{ATOM}title")
        updated = str(entry.findtext(f"{ATOM}updated"))
        assert len(updated) == 20 and updated.endswith("Z") and updated[10] == "T"
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")


def test_feed_output_file(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "changes.atom"
    run("feed", "--output", str(target))
    assert etree.parse(str(target)).getroot().tag == f"{ATOM}feed"


def test_as_of_export_is_the_list_on_that_day(run: Run) -> None:
    rows = list(
        csv.DictReader(io.StringIO(run("as-of", "2021-12-15", "--list", "us-ofac-sdn").stdout))
    )
    assert len(rows) == 9146  # the record count of the 2021-12-10 version
    assert {r["snapshot_observed_at"] for r in rows} == {"2021-12-10T18:50:00Z"}
    guzman = next(r for r in rows if r["key"] == "13149")
    assert guzman["programs"] == "SDNTK"
    later = run("as-of", "2021-12-16", "--list", "us-ofac-sdn", "--format", "json").stdout
    data = json.loads(later)["lists"][0]
    assert data["snapshot"]["observed_at"] == "2021-12-16T01:42:00Z"
    entry = next(e for e in data["entries"] if e["key"] == "13149")
    assert entry["programs"] == ["ILLICIT-DRUGS-EO", "SDNTK"]


def test_as_of_before_the_archive_is_unknown(run: Run) -> None:
    result = run("as-of", "2021-12-01", "--query", "SENSETIME", "--list", "us-csl")
    assert result.stdout.startswith(
        'Was an entry matching "SENSETIME" on a list on 2021-12-01? UNKNOWN.'
    )
