"""Complete records (issue 14.4): every value the publisher gives for an entry is kept.

For each format, the real fixture is read here without our parsers (lxml, csv,
json) and every leaf value of every entry (element texts and attributes, cells,
properties) must appear in that entry's record, unless its field is listed in
the parser module's ``IGNORED`` (one place per format, each with why). A value
may appear in the form the record writes it (an ISO date for '12/03/1965', a
date without its time-zone suffix); :func:`forms` lists those forms. A field the
parser drops without saying so fails here: a real change to it would never be
reported.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from anyascii import anyascii
from lxml import etree

from monitor.files import SourceFile
from monitor.formats import get_format
from monitor.formats._mapping import PRIMARY_COLUMN, UNMAPPED
from monitor.formats._ofac_common import ISSUE_DATES
from monitor.records import Record, clean_text
from tests.conftest import ROOT
from tests.formats.test_generic_csv import CSL_MAPPING, UK_MAPPING
from tests.safety.helpers import plain_bytes

F = ROOT / "tests" / "fixtures"
Leaves = dict[str, list[tuple[str, str]]]  # key -> (field, value)


def local(node: etree._Element) -> str:
    return etree.QName(node).localname


def xml_leaves(
    path: Path, entries: set[str], key: Callable[[etree._Element], str], attributes: bool = False
) -> Leaves:
    """Every element text (and attribute value) inside each entry element."""
    root = etree.fromstring(plain_bytes(path), etree.XMLParser(huge_tree=True))
    found: Leaves = {}
    for entry in root.iter():
        if not isinstance(entry.tag, str) or local(entry) not in entries:
            continue
        leaves = found.setdefault(key(entry), [])
        for node in entry.iter():
            if not isinstance(node.tag, str):
                continue
            if len(node) == 0 and (node.text or "").strip() and node is not entry:
                leaves.append((local(node), node.text or ""))
            if attributes:
                leaves += [(f"{local(node)}@{name}", v) for name, v in node.attrib.items()]
    return found


def child_text(entry: etree._Element, name: str) -> str:
    return next((c.text or "" for c in entry if local(c) == name), "").strip()


def rows(path: Path, delimiter: str = ",", skip: int = 0) -> list[dict[str, str]]:
    data = plain_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    lines = io.StringIO(text, newline="")
    for _ in range(skip):
        lines.readline()
    return list(csv.DictReader(lines, delimiter=delimiter))


def cells(found: Leaves, key: str, row: dict[str, str]) -> None:
    found.setdefault(key, []).extend((c, v) for c, v in row.items() if c and v and v.strip())


def dpl_fold(name: str) -> str:
    text = anyascii(unicodedata.normalize("NFKC", name)).upper()
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", text).split())


# --- the readers, one per format -------------------------------------------------------------


def un_leaves(path: Path) -> Leaves:
    return xml_leaves(path, {"INDIVIDUAL", "ENTITY"}, lambda e: child_text(e, "DATAID"))


def ofac_xml_leaves(path: Path) -> Leaves:
    return xml_leaves(path, {"sdnEntry"}, lambda e: child_text(e, "uid"))


def eu_leaves(path: Path) -> Leaves:
    return xml_leaves(path, {"sanctionEntity"}, lambda e: e.get("logicalId", ""), attributes=True)


def enhanced_leaves(path: Path) -> Leaves:
    """Leaves of a translation into another script than Latin are reported as one field,
    'translation in another script' (the parser keeps Latin spellings only)."""
    found = xml_leaves(path, {"entity"}, lambda e: e.get("id", ""), attributes=False)
    root = etree.fromstring(plain_bytes(path), etree.XMLParser(huge_tree=True))
    other: set[tuple[str, str]] = set()
    for translation in root.iter("{*}translation"):
        if child_text(translation, "script") not in ("Latin", ""):
            other |= {(local(n), n.text or "") for n in translation.iter() if len(n) == 0}
    for key, leaves in found.items():
        found[key] = [(OTHER_SCRIPT if leaf in other else leaf[0], leaf[1]) for leaf in leaves]
    return found


OTHER_SCRIPT = "translation in another script"


def dpl_leaves(path: Path) -> Leaves:
    found: Leaves = {}
    for row in rows(path, "\t"):
        cells(found, dpl_fold(row["Name"]), row)
    return found


def uk_leaves(path: Path) -> Leaves:
    found: Leaves = {}
    for row in rows(path, skip=1):
        cells(found, row["Group ID"], row)
    return found


def ofac_csv_leaves(*paths: Path) -> Leaves:
    names = {
        12: (
            *("ent_num", "name", "type", "program", "title", "call_sign", "vess_type"),
            *("tonnage", "grt", "vess_flag", "vess_owner", "remarks"),
        ),
        6: ("ent_num", "add_num", "address", "city", "country", "add_remarks"),
        5: ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    }
    found: Leaves = {}
    for path in paths:
        text = plain_bytes(path).decode("utf-8")
        for row in csv.reader(io.StringIO(text, newline="")):
            if len(row) in names:
                values = {c: v for c, v in zip(names[len(row)], row, strict=True)}
                cells(found, row[0], {c: v for c, v in values.items() if v.strip() != "-0-"})
    return found


def csl_rows_leaves(items: list[dict[str, object]]) -> Leaves:
    """Keyed by name: a row's values must be in a record of that name."""
    found: Leaves = {}
    for row in items:
        flat: dict[str, str] = {}
        for column, value in row.items():
            for n, v in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(v, dict):
                    flat.update({f"{column}.{k}#{n}": str(x) for k, x in v.items() if x})
                elif v:
                    flat[f"{column}#{n}"] = str(v)
        cells(found, clean_text(str(row["name"])), flat)
    return found


