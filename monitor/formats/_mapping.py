"""The mapping that tells the generic formats where each record field sits in a list's rows.

A list with no dedicated parser is described in the configuration instead of
in code: which column holds the key, the name, the aliases and so on. The
mapping is validated once, at start-up, into a frozen object, and a typo
names the bad key and the valid ones. Rows that share a key are one entry
(many lists print one row per name or per address), folded as the dedicated
parsers fold them: the primary row gives the name and type, every other name
becomes an alias, every collection is the union over the rows, and the
effective date is the earliest one.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.errors import ConfigError, ParseError
from monitor.names import fold
from monitor.records import ENTRY_TYPES, Identifier, Record, joined, parse_iso_date

UNMAPPED = "columns not in the mapping"
PRIMARY_COLUMN = "the primary_row column"
# What a generic list gives that the record does not keep, on purpose (the completeness
# test of tests/formats checks every other value is kept).
IGNORED = {
    UNMAPPED: "the list's configuration says which columns hold the entry's data; the "
    "others are not read",
    PRIMARY_COLUMN: "it says which row gives the name (e.g. Alias Type = Primary name): kept "
    "as the name and the aliases",
}
Getter = Callable[[str], list[str]]
Columns = tuple[str, ...]
M = TypeVar("M", bound="FieldMapping")


def _as_columns(value: Any) -> Any:
    """One column may be written as a plain string instead of a list."""
    return (value,) if isinstance(value, str) else value


class PrimaryRow(BaseModel):
    """Which of an entry's rows carries its primary name, e.g. Alias Type = Primary name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    column: str
    values: Columns

    _columns = field_validator("values", mode="before")(_as_columns)

    def matches(self, row: Getter) -> bool:
        wanted = {v.strip().lower() for v in self.values}
        return any(v.strip().lower() in wanted for v in row(self.column))


class FieldMapping(BaseModel):
    """Where each record field is; shared by the CSV and JSON mappings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: Columns = Field(min_length=1)
    fold_key: bool = False
    name: Columns = Field(min_length=1)
    primary_row: PrimaryRow | None = None
    aliases: Columns = ()
    type: str | None = None
    type_values: dict[str, str] = Field(default_factory=dict)
    default_type: str = "unknown"
    programs: Columns = ()
    countries: Columns = ()
    addresses: Columns = ()
    identifiers: Columns = ()
    birth_dates: Columns = ()
    effective_date: str | None = None
    date_format: str = "%Y-%m-%d"
    notice: str | None = None
    remarks: str | None = None
    source_list: str | None = None
    extra: Columns = ()
    separator: str | None = ";"

    _columns = field_validator(
        "key",
        "name",
        "aliases",
        "programs",
        "countries",
        "addresses",
        "identifiers",
        "birth_dates",
        "extra",
        mode="before",
    )(_as_columns)

    @field_validator("default_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in ENTRY_TYPES:
            raise ValueError(f"is not an entry type; valid: {', '.join(ENTRY_TYPES)}")
        return value

    @field_validator("type_values")
    @classmethod
    def _known_types(cls, value: dict[str, str]) -> dict[str, str]:
        bad = sorted(v for v in value.values() if v not in ENTRY_TYPES)
        if bad:
            raise ValueError(f"{', '.join(bad)}: not entry types; valid: {', '.join(ENTRY_TYPES)}")
        return {k.strip().lower(): v for k, v in value.items()}

    @field_validator("date_format")
    @classmethod
    def _a_date_format(cls, value: str) -> str:
        if "%" not in value:
            raise ValueError("is not a strptime format; write e.g. %Y-%m-%d or %d/%m/%Y")
        return value

    @field_validator("separator")
    @classmethod
    def _a_separator(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must contain a visible character (or be null for no splitting)")
        return value

    def columns(self) -> set[str]:
        """Every column or field the mapping reads (a file must have them all)."""
        singles = (self.type, self.effective_date, self.notice, self.remarks, self.source_list)
        groups = (self.key, self.name, self.aliases, self.programs, self.countries)
        more = (self.addresses, self.identifiers, self.birth_dates, self.extra)
        found = {c for group in (*groups, *more) for c in group}
        found |= {c for c in singles if c}
        if self.primary_row:
            found.add(self.primary_row.column)
        return found

    def key_of(self, row: Getter) -> str:
        """The entry's key: the key columns' values joined with ':' (folded when asked)."""
        parts = [" ".join(v.strip() for v in row(c)) for c in self.key]
        if not all(parts):
            return ""
        return ":".join(fold(p) if self.fold_key else p for p in parts)

    def name_of(self, row: Getter) -> str:
        """The name columns' first values joined (given names, then surname, say)."""
        return " ".join(values[0].strip() for c in self.name if (values := row(c)))

    def more_names(self, row: Getter) -> list[str]:
        """A name field holding a list (JSON): the values after the first are aliases."""
        return [v for c in self.name for v in row(c)[1:]]

    def multi(self, rows: Iterable[Getter], columns: Columns) -> list[str]:
        """Values of these columns over the rows, split on the separator."""
        found = [v for row in rows for c in columns for v in row(c)]
        if self.separator is None:
            return found
        return [part for value in found for part in value.split(self.separator)]

    def single(self, rows: Iterable[Getter], column: str | None) -> str:
        """Distinct values of one column over the rows, joined with '; '."""
        if column is None:
            return ""
        return joined(v for row in rows for v in row(column))

    def addresses_of(self, rows: list[Getter]) -> list[str]:
        """One address column holds whole addresses (split on the separator); several
        columns are the parts of one address per row (street, city, ...), joined."""
        if len(self.addresses) == 1:
            return self.multi(rows, self.addresses)
        parts = [[v.strip() for c in self.addresses for v in row(c) if v.strip()] for row in rows]
        return [", ".join(p) for p in parts if p]

    def identifiers_of(self, rows: list[Getter]) -> list[Identifier]:
        """Each identifier column's values, typed by the column's name."""
        return [
            Identifier(type=column, value=value.strip())
            for column in self.identifiers
            for value in self.multi(rows, (column,))
            if value.strip()
        ]

    def entry_type(self, row: Getter) -> str:
        raw = " ".join(row(self.type)).strip().lower() if self.type else ""
        if raw in self.type_values:
            return self.type_values[raw]
        return raw if raw in ENTRY_TYPES else self.default_type

    def dates(self, rows: Iterable[Getter]) -> tuple[list[str], list[str]]:
        """The effective dates as ISO (plausible ones), and the raw values that were not."""
        good: list[str] = []
        bad: list[str] = []
        raw = self.multi(rows, (self.effective_date,)) if self.effective_date else []
        for value in (v.strip() for v in raw if v.strip()):
            try:
                parsed = datetime.strptime(value, self.date_format).date().isoformat()
            except ValueError:
                parsed = None
            if parsed and parse_iso_date(parsed):
                good.append(parsed)
            else:
                bad.append(value)
        return sorted(good), bad

    def primary(self, rows: list[Getter]) -> Getter:
        """The row that gives the entry's name and type: one matching ``primary_row`` (or
        any row), the smallest by what it contributes, so the order of an entry's rows in
        the file never picks a different one."""
        primary = [r for r in rows if self.primary_row and self.primary_row.matches(r)]
        return min(
            primary or rows,
            key=lambda r: (
                not self.name_of(r),
                self.name_of(r),
                self.more_names(r),
                self.entry_type(r),
                self.single([r], self.source_list),
            ),
        )

    def record(self, key: str, rows: list[Getter]) -> Record:
        """One entry from all its rows (see the module docstring)."""
        primary = self.primary(rows)
        name = self.name_of(primary) or min(
            (n for r in rows if (n := self.name_of(r))), default=key
        )
        names = [n for r in rows if (n := self.name_of(r)) and n != name]
        names += [n for r in rows for n in self.more_names(r)]
        good, bad = self.dates(rows)
        extra = {column: self.single(rows, column) for column in self.extra}
        extra["date_warning"] = f"unreadable effective date: {', '.join(bad)}" if bad else ""
        # the earliest date is the effective date; the others are kept, not dropped
        extra["effective_dates"] = joined(good) if len(set(good)) > 1 else ""
        return Record.build(
            key=key,
            name=name,
            entry_type=self.entry_type(primary),
            source_list=self.single([primary], self.source_list),
            programs=self.multi(rows, self.programs),
            aliases=[*names, *self.multi(rows, self.aliases)],
            countries=self.multi(rows, self.countries),
            addresses=self.addresses_of(rows),
            identifiers=self.identifiers_of(rows),
            birth_dates=self.multi(rows, self.birth_dates),
            effective_date=good[0] if good else None,
            notice=self.single(rows, self.notice),
            remarks=self.single(rows, self.remarks),
            extra=extra,
        )


