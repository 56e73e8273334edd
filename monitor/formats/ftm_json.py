"""OpenSanctions FollowTheMoney entities (entities.ftm.json), keyed by the entity id.

The file holds one JSON entity per line: ``id``, ``caption``, ``schema``,
``properties`` (every value a list of strings), ``referents``, ``datasets``,
``first_seen``, ``last_seen``, ``last_change`` and ``target``. Only targets
(the listed parties; without a ``target`` flag, the Person, Organization,
Vessel... schemas) become records: addresses, sanctions and relations are
supporting entities, not entries of a list.

Identity: the key is the entity ``id``. When OpenSanctions merges entities
the surviving id lists the others in ``referents``; they are kept, sorted, in
``extra['referents']`` (see :func:`former_keys`) so re-keying can be detected
from them rather than guessed from names.

Dates: ``first_seen``, ``last_change`` are OpenSanctions' own observations,
not listing dates: they go to ``extra`` and never become the effective date,
which is the earliest plausible ``createdAt`` (the source's listing date as
OpenSanctions records it). ``last_seen`` changes on every export without the
entry changing, so it is not kept at all: keeping it would report every
entity as modified every day.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats._json_stream import BadValue, loads
from monitor.formats._readers import reading, single_file, without_bom
from monitor.formats.base import Format
from monitor.records import Identifier, Record, joined, parse_iso_date

# What an FtM entity gives that the record does not keep, on purpose (the completeness
# test of tests/formats checks every other value is kept).
IGNORED = {
    "last_seen": "changes on every export without the entry changing (see above)",
    "addressEntity": "the id of a supporting Address entity; the address text is kept",
}
ENTRY_TYPES = {
    "Person": "individual",
    "Organization": "entity",
    "Company": "entity",
    "LegalEntity": "entity",
    "PublicBody": "entity",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
ALIAS_PROPS = ("name", "alias", "previousName", "weakAlias")
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry")
PROGRAM_PROPS = ("topics", "program", "programId")
IDENTIFIER_PROPS = {
    "registrationNumber": "Registration Number",
    "taxNumber": "Tax Number",
    "idNumber": "ID Number",
    "passportNumber": "Passport Number",
    "innCode": "INN",
    "ogrnCode": "OGRN",
    "leiCode": "LEI",
    "swiftBic": "SWIFT/BIC",
    "imoNumber": "IMO Number",
    "mmsi": "MMSI",
    "callSign": "Call Sign",
    "icaoCode": "ICAO Code",
    "vatCode": "VAT Code",
    "okpoCode": "OKPO",
    "dunsCode": "DUNS",
    "wikidataId": "Wikidata ID",
}
EXTRA_PROPS = {
    "position": "position",
    "gender": "gender",
    "title": "title",
    "birthPlace": "birth_place",
    "description": "description",
    "sourceUrl": "source_url",
    "modifiedAt": "modified_at",
}
OBSERVATIONS = ("first_seen", "last_change")
VERSION_RE = re.compile(r"(?<!\d)(\d{14})-[0-9a-z]+")
SNIFF_RE = re.compile(rb'^\s*\{[^\n]*"schema"\s*:\s*"[A-Z][A-Za-z]+"')
DELTA_LINE_RE = re.compile(rb'^\s*\{\s*"op"\s*:\s*"(ADD|MOD|DEL)"')


class EntityShapeError(ValueError):
    """An entity that is valid JSON but not a FollowTheMoney entity."""


def strings(value: Any, what: str) -> list[str]:
    """A property value: FtM writes lists of strings; one plain string is accepted."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise EntityShapeError(f"{what} must be a list of strings")


def entity_id(entity: Any) -> str:
    """The id of an entity object; anything else is a shape error."""
    if not isinstance(entity, dict):
        raise EntityShapeError("an entity must be a JSON object")
    key = entity.get("id")
    if not isinstance(key, str) or not key.strip():
        raise EntityShapeError("an entity without an 'id'")
    return key.strip()


def is_listed(entity: Mapping[str, Any]) -> bool:
    """A target (a listed party); files without the flag fall back to the schema."""
    target = entity.get("target")
    if target is None:
        return entity.get("schema") in ENTRY_TYPES
    return target is True


