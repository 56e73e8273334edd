"""EU Financial Sanctions File XML 1.1 (<export>/<sanctionEntity>), keyed by logicalId.

The sanctionEntity ``logicalId`` is the Commission's stable number for a
listed party (the euReferenceNumber is kept as an identifier). Every name
variant is a ``nameAlias``: the main one (see :func:`_names`) is the name,
the rest are aliases. The effective date is the designation date, or, when the
file gives none, the earliest publication date of the entity's regulations.

A record reads only its own sanctionEntity element (its names, addresses,
documents, birth dates and regulations are its children), so the file splits
into one unit per sanctionEntity (monitor.formats._xml_units) and an unchanged
entity is never parsed again (monitor.ingest.units).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime

from lxml import etree

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import _xml_units
from monitor.formats._readers import node_text, single_file, utc_datetime, xml_elements
from monitor.formats._xml import children
from monitor.formats.base import Format, Unit
from monitor.records import Identifier, Record, joined

# What the FSF gives for an entry that the record does not keep, on purpose (the
# completeness test of tests/formats checks every other value is kept).
IGNORED = {
    "logicalId": "the Commission's numbers of an entry's rows (names, addresses, dates, "
    "regulations): they identify a row, not a fact (the entry's own one is its key)",
    "regulationType": "the kind of legal act: the act is kept by number, title and dates",
    "organisationType": "which body adopted the act: the act is kept by number and title",
    "code": "the subject type code, kept as the entry type ('person' -> individual)",
    "classificationCode": "the subject type code, kept as the entry type",
    "nameLanguage": "the language of a spelling: every spelling is kept as a name",
    "strong": "strong or weak alias: every spelling is kept as a name",
    "countryIso2Code": "the country's code: the country is kept by its name",
    "countryDescription": "kept, except 'UNKNOWN' and '00', which say no country is known",
    "circa": "kept as 'circa' in the birth date",
    "calendarType": "the calendar of a birth date (Gregorian in every real file)",
}
GENERATION_DATE_RE = re.compile(rb"<(?:\w+:)?export\b[^>]*\bgenerationDate=\"([^\"]+)\"")
ENTRY_TAGS = ("sanctionEntity",)
ENTRY_TYPES = {"person": "individual", "enterprise": "entity"}
UNKNOWN_COUNTRIES = {"", "00", "UNKNOWN"}
ADDRESS_ATTRS = ("street", "poBox", "city", "zipCode", "region", "place")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class EuFsfXml(Format):
    """EU Financial Sanctions File XML 1.1 (<export>: the FSF consolidated list)."""

    kind = "eu-fsf-xml"
    example = "export.xml (FSF XML 1.1)"
    splits = True  # a record reads only its own sanctionEntity element

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        if len(files) != 1:
            return False
        head = files[0].head(4096)
        return b"<export" in head and b"fpi/fsd/export" in head

    def published_at(self, files: Sequence[SourceFile]) -> datetime | None:
        match = GENERATION_DATE_RE.search(files[0].head(4096))
        return utc_datetime(match.group(1).decode("ascii", "replace")) if match else None

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        source = single_file(files, self.kind)
        seen: set[str] = set()
        for element in xml_elements(source, set(ENTRY_TAGS)):
            record = entity_record(element, source.name)
            if record.key in seen:
                raise ParseError(
                    f"sanctionEntity logicalId {record.key} appears twice",
                    file=source.name,
                    position=f"line {element.sourceline}",
                )
            seen.add(record.key)
            yield record
        if not seen:
            raise ParseError("no sanctionEntity elements found", file=source.name)

    def split(self, files: Sequence[SourceFile]) -> Iterator[Unit]:
        """Each sanctionEntity element's bytes (monitor.formats._xml_units)."""
        return _xml_units.split_file(files, self.kind, ENTRY_TAGS)

    def parse_unit(self, unit: Unit) -> Record:
        """The record of one sanctionEntity, as ``parse`` builds it from the streamed element."""
        return entity_record(_xml_units.parse_element(unit.raw), "")


def _attr(element: etree._Element, name: str) -> str:
    return " ".join(element.get(name, "").split())


def entity_record(entity: etree._Element, file: str) -> Record:
    """One sanctionEntity as a record."""
    key = _attr(entity, "logicalId")
    names = _names(entity)
    if not key.isdigit() or not names:
        raise ParseError(
            f"sanctionEntity without a numeric logicalId and a name ({key!r})",
            file=file,
            position=f"line {entity.sourceline}",
        )
    addresses = list(children(entity, "address"))
    regulations = list(children(entity, "regulation"))
    subject = next(children(entity, "subjectType"), entity)
    return Record.build(
        key=key,
        name=names[0],
        entry_type=ENTRY_TYPES.get(_attr(subject, "code"), "unknown"),
        programs=[_attr(r, "programme") for r in regulations],
        aliases=names[1:],
        countries=[_country(c) for c in (*children(entity, "citizenship"), *addresses)],
        addresses=[_address(a) for a in addresses],
        identifiers=_identifiers(entity),
        birth_dates=[_birth_date(b) for b in children(entity, "birthdate")],
        effective_date=_effective_date(entity, regulations),
        notice=joined(_regulation_notice(r) for r in regulations),
        remarks=joined(node_text(r) for r in children(entity, "remark")),
        extra=_extra(entity),
    )


