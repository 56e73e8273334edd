"""Unit fingerprints of the OFAC classic and enhanced XML, the EU FSF XML and the UK ConList.

The same guards as tests/ingest/test_units.py, for the formats split later: an
unchanged unit never reaches the record builder, a changed one does, and the
events and stored records equal those of the full parse over the real versions.
The builder is wrapped to note each entry it builds, and still builds it.
"""

from __future__ import annotations

import gzip
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.config import Config
from monitor.files import SourceFile
from monitor.formats import REGISTRY, eu_fsf_xml, ofac_enhanced_xml, ofac_xml, uk_conlist_csv
from monitor.formats.base import SplitRefused
from monitor.store import Store, open_engine
from tests.conftest import realdata
from tests.ingest.test_units import _replay, _run

OFAC_XML = [  # the real classic consolidated.xml versions, by Publish_Date
    ("2016-09-16_dermody", "consolidated.xml"),
    ("2018-04-06_perchrh", "consolidated.xml.gz"),
    ("2020-03-17", "sample_ofac_consolidated.xml"),
    ("2021-06-03", "cons-old.xml"),
]
EU = "2020-04-15_excerpt"
UK = ("uk-hmt-conlist", "2020-04-27", "sample_hmt.csv.gz")
ENHANCED = ("ofac-consolidated", "2025-01-14_moov", "CONS_ENHANCED.ZIP")
ADVANCED = [  # the real cons_advanced.xml versions
    ("2016-09-16_dermody", "cons_advanced.xml.gz"),
    ("2020-03-17", "cons_advanced.xml.gz"),
    ("2021-06-03", "cons.xml.gz"),
]