def entity_record(entity: Mapping[str, Any]) -> Record:
    """One FtM entity as a normalised record (see the module docstring for each field)."""
    key = entity_id(entity)
    props = entity.get("properties") or {}
    if not isinstance(props, dict):
        raise EntityShapeError("'properties' must be an object")

    def values(*names: str) -> list[str]:
        return [v for n in names for v in strings(props.get(n), f"property {n!r}")]

    caption = entity.get("caption")
    if caption is not None and not isinstance(caption, str):
        raise EntityShapeError("'caption' must be a string")
    name = caption.strip() if caption else ""
    names = values("name")
    name = name or (min(n.strip() for n in names) if names else key)
    listed = sorted(d.isoformat() for v in values("createdAt") if (d := parse_iso_date(v)))
    return Record.build(
        key=key,
        name=name,
        entry_type=ENTRY_TYPES.get(str(entity.get("schema")), "unknown"),
        programs=values(*PROGRAM_PROPS),
        aliases=[a for a in values(*ALIAS_PROPS) if a.strip() != name],
        countries=[c.upper() for c in values(*COUNTRY_PROPS)],
        addresses=values("address"),
        identifiers=[
            Identifier(type=label, value=v)
            for prop, label in IDENTIFIER_PROPS.items()
            for v in values(prop)
        ],
        birth_dates=values("birthDate"),
        effective_date=listed[0] if listed else None,
        remarks=joined(values("notes")),
        extra=_extra(entity, values),
    )


def _extra(entity: Mapping[str, Any], values: Callable[..., list[str]]) -> dict[str, str]:
    """What a reader may want that has no record field; observations stay here only."""
    extra = {field: joined(values(prop)) for prop, field in EXTRA_PROPS.items()}
    extra["schema"] = str(entity.get("schema") or "")
    extra["datasets"] = " ".join(sorted(strings(entity.get("datasets"), "'datasets'")))
    extra["referents"] = " ".join(sorted(set(strings(entity.get("referents"), "'referents'"))))
    for name in OBSERVATIONS:
        value = entity.get(name)
        extra[name] = value if isinstance(value, str) else ""
    return extra


def former_keys(record: Record) -> tuple[str, ...]:
    """The ids OpenSanctions merged into this entity (its ``referents``)."""
    return tuple(dict(record.extra).get("referents", "").split())


def json_lines(source: SourceFile) -> Iterator[tuple[int, Any]]:
    """Each non-blank line decoded as JSON, with its line number; a bad line is a ParseError."""
    with reading(source) as stream:
        for number, raw in enumerate(stream, start=1):
            if raw.strip():
                yield number, _json_line(raw, number, source.name)


def _json_line(raw: bytes, number: int, file: str) -> Any:
    try:
        return loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
    except BadValue as exc:
        raise ParseError(str(exc), file=file, position=f"line {number}") from exc
    except RecursionError as exc:
        raise ParseError("JSON nested too deeply", file=file, position=f"line {number}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(
            f"not a JSON line ({exc}); truncated or not an OpenSanctions file?",
            file=file,
            position=f"line {number}",
        ) from exc


def version_time(files: Sequence[SourceFile]) -> datetime | None:
    """The time of an OpenSanctions version id (20240527194702-wnk) in the files' paths."""
    for source in files:
        for part in reversed(source.path.parts):
            if match := VERSION_RE.search(part):
                try:
                    return datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
                except ValueError:
                    continue
    return None


def shape_error(source: SourceFile, number: int, exc: EntityShapeError) -> ParseError:
    return ParseError(str(exc), file=source.name, position=f"line {number}")


class FtmJson(Format):
    """OpenSanctions FollowTheMoney entities, one JSON object per line (entities.ftm.json)."""

    kind = "ftm-json"
    example = "entities.ftm.json"

    @classmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        if len(files) != 1:
            return False
        head = without_bom(files[0].head(4096))
        entity_line = SNIFF_RE.match(head) and b'"properties"' in head
        return bool(entity_line) and not DELTA_LINE_RE.match(head)

    def published_at(self, files: Sequence[SourceFile]) -> datetime | None:
        return version_time(files)

    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        source = single_file(files, self.kind)
        seen: set[str] = set()
        for number, entity in json_lines(source):
            try:
                entity_id(entity)  # an object with an id, or a shape error
                if not is_listed(entity):
                    continue
                record = entity_record(entity)
            except EntityShapeError as exc:
                raise shape_error(source, number, exc) from exc
            if record.key in seen:
                raise ParseError(
                    f"entity {record.key} appears twice",
                    file=source.name,
                    position=f"line {number}",
                )
            seen.add(record.key)
            yield record
        if not seen:
            raise ParseError("no listed entities (no line with target: true)", file=source.name)
