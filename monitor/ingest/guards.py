"""Safety rails applied before a snapshot changes anything.

A broken download must never read as "everything delisted". Government
servers hand out 0-byte files, HTML error pages, truncated bodies and, now
and then, a file whose columns were renamed; each would parse into a list
that looks like mass delisting or silent data loss. So, before the differ
runs, a snapshot is checked against what a healthy version of its list looks
like, with defaults that are safe without any configuration:

* content: empty files, HTML or JSON error pages, another kind of file than
  the format reads -> rejected;
* shape: the header row and the way the file ends, compared with the list's
  last good version (renamed or missing columns, a cut-off last line, a
  missing end-of-file mark) -> rejected;
* records: text that no database can store (NUL, lone surrogates), a record
  count outside ``expect`` -> rejected;
* shares: more delisted (or listed) than ``expect`` allows -> quarantined
  until a person approves or rejects it;
* completeness: a file role the list's previous version had (OFAC's alt.csv)
  missing, more of the list modified than ``expect.max_modified_share``, or a
  whole field (aliases, addresses...) stripped from more than
  ``expect.max_field_loss_share`` of the entries that had it -> quarantined.

An operator's decision on a quarantined snapshot is written next to its files
in the archive (``_decision.json``), so a replay of the archive, and therefore
a rebuilt database, takes the same decision again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.config import Expect
from monitor.errors import InputError
from monitor.files import SourceFile, max_file_size, read_whole, too_large
from monitor.ingest import readahead
from monitor.records import Record

if TYPE_CHECKING:
    from monitor.formats import Format

DECISION_FILE = "_decision.json"
HEAD_BYTES = 64 * 1024
# A file up to this size (decompressed) is read once and kept in memory for the rest of
# its ingest; a larger one is read again by each stage that needs it (memory over speed).
KEEP_BYTES = 64 << 20
TAIL_BYTES = 64 * 1024  # enough for the last row of any real list (the shape guard reads it)
_BLANK = b"\xef\xbb\xbf \t\r\n"
_HTML = re.compile(rb"<!doctype\s+html|<(?:html|body)[\s>]", re.IGNORECASE)
_ARTICLE = {"json": "JSON", "xml": "XML", "zip": "a ZIP archive", "text": "plain text"}


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The outcome of one check: "ok", "rejected" or "quarantined", and why."""

    status: str
    reason: str = ""


OK = Verdict(status="ok")


def rejected(reason: str) -> Verdict:
    return Verdict(status="rejected", reason=reason)


# --- content: what kind of file arrived, before any parser sees it ---------------------------


def content_kind(head: bytes) -> str:
    """'empty', 'html', 'zip', 'json', 'xml' or 'text', from the first bytes of a file."""
    text = head.lstrip(_BLANK)
    if not text:
        return "empty"
    if text.startswith(b"PK\x03\x04"):
        return "zip"
    if _HTML.search(text[:2048]):
        return "html"
    if text[:1] in (b"{", b"["):
        return "json"
    if text[:1] == b"<":
        return "xml"
    return "text"


@dataclass(frozen=True, kw_only=True)
class ContentFacts:
    """What one read of a file learns: its sha256, decompressed size and last bytes,
    and the whole decompressed content when it is small enough to keep (``KEEP_BYTES``)."""

    sha256: str
    size: int
    tail: bytes
    content: bytes | None = field(default=None, repr=False)


def read_contents(files: Sequence[SourceFile], limit: int | None = None) -> list[ContentFacts]:
    """Each file's sha256, size and tail, refusing a gzip bomb before any parser sees it.

    One streaming pass per file does it all: a 1 MB download that expands past
    ``limit`` is stopped there, an unchanged snapshot costs a single read, and
    the shape guard needs no second read for the file's ending.
    ZIP members are limited where they are opened (archives).
    """
    # The list's max_file_size setting, in force for this ingest (files.size_limit).
    limit = max_file_size() if limit is None else limit
    return [_read_ahead(source, limit) or _read_content(source, limit) for source in files]


def _read_ahead(source: SourceFile, limit: int) -> ContentFacts | None:
    """The facts a replay's worker read ahead for this file (monitor.ingest.readahead)."""
    read = readahead.taken(source, limit)
    if read is None:
        return None
    return ContentFacts(sha256=read.sha256, size=read.size, tail=read.tail, content=read.content)


def _read_content(source: SourceFile, limit: int) -> ContentFacts:
    whole = _read_whole(source, min(limit, KEEP_BYTES))
    if whole is not None:
        digest = hashlib.sha256(whole).hexdigest()
        return ContentFacts(sha256=digest, size=len(whole), tail=whole[-TAIL_BYTES:], content=whole)
    return _stream_content(source, limit)


