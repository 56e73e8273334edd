"""What the OFAC legacy CSV and classic XML share, so both yield identical records.

OFAC publishes one database in several files. The classic XML keeps
identifiers, birth dates and weak aliases in their own elements; the legacy
CSV folds them into the free-text remarks column ("DOB 1962; POB Shati;
a.k.a. 'BIM'; Passport 123 (Iran)"). To give one entry the same record from
either file, the CSV remarks are split back into those parts here, and both
formats build addresses, names and types with the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from monitor.records import Identifier, joined

# The IGNORED entry (see ofac_csv) for the dates that follow a document in CSV remarks.
ISSUE_DATES = "issued/expires dates of a document"
# Types seen in the real OFAC classic XML idList elements and the data
# specification; the CSV writes each as "<type> <number> [(<country>)]".
KNOWN_ID_TYPES = (
    "Additional Sanctions Information -",
    "For more information, please see:",
    "Executive Order 13662 Directive Determination -",
    "Executive Order 13846 information:",
    "Executive Order 14024 Directive Information -",
    "Executive Order 14024 Directive Information",
    "Executive Order 14014 Directive Information:",
    "Executive Order 14059 information:",
    "Listing/Effective Date (EO 14024 Directive 1a):",
    "Listing/Effective Date (EO 14024 Directive 2):",
    "Listing/Effective Date (EO 14024 Directive 3):",
    "Effective Date (EO 14024 Directive 1a):",
    "Effective Date (EO 14024 Directive 2):",
    "Effective Date (EO 14024 Directive 3):",
    "Secondary sanctions risk:",
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
    "PEESA Information:",
    "CAATSA Section 235 Information:",
    "Registration ID",
    "Website",
    "Tax ID No.",
    "Government Gazette Number",
    "Email Address",
    "ISIN",
    "SWIFT/BIC",
    "Former Vessel Flag",
    "Vessel Registration Identification",
    "Issuer Name",
    "Equity Ticker",
    "Listing Date (CMIC)",
    "Purchase/Sales For Divestment Date (CMIC)",
    "Effective Date (CMIC)",
    "Delisting Date (CMIC)",
    "Target Type",
    "Unified Social Credit Code (USCC)",
    "MMSI",
    "Public Registration Number",
    "Nationality of Registration",
    "Passport",
    "Diplomatic Passport",
    "National ID No.",
    "Cedula No.",
    "C.U.R.P.",
    "R.F.C.",
    "NIT #",
    "RUC #",
    "D.N.I.",
    "SSN",
    "Driver's License No.",
    "Personal ID Card",
    "Identification Number",
    "Registration Number",
    "Business Registration Number",
    "Business Registration Document #",
    "Commercial Registry Number",
    "Company Number",
    "UK Company Number",
    "Legal Entity Number",
    "V.A.T. Number",
    "License",
    "Trade License No.",
    "BIK (RU)",
    "Other Vessel Call Sign",
    "Other Vessel Flag",
    "Other Vessel Type",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Manufacture Date",
    "Aircraft Model",
    "Aircraft Operator",
    "Aircraft Mode S Transponder Code",
    "Aircraft Tail Number",
    "Previous Aircraft Tail Number",
    "Gender",
    "Phone Number",
    "Fax",
    "Telephone",
    "Organization Established Date",
    "Organization Type:",
    "Digital Currency Address - XBT",
    "Digital Currency Address - ETH",
    "Digital Currency Address - XMR",
    "Digital Currency Address - USDT",
    "Digital Currency Address - LTC",
    "Digital Currency Address - ZEC",
    "Digital Currency Address - DASH",
    "Digital Currency Address - BTG",
    "Digital Currency Address - ETC",
    "Digital Currency Address - BSV",
    "Digital Currency Address - BCH",
    "Digital Currency Address - XVG",
    "Digital Currency Address - USDC",
    "Digital Currency Address - TRX",
    "Digital Currency Address - ARB",
    "Digital Currency Address - BSC",
)
_LONGEST_FIRST = sorted(KNOWN_ID_TYPES, key=len, reverse=True)


def _id_type_patterns() -> dict[str, re.Pattern[str]]:
    """Known identifier types by their first word, each group one pattern of its types
    longest first and followed by a space or the end. A type can only start a segment
    whose first word is its own, so a segment tries one small alternation, not all
    hundred types in turn."""
    by_word: dict[str, list[str]] = {}
    for type_ in _LONGEST_FIRST:
        by_word.setdefault(type_.partition(" ")[0], []).append(type_)
    return {
        word: re.compile("^(?:" + "|".join(map(re.escape, types)) + ")(?= |$)")
        for word, types in by_word.items()
    }


_ID_TYPE_BY_WORD = _id_type_patterns()
_ALIAS_START_RE = re.compile(r"^(?:alt\. )?[afn]\.k\.a\. '")
_ALIAS_RE = re.compile(r"^(?:a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.+)'$", re.S)
# "54514-1 (Bahrain) expires 09 Jun 2009": the XML keeps number and country only.
_COUNTRY_SUFFIX_RE = re.compile(r"^(.*?\S)\s+\(([^()]+)\)(?:\s+(?:issued|expires)\b.*)?$", re.S)
_CMIC_DATE_RE = re.compile(r"^(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})$")
# Free-text identifier values that OFAC writes with "; " inside them.
_MULTI_SEGMENT_TYPES = ("Additional Sanctions Information -",)


# Features the OFAC advanced and enhanced XML name the same way.
VESSEL_FEATURES = {
    "Vessel Call Sign": "call_sign",
    "VESSEL TYPE": "vessel_type",
    "Vessel Tonnage": "tonnage",
    "Vessel Gross Registered Tonnage": "grt",
    "Vessel Flag": "vessel_flag",
    "Vessel Owner": "vessel_owner",
}


@dataclass
class FeatureFacts:
    """Features (advanced and enhanced XML) sorted into record fields; most become
    identifiers, as in the classic idList, so all three formats give one record."""

    identifiers: list[Identifier] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    vessel: dict[str, list[str]] = field(default_factory=dict)

    @property
    def extra(self) -> dict[str, str]:
        vessel = {name: joined(values) for name, values in self.vessel.items()}
        return {"title": title_text(self.titles), **vessel}

    def add_value(self, type_: str, value: str) -> None:
        if type_ == "Birthdate":
            self.birth_dates.append(value)
        elif type_ == "Place of Birth":
            self.birth_places.append(value)
        elif type_ in ("Nationality Country", "Citizenship Country"):
            self.countries.append(value)
        elif type_ == "Title":
            self.titles.append(value)
        elif type_ in VESSEL_FEATURES:
            self.vessel.setdefault(VESSEL_FEATURES[type_], []).append(numeric(value))
        elif value:
            self.identifiers.append(identifier(type_, value))


@dataclass
class RemarkParts:
    """The structured parts recovered from an OFAC remarks string."""

    aliases: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


def split_segments(remarks: str) -> list[str]:
    """Split remarks on '; ', keeping a quoted alias that itself contains '; ' whole.

    Splitting first and re-joining the rare broken alias keeps this linear:
    it runs on every entry of every snapshot.
    """
    text = remarks.strip()
    if text.endswith("."):
        text = text[:-1]
    segments: list[str] = text.split("; ")
    if "k.a. '" in text:  # only a quoted alias can hold '; ' (_open_alias needs this text)
        segments = []
        for piece in text.split("; "):
            if segments and _open_alias(segments[-1]):
                segments[-1] = f"{segments[-1]}; {piece}"
            else:
                segments.append(piece)
    return [stripped for s in segments if (stripped := s.strip())]


def _open_alias(segment: str) -> bool:
    """An a.k.a. whose closing quote has not been seen yet."""
    return bool(_ALIAS_START_RE.match(segment)) and not segment.rstrip(".").endswith("'")


def identifier(type_: str, rest: str, country: str = "") -> Identifier:
    """An identifier from '<number> [(<country>)]', as the CSV writes it.

    The XML usually has the country in its own element, but not always.
    """
    if country:
        return Identifier(type=type_, value=rest.strip(), country=country)
    return _identifier(type_, rest)


def _identifier(type_: str, rest: str) -> Identifier:
    value, country = rest.strip(), ""
    # most values have no '(': the suffix pattern is not tried on them
    if "(" in value and not type_.endswith((":", "-")):
        match = _COUNTRY_SUFFIX_RE.match(value)
        if match:
            value, country = match.group(1), match.group(2)
    return Identifier(type=type_, value=value, country=country)


def parse_remarks(remarks: str) -> RemarkParts:
    """Recover aliases, identifiers, birth data and links from CSV remarks."""
    parts = RemarkParts()
    last_type: str | None = None
    for segment in split_segments(remarks):
        last_type = _parse_segment(segment, parts, last_type)
    return parts


# Segments that are one field's value after a first word: that word and the field of
# RemarkParts ("DOB 1962" -> birth_dates "1962").
_FIELD_OF_WORD = {
    "DOB": "birth_dates",
    "POB": "birth_places",
    "nationality": "nationalities",
    "citizen": "citizenships",
}
_LINKED_TO = "Linked To: "


def _parse_segment(segment: str, parts: RemarkParts, last_type: str | None) -> str | None:
    """One segment into its field of ``parts``; the identifier type it was, if any (an
    'Additional Sanctions Information -' value may go on in the next segment).

    Tried in a fixed order (alias, the fields of ``_FIELD_OF_WORD``, links, identifier
    types, the rest): dispatched on the segment's first word, as it runs ~60,000 times
    a version.
    """
    alt = segment.startswith("alt. ")
    body = segment[5:] if alt else segment
    # an alias is '[afn].k.a. ...': the pattern is tried only on those
    if body[1:6] == ".k.a." and (alias := _ALIAS_RE.match(body)):
        parts.aliases.append(alias.group(1))
        return None
    word, space, rest = body.partition(" ")
    if space and (name := _FIELD_OF_WORD.get(word)) is not None:
        getattr(parts, name).append(rest.strip())
        return None
    if word == "Linked" and body.startswith(_LINKED_TO):
        parts.linked_to.append(body[len(_LINKED_TO) :].strip())
        return None
    pattern = _ID_TYPE_BY_WORD.get(word)
    if pattern is not None and (match := pattern.match(body)):
        type_ = match.group(0)
        parts.identifiers.append(_identifier(type_, body[len(type_) :]))
        return type_
    if last_type in _MULTI_SEGMENT_TYPES and parts.identifiers and not alt:
        previous = parts.identifiers.pop()
        merged = f"{previous.value}; {segment}"
        parts.identifiers.append(Identifier(type=previous.type, value=merged, country=""))
        return None
    parts.other.append(segment)
    return None


def title_text(titles: Iterable[str]) -> str:
    """Titles as one text: the classic files write several in one field ('A; B'), the
    advanced and enhanced ones as separate features; sorted, so neither order matters."""
    return joined(part for title in titles for part in title.split(";"))


def entry_type(raw: str) -> str:
    """OFAC writes -0- (CSV) or 'Entity' (XML) for entities."""
    value = raw.strip().lower()
    return value if value in ("individual", "vessel", "aircraft") else "entity"


def split_programs(raw: str) -> list[str]:
    """'SDGT] [IRGC' style program fields, as in the CSV."""
    return [p.strip(" []") for p in raw.split("] [") if p.strip(" []")]


def locality(city: str, state: str, postal: str) -> str:
    """OFAC's 'City/State/Province/Postal Code' column: 'Hebron, West Bank 123'."""
    place = ", ".join(p for p in (city.strip(), state.strip()) if p)
    return " ".join(p for p in (place, postal.strip()) if p)


