"""Hostile XML against every XML format: no network, no external entities, no expansion bombs.

Each sample is built here for the root element of each XML format (so the
format's own parser, not only the detection, sees it) and parsed in a child
process with a capped address space (see :mod:`tests.safety.bounded`). The
outcome must be the project's own error, quickly, with bounded memory, and
nothing of a local file or a network answer may reach a record or a message.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from monitor.formats import REGISTRY
from monitor.ingest.guards import format_family
from tests.conftest import Cli, write_config
from tests.safety.bounded import parse_bounded

SECRET_FILE_MARK = "root:x:0:0"
MAX_SECONDS = 5.0
MAX_PEAK_MB = 600
# For each XML format: its root element (with the namespace its detection looks for) and
# one entry to carry the payload.
SHAPES = {
    "ofac-xml": (
        '<sdnList xmlns="http://tempuri.org/sdnList.xsd">',
        "</sdnList>",
        "<sdnEntry><uid>1</uid><lastName>{payload}</lastName><sdnType>Entity</sdnType></sdnEntry>",
    ),
    "un-xml": (
        '<CONSOLIDATED_LIST dateGenerated="2024-01-01T00:00:00Z">',
        "</CONSOLIDATED_LIST>",
        "<ENTITIES><ENTITY><DATAID>1</DATAID><FIRST_NAME>{payload}</FIRST_NAME></ENTITY>"
        "</ENTITIES>",
    ),
    "eu-fsf-xml": (
        '<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2020-04-15">',
        "</export>",
        '<sanctionEntity logicalId="1"><remark>{payload}</remark>'
        '<nameAlias wholeName="X"/></sanctionEntity>',
    ),
    "ofac-advanced-xml": (
        '<Sanctions xmlns="http://www.un.org/sanctions/1.0">',
        "</Sanctions>",
        '<DistinctParties><DistinctParty FixedRef="1"><Comment>{payload}</Comment>'
        "</DistinctParty></DistinctParties>",
    ),
    "ofac-enhanced-xml": (
        '<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/'
        'PublicationPreview/exports/ENHANCED_XML">',
        "</sanctionsData>",
        '<entities><entity id="1"><generalInfo><remarks>{payload}</remarks></generalInfo>'
        "</entity></entities>",
    ),
}
LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))


WITH_DOCTYPE = (
    "xxe-file",
    "xxe-parameter",
    "xxe-network",
    "external-dtd",
    "billion-laughs",
    "quadratic-blowup",
)


def xml_formats() -> list[str]:
    return sorted(kind for kind in REGISTRY if format_family(kind) == "xml")


def test_every_xml_format_is_covered() -> None:
    assert set(xml_formats()) <= set(SHAPES), "add the new XML format's root to SHAPES"


class Listener:
    """A TCP port on loopback that counts connections (a parser must never call out)."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.server.close()


def samples(root: str, port: int) -> dict[str, tuple[str, str, str]]:
    """name -> (doctype, payload, extra content inside the root)."""
    name = root.split()[0].lstrip("<").rstrip(">")
    url = f"http://127.0.0.1:{port}"
    return {
        "xxe-file": (f'<!DOCTYPE {name} [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;", ""),
        "xxe-parameter": (
            f'<!DOCTYPE {name} [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
            "x",
            "",
        ),
        "xxe-network": (f'<!DOCTYPE {name} [<!ENTITY x SYSTEM "{url}/x">]>', "&x;", ""),
        "external-dtd": (f'<!DOCTYPE {name} SYSTEM "{url}/evil.dtd">', "x", ""),
        "billion-laughs": (f'<!DOCTYPE {name} [<!ENTITY lol0 "lol">{LAUGHS}]>', "&lol9;", ""),
        "quadratic-blowup": (
            f'<!DOCTYPE {name} [<!ENTITY a "{"A" * 100_000}">]>',
            "&a;" * 50_000,
            "",
        ),
        "deep-nesting": ("", "x", "<x>" * 50_000 + "</x>" * 50_000),
        "huge-text": ("", "A" * (12 << 20), ""),
        "xinclude": (
            "",
            "x",
            '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" '
            'parse="text"/>',
        ),
    }


def build(folder: Path, kind: str, sample: str, port: int) -> Path:
    root, end, entry = SHAPES[kind]
    doctype, payload, extra = samples(root, port)[sample]
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n{root}{extra}'
    text += entry.format(payload=payload) + end + "\n"
    path = folder / kind / sample / "list.xml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_hostile_xml_is_refused_quickly_with_bounded_memory(tmp_path: Path) -> None:
    listener = Listener()
    try:
        jobs = [
            (kind, [build(tmp_path, kind, sample, listener.port)])
            for kind in xml_formats()
            for sample in samples("<r>", listener.port)
        ]
        report = parse_bounded(jobs, tmp_path)
    finally:
        listener.close()
    assert listener.connections == 0, "a parser opened a network connection"
    assert report["peak_mb"] < MAX_PEAK_MB
    for result in report["results"]:
        sample = Path(result["paths"][0]).parent.name
        label = f"{result['kind']} {sample}"
        assert result["outcome"] in ("error", "parsed"), f"{label}: {result}"
        assert result["seconds"] < MAX_SECONDS, label
        leaked = result.get("message", "") + result.get("text", "")
        assert SECRET_FILE_MARK not in leaked, f"{label}: /etc/passwd reached the output"
        if sample in WITH_DOCTYPE:
            assert result["outcome"] == "error", label
            assert "declares a DOCTYPE" in result["message"], label
        elif sample in ("deep-nesting", "huge-text"):
            assert (result["outcome"], result["error"]) == ("error", "ParseError"), label


@pytest.mark.parametrize("input_format", ["auto", "ofac-xml"])
def test_an_xxe_file_through_the_cli_changes_nothing(tmp_path: Path, input_format: str) -> None:
    path = build(tmp_path, "ofac-xml", "xxe-file", 9)
    dated = path.parent / "2024-01-01"
    dated.mkdir()
    target = dated / "sdn.xml"
    path.rename(target)
    cli = Cli(f"sqlite:///{tmp_path / 'm.db'}", write_config(tmp_path, tmp_path / "archive"))
    result = cli("ingest", str(target), "--list", "us-ofac-sdn", "--input-format", input_format)
    assert result.exit_code == 1
    assert "DOCTYPE" in result.stderr
    assert SECRET_FILE_MARK not in result.output
    assert not (tmp_path / "archive" / "us-ofac-sdn").exists()