def _read_whole(source: SourceFile, most: int) -> bytes | None:
    """The content in one read (files.read_whole), or None for the streaming read."""
    if source.content is not None:
        return source.content if len(source.content) <= most else None
    return read_whole(source.path, most)


def _stream_content(source: SourceFile, limit: int) -> ContentFacts:
    """One streaming pass over the file: its facts, and its content when small enough."""
    digest = hashlib.sha256()
    size = 0
    tail = b""
    kept: list[bytes] | None = []
    try:
        for chunk in source.iter_chunks():
            size += len(chunk)
            if size > limit:
                raise InputError(too_large(source.name, limit))
            digest.update(chunk)
            tail = (tail + chunk[-TAIL_BYTES:])[-TAIL_BYTES:]
            if kept is not None and size <= KEEP_BYTES:
                kept.append(chunk)
            else:
                kept = None  # too large to keep: later stages read the file again
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{source.name}: cannot be read, truncated or corrupt ({exc})") from exc
    content = b"".join(kept) if kept is not None else None
    return ContentFacts(sha256=digest.hexdigest(), size=size, tail=tail, content=content)


def holding_contents(
    files: Sequence[SourceFile], contents: Sequence[ContentFacts]
) -> list[SourceFile]:
    """The files, each serving its later reads from the content its first read kept.

    Why: format detection, the shape guard, the splitter and the archive each read
    the files again; decompressing a 3 MB list five times was a fixed cost of every
    version. A file too large to keep is read from disk as before.
    """
    return [f.holding(c.content) for f, c in zip(files, contents, strict=True)]


def is_blank(facts: ContentFacts) -> bool:
    """A file with nothing in it but blanks, line breaks and an end-of-file mark."""
    return facts.size <= TAIL_BYTES and not facts.tail.strip(_BLANK + b"\x1a")


def format_family(kind: str) -> str:
    """What a format reads, from its kind's naming convention (``*-xml``, ``*-json``)."""
    if kind.endswith("-xml"):
        return "xml"
    if kind.endswith("-json"):
        return "json"
    return "text"


def check_content(files: Sequence[SourceFile]) -> Verdict:
    """Empty downloads and HTML pages are never a list, whatever the configured format."""
    kinds = [(source, content_kind(source.head(HEAD_BYTES))) for source in files]
    for source, kind in kinds:
        if kind == "html":
            return rejected(
                f"{source.name}, line 1: looks like an HTML page, not a list file "
                "(an error or login page served instead of the list?)"
            )
    if all(kind == "empty" for _, kind in kinds):
        names = ", ".join(source.name for source in files)
        return rejected(f"{names}: the file is empty (0 bytes of content): a failed download?")
    return OK


def check_family(files: Sequence[SourceFile], fmt: Format) -> Verdict:
    """JSON where CSV was expected (an API error), XML where JSON was, and so on."""
    expected = format_family(fmt.kind)
    for source in files:
        kind = content_kind(source.head(HEAD_BYTES))
        if kind not in ("empty", expected) and not fmt.sniff(files):
            return rejected(
                f"{source.name}, line 1: looks like {_ARTICLE[kind]}, not {fmt.kind} input "
                "(an error response instead of the list?)"
            )
    return OK


# --- records -----------------------------------------------------------------------------------


def record_problem(record: Record) -> str | None:
    """Text no database can store: NUL (PostgreSQL refuses it) and lone surrogates."""
    try:
        data = record.canonical_bytes()  # also the record's hash: encoded once
    except UnicodeEncodeError:
        return f"entry {record.key!r}: text that is not valid Unicode (a lone surrogate escape)"
    if b"\\u0000" in data:
        return f"entry {record.key!r}: a NUL character in the data (a corrupt file?)"
    return None


def check_count(count: int, expect: Expect) -> Verdict:
    if count == 0:
        return rejected("the snapshot has no entries")
    if count < expect.min_records:
        return rejected(f"{count} entries, fewer than the expected minimum {expect.min_records}")
    if expect.max_records is not None and count > expect.max_records:
        return rejected(f"{count} entries, more than the expected maximum {expect.max_records}")
    return OK


def check_shares(*, current: int, added: int, removed: int, expect: Expect) -> Verdict:
    """Mass delisting (or listing) is held for a person; the first snapshot is a baseline."""
    if current == 0:
        return OK
    removed_share = removed / current
    if removed_share > expect.max_removed_share:
        return Verdict(
            status="quarantined",
            reason=f"would delist {removed} of {current} entries ({removed_share:.0%}), "
            f"more than the allowed {expect.max_removed_share:.0%}",
        )
    if expect.max_added_share is not None and added / current > expect.max_added_share:
        return Verdict(
            status="quarantined",
            reason=f"would list {added} new entries on a list of {current} "
            f"({added / current:.0%}), more than the allowed {expect.max_added_share:.0%}",
        )
    return OK