def csl_csv_leaves(path: Path) -> Leaves:
    delimiter = "\t" if path.suffix == ".tsv" else ","
    return csl_rows_leaves(list(rows(path, delimiter)))  # type: ignore[arg-type]


def csl_json_leaves(path: Path) -> Leaves:
    document = json.loads(plain_bytes(path))
    return csl_rows_leaves(document["results"] if isinstance(document, dict) else document)


def ftm_leaves(path: Path) -> Leaves:
    found: Leaves = {}
    for line in plain_bytes(path).decode().splitlines():
        entity = json.loads(line)
        if entity.get("target") is not True:
            continue
        for prop, values in entity.get("properties", {}).items():
            found.setdefault(entity["id"], []).extend((prop, v) for v in values)
        for field in ("referents", "datasets"):
            found[entity["id"]] += [(field, v) for v in entity.get(field, [])]
        for field in ("first_seen", "last_seen", "last_change", "caption"):
            if entity.get(field):
                found[entity["id"]].append((field, entity[field]))
    return found


def ftm_delta_leaves(path: Path) -> Leaves:
    found: Leaves = {}
    for line in plain_bytes(path).decode().splitlines():
        op = json.loads(line)
        entity = op["entity"]
        if op["op"] == "DEL" or entity.get("target") is not True:
            continue
        for prop, values in entity.get("properties", {}).items():
            found.setdefault(entity["id"], []).extend((prop, v) for v in values)
    return found


def generic_leaves(mapping: dict[str, object], key: str, **reading: object) -> Callable:
    """The mapped columns of each row (the mapping says which columns hold data)."""

    def read(path: Path) -> Leaves:
        fmt = get_format("generic-csv").configure(mapping)
        columns = fmt.mapping.columns()  # type: ignore[attr-defined]
        found: Leaves = {}
        for row in rows(path, **reading):  # type: ignore[arg-type]
            primary = fmt.mapping.primary_row  # type: ignore[attr-defined]
            marker = primary.column if primary else None
            mapped = {c: v for c, v in row.items() if c in columns and c != marker}
            if marker:
                mapped[PRIMARY_COLUMN] = row[marker]
            # the other columns are the mapping's IGNORED[UNMAPPED]: not read at all
            assert UNMAPPED in ignored_of("generic-csv")
            cells(found, row[key].strip(), mapped)
        return found

    return read


