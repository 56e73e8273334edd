"""Real consecutive versions through the real pipeline: events equal the real differences.

Each list's expected listings and delistings are computed here without our
parsers (a regex on the raw XML, the csv module on the raw text), then
compared with the events that ``monitor.ingest.pipeline.ingest`` records in a
temporary SQLite database and archive.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import random
import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from monitor.config import Config, Expect, ListConfig
from monitor.formats import un_xml
from monitor.ingest.pipeline import IngestRequest, IngestResult, ingest
from monitor.records import Event
from monitor.store import Store, open_engine
from tests.conftest import FIXTURES, realdata
from tests.formats.test_order_contract import XML_REPEATED, shuffle_xml

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
# These tests look at events; the mass-removal guard has its own tests.
ANY_SHARE = Expect(max_removed_share=1.0)
DATAID_RE = re.compile(rb"<DATAID>\s*(\d+)\s*</DATAID>")
ENTRY_RE = re.compile(rb"<(INDIVIDUAL|ENTITY)>(.*?)</\1>", re.DOTALL)


class Run:
    """Ingests snapshots of one list, in order, into a fresh database and archive."""

    def __init__(self, tmp_path: Path, list_id: str, input_format: str = "auto") -> None:
        self.store = Store(open_engine(f"sqlite:///{tmp_path / 'monitor.db'}"))
        self.config = Config(archive=tmp_path / "archive")
        self.list_config = ListConfig(id=list_id, expect=ANY_SHARE)
        self.input_format = input_format

    def __call__(self, *paths: Path) -> IngestResult:
        request = IngestRequest(
            list_config=self.list_config, paths=list(paths), input_format=self.input_format
        )
        return ingest(self.store, self.config, request, now=NOW)


def keys_of(events: Sequence[Event], *kinds: str) -> set[str]:
    return {e.key for e in events if e.kind in kinds}


# --- UN Security Council: DATAID -------------------------------------------------------------

UN_VERSIONS = ("2018-06-07", "2018-06-21", "2018-08-24", "2018-10-29")


def un_entries(path: Path) -> dict[str, bytes]:
    """DATAID -> the raw INDIVIDUAL/ENTITY element, found by regex in the raw XML."""
    raw = gzip.decompress(path.read_bytes())
    entries = {}
    for match in ENTRY_RE.finditer(raw):
        dataid = DATAID_RE.search(match.group(2))
        assert dataid is not None
        entries[dataid.group(1).decode()] = match.group(2)
    assert len(entries) == len(DATAID_RE.findall(raw))
    return entries


def test_un_2018_versions_list_and_delist_the_dataid_differences(tmp_path: Path) -> None:
    paths = [realdata("un-consolidated", v, "consolidated.xml.gz") for v in UN_VERSIONS]
    run = Run(tmp_path, "un-sc")
    baseline = run(paths[0])
    assert baseline.status == "baseline"
    assert baseline.record_count == len(un_entries(paths[0])) == 1098
    totals = {"listed": 0, "delisted": 0}
    for before_path, after_path in itertools.pairwise(paths):
        before, after = un_entries(before_path), un_entries(after_path)
        result = run(after_path)
        assert result.status == "applied", result.message
        assert keys_of(result.events, "listed", "relisted") == set(after) - set(before)
        assert keys_of(result.events, "delisted") == set(before) - set(after)
        assert keys_of(result.events, "rekeyed") == set()
        changed = {k for k in set(before) & set(after) if before[k] != after[k]}
        assert keys_of(result.events, "modified") <= changed
        totals["listed"] += len(set(after) - set(before))
        totals["delisted"] += len(set(before) - set(after))
    assert totals["listed"] > 0 and totals["delisted"] > 0  # the versions really differ


# --- BIS Denied Persons List: the folded name ------------------------------------------------

DPL_VERSIONS = ("2019-06-29", "2022-09-07", "2023-11-30")


def dpl_parties(path: Path) -> dict[str, list[dict[str, str]]]:
    """Folded name -> raw rows, with the csv module and an upper-case A-Z/0-9 fold."""
    with path.open(encoding="ascii", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    parties: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        key = " ".join(re.sub(r"[^A-Z0-9]+", " ", row["Name"].upper()).split())
        parties.setdefault(key, []).append(row)
    return parties


def test_bis_dpl_2019_2022_2023_list_and_delist_the_name_differences(tmp_path: Path) -> None:
    paths = [FIXTURES / "bis-dpl" / v / "dpl.txt" for v in DPL_VERSIONS]
    run = Run(tmp_path, "us-bis-dpl")
    assert run(paths[0]).record_count == len(dpl_parties(paths[0])) == 414
    for before_path, after_path in itertools.pairwise(paths):
        before, after = dpl_parties(before_path), dpl_parties(after_path)
        result = run(after_path)
        assert result.status == "applied", result.message
        assert keys_of(result.events, "listed", "relisted") == set(after) - set(before)
        assert keys_of(result.events, "delisted") == set(before) - set(after)
        assert keys_of(result.events, "rekeyed") == set()
        changed = {k for k in set(before) & set(after) if before[k] != after[k]}
        assert keys_of(result.events, "modified") <= changed
        assert result.record_count == len(after)


# --- trade.gov CSL: a changed _id is no change; a changed natural key is one rekey ----------

CSL = FIXTURES / "generic" / "csl"
SHAMMOUT = "DPL:issam shammout"  # the London row: listed first (same date, smaller address)
BEIRUT = "DPL:issam shammout|al kolaa beirut 151515 lb"


def csl_rows(version: str) -> dict[tuple[str, str, str], dict[str, str]]:
    """Rows by (source, entity_number, name), read with the csv module."""
    with (CSL / version / "consolidated.csv").open(encoding="utf-8", newline="") as handle:
        return {(r["source"], r["entity_number"], r["name"]): r for r in csv.DictReader(handle)}


def test_the_real_csl_rows_changed_their_ids() -> None:
    before, after = csl_rows("2022-05-06"), csl_rows("2023-11-30")
    same = [k for k in before if k in after and "SHAMMOUT" not in k[2]]
    assert len(same) == 18
    changed = [k for k in same if before[k]["_id"] != after[k]["_id"]]
    assert len(changed) == 15  # every non-OFAC row; OFAC rows' _id is their entity number


def test_new_csl_ids_make_no_phantom_change_and_twins_keep_their_keys(
    tmp_path: Path,
) -> None:
    run = Run(tmp_path, "us-csl")
    first = run(CSL / "2022-05-06" / "consolidated.csv")
    assert first.status == "baseline" and first.record_count == 20
    assert {SHAMMOUT, BEIRUT} <= set(keys_of(first.events, "listed"))
    result = run(CSL / "2023-11-30" / "consolidated.csv")
    assert result.status == "applied", result.message
    assert keys_of(result.events, "listed", "relisted", "delisted", "rekeyed") == set()
    # both ISSAM SHAMMOUT rows kept their keys: the London one changed its address (no
    # rekey any more, as its key no longer holds the address), the Beirut one its notice;
    # the 18 re-identified rows did not change
    assert keys_of(result.events, "modified") == {SHAMMOUT, BEIRUT}
    london = next(e for e in result.events if e.key == SHAMMOUT)
    assert "addresses" in london.categories


# --- OpenSanctions deltas: applied to the previous state -------------------------------------

OPENSANCTIONS = FIXTURES / "opensanctions"


def test_opensanctions_delta_versions_apply_to_the_previous_state(tmp_path: Path) -> None:
    paths = sorted((OPENSANCTIONS / "t2").glob("*/entities.delta.json"))
    run = Run(tmp_path, "opensanctions", input_format="ftm-delta")
    first = run(paths[0])
    assert first.status == "baseline", first.message
    assert first.record_count == 2
    assert first.observed_at == datetime(2024, 5, 27, 19, 47, 2, tzinfo=UTC)
    second = run(paths[1])
    assert keys_of(second.events, "listed") == {"NK-500Poltergeist"}
    assert keys_of(second.events, "modified") == {"NK-2T3S8Hu29ktYnKSTgQp2wL"}
    assert second.record_count == 3
    third = run(paths[2])
    assert [(e.kind, e.key) for e in third.events] == [("delisted", "NK-500Poltergeist")]
    fourth = run(paths[3])
    assert [(e.kind, e.key) for e in fourth.events] == [("listed", "Q4365364")]
    assert fourth.record_count == 3


def test_an_opensanctions_delta_is_never_taken_for_the_whole_list(tmp_path: Path) -> None:
    """Until (and after) the wiring, a delta must not delist what it does not mention."""
    paths = sorted((OPENSANCTIONS / "t2").glob("*/entities.delta.json"))
    run = Run(tmp_path, "opensanctions", input_format="ftm-delta")
    first = run(paths[0])
    if first.status == "rejected":  # not wired: refused with a reason, nothing recorded
        assert "not the whole list" in first.message
        return
    later = run(paths[3])  # one ADD: the two earlier entries must stay listed
    assert keys_of(later.events, "delisted") == set()


def test_an_ftm_entities_file_is_a_baseline_of_its_targets(tmp_path: Path) -> None:
    run = Run(tmp_path, "opensanctions-t1")
    request = IngestRequest(
        list_config=run.list_config,
        paths=[OPENSANCTIONS / "t1" / "entities.ftm.json"],
        observed_at=datetime(2024, 6, 1, 10, 57, 3, tzinfo=UTC),
    )
    result = ingest(run.store, run.config, request, now=NOW)
    assert result.status == "baseline" and result.record_count == 6


# --- versions that only reorder: no event at all ---------------------------------------------


def test_a_un_version_that_only_reorders_repeated_elements_is_no_change(tmp_path: Path) -> None:
    """Entries, aliases, addresses, places and dates of birth, documents, nationalities,
    titles and dates of last update in another order (rewritten with lxml)."""
    real = realdata("un-consolidated", "2018-06-21", "consolidated.xml.gz")
    run = Run(tmp_path, "un-sc")
    assert run(real).status == "baseline"
    permute = shuffle_xml(XML_REPEATED["un-xml"])
    folder = tmp_path / "2018-06-22"
    folder.mkdir()
    reordered = permute(random.Random(14), real, folder)
    assert reordered.read_bytes() != gzip.decompress(real.read_bytes())
    result = run(reordered)
    assert result.status == "applied", result.message
    assert [(e.kind, e.key) for e in result.events] == []


def test_a_dpl_version_that_only_reorders_rows_is_no_change(tmp_path: Path) -> None:
    """A party's rows (one per address) in another order, and the parties too."""
    real = FIXTURES / "bis-dpl" / "2023-11-30" / "dpl.txt"
    run = Run(tmp_path, "us-bis-dpl")
    assert run(real).status == "baseline"
    header, *rows = real.read_text(encoding="ascii").splitlines(keepends=True)
    random.Random(14).shuffle(rows)
    folder = tmp_path / "2023-12-01"
    folder.mkdir()
    (folder / "dpl.txt").write_text(header + "".join(rows), encoding="ascii")
    result = run(folder / "dpl.txt")
    assert result.status == "applied", result.message
    assert [(e.kind, e.key) for e in result.events] == []


