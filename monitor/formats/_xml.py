"""XML parsing that treats every file as hostile.

Published lists never need a DTD, entities or network access, so the parser
loads none of them, refuses any document that declares a DOCTYPE (the home of
entity-expansion bombs and external entities), and streams elements so that
memory stays bounded on large files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, TypedDict

from lxml import etree

from monitor.errors import ParseError


# Hostile files: no entity expansion (billion laughs), no network, no DTD, no huge
# trees. Every lxml parser in the formats takes exactly these settings.
class _ParserSettings(TypedDict):
    resolve_entities: bool
    no_network: bool
    load_dtd: bool
    huge_tree: bool
    remove_comments: bool
    remove_pis: bool


SAFE_PARSING = _ParserSettings(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def localname(element: etree._Element) -> str:
    return etree.QName(element).localname


def iter_elements(stream: IO[bytes], tags: set[str], *, file: str) -> Iterator[etree._Element]:
    """Yield each completed element whose local name is in ``tags``, then free it.

    The caller must finish with an element before asking for the next one.
    """
    parser = etree.iterparse(stream, events=("start", "end"), **SAFE_PARSING)
    checked = False
    inside = 0  # depth of wanted elements we are in: their children must stay until yielded
    try:
        for event, element in parser:
            if not checked:
                _refuse_doctype(element, file)
                checked = True
            wanted = localname(element) in tags
            if event == "start":
                inside += wanted
                continue
            if wanted:
                inside -= 1
                yield element
            if wanted or inside == 0:
                _free(element)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        raise ParseError(
            f"malformed XML ({exc.msg})", file=file, position=f"line {line}" if line else None
        ) from exc


def _free(element: etree._Element) -> None:
    """Drop a finished element and its finished earlier siblings, keeping memory flat
    even for a flood of elements nobody asked for."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _refuse_doctype(element: etree._Element, file: str) -> None:
    doctype = getattr(element.getroottree().docinfo, "doctype", "")
    if doctype:
        raise ParseError(
            "refusing an XML file that declares a DOCTYPE (entities are not allowed in list files)",
            file=file,
            position="line 1",
        )


def text_of(element: etree._Element, child: str) -> str:
    """Text of the first direct child with this local name, whitespace collapsed."""
    for node in element:
        if isinstance(node.tag, str) and localname(node) == child:
            return " ".join((node.text or "").split())
    return ""


def children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    for node in element:
        if isinstance(node.tag, str) and localname(node) == name:
            yield node


def descendants(element: etree._Element, name: str) -> Iterator[etree._Element]:
    for node in element.iter():
        if isinstance(node.tag, str) and localname(node) == name:
            yield node