def advanced_leaves(path: Path) -> Leaves:
    """The texts inside each DistinctParty, with the locations and documents it points at."""
    root = etree.fromstring(plain_bytes(path), etree.XMLParser(huge_tree=True))
    locations = {n.get("ID"): n for n in root.iter("{*}Location")}
    documents: dict[str, list[etree._Element]] = {}
    for document in root.iter("{*}IDRegDocument"):
        documents.setdefault(document.get("IdentityID", ""), []).append(document)
    found: Leaves = {}
    for party in root.iter("{*}DistinctParty"):
        leaves = found.setdefault(party.get("FixedRef", ""), [])
        nodes = list(party.iter())
        for node in list(nodes):
            if isinstance(node.tag, str) and local(node) == "VersionLocation":
                nodes += locations[node.get("LocationID")].iter()
            if isinstance(node.tag, str) and local(node) == "Identity":
                nodes += [n for d in documents.get(node.get("ID", ""), []) for n in d.iter()]
        for node in nodes:
            if isinstance(node.tag, str) and len(node) == 0 and (node.text or "").strip():
                leaves.append((local(node), node.text or ""))
    return found


# --- what counts as kept ------------------------------------------------------------------------

DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
DATE_WITH_ZONE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+)?(?:Z|[-+]\d{2}:\d{2})?$")


NUMBERED = re.compile(r"\(?\b\d+\)\s*")  # '1) Saudi Arabia 2) Qatar'
REMARK_LABEL = re.compile(r"^(?:alt\. )?(?:(?:[afn]\.k\.a\.|DOB|POB|nationality|citizen)\s+)?")


DOCUMENT_DATES = re.compile(r"\s+(?:issued|expires)\b.*$")


def segments(value: str, ignored: dict[str, str]) -> list[str]:
    """A remark's '; '-separated parts without their labels ('a.k.a. 'X'' is X), and
    without a document's issue and expiry dates where the format ignores them."""
    parts = [REMARK_LABEL.sub("", p.strip()).strip(" '.()") for p in value.split(";")]
    if ISSUE_DATES in ignored:
        parts = [DOCUMENT_DATES.sub("", p) for p in parts]
    return [p for p in parts if p]


def forms(value: str) -> list[str]:
    """The ways a record may write a published value."""
    text = clean_text(value)
    if not text:
        return []
    if NUMBERED.match(text):
        return [part.strip() for part in NUMBERED.split(text) if part.strip()]
    found = [text, text.rstrip("."), text.upper(), text.replace(",", "")]
    if match := DATE_WITH_ZONE.match(text):
        found.append(match.group(1))
    if match := DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        found += [f"{year:04d}-{month:02d}-{day:02d}", f"{year:04d}-{day:02d}-{month:02d}"]
        found += [str(year), f"{year:04d}-{month:02d}"]
    if text.lower() == "approximately":
        found.append("circa")
    with contextlib.suppress(ValueError):
        found.append(datetime.strptime(text, "%m/%d/%Y").date().isoformat())
    return found


TOKEN = re.compile(r"\w+")


def tokens(text: str) -> set[str]:
    return {t.casefold() for t in TOKEN.findall(text)}


def missing(leaves: Leaves, records: dict[str, list[Record]], ignored: dict[str, str]) -> dict:
    """Published values found in no form in their entry's record, by field.

    Kept: the value in one of its :func:`forms`, or else every word of it, in any
    order, in the record (a remark split into aliases and identifiers, a date
    written another way, 'Individual' kept as the type 'individual').
    """
    gaps: dict[str, list[tuple[str, str]]] = {}
    for key, values in leaves.items():
        found = records.get(key, [])
        assert found, f"no record for entry {key!r}"
        text = " ".join(str(v) for r in found for v in _strings(r.to_dict()))
        words = tokens(text)
        for field, value in values:
            base = re.sub(r"#\d+$", "", field).split("@")[-1].split(".")[-1]
            if base in ignored or field in ignored or not clean_text(value):
                continue
            if any(f and f in text for f in forms(value)) or tokens(value) <= words:
                continue
            if NUMBERED.match(clean_text(value)) and all(f in text for f in forms(value)):
                continue
            if all(
                any(f in text for f in forms(p)) or tokens(p) <= words
                for p in segments(value, ignored)
            ):
                continue
            gaps.setdefault(field, []).append((key, value))
    return gaps


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif value is not None:
        yield str(value)


MAPPINGS = {"sample_hmt.csv.gz": UK_MAPPING, "consolidated.csv": CSL_MAPPING}