# Fewer entries than this modified (or losing a field) never hold a version: on a short
# list a handful of ordinary edits can be most of it.
MIN_SWEEP = 10


def check_roles(before: dict[str, str], after: set[str], roles: dict[str, str]) -> Verdict:
    """A file role the list's previous version had (role -> its file name) is missing.

    ``roles`` describes every role of the format (role -> the files that play it).
    """
    missing = [role for role in before if role not in after]
    if not missing:
        return OK
    parts = [f"the {role} file ({before[role]})" for role in missing]
    lost = " and ".join(missing)
    where = "; ".join(f"{role}: {roles.get(role, role)}" for role in missing)
    return Verdict(
        status="quarantined",
        reason=f"lacks {' and '.join(parts)} that the list's previous version had, so every "
        f"entry would lose its {lost}: an incomplete download? (the files that hold them: "
        f"{where})",
    )


def check_sweep(
    *,
    current: int,
    modified: int,
    losses: dict[str, tuple[int, int]],
    top_fields: list[tuple[str, int]],
    expect: Expect,
    absent: str = "",
) -> Verdict:
    """A version that rewrites most of the list, or strips a field from many entries.

    ``losses`` is per field (entries that lost it entirely, entries that had it);
    ``top_fields`` the fields the modified entries changed, most changed first;
    ``absent`` what the version's file set lacks, when the format knows it.
    """
    if current == 0:
        return OK
    found = []
    share = modified / current
    if modified >= MIN_SWEEP and share > expect.max_modified_share:
        found.append(
            f"would modify {modified} of {current} entries ({share:.0%}), more than the "
            f"allowed {expect.max_modified_share:.0%}"
        )
    stripped = [
        f"{name} from {lost} of the {had} entries that had them ({lost / had:.0%})"
        for name, (lost, had) in losses.items()
        if lost >= MIN_SWEEP and lost / had > expect.max_field_loss_share
    ]
    if stripped:
        found.append(
            f"would strip {', '.join(stripped)}, more than the allowed "
            f"{expect.max_field_loss_share:.0%}"
        )
    if not found:
        return OK
    shown = ", ".join(f"{name} ({count})" for name, count in top_fields[:5])
    if shown:
        found.append(f"most changed fields: {shown}")
    if absent:
        found.append(absent)
    return Verdict(status="quarantined", reason="; ".join(found))


# --- operator decisions, kept in the archive ---------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Decision:
    """An operator's verdict on one archived snapshot (identified by its sha256)."""

    verdict: str  # "approved" or "rejected"
    sha256: str
    at: str
    reason: str = ""
    by: str = ""  # who decided (the web form's name); the CLI leaves it empty

    @property
    def approved(self) -> bool:
        return self.verdict == "approved"

    def describe(self) -> str:
        why = f": {self.reason}" if self.reason else ""
        return f"{self.verdict} by {self.by or 'the operator'} at {self.at}{why}"


def decision_folder(paths: Sequence[Path]) -> Path | None:
    """The one folder holding all of a snapshot's files, where its decision is kept."""
    folders = {path.resolve().parent for path in paths}
    return folders.pop() if len(folders) == 1 else None


def read_decision(paths: Sequence[Path], sha256: str) -> Decision | None:
    """The decision stored next to these files, if it is about this very content."""
    folder = decision_folder(paths)
    if folder is None or not (folder / DECISION_FILE).is_file():
        return None
    marker = folder / DECISION_FILE
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        decision = Decision(
            verdict=str(data["verdict"]),
            sha256=str(data["sha256"]),
            at=str(data["at"]),
            reason=str(data.get("reason", "")),
            by=str(data.get("by", "")),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{marker}: not a readable decision file ({exc})") from exc
    if decision.verdict not in ("approved", "rejected"):
        raise InputError(f"{marker}: unknown verdict {decision.verdict!r}")
    return decision if decision.sha256 == sha256 else None


def write_decision(folder: Path, decision: Decision) -> None:
    """Write atomically: a crash leaves the old decision or the new one, never half a file."""
    marker = folder / DECISION_FILE
    temporary = folder / f".{DECISION_FILE}.tmp"
    payload = {
        "verdict": decision.verdict,
        "sha256": decision.sha256,
        "at": decision.at,
        "reason": decision.reason,
    }
    if decision.by:
        payload["by"] = decision.by
    with temporary.open("w", encoding="utf-8") as out:
        json.dump(payload, out, indent=2)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, marker)


def remove_decision(folder: Path) -> None:
    (folder / DECISION_FILE).unlink(missing_ok=True)
