"""Splitting a list's XML file into its entry elements' raw bytes without parsing the file.

Why: see monitor.ingest.units. An entry element (UN <INDIVIDUAL>, <ENTITY>) is
cut from the bytes by its tags and parsed alone, with the same hostile-file
settings as the streaming parser; its record is the one the full parse builds,
since the record reads only the element itself. The formats that split this
way (UN XML, OFAC classic and enhanced XML, EU FSF XML) call :func:`split_file`.

Exactness: anything the cut could misread refuses the split, and the full
parse reads the file. Comments, CDATA sections, processing instructions other
than the XML declaration and a DOCTYPE (which could hide or fake tags) refuse
it; an encoding other than UTF-8, a self-closing or nested entry element, and
an element that does not parse alone (a namespace prefix declared above it)
refuse it too. What is left once the entries are cut out
(the declaration, the root and the wrappers) is parsed as a document, so a
truncated or malformed file refuses the split as it fails the full parse, and
an entry element the cut missed (a prefixed tag) is found there and refuses it.

Line ends are read as the parser reads them (XML 1.0 section 2.11: CRLF and a
lone CR are LF before anything else), so a copy of a list re-saved with other
line ends (OFAC publishes CRLF, many mirrors keep LF) has the same units.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from lxml import etree

from monitor.files import SourceFile
from monitor.formats import _csv_units
from monitor.formats._readers import UTF8_BOM
from monitor.formats._xml import SAFE_PARSING
from monitor.formats.base import SplitRefused, Unit, row_fingerprint

HIDING = (b"<!--", b"<![CDATA[", b"<!DOCTYPE", b"<!ENTITY")
ENCODING_RE = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']""")


def _parser() -> etree.XMLParser:
    """The streaming parser's settings (monitor.formats._xml.iter_elements), for one element."""
    return etree.XMLParser(**SAFE_PARSING)


def split_file(
    files: Sequence[SourceFile],
    kind: str,
    tags: tuple[str, ...],
    read: Callable[[SourceFile], bytes] = _csv_units.read_bytes_whole,
) -> Iterator[Unit]:
    """The units of a one-file XML format: each entry element named in ``tags``.

    ``read`` gives the XML bytes of the file (the decompressed file, or the XML
    inside a ZIP) and raises SplitRefused when it cannot. A snapshot of other
    than one file, or with no entry element, refuses the split: the full parse
    names the mistake.
    """
    if len(files) != 1:
        raise SplitRefused(f"{kind} takes exactly one file")
    source = files[0]
    found = 0
    for fingerprint, unit in elements(read(source), tags, source.name):
        found += 1
        yield Unit(fingerprint, unit)
    if not found:
        raise SplitRefused(f"{source.name}: no entry elements")


def elements(content: bytes, tags: tuple[str, ...], name: str) -> Iterator[tuple[str, bytes]]:
    """(fingerprint, bytes) of each entry element named in ``tags``, in document order."""
    content = content.removeprefix(UTF8_BOM)
    if not content.lstrip().startswith(b"<"):
        raise SplitRefused(f"{name}: not UTF-8 XML text")
    declared = ENCODING_RE.match(content)
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise SplitRefused(f"{name}: encoded as {declared.group(1)!r}")
    if any(marker in content for marker in HIDING):
        raise SplitRefused(f"{name}: comments, CDATA or a DOCTYPE")
    if content.find(b"<?", 1) >= 0:  # the declaration may open the file; no other PI
        raise SplitRefused(f"{name}: a processing instruction")
    if b"\r" in content:  # the parser reads CRLF and CR as LF (XML 1.0, 2.11): so do units
        content = content.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    alternatives = b"|".join(re.escape(t.encode()) for t in tags)
    entry = re.compile(rb"<(" + alternatives + rb")\b([^>]*)>(.*?)</\1\s*>", re.S)
    opening = re.compile(rb"<(?:" + alternatives + rb")\b")
    skeleton: list[bytes] = []
    end = 0
    for match in entry.finditer(content):
        if match.group(2).endswith(b"/") or opening.search(match.group(3)):
            raise SplitRefused(f"{name}: a self-closing or nested entry element")
        skeleton.append(content[end : match.start()])
        end = match.end()
        unit = match.group(0)
        yield row_fingerprint(unit), unit
    skeleton.append(content[end:])
    _check_skeleton(b"".join(skeleton), set(tags), name)


def _check_skeleton(skeleton: bytes, tags: set[str], name: str) -> None:
    """The file without its entries must be a well-formed document with no entry left in it."""
    try:
        root = etree.fromstring(skeleton, _parser())
    except etree.XMLSyntaxError as exc:
        raise SplitRefused(f"{name}: malformed XML around the entries ({exc})") from exc
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname in tags:
            raise SplitRefused(f"{name}: an entry element the cut did not find")


def parse_element(unit: bytes) -> etree._Element:
    """One entry element parsed alone; one that does not parse alone refuses the split."""
    try:
        return etree.fromstring(unit, _parser())
    except etree.XMLSyntaxError as exc:
        raise SplitRefused(f"an entry element that does not parse alone ({exc})") from exc
