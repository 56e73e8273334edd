"""The contract every format plugin follows, and the registry that finds them.

A format is one class in one file under ``monitor/formats/`` with a ``kind``
and a one-line docstring; defining the class registers it, so adding a format
touches no other file.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from monitor.errors import ConfigError, InputError
from monitor.files import SourceFile
from monitor.ingest.delta import DeltaOp
from monitor.records import Record

if TYPE_CHECKING:
    from monitor.formats._csv_units import Runs

REGISTRY: dict[str, type[Format]] = {}


class SplitRefused(Exception):
    """This snapshot cannot be split into units safely; the full parse reads it instead.

    Raised by a format's ``split`` or ``parse_unit`` for anything its splitter does
    not read exactly as the parser would (a header row, a lone CR, a duplicate key,
    text that is not UTF-8...): the full parse then gives the exact result or error.
    """


def row_fingerprint(row: bytes) -> str:
    """The fingerprint of a unit that is one byte string (``Format.split_rows``)."""
    return hashlib.blake2b(row, digest_size=16).hexdigest()


class Unit(NamedTuple):
    """One entry's raw unit: the bytes its record is built from, and their fingerprint.

    ``raw`` is whatever the format's ``parse_unit`` reads (a CSV row's bytes with
    its sibling rows' bytes; an XML element's bytes); ``fingerprint`` is a hash of
    exactly those bytes, so equal fingerprints mean equal records.
    """

    fingerprint: str
    raw: Any


class Format(ABC):
    """Base class of format plugins (the first docstring line is shown to users)."""

    kind: ClassVar[str] = ""
    example: ClassVar[str] = ""
    # True for formats whose files are changes to the previous state (see monitor.ingest.delta).
    delta: ClassVar[bool] = False
    # For formats that read a set of files: each role a file can play, and the files that
    # play it (OFAC CSV: "aliases": "alt.csv or cons_alt.csv"). Empty for one-file formats.
    roles: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            if cls.kind in REGISTRY:
                raise RuntimeError(f"two formats registered as {cls.kind!r}")
            REGISTRY[cls.kind] = cls

    @classmethod
    def description(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0]

    @classmethod
    @abstractmethod
    def sniff(cls, files: Sequence[SourceFile]) -> bool:
        """True when these files look like this format (content, not names)."""

    @abstractmethod
    def parse(self, files: Sequence[SourceFile]) -> Iterator[Record]:
        """Stream the normalised records of one snapshot."""

    def published_at(self, files: Sequence[SourceFile]) -> datetime | None:
        """The publication time written inside the files, when there is one."""
        return None

    def configure(self, options: Mapping[str, Any] | None) -> Format:
        """This format set up with a list's ``mapping``; formats that need none take none.

        A mapping given to a format that ignores it is a configuration mistake
        (the user meant a generic format), so it fails instead of being dropped.
        """
        if options:
            takers = sorted(k for k, c in REGISTRY.items() if c.configure is not Format.configure)
            raise ConfigError(
                f"format {self.kind!r} takes no mapping (lists[].mapping); "
                f"formats that do: {', '.join(takers)}"
            )
        return self

    def with_previous_keys(self, keys: Collection[str]) -> Format:
        """This format told the keys of the list's current (previous) version.

        Formats whose natural keys are refined among same-name rows (the CSL) use
        them so an entry keeps its key whichever twin comes or goes; the others
        have stable keys and ignore them. The caller reads them where it reads the
        current hashes (``intake.read_base``): ``fmt.with_previous_keys(base.hashes)``.
        """
        return self

    def file_roles(self, files: Sequence[SourceFile]) -> dict[str, str]:
        """The role (one of ``roles``) each file of a snapshot plays, by file name.

        A version that lacks a role the list's previous version had is held for
        review: without its alias file, every entry would lose its aliases.
        Formats of one file have no roles.
        """
        return {}

    # True for formats that offer ``split`` and ``parse_unit`` (monitor.ingest.units):
    # every entry's record depends only on its own unit's bytes. Formats whose keys
    # depend on other entries (the CSL's refined natural keys), deltas and joins
    # (FtM) leave it False and are always parsed in full.
    splits: ClassVar[bool] = False

    def split(self, files: Sequence[SourceFile]) -> Iterator[Unit]:
        """Every entry's raw unit with its fingerprint, cheaply, without parsing.

        Raises SplitRefused (at any point) when this snapshot cannot be split safely.
        """
        raise SplitRefused(f"{self.kind} is not split into units")

    def parse_unit(self, unit: Unit) -> Record:
        """The record of one unit from ``split``, equal to the one ``parse`` gives for it."""
        raise SplitRefused(f"{self.kind} is not split into units")

    def split_rows(self, files: Sequence[SourceFile]) -> list[bytes] | None:
        """Every unit as one byte string, when each unit of this snapshot is exactly that.

        Why: a version is then its set of rows, and compared with the last version's set
        in C (monitor.ingest.units), where ``split`` yields the units one by one. Checks
        only what concerns the whole file (raises SplitRefused like ``split``); each new
        row is checked by ``unit_of_row``, an unchanged one was when it was new. None:
        these files have units of several parts (OFAC sibling files), ``split`` serves.
        """
        return None

    def split_runs(self, files: Sequence[SourceFile]) -> Runs | None:
        """The rows of ``split_rows`` as runs of whole rows cut at a byte string that ends
        a line, or None (then ``split_rows`` serves).

        Why: a version is then compared with the last as a set of a few hundred runs, and
        only the runs that changed are cut into rows (monitor.ingest.units). Checks what
        ``split_rows`` checks of the whole file; each new run is checked as it is cut.
        """
        return None

    def unit_of_row(self, row: bytes) -> Unit:
        """The unit of one row from ``split_rows`` (fingerprint ``row_fingerprint(row)``),
        checked as ``split`` checks each row; SplitRefused when ``split`` would refuse it."""
        raise SplitRefused(f"{self.kind} is not split into rows")

    def units_of_rows(self, rows: list[bytes]) -> Iterator[Unit]:
        """``unit_of_row`` of every row, in order, as ``split`` would give them."""
        return map(self.unit_of_row, rows)

    def parse_delta(self, files: Sequence[SourceFile]) -> Iterator[DeltaOp]:
        """The changes a delta file makes to the previous state (formats with ``delta``)."""
        raise InputError(f"{self.kind} files are full snapshots, not changes")
