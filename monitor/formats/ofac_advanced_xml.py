"""OFAC advanced XML (<Sanctions>: sdn_advanced.xml, cons_advanced.xml), keyed by FixedRef.

The advanced file stores each fact once and points at it by number: party
types, alias types, document types and countries live in ReferenceValueSets,
addresses in Locations, identity documents in IDRegDocuments and programs in
SanctionsEntries, which come *after* the parties. The file is therefore read
twice, both times streaming: the first pass collects those lookups (small),
the second builds one record per DistinctParty. Records are built with the
same helpers as the classic XML and CSV parsers so that one entry gives the
same keys and the same normalised record whichever OFAC file was read.

Not split into units (``splits`` stays False; monitor.ingest.units), by
design: a party's record reads far more than its own DistinctParty element.
Its types, countries and document types are ReferenceValueSets entries, its
addresses Locations, its documents IDRegDocuments (by IdentityID), its programs
the SanctionsEntries after it, and its 'Linked To' the ProfileRelationships
and the primary *names of the other parties* they point at. A unit whose
fingerprint stood for the record would have to hash the party with every
element it reaches, and finding those means reading the IDs out of each party,
which is the first pass of the parse (it builds every party's names), so the
split would cost about what the parse costs. The reference sets also differ in
each of the three real files (2016, 2020, 2021), so hashing them into every
unit would re-parse every party anyway. Lists published in this format are
read in full; OFAC's classic and enhanced XML of the same list split.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import _ofac_common as ofac
from monitor.formats._readers import node_text, single_file, xml_elements
from monitor.formats._xml import children, descendants, localname, text_of
from monitor.formats.base import Format
from monitor.records import Identifier, Record

DATE_OF_ISSUE_RE = re.compile(
    rb"<(?:\w+:)?DateOfIssue\b[^>]*>\s*<(?:\w+:)?Year>(\d{4})</(?:\w+:)?Year>\s*"
    rb"<(?:\w+:)?Month>(\d{1,2})</(?:\w+:)?Month>\s*<(?:\w+:)?Day>(\d{1,2})</"
)
# What the advanced XML gives for a party that the record does not keep, on purpose (the
# completeness test of tests/formats checks every other value is kept).
IGNORED = {
    "Month": "a part of a date period, kept as the date the classic files write ('1962', "
    "'01 Jan 1962'): a whole year's period has no month or day of its own",
    "Day": "a part of a date period, kept as the date the classic files write",
    "IssuingAuthority": "the body that issued a document: not in the classic files, so "
    "keeping it would make this file's record differ from theirs",
}
LOOKUP_TAGS = {
    "ReferenceValueSets",
    "Location",
    "IDRegDocument",
    "DistinctParty",
    "ProfileRelationship",
    "SanctionsEntry",
}
# Name parts that the classic files put in lastName (the rest go to firstName).
LAST_NAME_PARTS = {"Last Name", "Entity Name", "Vessel Name", "Aircraft Name"}
STREET_PARTS = ("ADDRESS1", "ADDRESS2", "ADDRESS3")
MONTHS = calendar.month_abbr


@dataclass
class Lookups:
    """Everything a DistinctParty points at, resolved from the first pass."""

    refs: dict[str, dict[str, etree._Element]] = field(default_factory=lambda: defaultdict(dict))
    locations: dict[str, etree._Element] = field(default_factory=dict)
    documents: dict[str, list[Identifier]] = field(default_factory=lambda: defaultdict(list))
    programs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    links: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    names: dict[str, str] = field(default_factory=dict)

    def ref(self, kind: str, ref_id: str | None) -> str:
        """The text of reference value ``kind`` number ``ref_id`` ('' when unknown)."""
        element = self.refs[kind].get(ref_id or "")
        return node_text(element) if element is not None else ""

    def ref_attr(self, kind: str, ref_id: str | None, attr: str) -> str:
        """An attribute of a reference value, e.g. the PartyTypeID of a PartySubType."""
        element = self.refs[kind].get(ref_id or "")
        return element.get(attr, "") if element is not None else ""


class OfacAdvancedXml(Format):
    """OFAC advanced XML (<Sanctions>: sdn_advanced.xml, cons_advanced.xml)."""

    kind = "ofac-advanced-xml"
    example = "sdn_advanced.xml  |  cons_advanced.xml"

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        if len(files) != 1:
            return False
        head = files[0].head(4096)
        return b"<Sanctions" in head and b"un.org/sanctions/1.0" in head

    def published_at(self, files: Sequence[SourceFile]) -> datetime | None:
        match = DATE_OF_ISSUE_RE.search(files[0].head(8192))
        if not match:
            return None
        year, month, day = (int(g) for g in match.groups())
        try:
            return datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            return None

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        source = single_file(files, self.kind)
        lookups = collect_lookups(source)
        seen: set[str] = set()
        for party in xml_elements(source, {"DistinctParty"}):
            record = party_record(party, lookups, source.name)
            if record.key in seen:
                raise ParseError(
                    f"FixedRef {record.key} appears twice",
                    file=source.name,
                    position=f"line {party.sourceline}",
                )
            seen.add(record.key)
            yield record
        if not seen:
            raise ParseError("no DistinctParty elements found", file=source.name)


def collect_lookups(source: SourceFile) -> Lookups:
    """First pass: reference values, locations, documents, programs and links."""
    lookups = Lookups()
    found_refs = False
    for element in xml_elements(source, LOOKUP_TAGS):
        name = localname(element)
        if name == "ReferenceValueSets":
            _collect_refs(element, lookups)
            found_refs = True
        elif name == "Location":
            lookups.locations[element.get("ID", "")] = _detached(element)
        elif name == "IDRegDocument":
            _collect_document(element, lookups)
        elif name == "DistinctParty":
            _collect_name(element, lookups)
        elif name == "ProfileRelationship":
            lookups.links[element.get("From-ProfileID", "")].append(element.get("To-ProfileID", ""))
        else:
            _collect_programs(element, lookups)
    if not found_refs:
        raise ParseError("no ReferenceValueSets: not an OFAC advanced XML file", file=source.name)
    return lookups


def _detached(element: etree._Element) -> etree._Element:
    """A copy that survives the streaming parser clearing the original."""
    return etree.fromstring(etree.tostring(element))


def _collect_refs(element: etree._Element, lookups: Lookups) -> None:
    """Every reference value by set and ID, e.g. refs['Country']['11171'] -> Russia."""
    for value_set in element:
        for value in value_set:
            if isinstance(value.tag, str):
                lookups.refs[localname(value)][value.get("ID", "")] = _detached(value)


def _collect_document(element: etree._Element, lookups: Lookups) -> None:
    """An IDRegDocument as the classic files show it: type, number, issuing country."""
    type_ = lookups.ref("IDRegDocType", element.get("IDRegDocTypeID"))
    country = lookups.ref("Country", element.get("IssuedBy-CountryID"))
    number = text_of(element, "IDRegistrationNo")
    lookups.documents[element.get("IdentityID", "")].append(ofac.identifier(type_, number, country))


def _collect_programs(entry: etree._Element, lookups: Lookups) -> None:
    """Programs are the comments of the SanctionsMeasures of type 'Program'."""
    programs = lookups.programs[entry.get("ProfileID", "")]
    for measure in children(entry, "SanctionsMeasure"):
        if lookups.ref("SanctionsType", measure.get("SanctionsTypeID")) == "Program":
            programs.add(text_of(measure, "Comment"))


def _collect_name(party: etree._Element, lookups: Lookups) -> None:
    """Primary names of every party, so a relationship reads 'Linked To: <name>'."""
    for profile in children(party, "Profile"):
        names = _names(profile, lookups)
        if names:
            lookups.names[profile.get("ID", "")] = names[0]


def party_record(party: etree._Element, lookups: Lookups, file: str) -> Record:
    """One DistinctParty as the record the classic XML gives for the same uid."""
    key = party.get("FixedRef", "")
    profile = next(children(party, "Profile"), None)
    if not key.isdigit() or profile is None:
        raise ParseError(
            f"DistinctParty without a numeric FixedRef and a Profile ({key!r})",
            file=file,
            position=f"line {party.sourceline}",
        )
    names = _names(profile, lookups)
    if not names:
        raise ParseError(
            f"DistinctParty {key} has no name", file=file, position=f"line {party.sourceline}"
        )
    facts = Facts(lookups=lookups)
    for feature in children(profile, "Feature"):
        facts.add(feature)
    for identity in children(profile, "Identity"):
        facts.identifiers += lookups.documents.get(identity.get("ID", ""), [])
    return _build(key, profile, names, facts, _remark_parts(party, profile, facts))


def _build(
    key: str, profile: etree._Element, names: list[str], facts: Facts, parts: ofac.RemarkParts
) -> Record:
    """The record, field by field as the classic XML parser fills it."""
    return Record.build(
        key=key,
        name=names[0],
        entry_type=_entry_type(profile, facts.lookups),
        programs=facts.lookups.programs.get(profile.get("ID", ""), set()),
        aliases=names[1:] + parts.aliases,
        countries=facts.countries,
        addresses=facts.addresses,
        identifiers=facts.identifiers + parts.identifiers,
        birth_dates=facts.birth_dates,
        effective_date=ofac.cmic_listing_date(facts.identifiers),
        remarks=ofac.remarks_text(parts),
        extra=facts.extra,
    )


def _remark_parts(party: etree._Element, profile: etree._Element, facts: Facts) -> ofac.RemarkParts:
    """The party comment split like classic remarks, plus relationships as 'Linked To'."""
    free_text, links = ofac.split_linked_to(text_of(party, "Comment"))
    parts = ofac.parse_remarks(free_text)
    parts.linked_to += links
    names = facts.lookups.names
    targets = facts.lookups.links.get(profile.get("ID", ""), [])
    parts.linked_to += [names[t].rstrip(".") for t in targets if t in names]
    parts.birth_places += facts.birth_places
    return parts


def _entry_type(profile: etree._Element, lookups: Lookups) -> str:
    """Vessel and aircraft are party sub-types of 'Transport'; the rest go by party type."""
    subtype_id = profile.get("PartySubTypeID")
    subtype = lookups.ref("PartySubType", subtype_id).lower()
    if subtype in ("vessel", "aircraft"):
        return subtype
    type_id = lookups.ref_attr("PartySubType", subtype_id, "PartyTypeID")
    return ofac.entry_type(lookups.ref("PartyType", type_id))


def _names(profile: etree._Element, lookups: Lookups) -> list[str]:
    """Latin-script names of the profile, the primary one first."""
    primary: list[str] = []
    others: list[str] = []
    for identity in children(profile, "Identity"):
        part_types = {
            group.get("ID", ""): lookups.ref("NamePartType", group.get("NamePartTypeID"))
            for group in descendants(identity, "NamePartGroup")
        }
        for alias in children(identity, "Alias"):
            name = _alias_name(alias, part_types, lookups)
            target = primary if alias.get("Primary") == "true" else others
            if name:
                target.append(name)
    return primary + others


def _alias_name(alias: etree._Element, part_types: dict[str, str], lookups: Lookups) -> str:
    """'LAST, First Middle' like the classic files, which upper-case the last name.

    Entity, vessel and aircraft names count as the last name, as in the classic files.
    """
    documented = _latin_name(alias, lookups)
    if documented is None:
        return ""
    last: list[str] = []
    first: list[str] = []
    for value in descendants(documented, "NamePartValue"):
        part_type = part_types.get(value.get("NamePartGroupID", ""), "")
        (last if part_type in LAST_NAME_PARTS else first).append(node_text(value))
    last_text = " ".join(p for p in last if p).upper()
    first_text = " ".join(p for p in first if p)
    return f"{last_text}, {first_text}" if last_text and first_text else last_text or first_text


def _latin_name(alias: etree._Element, lookups: Lookups) -> etree._Element | None:
    """The Latin-script spelling: the classic files carry no other script."""
    names = list(children(alias, "DocumentedName"))
    for documented in names:
        scripts = {
            lookups.ref("Script", v.get("ScriptID"))
            for v in descendants(documented, "NamePartValue")
        }
        if scripts <= {"Latin", ""}:
            return documented
    return None


@dataclass(kw_only=True)
class Facts(ofac.FeatureFacts):
    """What the Features and documents of one profile say, sorted into record fields."""

    lookups: Lookups
    addresses: list[str] = field(default_factory=list)

    def add(self, feature: etree._Element) -> None:
        """Sort one Feature: most become identifiers, as in the classic idList."""
        type_ = self.lookups.ref("FeatureType", feature.get("FeatureTypeID"))
        for version in children(feature, "FeatureVersion"):
            self._add_version(type_, version)

    def _add_version(self, type_: str, version: etree._Element) -> None:
        location = self._location(version)
        if type_ == "Location":
            if location is not None and (line := self._address(location)):
                self.addresses.append(line)
                self.countries.append(self._country(location))
            return
        self.add_value(type_, self._value(version, location))

    def _location(self, version: etree._Element) -> etree._Element | None:
        """The Location a feature version points at (addresses, country features)."""
        reference = next(children(version, "VersionLocation"), None)
        if reference is None:
            return None
        return self.lookups.locations.get(reference.get("LocationID", ""))

    def _value(self, version: etree._Element, location: etree._Element | None) -> str:
        """A feature's value: a date period, a looked-up value, free text or a country."""
        period = next(children(version, "DatePeriod"), None)
        if period is not None:
            return date_period(period)
        detail = next(children(version, "VersionDetail"), None)
        if detail is not None and detail.get("DetailReferenceID"):
            return self.lookups.ref("DetailReference", detail.get("DetailReferenceID"))
        if detail is not None and (text := node_text(detail)):
            return text
        return self._country(location) if location is not None else ""

    def _country(self, location: etree._Element) -> str:
        """The country of a location; country-only locations just name it in a part."""
        country = next(children(location, "LocationCountry"), None)
        if country is not None:
            return self.lookups.ref("Country", country.get("CountryID"))
        parts = self._parts(location)
        if parts["REGION"]:
            return "Region: " + " ".join(parts["REGION"])
        return " ".join(parts["Unknown"])

    def _parts(self, location: etree._Element) -> dict[str, list[str]]:
        """Location parts by type name, primary (Latin) spellings only, as the classic files."""
        parts: dict[str, list[str]] = defaultdict(list)
        for part in children(location, "LocationPart"):
            type_ = self.lookups.ref("LocPartType", part.get("LocPartTypeID"))
            values = list(children(part, "LocationPartValue"))
            primary = [v for v in values if v.get("Primary") == "true"] or values[:1]
            parts[type_] += [text for v in primary if (text := text_of(v, "Value"))]
        return parts

    def _address(self, location: etree._Element) -> str:
        """One address line in the classic layout: street, 'City, State Postal', country."""
        parts = self._parts(location)
        street = ", ".join(p for t in STREET_PARTS for p in parts[t])
        state = list(parts["STATE/PROVINCE"])
        if next(children(location, "LocationCountry"), None) is not None:
            state += parts["REGION"]
        place = ofac.locality(
            " ".join(parts["CITY"]), ", ".join(state), " ".join(parts["POSTAL CODE"])
        )
        return ofac.address_line(street, place, self._country(location))