# --- real consecutive versions: every modification is a real difference, and vice versa ------

UN_KEPT_LEAVES = re.compile(rb"<(\w+)>([^<]*)</\1>")


def un_contents(path: Path) -> dict[str, Counter[tuple[bytes, bytes]]]:
    """DATAID -> the multiset of (tag, text) leaves the UN gives, by regex, without the
    fields un_xml.IGNORED names and whatever order they come in."""
    ignored = {tag.encode() for tag in un_xml.IGNORED}
    found = {}
    for key, raw in un_entries(path).items():
        leaves = Counter(
            (tag, b" ".join(text.split()))
            for tag, text in UN_KEPT_LEAVES.findall(raw)
            if tag not in ignored and text.strip()
        )
        found[key] = leaves
    return found


def test_un_2018_modifications_are_exactly_the_entries_whose_content_changed(
    tmp_path: Path,
) -> None:
    """Not only a subset: an entry whose published content changed (order aside) and is not
    reported would be a lost change; one reported without such a change, a phantom."""
    paths = [realdata("un-consolidated", v, "consolidated.xml.gz") for v in UN_VERSIONS]
    run = Run(tmp_path, "un-sc")
    run(paths[0])
    for before_path, after_path in itertools.pairwise(paths):
        before, after = un_contents(before_path), un_contents(after_path)
        result = run(after_path)
        changed = {k for k in set(before) & set(after) if before[k] != after[k]}
        assert keys_of(result.events, "modified") == changed, after_path.parent.name