class Built:
    """The keys a format's record builder built: the parser's real work."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, key: Callable[[Any], str]
    ) -> None:
        self.keys: list[str] = []
        real = getattr(owner, name)

        def counting(*args: Any) -> Any:
            record = real(*args)
            self.keys.append(key(record))
            return record

        monkeypatch.setattr(owner, name, counting)

    def take(self) -> list[str]:
        keys, self.keys = self.keys, []
        return keys


def _ofac_xml(folder: str, name: str) -> Path:
    return realdata("ofac-consolidated", folder, name)


def _body(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def _published(path: Path) -> datetime:
    published = ofac_xml.OfacXml().published_at([SourceFile.from_path(path)])
    assert published is not None
    return published


def _sdn_entries(path: Path) -> dict[bytes, bytes]:
    """Each sdnEntry's bytes by its uid, line ends as an XML parser reads them (CRLF as LF),
    found with a plain pattern (the test's own oracle)."""
    body = _body(path).replace(b"\r\n", b"\n")
    found = re.findall(rb"<sdnEntry>\s*<uid>(\d+)</uid>.*?</sdnEntry>", body, re.S)
    entries = re.findall(rb"<sdnEntry>.*?</sdnEntry>", body, re.S)
    assert len(found) == len(entries)
    return dict(zip(found, entries, strict=True))


@pytest.fixture
def setup(db_url: str, tmp_path: Path) -> tuple[Store, Config]:
    return Store(open_engine(db_url)), Config(archive=tmp_path / "archive")


# --- OFAC classic XML ----------------------------------------------------------------------


def _both_ways(
    series: list[tuple[datetime, list[Path]]],
    list_id: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored outcome of replaying ``series`` with fingerprints on, and with them off."""
    on = _replay(series, f"sqlite:///{tmp_path}/on.db", tmp_path / "a1", monkeypatch,
                 fingerprints=True, list_id=list_id)  # fmt: skip
    off = _replay(series, f"sqlite:///{tmp_path}/off.db", tmp_path / "a2", monkeypatch,
                  fingerprints=False, list_id=list_id)  # fmt: skip
    return on, off


def _only_it_is_parsed_again(
    store: Store,
    config: Config,
    built: Built,
    list_id: str,
    versions: tuple[tuple[Path, datetime], tuple[Path, datetime]],
    changed: tuple[str, str],
    entries: int | None = None,
) -> None:
    """A baseline, then a version with one entry changed: only that entry is built again,
    and it is the one modified event, in the one field (``changed``: key, field).
    ``entries``: how many the baseline builds (every entry), when the test counts them."""
    (first, first_at), (later, later_at) = versions
    key, field = changed
    _run(store, config, [first], first_at, list_id)
    baseline = built.take()
    if entries is not None:
        assert len(baseline) == entries

    result = _run(store, config, [later], later_at, list_id)

    assert built.take() == [key]
    assert [(e.kind, e.key) for e in result.events] == [("modified", key)]
    assert [c.field for c in result.events[0].changes] == [field]


def test_only_changed_ofac_xml_entries_of_a_real_version_reach_the_parser(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    """consolidated.xml of 2020-03-17 (a mirror's copy with LF line ends), then of 2021-06-03
    (OFAC's CRLF, 71 entries more: the new NS-CMIC list): only the sdnEntry elements whose
    text is new are built again; the line ends alone change no unit."""
    store, config = setup
    built = Built(monkeypatch, ofac_xml, "entry_record", lambda r: r.key)
    first, second = _ofac_xml(*OFAC_XML[2]), _ofac_xml(*OFAC_XML[3])
    _run(store, config, [first], _published(first), "ofac-xml")
    before, after = _sdn_entries(first), _sdn_entries(second)
    assert len(built.take()) == len(before)  # a baseline builds every entry

    result = _run(store, config, [second], _published(second), "ofac-xml")

    new = {uid.decode() for uid, entry in after.items() if before.get(uid) != entry}
    assert 0 < len(new) < len(after)
    assert sorted(built.take()) == sorted(new)  # unchanged entries never reach the parser
    assert result.status == "applied" and result.record_count == len(after)


def test_one_changed_sdn_entry_is_the_only_one_parsed_again(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store, config = setup
    source = _ofac_xml(*OFAC_XML[1])
    body = _body(source)
    entry = body.index(b"<sdnEntry>", len(body) // 2)
    start = body.index(b"<lastName>", entry) + len(b"<lastName>")  # the entry's own name
    changed_key = body[entry:].split(b"<uid>", 1)[1].split(b"<", 1)[0]
    later = tmp_path / "consolidated.xml"
    later.write_bytes(body[:start] + b"ZZ " + body[start:])
    built = Built(monkeypatch, ofac_xml, "entry_record", lambda r: r.key)
    versions = ((source, _published(source)), (later, datetime(2018, 4, 7, tzinfo=UTC)))
    _only_it_is_parsed_again(
        store, config, built, "ofac-xml", versions, (changed_key.decode(), "name")
    )


@pytest.mark.realdata
def test_the_real_ofac_xml_versions_give_the_same_events_and_records_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The four real classic consolidated.xml versions (2016 to 2021), fingerprints on and off."""
    paths = [_ofac_xml(*v) for v in OFAC_XML]
    series = [(_published(p), [p]) for p in paths]
    on, off = _both_ways(series, "ofac-xml", tmp_path, monkeypatch)
    assert on == off
    assert [row[2] for row in on["snapshots"]] == ["applied"] * 4
    assert len(on["events"]) > len(series)


def test_a_processing_instruction_hiding_an_entry_refuses_the_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hostile copy: a PI whose text is a whole sdnEntry. The parser drops the PI; a cut by
    tags alone would take its entry for a real one. The split refuses, and the result is the
    full parse's: the hidden entry is not listed."""
    first = _ofac_xml(*OFAC_XML[2])
    body = _body(first)
    entries = _sdn_entries(first)
    uid, entry = next(iter(entries.items()))
    fake = entry.replace(b"<uid>" + uid + b"</uid>", b"<uid>99999999</uid>")
    cut = body.index(b"</sdnList>")
    hostile = tmp_path / "consolidated.xml"
    hostile.write_bytes(body[:cut] + b"<?hidden " + fake + b" ?>\n" + body[cut:])
    with pytest.raises(SplitRefused, match="processing instruction"):
        list(ofac_xml.OfacXml().split([SourceFile.from_path(hostile)]))
    series = [
        (datetime(2020, 3, 17, tzinfo=UTC), [first]),
        (datetime(2020, 3, 18, tzinfo=UTC), [hostile]),
    ]
    on, off = _both_ways(series, "ofac-xml", tmp_path, monkeypatch)
    assert on == off
    assert not any(row[1] == "99999999" for row in on["versions"])


def test_an_entity_declaration_refuses_the_split_and_the_file_is_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entity expansion: the split refuses the DOCTYPE, the full parse rejects the file."""
    first = _ofac_xml(*OFAC_XML[2])
    body = _body(first)
    declaration_end = body.index(b"?>") + 2
    doctype = b'\n<!DOCTYPE sdnList [<!ENTITY big "BIGBIGBIG">]>'
    hostile = tmp_path / "consolidated.xml"
    entity = body[declaration_end:].replace(b"<lastName>", b"<lastName>&big;", 1)
    hostile.write_bytes(body[:declaration_end] + doctype + entity)
    with pytest.raises(SplitRefused, match="DOCTYPE"):
        list(ofac_xml.OfacXml().split([SourceFile.from_path(hostile)]))
    series = [
        (datetime(2020, 3, 17, tzinfo=UTC), [first]),
        (datetime(2020, 3, 18, tzinfo=UTC), [hostile]),
    ]
    on, off = _both_ways(series, "ofac-xml", tmp_path, monkeypatch)
    assert on == off
    assert [row[2] for row in on["snapshots"]] == ["applied", "rejected"]


# --- EU FSF XML ----------------------------------------------------------------------------


def test_one_changed_sanction_entity_is_the_only_one_parsed_again(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store, config = setup
    source = realdata("eu-fsf", EU, "sample_eu_sanctions.xml")
    body = source.read_bytes()
    start = body.index(b"<remark>", len(body) // 2) + len(b"<remark>")
    opening = body[:start].rsplit(b"<sanctionEntity ", 1)[1]
    changed_key = re.search(rb'\blogicalId="(\d+)"', opening.split(b">", 1)[0])
    assert changed_key is not None
    later = tmp_path / "export.xml"
    later.write_bytes(body[:start] + b"Changed. " + body[start:])
    built = Built(monkeypatch, eu_fsf_xml, "entity_record", lambda r: r.key)
    versions = (
        (source, datetime(2020, 4, 15, tzinfo=UTC)),
        (later, datetime(2020, 4, 16, tzinfo=UTC)),
    )
    changed = (changed_key.group(1).decode(), "remarks")
    entries = body.count(b"<sanctionEntity ")
    _only_it_is_parsed_again(store, config, built, "eu", versions, changed, entries)


@pytest.mark.realdata
def test_the_real_eu_files_give_the_same_events_and_records_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two real FSF excerpts: one holds a logicalId twice, which the full parse rejects
    (the split must not hide it: a duplicate key refuses it), then that file without its
    second copy of the entity, whose other entities replace the first file's."""
    clean = realdata("eu-fsf", EU, "sample_eu_sanctions.xml")
    twice = realdata("eu-fsf", EU, "sample_eu.xml")
    body = twice.read_bytes()
    copies = [m.start() for m in re.finditer(rb'<sanctionEntity [^>]*logicalId="5468"', body)]
    assert len(copies) == 2
    end = body.index(b"</sanctionEntity>", copies[1]) + len(b"</sanctionEntity>")
    once = tmp_path / "export.xml"
    once.write_bytes(body[: copies[1]] + body[end:])
    series = [
        (datetime(2020, 4, 15, 1, tzinfo=UTC), [clean]),
        (datetime(2020, 4, 15, 2, tzinfo=UTC), [twice]),
        (datetime(2020, 4, 15, 3, tzinfo=UTC), [once]),
    ]
    on, off = _both_ways(series, "eu", tmp_path, monkeypatch)
    assert on == off
    assert [row[2] for row in on["snapshots"]] == ["applied", "rejected", "applied"]
    assert "appears twice" in on["snapshots"][1][5]
    assert {row[4] for row in on["events"]} >= {"listed", "delisted"}  # the event kinds


# --- UK ConList CSV ------------------------------------------------------------------------


def _uk_lines() -> tuple[Path, list[bytes]]:
    source = realdata(*UK)
    return source, gzip.decompress(source.read_bytes()).split(b"\r\n")


def _group_id(line: bytes) -> bytes:
    return line.rsplit(b",", 1)[1]


def test_a_group_s_rows_are_one_unit_wherever_they_stand(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A new Last Updated line changes no unit; a group's last row moved to the end of the
    file (its rows further apart, in the same order) is the same unit; a changed cell
    of another group's row makes that group, and only it, reach the parser again."""
    store, config = setup
    source, lines = _uk_lines()
    by_group: dict[bytes, list[int]] = {}
    for number, line in enumerate(lines[2:], start=2):
        if line:
            by_group.setdefault(_group_id(line), []).append(number)
    # the real file already scatters groups (875 of its 2,114: rows added later go last)
    assert any(n != list(range(n[0], n[0] + len(n))) for n in by_group.values())
    moved_group, rows = next((g, n) for g, n in by_group.items() if len(n) >= 3)
    changed_group = next(
        g
        for g, n in by_group.items()
        if len(n) >= 2 and g != moved_group and b"Passport No:" in lines[n[-1]]
    )
    later = list(lines)
    later[0] = b"Last Updated,28/04/2020"
    target = by_group[changed_group][-1]
    later[target] = later[target].replace(b"Passport No:", b"Passport Number:", 1)
    moved = later.pop(rows[-1])
    assert later[-1] == b""
    later.insert(len(later) - 1, moved)
    edited = tmp_path / "ConList.csv"
    edited.write_bytes(b"\r\n".join(later))
    built = Built(monkeypatch, uk_conlist_csv.Group, "record", lambda r: r.key)
    versions = (
        (source, datetime(2020, 4, 27, tzinfo=UTC)),
        (edited, datetime(2020, 4, 28, tzinfo=UTC)),
    )
    changed = (changed_group.decode(), "identifiers")
    _only_it_is_parsed_again(store, config, built, "uk", versions, changed, len(by_group))


@pytest.mark.realdata
def test_the_uk_list_gives_the_same_events_and_records_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one real ConList, then a copy with a group's rows re-ordered, a group gone and a
    row re-encoded as UTF-8 (the parser decodes each line as UTF-8, else Windows-1252), then
    the real file again: fingerprints on and off."""
    source, lines = _uk_lines()
    ids = [_group_id(line) if line else b"" for line in lines]
    first_group = ids[2]
    reordered = [lines[0], lines[1]]
    body = [line for line in lines[2:] if line]
    swap = next(i for i in range(len(body) - 1) if ids[i + 2] == ids[i + 3])
    body[swap], body[swap + 1] = body[swap + 1], body[swap]
    gone = [line for line in body if _group_id(line) != first_group]
    accented = next(i for i, line in enumerate(gone) if any(b > 0x7F for b in line))
    gone[accented] = gone[accented].decode("cp1252").encode("utf-8")
    edited = tmp_path / "ConList.csv"
    edited.write_bytes(b"\r\n".join([*reordered, *gone, b""]))
    series = [
        (datetime(2020, 4, 27, tzinfo=UTC), [source]),
        (datetime(2020, 4, 28, tzinfo=UTC), [edited]),
        (datetime(2020, 4, 29, tzinfo=UTC), [source]),
    ]
    on, off = _both_ways(series, "uk", tmp_path, monkeypatch)
    assert on == off
    assert [row[2] for row in on["snapshots"]] == ["applied"] * 3
    later = [(row[2], row[4]) for row in on["events"] if row[1] != on["events"][0][1]]
    assert later[0] == (first_group.decode(), "delisted")  # the only change the edit makes


# --- OFAC enhanced XML and advanced XML ----------------------------------------------------


def _enhanced_xml() -> bytes:
    with zipfile.ZipFile(realdata(*ENHANCED)) as archive:
        return archive.read("CONS_ENHANCED.XML")


def test_one_changed_enhanced_entity_is_the_only_one_parsed_again(
    setup: tuple[Store, Config], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The real CONS_ENHANCED.ZIP, then the bare XML inside it with one entity's remarks
    changed: the same entities whether zipped or not, so only that one is built again."""
    store, config = setup
    source = realdata(*ENHANCED)
    body = _enhanced_xml()
    start = body.index(b"<remarks>", len(body) // 2) + len(b"<remarks>")
    changed_key = body[:start].rsplit(b'<entity id="', 1)[1].split(b'"', 1)[0].decode()
    later = tmp_path / "CONS_ENHANCED.XML"
    later.write_bytes(body[:start] + b"Changed. " + body[start:])
    built = Built(monkeypatch, ofac_enhanced_xml, "entity_record", lambda r: r.key)
    versions = (
        (source, datetime(2025, 1, 10, tzinfo=UTC)),
        (later, datetime(2025, 1, 11, tzinfo=UTC)),
    )
    entries = body.count(b"<entity ")
    _only_it_is_parsed_again(
        store, config, built, "enhanced", versions, (changed_key, "remarks"), entries
    )


@pytest.mark.realdata
def test_the_enhanced_list_gives_the_same_events_and_records_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one real enhanced ZIP, then its XML with the first entity gone and the last one's
    name changed: fingerprints on and off."""
    body = _enhanced_xml()
    first = body.index(b"<entity ")
    end = body.index(b"</entity>", first) + len(b"</entity>")
    edited = body[:first] + body[end:]
    last = edited.rindex(b"<formattedLastName>") + len(b"<formattedLastName>")
    later = tmp_path / "CONS_ENHANCED.XML"
    later.write_bytes(edited[:last] + b"ZZ " + edited[last:])
    series = [
        (datetime(2025, 1, 10, tzinfo=UTC), [realdata(*ENHANCED)]),
        (datetime(2025, 1, 11, tzinfo=UTC), [later]),
    ]
    on, off = _both_ways(series, "enhanced", tmp_path, monkeypatch)
    assert on == off
    assert [row[2] for row in on["snapshots"]] == ["applied", "applied"]
    assert {row[4] for row in on["events"] if row[1] != on["events"][0][1]} >= {"delisted"}


@pytest.mark.realdata
def test_the_advanced_xml_is_read_in_full_with_the_same_result_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The advanced XML does not split (a party reads shared sections: see its module); the
    switch must change nothing over its three real versions."""
    fmt = REGISTRY["ofac-advanced-xml"]()
    assert not fmt.splits
    with pytest.raises(SplitRefused):
        list(fmt.split([SourceFile.from_path(realdata("ofac-consolidated", *ADVANCED[0]))]))
    paths = [realdata("ofac-consolidated", *v) for v in ADVANCED]
    series = [(fmt.published_at([SourceFile.from_path(p)]), [p]) for p in paths]
    on, off = _both_ways(series, "advanced", tmp_path, monkeypatch)
    assert on == off
    assert [row[2] for row in on["snapshots"]] == ["applied"] * 3


# --- every format that splits --------------------------------------------------------------

REAL_FILES = {
    "ofac-xml": [("ofac-consolidated", *v) for v in OFAC_XML],
    "eu-fsf-xml": [("eu-fsf", EU, "sample_eu_sanctions.xml")],
    "uk-conlist-csv": [UK],
    "un-xml": [("un-consolidated", "2026-02-27", "UN_consolidated.xml.gz")],
    "ofac-enhanced-xml": [ENHANCED],
}


@pytest.mark.realdata
@pytest.mark.parametrize("kind", sorted(REAL_FILES))
def test_units_parse_to_the_records_of_the_full_parse(kind: str) -> None:
    """split + parse_unit gives the full parse's records, in its order, one unit per record."""
    fmt = REGISTRY[kind]()
    assert fmt.splits
    for parts in REAL_FILES[kind]:
        files = [SourceFile.from_path(realdata(*parts))]
        full = list(fmt.parse(files))
        units = list(fmt.split(files))
        assert [fmt.parse_unit(u) for u in units] == full
        assert len({u.fingerprint for u in units}) == len(full)


@pytest.mark.realdata
def test_an_entity_given_twice_byte_for_byte_is_refused_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later version holding one entity twice, byte for byte: against the stored set the
    split sees one fingerprint twice, which names one key twice; refused, as the full
    parse refuses it, and the state stays the first version's."""
    clean = realdata("eu-fsf", EU, "sample_eu_sanctions.xml")
    body = clean.read_bytes()
    start = body.index(b"<sanctionEntity ")
    end = body.index(b"</sanctionEntity>", start) + len(b"</sanctionEntity>")
    doubled = tmp_path / "doubled.xml"
    doubled.write_bytes(body[:end] + body[start:end] + body[end:])
    series = [
        (datetime(2020, 4, 15, 1, tzinfo=UTC), [clean]),
        (datetime(2020, 4, 15, 2, tzinfo=UTC), [doubled]),
    ]
    on, off = _both_ways(series, "eu", tmp_path, monkeypatch)
    assert on == off
    assert [row[2] for row in on["snapshots"]] == ["applied", "rejected"]
    assert "appears twice" in on["snapshots"][1][5]