def _ymd(element: etree._Element | None) -> tuple[int, int, int] | None:
    """A <From>/<To> as (year, month, day); None when a part is missing."""
    if element is None:
        return None
    try:
        year, month, day = (int(text_of(element, unit)) for unit in ("Year", "Month", "Day"))
    except ValueError:
        return None
    return year, month, day


def _point(period: etree._Element, edge: str, bound: str) -> tuple[int, int, int] | None:
    """One of the four dates of a DatePeriod, e.g. Start/From."""
    side = next(children(period, edge), None)
    return _ymd(next(children(side, bound), None)) if side is not None else None


def date_period(period: etree._Element) -> str:
    """A DatePeriod written as the classic files write dates: '1962', '01 Jan 1962', ..."""
    start = _point(period, "Start", "From") or _point(period, "Start", "To")
    end = _point(period, "End", "To") or _point(period, "End", "From") or start
    if start is None or end is None:
        return ""
    text = _span(start, end)
    approximate = any(s.get("Approximate") == "true" for s in children(period, "Start"))
    return f"circa {text}" if approximate else text


def _span(start: tuple[int, int, int], end: tuple[int, int, int]) -> str:
    """A day, a whole year, a whole month, or 'DD Mon YYYY to DD Mon YYYY' (as OFAC writes)."""
    (y1, m1, d1), (y2, m2, d2) = start, end
    if start == end:
        return _day(start)
    if y1 == y2 and (m1, d1, m2, d2) == (1, 1, 12, 31):
        return str(y1)
    if (y1, m1) == (y2, m2) and d1 == 1 and 1 <= m2 <= 12 and d2 == calendar.monthrange(y2, m2)[1]:
        return f"{MONTHS[m1]} {y1}"
    return f"{_day(start)} to {_day(end)}"


def _day(value: tuple[int, int, int]) -> str:
    year, month, day = value
    month_name = MONTHS[month] if 1 <= month <= 12 else str(month)
    return f"{day:02d} {month_name} {year}"
