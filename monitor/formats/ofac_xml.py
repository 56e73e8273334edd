"""OFAC classic XML (sdnList): sdn.xml or consolidated.xml, with its Publish_Date.

Every fact of an entry sits inside its own <sdnEntry> (names, addresses,
documents, programs, remarks), so a record reads only that element: the file
splits into one unit per sdnEntry (monitor.formats._xml_units) and an
unchanged entry is never parsed again (monitor.ingest.units).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from lxml import etree

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import _ofac_common as ofac
from monitor.formats import _xml_units
from monitor.formats._readers import reading, single_file
from monitor.formats._xml import children, descendants, iter_elements, text_of
from monitor.formats.base import Format, Unit
from monitor.records import Record

# What the classic XML gives for an entry that the record does not keep, on purpose (the
# completeness test of tests/formats checks every other value is kept).
IGNORED = {
    "uid": "OFAC's row numbers of an entry's aliases, addresses and documents: they identify "
    "a row of OFAC's database, not a fact about the party (the entry's own uid is its key)",
    "type": "the kind of an alias (a.k.a., f.k.a., n.k.a.): every spelling is kept as an "
    "alias, the kind is not, so that the CSV, classic and advanced files give one record",
    "category": "strong or weak alias: every spelling is kept as an alias (as for 'type')",
    "mainEntry": "which program line OFAC shows first: every program is kept",
}
ENTRY_TAGS = ("sdnEntry",)
PUBLISH_DATE_RE = re.compile(rb"<Publish_Date>\s*(\d{2})/(\d{2})/(\d{4})\s*</Publish_Date>")
VESSEL_FIELDS = {
    "callSign": "call_sign",
    "vesselType": "vessel_type",
    "tonnage": "tonnage",
    "grossRegisteredTonnage": "grt",
    "vesselFlag": "vessel_flag",
    "vesselOwner": "vessel_owner",
}


def _person_name(element: etree._Element) -> str:
    last, first = text_of(element, "lastName"), text_of(element, "firstName")
    return f"{last}, {first}" if last and first else last or first


class OfacXml(Format):
    """OFAC classic XML (<sdnList>: sdn.xml, consolidated.xml)."""

    kind = "ofac-xml"
    example = "sdn.xml  |  consolidated.xml"
    splits = True  # a record reads only its own sdnEntry element

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        return len(files) == 1 and b"<sdnList" in files[0].head(4096)

    def published_at(self, files: Sequence[SourceFile]) -> datetime | None:
        match = PUBLISH_DATE_RE.search(files[0].head(8192))
        if not match:
            return None
        month, day, year = (int(g) for g in match.groups())
        try:
            return datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            return None

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        source = single_file(files, self.kind)
        seen: set[str] = set()
        with reading(source) as stream:
            for entry in iter_elements(stream, set(ENTRY_TAGS), file=source.name):
                record = entry_record(entry, source.name)
                if record.key in seen:
                    raise ParseError(f"uid {record.key} appears twice", file=source.name)
                seen.add(record.key)
                yield record
        if not seen:
            raise ParseError("no sdnEntry elements found", file=source.name)

    def split(self, files: Sequence[SourceFile]) -> Iterator[Unit]:
        """Each sdnEntry element's bytes (monitor.formats._xml_units)."""
        return _xml_units.split_file(files, self.kind, ENTRY_TAGS)

    def parse_unit(self, unit: Unit) -> Record:
        """The record of one sdnEntry, as ``parse`` builds it from the streamed element."""
        return entry_record(_xml_units.parse_element(unit.raw), "")


def entry_record(entry: etree._Element, file: str) -> Record:
    """One <sdnEntry> as a record identical to the CSV's for the same entry."""
    key = text_of(entry, "uid")
    if not key.isdigit():
        raise ParseError(
            f"sdnEntry without a numeric uid ({key!r})",
            file=file,
            position=f"line {entry.sourceline}",
        )
    free_text, links = ofac.split_linked_to(text_of(entry, "remarks"))
    parts = ofac.parse_remarks(free_text)
    parts.linked_to += links
    identifiers = [
        ofac.identifier(text_of(i, "idType"), text_of(i, "idNumber"), text_of(i, "idCountry"))
        for i in descendants(entry, "id")
    ]
    parts.birth_places += [
        text_of(p, "placeOfBirth") for p in descendants(entry, "placeOfBirthItem")
    ]
    nationalities = [text_of(n, "country") for n in descendants(entry, "nationality")]
    citizenships = [text_of(c, "country") for c in descendants(entry, "citizenship")]
    addresses = list(descendants(entry, "address"))
    return Record.build(
        key=key,
        name=_person_name(entry),
        entry_type=ofac.entry_type(text_of(entry, "sdnType")),
        programs=[" ".join((p.text or "").split()) for p in descendants(entry, "program")],
        aliases=[_person_name(a) for a in descendants(entry, "aka")] + parts.aliases,
        countries=[text_of(a, "country") for a in addresses] + nationalities + citizenships,
        addresses=[_address(a) for a in addresses],
        identifiers=identifiers + parts.identifiers,
        birth_dates=[text_of(d, "dateOfBirth") for d in descendants(entry, "dateOfBirthItem")],
        effective_date=ofac.cmic_listing_date(identifiers),
        remarks=ofac.remarks_text(parts),
        extra=_extra(entry),
    )


def _address(element: etree._Element) -> str:
    street = ", ".join(p for p in (text_of(element, f"address{n}") for n in (1, 2, 3)) if p)
    place = ofac.locality(
        text_of(element, "city"),
        text_of(element, "stateOrProvince"),
        text_of(element, "postalCode"),
    )
    return ofac.address_line(street, place, text_of(element, "country"))


def _extra(entry: etree._Element) -> dict[str, str]:
    extra = {"title": ofac.title_text([text_of(entry, "title")])}
    for vessel in children(entry, "vesselInfo"):
        for tag, name in VESSEL_FIELDS.items():
            extra[name] = ofac.numeric(text_of(vessel, tag))
    return extra