def test_bis_dpl_modifications_are_exactly_the_parties_whose_rows_changed(
    tmp_path: Path,
) -> None:
    paths = [FIXTURES / "bis-dpl" / v / "dpl.txt" for v in DPL_VERSIONS]
    run = Run(tmp_path, "us-bis-dpl")
    run(paths[0])
    for before_path, after_path in itertools.pairwise(paths):
        before, after = dpl_parties(before_path), dpl_parties(after_path)
        result = run(after_path)
        changed = {
            k
            for k in set(before) & set(after)
            if Counter(tuple(sorted(r.items())) for r in before[k])
            != Counter(tuple(sorted(r.items())) for r in after[k])
        }
        assert keys_of(result.events, "modified") == changed, after_path.parent.name


# --- trade.gov CSL: a same-name row appears beside an entry, then goes --------------------------


def csl_version(folder: Path, rows: list[dict[str, str]], header: list[str]) -> Path:
    folder.mkdir(parents=True)
    with (folder / "consolidated.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return folder / "consolidated.csv"


def test_a_csl_duplicate_name_beside_an_entry_is_one_listing_and_moves_nothing(
    tmp_path: Path,
) -> None:
    """Built from the real 2022 file: a real Entity List row is published a second time
    with another address (a later start date), then the twin goes again."""
    real = CSL / "2022-05-06" / "consolidated.csv"
    with real.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    original = next(r for r in rows if r["name"] == "JFD INTERNATIONAL")
    other = next(r for r in rows if r["addresses"] and r["addresses"] != original["addresses"])
    twin = {
        **original,
        "_id": "f" * 40,
        "addresses": other["addresses"],
        "start_date": "2022-06-01",
    }
    run = Run(tmp_path, "us-csl")
    first = run(real)
    assert first.status == "baseline"
    plain_key = "DPL:jfd international"
    assert plain_key in keys_of(first.events, "listed")
    added = run(csl_version(tmp_path / "2022-06-02", [*rows, twin], header))
    assert added.status == "applied", added.message
    (listed,) = [e for e in added.events if e.kind == "listed"]
    assert listed.key.startswith(plain_key + "|") and listed.record.addresses != ()
    assert [(e.kind, e.key) for e in added.events if e.kind != "listed"] == []
    # the same row twice, differing only in its _id and source URLs: one entry, no event
    echo = {**original, "_id": "e" * 40, "source_list_url": "", "source_information_url": ""}
    same = run(csl_version(tmp_path / "2022-06-03", [*rows, twin, echo], header))
    assert same.status == "applied", same.message
    assert list(same.events) == []
    # the twin goes: only its refined key is delisted, the entry keeps the plain key
    gone = run(csl_version(tmp_path / "2022-06-04", rows, header))
    assert [(e.kind, e.key) for e in gone.events] == [("delisted", listed.key)]