class CsvMapping(FieldMapping):
    """A mapping for delimited text: the columns, plus how the file is written."""

    delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    header_line: int = Field(default=1, ge=1)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError("is not a known text encoding (e.g. utf-8, cp1252, latin-1)") from None
        return value


class JsonMapping(FieldMapping):
    """A mapping for JSON: where the records array is, then field names (dotted for nesting)."""

    records: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a list file: where it is (for errors) and how to read a column of it."""

    position: str
    get: Getter


def build_records(rows: Iterable[Row], mapping: FieldMapping, file: str) -> Iterator[Record]:
    """Group the rows by key and yield one record per entry, in file order."""
    groups: dict[str, list[Getter]] = {}
    for row in rows:
        key = mapping.key_of(row.get)
        if not key:
            raise ParseError(
                f"a row without a key (empty {', '.join(mapping.key)})",
                file=file,
                position=row.position,
            )
        if not mapping.name_of(row.get) and key not in groups:
            raise ParseError(
                f"a row without a name (empty {', '.join(mapping.name)})",
                file=file,
                position=row.position,
            )
        groups.setdefault(key, []).append(row.get)
    if not groups:
        raise ParseError("no rows", file=file)
    for key, group in groups.items():
        yield mapping.record(key, group)


def validated(model: type[M], kind: str, options: Any) -> M:
    """The list's mapping as a frozen object; a bad one names its key and the valid ones."""
    if isinstance(options, model):
        return options
    if not isinstance(options, Mapping):
        raise ConfigError(f"{kind} mapping must be a mapping of settings, not {options!r}")
    try:
        return model.model_validate(dict(options))
    except ValidationError as exc:
        problems = "; ".join(_describe(model, dict(e)) for e in exc.errors())
        raise ConfigError(f"{kind} mapping (lists[].mapping): {problems}") from None


def _describe(model: type[BaseModel], error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()))
    if error.get("type") == "extra_forbidden":
        return f"unknown key {where!r}; valid keys: {', '.join(model.model_fields)}"
    if error.get("type") == "missing":
        return f"{where!r} is required"
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return f"{where!r}: {message}"