def _names(entity: etree._Element) -> list[str]:
    """Whole names, the main spelling first.

    The file order is not a ranking (Saddam Hussein's entry, logicalId 13,
    starts with the French spelling 'Abou Ali'), so the main name is the
    alias the Commission split into first/last name, else one without a
    translation language; among equals, the one registered first (the smallest
    nameAlias logicalId, then the name itself), never the first in the file.
    """
    aliases = [a for a in children(entity, "nameAlias") if _attr(a, "wholeName")]
    ranked = sorted(
        aliases,
        key=lambda a: (
            not (_attr(a, "lastName") or _attr(a, "firstName")),
            bool(_attr(a, "nameLanguage")),
            _number(_attr(a, "logicalId")),
            _attr(a, "wholeName"),
        ),
    )
    return [_attr(a, "wholeName") for a in ranked]


def _number(value: str) -> int:
    return int(value) if value.isdigit() else 1 << 62


def _country(element: etree._Element) -> str:
    description = _attr(element, "countryDescription")
    return "" if description in UNKNOWN_COUNTRIES else description


def _address(address: etree._Element) -> str:
    parts = [_attr(address, name) for name in ADDRESS_ATTRS] + [_country(address)]
    return ", ".join(p for p in parts if p)


def _identifiers(entity: etree._Element) -> list[Identifier]:
    """Documents, plus the EU and UN reference numbers that other lists quote."""
    found = [
        Identifier(type="EU Reference Number", value=_attr(entity, "euReferenceNumber")),
        Identifier(type="UN Reference Number", value=_attr(entity, "unitedNationId")),
    ]
    for document in children(entity, "identification"):
        found.append(
            Identifier(
                type=_attr(document, "identificationTypeDescription")
                or _attr(document, "identificationTypeCode"),
                value=_attr(document, "number") or _attr(document, "latinNumber"),
                country=_country(document),
            )
        )
    return [i for i in found if i.value]


def _birth_date(birthdate: etree._Element) -> str:
    """An ISO date, a year, or 'Y1 to Y2'; 'circa' when the file says so."""
    value = _attr(birthdate, "birthdate") or _attr(birthdate, "year")
    if not value:
        years = [_attr(birthdate, "yearRangeFrom"), _attr(birthdate, "yearRangeTo")]
        value = " to ".join(y for y in years if y)
    return f"circa {value}" if value and birthdate.get("circa") == "true" else value


def _regulation_notice(regulation: etree._Element) -> str:
    """'2019/555 (OJ L97) https://eur-lex...': the act by number and title, and the URL of
    its publication in the Official Journal (an element in FSF 1.1, an attribute before)."""
    url = regulation.get("publicationUrl") or next(
        (node_text(u) for u in children(regulation, "publicationUrl")), ""
    )
    return " ".join(f"{_attr(regulation, 'numberTitle')} {url.strip()}".split())


def _effective_date(entity: etree._Element, regulations: list[etree._Element]) -> str | None:
    """The designation date, else the first publication of a regulation naming the entity."""
    designation = _attr(entity, "designationDate")
    if ISO_DATE_RE.match(designation):
        return designation
    published = sorted(
        d for r in regulations if ISO_DATE_RE.match(d := _attr(r, "publicationDate"))
    )
    return published[0] if published else None


def _extra(entity: etree._Element) -> dict[str, str]:
    aliases = list(children(entity, "nameAlias"))
    places = [
        ", ".join(
            p
            for p in (_attr(b, "city"), _attr(b, "place"), _attr(b, "region"), _country(b))
            if p and p != "-"
        )
        for b in children(entity, "birthdate")
    ]
    return {
        "designation_details": _attr(entity, "designationDetails"),
        "function": "; ".join(sorted({f for a in aliases if (f := _attr(a, "function"))})),
        "title": "; ".join(sorted({t for a in aliases if (t := _attr(a, "title"))})),
        "gender": "; ".join(sorted({g for a in aliases if (g := _attr(a, "gender"))})),
        "place_of_birth": "; ".join(sorted({p for p in places if p})),
        "regulations": "; ".join(
            sorted({n for r in children(entity, "regulation") if (n := _attr(r, "numberTitle"))})
        ),
    }
