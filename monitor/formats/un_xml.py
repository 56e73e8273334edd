"""UN Security Council Consolidated List XML (<CONSOLIDATED_LIST>), keyed by DATAID.

DATAID is the UN's stable number for a listed party; the reference number
(QDi.430, KPe.053) is kept as an identifier because it is what notices and
other lists (EU, UK, OFAC remarks) quote. The file is streamed one
INDIVIDUAL / ENTITY at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime

from lxml import etree

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import _xml_units
from monitor.formats._readers import iso_date, node_text, single_file, utc_datetime, xml_elements
from monitor.formats._xml import children, localname, text_of
from monitor.formats.base import Format, Unit
from monitor.records import Identifier, Record, joined

DATE_GENERATED_RE = re.compile(rb"<CONSOLIDATED_LIST\b[^>]*\bdateGenerated=\"([^\"]+)\"")
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
ENTRY_TAGS = ("INDIVIDUAL", "ENTITY")
ADDRESS_PARTS = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
PLACE_PARTS = ADDRESS_PARTS
REFERENCE_TYPE = "UN Reference Number"
# What the UN gives for an entry that the record does not keep, on purpose (the
# completeness test of tests/formats checks every other leaf value is kept).
IGNORED = {
    "VERSIONNUM": "the UN's revision counter of the entry: it moves with every edit, whose "
    "changed fields are reported themselves",
    "SORT_KEY": "a sorting aid of the UN's web pages, not data about the party",
    "SORT_KEY_LAST_MOD": "a sorting aid of the UN's web pages, not data about the party",
    "QUALITY": "the UN's grade of an alias ('Good', 'Low', 'a.k.a.'), not part of the name",
    "TYPE_OF_DATE": "kept as the form of the birth date itself ('circa 1960', '1958 to 1960')",
}


class UnXml(Format):
    """UN Security Council Consolidated List XML (<CONSOLIDATED_LIST>: consolidated.xml)."""

    kind = "un-xml"
    example = "consolidated.xml"
    splits = True  # a record reads only its own INDIVIDUAL or ENTITY element

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        return len(files) == 1 and b"<CONSOLIDATED_LIST" in files[0].head(4096)

    def published_at(self, files: Sequence[SourceFile]) -> datetime | None:
        match = DATE_GENERATED_RE.search(files[0].head(4096))
        return utc_datetime(match.group(1).decode("ascii", "replace")) if match else None

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        source = single_file(files, self.kind)
        seen: set[str] = set()
        for element in xml_elements(source, {"INDIVIDUAL", "ENTITY"}):
            record = party_record(element, source.name)
            if record.key in seen:
                raise ParseError(
                    f"DATAID {record.key} appears twice",
                    file=source.name,
                    position=f"line {element.sourceline}",
                )
            seen.add(record.key)
            yield record
        if not seen:
            raise ParseError("no INDIVIDUAL or ENTITY elements found", file=source.name)

    def split(self, files: Sequence[SourceFile]) -> Iterator[Unit]:
        """Each INDIVIDUAL and ENTITY element's bytes (monitor.formats._xml_units)."""
        return _xml_units.split_file(files, self.kind, ENTRY_TAGS)

    def parse_unit(self, unit: Unit) -> Record:
        """The record of one element, as ``parse`` builds it from the streamed element."""
        return party_record(_xml_units.parse_element(unit.raw), "")


def party_record(element: etree._Element, file: str) -> Record:
    """One INDIVIDUAL or ENTITY as a record."""
    key = text_of(element, "DATAID")
    individual = localname(element) == "INDIVIDUAL"
    parts = NAME_PARTS if individual else NAME_PARTS[:1]
    name = " ".join(p for p in (text_of(element, tag) for tag in parts) if p)
    if not key.isdigit() or not name:
        raise ParseError(
            f"{localname(element)} without a numeric DATAID and a name ({key!r})",
            file=file,
            position=f"line {element.sourceline}",
        )
    prefix = "INDIVIDUAL" if individual else "ENTITY"
    addresses = list(children(element, f"{prefix}_ADDRESS"))
    return Record.build(
        key=key,
        name=name,
        entry_type="individual" if individual else "entity",
        programs=[text_of(element, "UN_LIST_TYPE")],
        aliases=[text_of(a, "ALIAS_NAME") for a in children(element, f"{prefix}_ALIAS")],
        countries=_values(element, "NATIONALITY") + [text_of(a, "COUNTRY") for a in addresses],
        addresses=[_address(a) for a in addresses],
        identifiers=_identifiers(element),
        birth_dates=[_birth_date(d) for d in children(element, "INDIVIDUAL_DATE_OF_BIRTH")],
        effective_date=_listed_on(text_of(element, "LISTED_ON")),
        remarks=text_of(element, "COMMENTS1"),
        extra=_extra(element, prefix),
    )


def _values(element: etree._Element, tag: str) -> list[str]:
    """The <VALUE> texts of a multi-valued field such as NATIONALITY or TITLE."""
    return [node_text(v) for node in children(element, tag) for v in children(node, "VALUE")]


