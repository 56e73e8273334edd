"""Real SDN versions parse to the very records recorded before the parser was sped up.

The digests in fixtures/ofac/sdn-record-digests.json were written by the parser as it
was before the speed-ups of issue 16; any change to a record's content or hash (the
stored state depends on both) changes its version's digest. Both ways in are checked:
the full parse and the split-and-parse-each-unit path that ingest uses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

import pytest

from monitor.files import SourceFile
from monitor.formats import get_format
from monitor.formats.base import SplitRefused
from monitor.records import Record
from tests.conftest import FIXTURES, realdata

DIGESTS = json.loads((FIXTURES / "ofac" / "sdn-record-digests.json").read_text())
VERSIONS = sorted(name for name in DIGESTS if not name.startswith("_"))
# Copies the splitter refuses (ingest then takes the full parse): a sibling file without
# its last line break, and one with a header row.
SPLIT_REFUSED = {"2019-01-04_moov-testdata": "no line break", "2024-06-27_selfxyz": "header"}


def digest(records: Iterable[Record]) -> tuple[int, str]:
    """How many records, and the sha256 of each one's stored JSON and content hash."""
    found = sorted(records, key=lambda r: r.key)
    hashed = hashlib.sha256()
    for record in found:
        hashed.update(record.to_json().encode() + b"\n")
        hashed.update(record.content_hash().encode() + b"\n")
    return len(found), hashed.hexdigest()


@pytest.mark.parametrize("version", VERSIONS)
def test_a_real_sdn_version_parses_to_its_recorded_records(version: str) -> None:
    folder = realdata("ofac-sdn", version)
    files = [SourceFile.from_path(p) for p in sorted(folder.iterdir()) if p.is_file()]
    fmt = get_format("ofac-csv")
    expected = (DIGESTS[version]["records"], DIGESTS[version]["sha256"])
    assert digest(fmt.parse(files)) == expected
    if version in SPLIT_REFUSED:
        with pytest.raises(SplitRefused, match=SPLIT_REFUSED[version]):
            list(fmt.split(files))
        return
    assert digest(fmt.parse_unit(unit) for unit in fmt.split(files)) == expected
