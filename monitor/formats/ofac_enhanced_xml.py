"""OFAC Sanctions List Service "enhanced" XML (<sanctionsData>), as CONS_ENHANCED.ZIP or bare XML.

Unlike the advanced XML, every entity here carries its own resolved values
(type names, country names, pre-formatted names and dates), so one streaming
pass suffices. The entity ``id`` is the same number as the classic ``uid`` /
``ent_num``, and records are built with the classic parsers' helpers so the
same entry yields the same record from this file and from the CSV or XML.
The ZIP is opened through :mod:`monitor.formats._zip`, which bounds its size.

Since an entity carries its own values (a relationship names the related
entity itself), a record reads only its <entity> element: the file splits into
one unit per entity (monitor.formats._xml_units), whether it comes as the ZIP
or the bare XML, and an unchanged entity is never parsed again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import IO

from lxml import etree

from monitor.errors import InputError, ParseError, ZipInputError
from monitor.files import SourceFile
from monitor.formats import _ofac_common as ofac
from monitor.formats import _xml_units
from monitor.formats import _zip as archives
from monitor.formats._readers import READ_ERRORS, node_text, reading, single_file, utc_datetime
from monitor.formats._xml import children, iter_elements, text_of
from monitor.formats.base import Format, SplitRefused, Unit
from monitor.records import Identifier, Record

# What the enhanced XML gives for an entity that the record does not keep, on purpose (the
# completeness test of tests/formats checks every other value is kept). Most of these are
# not in the classic files: keeping them would make this file's records differ from the
# CSV's and classic XML's for the same entry, a phantom change when a list switches format.
IGNORED = {
    "identityId": "a number tying names to documents inside the file, not a fact",
    "versionId": "the row version of a feature inside OFAC's database, not a fact",
    "valueRefId": "the reference number of a looked-up value, whose text is kept",
    "sanctionsList": "which OFAC list the entry is on: the list is the list being read",
    "sanctionsType": "the kind of measure (Block, Reject): not in the classic files",
    "legalAuthority": "the legal basis of a program: the program is kept",
    "isPrimary": "which name is primary: kept as the name, the others as aliases",
    "isLowQuality": "weak alias flag: every spelling is kept as an alias (as classic files)",
    "aliasType": "the kind of an alias (A.K.A., F.K.A.): every spelling is kept as an alias",
    "script": "the script of a spelling: the Latin one is kept, as in the classic files",
    "translation in another script": "names and addresses in other scripts: the classic files "
    "carry the Latin spelling only",
    "type": "the type of a name or address part, used to build the name or address",
    "fromDateBegin": "the bounds of a date period, kept as the date ('1962', '01 Jan 1962')",
    "fromDateEnd": "the bounds of a date period, kept as the date",
    "toDateBegin": "the bounds of a date period, kept as the date",
    "toDateEnd": "the bounds of a date period, kept as the date",
    "isApproximate": "kept as 'circa' in the date",
    "isDateRange": "kept as the form of the date ('... to ...')",
    "reliability": "OFAC's confidence in a feature value, not in the classic files",
    "comments": "a note on a feature value (which language a website is in), not in the "
    "classic files",
    "isValid": "whether a document is valid: not in the classic files",
    "quality": "the quality grade of a document or name, not in the classic files",
    "issuingAuthority": "the body that issued a document, not in the classic files",
}
ROOT = b"<sanctionsData"
ENTRY_TAGS = ("entity",)
DATA_AS_OF_RE = re.compile(rb"<(?:\w+:)?dataAsOf>\s*([^<\s]+)\s*</")
STREET_PARTS = ("ADDRESS1", "ADDRESS2", "ADDRESS3")


def nested(element: etree._Element, *path: str) -> Iterator[etree._Element]:
    """Elements at a path of child names: the entity layout is fixed, so no deep search."""
    if not path:
        yield element
        return
    for child in children(element, path[0]):
        yield from nested(child, *path[1:])


def _xml_stream(source: SourceFile) -> AbstractContextManager[IO[bytes]]:
    """The XML bytes, whether the file is the published ZIP or the XML inside it."""
    return archives.open_single_member(source) if archives.is_zip(source) else reading(source)


def _head(source: SourceFile, size: int) -> bytes:
    """The first bytes of the XML, or nothing for an unreadable file (sniffing never raises)."""
    try:
        with _xml_stream(source) as stream:
            return stream.read(size)
    except (InputError, *READ_ERRORS):
        return b""


class OfacEnhancedXml(Format):
    """OFAC enhanced XML (<sanctionsData>: CONS_ENHANCED.ZIP / SDN_ENHANCED.ZIP or its XML)."""

    kind = "ofac-enhanced-xml"
    example = "CONS_ENHANCED.ZIP  |  SDN_ENHANCED.XML"
    splits = True  # a record reads only its own <entity> element

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        return len(files) == 1 and ROOT in _head(files[0], 4096)

    def published_at(self, files: Sequence[SourceFile]) -> datetime | None:
        match = DATA_AS_OF_RE.search(_head(files[0], 8192))
        return utc_datetime(match.group(1).decode("ascii", "replace")) if match else None

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        source = single_file(files, self.kind)
        seen: set[str] = set()
        for entity in _entities(source):
            record = entity_record(entity, source.name)
            if record.key in seen:
                raise ParseError(
                    f"entity id {record.key} appears twice",
                    file=source.name,
                    position=f"line {entity.sourceline}",
                )
            seen.add(record.key)
            yield record
        if not seen:
            raise ParseError("no <entity> elements found", file=source.name)

    def split(self, files: Sequence[SourceFile]) -> Iterator[Unit]:
        """Each <entity> element's bytes (monitor.formats._xml_units), from the ZIP or XML."""
        return _xml_units.split_file(files, self.kind, ENTRY_TAGS, _xml_bytes)

    def parse_unit(self, unit: Unit) -> Record:
        """The record of one entity, as ``parse`` builds it from the streamed element."""
        return entity_record(_xml_units.parse_element(unit.raw), "")