def _address(address: etree._Element) -> str:
    """'street, city, state zip, country (note)'; empty when the address is empty.

    Parts the schema does not name (a REGION, say) follow, by tag, so none is lost.
    Places of birth are written the same way.
    """
    known = [text_of(address, tag) for tag in ADDRESS_PARTS]
    others = sorted(
        (localname(node), node_text(node))
        for node in address
        if isinstance(node.tag, str) and localname(node) not in (*ADDRESS_PARTS, "NOTE")
    )
    line = ", ".join(p for p in (*known, *(text for _, text in others)) if p)
    note = text_of(address, "NOTE")
    return f"{line} ({note})" if line and note else line or note


def _details(element: etree._Element, used: tuple[str, ...]) -> str:
    """The leaf values of an element other than ``used``, as 'tag: value' (sorted)."""
    return "; ".join(
        sorted(
            f"{localname(node).lower().replace('_', ' ')}: {text}"
            for node in element
            if isinstance(node.tag, str)
            and localname(node) not in used
            and (text := node_text(node))
        )
    )


def _identifiers(element: etree._Element) -> list[Identifier]:
    """The UN reference number, then each travel or identity document."""
    found = [Identifier(type=REFERENCE_TYPE, value=text_of(element, "REFERENCE_NUMBER"))]
    for document in children(element, "INDIVIDUAL_DOCUMENT"):
        type_ = text_of(document, "TYPE_OF_DOCUMENT") or text_of(document, "TYPE_OF_DOCUMENT2")
        value = text_of(document, "NUMBER") or text_of(document, "NOTE")
        country = text_of(document, "ISSUING_COUNTRY") or text_of(document, "COUNTRY_OF_ISSUE")
        if type_ or value:
            found.append(Identifier(type=type_ or "Document", value=value, country=country))
    return [i for i in found if i.value]


def _document_details(element: etree._Element) -> list[str]:
    """What a document says beyond its type, number and country (a second type, the
    date and city of issue, a note), kept with the document it belongs to."""
    found = []
    for document in children(element, "INDIVIDUAL_DOCUMENT"):
        type_ = text_of(document, "TYPE_OF_DOCUMENT") or text_of(document, "TYPE_OF_DOCUMENT2")
        value = text_of(document, "NUMBER") or text_of(document, "NOTE")
        used = [tag for tag in ("TYPE_OF_DOCUMENT", "NUMBER") if text_of(document, tag)]
        used += [] if text_of(document, "NUMBER") else ["NOTE"]
        used += [] if text_of(document, "TYPE_OF_DOCUMENT") else ["TYPE_OF_DOCUMENT2"]
        used += (
            ["ISSUING_COUNTRY"] if text_of(document, "ISSUING_COUNTRY") else ["COUNTRY_OF_ISSUE"]
        )
        if details := _details(document, tuple(used)):
            found.append(f"{type_ or 'Document'} {value}: {details}")
    return found


def _alias_details(element: etree._Element, prefix: str) -> list[str]:
    """An alias's own date and place of birth and note, kept with the alias."""
    found = []
    for alias in children(element, f"{prefix}_ALIAS"):
        if details := _details(alias, ("ALIAS_NAME", "QUALITY")):
            found.append(f"{text_of(alias, 'ALIAS_NAME')}: {details}")
    return found


def _birth_date(node: etree._Element) -> str:
    """EXACT dates stay ISO; a year is a year; BETWEEN is 'Y1 to Y2'; approximations say 'circa'."""
    kind = text_of(node, "TYPE_OF_DATE").upper()
    if text := text_of(node, "DATE"):
        value = text[:10]
    elif text := text_of(node, "YEAR"):
        value = text
    else:
        years = [y for y in (text_of(node, "FROM_YEAR"), text_of(node, "TO_YEAR")) if y]
        value = " to ".join(years)
    note = text_of(node, "NOTE")
    approximate = kind == "APPROXIMATELY" or note.lower() == "approximately"
    value = f"circa {value}" if value and approximate else value
    if note and note.lower() != "approximately":
        return f"{value} ({note})" if value else note
    return value


def _listed_on(value: str) -> str | None:
    """LISTED_ON is '2016-11-30', sometimes with an offset appended ('2001-01-25-05:00')."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    return iso_date(*(int(g) for g in match.groups())) if match else None


def _extra(element: etree._Element, prefix: str) -> dict[str, str]:
    places = [_address(b) for b in children(element, "INDIVIDUAL_PLACE_OF_BIRTH")]
    return {
        "alias_details": joined(_alias_details(element, prefix)),
        "document_details": joined(_document_details(element)),
        "submitted_by": joined(
            [text_of(element, "SUBMITTED_BY"), text_of(element, "SUBMITTED_ON")]
        ),
        "delisted_on": text_of(element, "DELISTED_ON"),
        "title": joined(_values(element, "TITLE")),
        "designation": joined(_values(element, "DESIGNATION")),
        "gender": text_of(element, "GENDER"),
        "name_original_script": text_of(element, "NAME_ORIGINAL_SCRIPT"),
        "place_of_birth": joined(places),
        "list_type": joined(_values(element, "LIST_TYPE")),
        "last_updated": joined(_values(element, "LAST_DAY_UPDATED")),
    }
