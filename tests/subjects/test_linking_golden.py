"""Real versions link to the very subjects, members and tokens recorded before the linking
of a list's first version was sped up.

The digests in fixtures/subjects/linking-digests.json were written by the linking as it
was at main b417b48, over the sequence below: a first SDN version (a baseline of 9,000
entries, linked against nothing), the CSL of the same day (a first version linked against
the SDN entries: thousands of links by OFAC entity number, and merges), later SDN
versions (few changed entries, some delisted), and the OFAC consolidated list of 2025 (a
first version whose entries link to the SDN entries of 2022 by entity number). Any change
to a subject, a member or a token row (its values, its subject's number, the snapshot it
names) changes a digest. The rows are compared after each step, so a difference names
the step where it starts.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, select

from monitor.config import Config, Expect, ListConfig, SubjectSettings
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.store import Store, open_engine
from monitor.store import schema as t
from monitor.subjects.linking import subject_hook
from tests.conftest import FIXTURES, realdata

DIGESTS = json.loads((FIXTURES / "subjects" / "linking-digests.json").read_text())
NOW = datetime(2026, 1, 1, tzinfo=UTC)
LOOSE = Expect(min_records=1, max_removed_share=1.0)
# (step, list, format, the version's files under ../shared/realdata), applied in this order.
STEPS = (
    ("sdn first version", "us-ofac-sdn", "ofac-csv", ("ofac-sdn", "2022-05-06T1317Z")),
    ("csl first version", "us-csl", "csl-csv", ("trade-gov-csl", "2022-05-06_moov")),
    ("sdn 2022-05-08", "us-ofac-sdn", "ofac-csv", ("ofac-sdn", "2022-05-08T1850Z")),
    ("sdn 2022-05-09", "us-ofac-sdn", "ofac-csv", ("ofac-sdn", "2022-05-09T1851Z")),
    ("sdn 2022-05-19", "us-ofac-sdn", "ofac-csv", ("ofac-sdn", "2022-05-19T1856Z")),
    ("consolidated", "us-ofac-cons", "ofac-csv", ("ofac-consolidated", "2025-12-19_moov")),
)


def linking_digest(connection: Connection) -> dict[str, list[object]]:
    """Each linking table: its row count and the sha256 of its rows in primary key order."""
    out: dict[str, list[object]] = {}
    for table in (t.subjects, t.subject_members, t.subject_tokens):
        hashed = hashlib.sha256()
        count = 0
        for row in connection.execute(select(table).order_by(*table.primary_key)):
            hashed.update(repr(tuple(row)).encode() + b"\n")
            count += 1
        out[table.name] = [count, hashed.hexdigest()]
    return out


def test_real_versions_link_to_the_recorded_subjects_members_and_tokens(tmp_path: Path) -> None:
    store = Store(open_engine(f"sqlite:///{tmp_path / 'monitor.db'}"))
    config = Config(archive=tmp_path / "archive")
    hook = subject_hook(SubjectSettings())
    found: dict[str, dict[str, list[object]]] = {}
    for step, list_id, fmt, where in STEPS:
        folder = realdata(*where)
        request = IngestRequest(
            list_config=ListConfig(id=list_id, format=fmt, expect=LOOSE),
            paths=sorted(p for p in folder.iterdir() if p.is_file()),
            hooks=(hook,),
        )
        result = ingest(store, config, request, now=NOW)
        assert result.status in ("baseline", "applied"), (step, result.status, result.message)
        with store.engine.connect() as connection:
            found[step] = linking_digest(connection)
    store.engine.dispose()
    expected = {step: DIGESTS[step] for step, *_ in STEPS}
    assert found == expected