def _xml_bytes(source: SourceFile) -> bytes:
    """The whole XML, read as ``parse`` reads it (the ZIP within its bounds); a file
    that cannot be read refuses the split, and the full parse names the problem."""
    try:
        with _xml_stream(source) as stream:
            return stream.read()
    except (InputError, *READ_ERRORS) as exc:
        raise SplitRefused(f"{source.name}: cannot be read ({exc})") from exc


def _entities(source: SourceFile) -> Iterator[etree._Element]:
    """Stream the <entity> elements; a broken or oversized ZIP is a ParseError of the file."""
    try:
        with _xml_stream(source) as stream:
            yield from iter_elements(stream, set(ENTRY_TAGS), file=source.name)
    except ZipInputError as exc:
        raise ParseError(exc.detail, file=exc.label) from exc


def entity_record(entity: etree._Element, file: str) -> Record:
    """One <entity> as the record the classic files give for the same uid."""
    key = entity.get("id", "")
    names = _names(entity)
    if not key.isdigit() or not names:
        raise ParseError(
            f"entity without a numeric id and a name ({key!r})",
            file=file,
            position=f"line {entity.sourceline}",
        )
    info = next(children(entity, "generalInfo"), entity)
    facts = ofac.FeatureFacts()
    for feature in nested(entity, "features", "feature"):
        facts.add_value(text_of(feature, "type"), text_of(feature, "value"))
    parts = _remark_parts(text_of(info, "remarks"), entity, facts)
    addresses = [_address(a) for a in nested(entity, "addresses", "address")]
    return Record.build(
        key=key,
        name=names[0],
        entry_type=ofac.entry_type(text_of(info, "entityType")),
        programs=[node_text(p) for p in nested(entity, "sanctionsPrograms", "sanctionsProgram")],
        aliases=names[1:] + parts.aliases,
        countries=[country for _, country in addresses] + facts.countries,
        addresses=[line for line, _ in addresses if line],
        identifiers=_documents(entity) + facts.identifiers + parts.identifiers,
        birth_dates=facts.birth_dates,
        effective_date=ofac.cmic_listing_date(facts.identifiers),
        remarks=ofac.remarks_text(parts),
        extra=facts.extra,
    )


def _remark_parts(
    remarks: str, entity: etree._Element, facts: ofac.FeatureFacts
) -> ofac.RemarkParts:
    """Remarks split as in the classic files; relationships read 'Linked To: <name>'."""
    free_text, links = ofac.split_linked_to(remarks)
    parts = ofac.parse_remarks(free_text)
    parts.linked_to += links
    parts.linked_to += [
        node_text(r).rstrip(".")
        for r in nested(entity, "relationships", "relationship", "relatedEntity")
    ]
    parts.birth_places += facts.birth_places
    return parts


def _latin(element: etree._Element) -> etree._Element | None:
    """The Latin-script translation: the classic files carry no other script."""
    for translation in nested(element, "translations", "translation"):
        if text_of(translation, "script") in ("Latin", ""):
            return translation
    return None


def _names(entity: etree._Element) -> list[str]:
    """'LAST, First' names, the primary one first, as the classic files write them.

    Only <names>/<name> count: identity documents repeat the holder's name.
    """
    primary: list[str] = []
    others: list[str] = []
    for name in (n for group in children(entity, "names") for n in children(group, "name")):
        translation = _latin(name)
        if translation is None:
            continue
        last = text_of(translation, "formattedLastName").upper()
        first = text_of(translation, "formattedFirstName")
        text = f"{last}, {first}" if last and first else last or first
        if text:
            (primary if text_of(name, "isPrimary") == "true" else others).append(text)
    return primary + others


def _address(address: etree._Element) -> tuple[str, str]:
    """An address line in the classic layout and its country.

    The classic files write a REGION of an address without a country in the
    country column as 'Region: <name>'; this does the same.
    """
    translation = _latin(address)
    parts: dict[str, list[str]] = defaultdict(list)
    found = nested(translation, "addressParts", "addressPart") if translation is not None else ()
    for part in found:
        if value := text_of(part, "value"):
            parts[text_of(part, "type")].append(value)
    country = text_of(address, "country")
    state = list(parts["STATE/PROVINCE"])
    if country:
        state += parts["REGION"]
    elif parts["REGION"]:
        country = "Region: " + " ".join(parts["REGION"])
    street = ", ".join(p for t in STREET_PARTS for p in parts[t])
    place = ofac.locality(" ".join(parts["CITY"]), ", ".join(state), " ".join(parts["POSTAL CODE"]))
    return ofac.address_line(street, place, country), country


def _documents(entity: etree._Element) -> list[Identifier]:
    return [
        ofac.identifier(
            text_of(d, "type"), text_of(d, "documentNumber"), text_of(d, "issuingCountry")
        )
        for d in nested(entity, "identityDocuments", "identityDocument")
    ]
