"""A watch entry: one company (or person) a user cares about, and its identifiers.

Validated when the configuration is read, so an entry that could never match
(a lone "Technology", an identifier of two digits) fails at start-up with a
sentence naming it, instead of silently never alerting.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from monitor.watchlists.generic_names import watchable
from monitor.watchlists.tokens import analyse

_IDENTIFIER_WITH_TYPE = re.compile(r"^(?P<type>[^\d]*?[A-Za-z][^\d]*?)\s+(?P<value>\S*\d.*)$")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
MIN_IDENTIFIER_LENGTH = 5
ENTRY_FIELDS = ("id", "name", "aliases", "country", "identifiers", "note")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def split_values(value: Any) -> Any:
    """'a; b' as ('a', 'b'): CSV cells and YAML strings hold several values that way."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return value


def normalise_identifier(value: str) -> str:
    """Upper-case letters and digits only: '9144-0300 79542' and '9144030079542' are one id."""
    return _NOT_ALNUM.sub("", value.upper())


class WatchIdentifier(Frozen):
    """One identifier of a watch entry, written 'USCC 9144...', 'USCC: 9144...' or '9144...'."""

    type: str = ""
    value: str

    @property
    def normalised(self) -> str:
        return normalise_identifier(self.value)

    def label(self) -> str:
        return f"{self.type} {self.value}" if self.type else self.value

    @classmethod
    def parse(cls, text: str) -> WatchIdentifier:
        text = " ".join(text.split())
        if ":" in text:
            kind, _, value = text.partition(":")
            return cls(type=kind.strip(), value=value.strip())
        if (match := _IDENTIFIER_WITH_TYPE.match(text)) is not None:
            return cls(type=match["type"].strip(), value=match["value"])
        return cls(value=text)


class WatchEntry(Frozen):
    """One company (or person) the user cares about: names, country, identifiers, a note."""

    id: str = ""
    name: str = ""
    aliases: tuple[str, ...] = ()
    country: str = ""
    identifiers: tuple[WatchIdentifier, ...] = ()
    note: str = ""

    @field_validator("aliases", mode="before")
    @classmethod
    def _split_aliases(cls, value: Any) -> Any:
        return split_values(value)

    @field_validator("identifiers", mode="before")
    @classmethod
    def _parse_identifiers(cls, value: Any) -> Any:
        value = split_values(value)
        if isinstance(value, list | tuple):
            return tuple(WatchIdentifier.parse(v) if isinstance(v, str) else v for v in value)
        return value

    @field_validator("identifiers")
    @classmethod
    def _long_enough(cls, value: tuple[WatchIdentifier, ...]) -> tuple[WatchIdentifier, ...]:
        for item in value:
            code = item.normalised
            if len(code) < MIN_IDENTIFIER_LENGTH or not any(c.isdigit() for c in code):
                raise ValueError(
                    f"identifier {item.label()!r} is too short to identify anything: give "
                    f"at least {MIN_IDENTIFIER_LENGTH} letters and digits, e.g. "
                    "'USCC 914403007954257495'"
                )
        return value

    @model_validator(mode="after")
    def _can_match(self) -> WatchEntry:
        """An entry that could never match is a mistake: say so instead of staying silent."""
        if self.identifiers:
            return self
        names = [self.name, *self.aliases]
        if not any(n.strip() for n in names):
            raise ValueError("a watch entry needs a name or an identifier")
        if not any(watchable(analyse(n)) for n in names):
            raise ValueError(
                f"watch entry {self.key!r} has only legal-form or common words (place names, "
                "'Technology', 'Trading'...), which would match far too much: add a distinctive "
                "word or an identifier"
            )
        return self

    @property
    def key(self) -> str:
        """The stable id alerts refer to: the given id, else the name, else an identifier."""
        return self.id or self.name or (self.identifiers[0].label() if self.identifiers else "")

    def names(self) -> list[tuple[str, str]]:
        """(field, value) for the name and each alias, blanks left out."""
        found = [("name", self.name)] if self.name.strip() else []
        return found + [("alias", alias) for alias in self.aliases]


def describe_entry_error(exc: ValidationError) -> str:
    """The first problem of an entry as 'field: message', naming the valid fields for a typo."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"{field!r} is not a field of a watch entry; valid: {', '.join(ENTRY_FIELDS)}"
    return f"{field}: {message}" if field else message