def numeric(value: str) -> str:
    """'99,144' (CSV) and '99144' (XML) are the same tonnage."""
    stripped = value.replace(",", "")
    return stripped if stripped.isdigit() else value


def split_linked_to(remarks: str) -> tuple[str, list[str]]:
    """Take '(Linked To: X (LONDON) LIMITED)' groups out of XML remarks, nested parentheses too."""
    links: list[str] = []
    marker = "(Linked To: "
    while (start := remarks.find(marker)) >= 0:
        depth, end = 0, len(remarks)
        for i in range(start, len(remarks)):
            depth += {"(": 1, ")": -1}.get(remarks[i], 0)
            if depth == 0:
                end = i
                break
        links.append(remarks[start + len(marker) : end].strip().rstrip("."))
        remarks = (remarks[:start] + remarks[end + 1 :]).strip(" ;")
    return remarks, links


def address_line(street: str, place: str, country: str) -> str:
    return ", ".join(p.strip() for p in (street, place, country) if p and p.strip())


def countries_of(addresses_countries: Iterable[str], parts: RemarkParts) -> list[str]:
    return [*addresses_countries, *parts.nationalities, *parts.citizenships]


def cmic_listing_date(identifiers: Iterable[Identifier]) -> str | None:
    """'Listing Date (CMIC) 16 Dec 2021' as an ISO date: the NS-CMIC effective date."""
    for identifier in identifiers:
        if identifier.type == "Listing Date (CMIC)":
            match = _CMIC_DATE_RE.match(identifier.value.strip())
            if match:
                day, month, year = match.groups()
                try:
                    parsed = datetime.strptime(f"{day} {month} {year}", "%d %b %Y")
                except ValueError:
                    return None
                return parsed.date().isoformat()
    return None


def remarks_text(parts: RemarkParts) -> str:
    """Free text that is not structured elsewhere, in a stable form."""
    items = [segment.rstrip(".") for segment in parts.other]
    items += [f"Linked To: {link}" for link in parts.linked_to]
    items += [f"POB {place}" for place in parts.birth_places]
    return "; ".join(sorted(items))