def by_key(kind: str, files: list[Path], key: Callable[[Record], str] | None = None) -> dict:
    found: dict[str, list[Record]] = {}
    fmt = get_format(kind)
    if kind.startswith("generic"):
        fmt = fmt.configure(MAPPINGS[files[0].name])
    sources = [SourceFile.from_path(f) for f in files]
    if fmt.delta:
        parsed = [op.record for op in fmt.parse_delta(sources) if op.record is not None]
    else:
        parsed = list(fmt.parse(sources))
    for record in parsed:
        found.setdefault(key(record) if key else record.key, []).append(record)
    return found


def ignored_of(kind: str) -> dict[str, str]:
    """The parser module's IGNORED (a subclass may take its base's)."""
    for cls in type(get_format(kind)).__mro__:
        module = __import__(cls.__module__, fromlist=["IGNORED"])
        if hasattr(module, "IGNORED"):
            return dict(module.IGNORED)
    return {}


CASES: list[tuple[str, list[Path], Callable[..., Leaves], Callable[[Record], str] | None]] = [
    ("un-xml", [F / "un/2023-03-27/consolidated-202303.xml.gz"], un_leaves, None),
    (
        "ofac-xml",
        [F / "ofac-advanced/2020-03-17/sample_ofac_consolidated.xml.gz"],
        ofac_xml_leaves,
        None,
    ),
    ("eu-fsf-xml", [F / "eu-fsf/2020-04-15/sample_eu_sanctions.xml"], eu_leaves, None),
    (
        "ofac-enhanced-xml",
        [F / "ofac-enhanced/2025-01-14/CONS_ENHANCED.ZIP"],
        enhanced_leaves,
        None,
    ),
    ("bis-dpl", [F / "bis-dpl/2023-11-30/dpl.txt"], dpl_leaves, None),
    ("uk-conlist-csv", [F / "uk-hmt/2020-04-27/sample_hmt.csv.gz"], uk_leaves, None),
    (
        "ofac-csv",
        [F / f"ofac/cons-2016-09-16/{n}.csv" for n in ("cons_prim", "cons_add", "cons_alt")],
        ofac_csv_leaves,
        None,
    ),
    ("csl-csv", [F / "generic/csl/2023-11-30/consolidated.csv"], csl_csv_leaves, lambda r: r.name),
    ("csl-tsv", [F / "generic/csl/2022-05-06/consolidated.tsv"], csl_csv_leaves, lambda r: r.name),
    (
        "csl-json",
        [F / "generic/csl/2022-05-06/consolidated.json"],
        csl_json_leaves,
        lambda r: r.name,
    ),
    ("ftm-json", [F / "opensanctions/t1/entities.ftm.json"], ftm_leaves, None),
    *(
        ("ftm-delta", [path], ftm_delta_leaves, None)
        for path in sorted((F / "opensanctions" / "t2").glob("*/entities.delta.json"))
    ),
    (
        "generic-csv",
        [F / "uk-hmt/2020-04-27/sample_hmt.csv.gz"],
        generic_leaves(UK_MAPPING, "Group ID", skip=1),
        None,
    ),
    (
        "generic-csv",
        [F / "generic/csl/2022-05-06/consolidated.csv"],
        generic_leaves(CSL_MAPPING, "_id"),
        None,
    ),
    (
        "ofac-advanced-xml",
        [F / "ofac-advanced/2020-03-17/cons_advanced.xml.gz"],
        advanced_leaves,
        None,
    ),
]


@pytest.mark.parametrize(
    ("kind", "files", "reader", "key"),
    CASES,
    ids=[f"{c[0]}:{c[1][0].parent.name}/{c[1][0].name}" for c in CASES],
)
def test_every_published_value_is_in_the_record(
    kind: str, files: list[Path], reader: Callable[..., Leaves], key: Callable[[Record], str] | None
) -> None:
    leaves = reader(*files)
    gaps = missing(leaves, by_key(kind, files, key), ignored_of(kind))
    summary = {field: (len(found), found[0]) for field, found in gaps.items()}
    assert not gaps, f"{kind}: values not in the record and not in IGNORED: {summary}"
