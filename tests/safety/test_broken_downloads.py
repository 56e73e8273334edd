"""Real faults on real data: each is rejected with one line, and the stored state stays as it was.

The faults are the ones government downloads really produce: the real 0-byte
SDN file a git scraper stored on 2024-05-04, a real SDN version cut in half,
a real CSL file with a renamed column, the real truncated CSL file, HTML and
JSON error pages. Every test asserts the exact outcome and message, and that
nothing a snapshot can change (snapshots applied, entry versions, events)
changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.config import Config, Expect, ListConfig
from monitor.errors import InputError
from monitor.files import SourceFile
from monitor.formats import get_format
from monitor.store import Store, open_engine
from tests.conftest import Cli, realdata, write_config
from tests.safety.helpers import (
    current_state,
    drop_rows,
    fingerprint,
    plain_bytes,
    run,
    statuses,
    write,
)

HTML_ERROR_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><title>503 Service Unavailable</title></head>
<body><h1>Service Unavailable</h1>
<p>The server is temporarily unable to service your request. Please try again later.</p>
</body></html>
"""
JSON_ERROR = b'{"error": {"code": 429, "message": "Too many requests, retry later"}}\n'
# The shipped configuration of us-ofac-sdn: a configured format and an envelope.
SDN = ListConfig(
    id="us-ofac-sdn",
    format="ofac-csv",
    expect=Expect(min_records=5000, max_records=40000, max_removed_share=0.10),
)


@pytest.fixture
def store(db_url: str) -> Store:
    return Store(open_engine(db_url))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(archive=tmp_path / "archive")


def test_broken_sdn_downloads_after_the_real_last_good_version(
    store: Store, config: Config, tmp_path: Path
) -> None:
    good = realdata("ofac-sdn", "2024-05-03T1843Z", "sdn.csv.gz")
    empty = realdata("ofac-sdn", "2024-05-04T0136Z", "sdn.csv")
    assert empty.stat().st_size == 0
    assert run(store, config, good, list_config=SDN).status == "baseline"
    before = fingerprint(store)
    current = current_state(store, "us-ofac-sdn")
    data = plain_bytes(good)
    half = data[: len(data) // 2]
    cut_at_line = drop_rows(data, 0.05)[:-1]  # whole rows, but the 0x1A end mark is gone
    faults = {
        empty: "sdn.csv: the file is empty (0 bytes of content): a failed download?",
        write(tmp_path / "2024-05-04T0736Z", "sdn.csv", half): (
            f"sdn.csv, byte {len(half)}: the file ends in the middle of a line, unlike the "
            "list's last good version: a truncated download?"
        ),
        write(tmp_path / "2024-05-04T1336Z", "sdn.csv", cut_at_line): (
            f"sdn.csv, byte {len(cut_at_line)}: the end-of-file mark (0x1A) that ends the "
            "list's last good version is missing: a truncated download?"
        ),
        write(tmp_path / "2024-05-04T1936Z", "sdn.csv", HTML_ERROR_PAGE): (
            "sdn.csv, line 1: looks like an HTML page, not a list file (an error or login "
            "page served instead of the list?)"
        ),
        write(tmp_path / "2024-05-05T0136Z", "sdn.csv", JSON_ERROR): (
            "sdn.csv, line 1: looks like JSON, not ofac-csv input (an error response "
            "instead of the list?)"
        ),
    }
    for path, message in faults.items():
        result = run(store, config, path, list_config=SDN, input_format="ofac-csv")
        assert (result.status, result.message) == ("rejected", message), path
        assert fingerprint(store) == before, path
    assert current_state(store, "us-ofac-sdn") == current
    assert [s for _, s in statuses(store, "us-ofac-sdn")] == ["applied"] + ["rejected"] * 5
    latest = store.latest_state_snapshot("us-ofac-sdn")
    assert latest is not None and latest.observed_at.isoformat().startswith("2024-05-03T18:43")


def test_a_cut_at_a_row_boundary_would_have_read_as_delistings_without_the_end_mark_guard(
    tmp_path: Path,
) -> None:
    """Why the end-of-file guard exists: the parser alone accepts such a file."""
    data = plain_bytes(realdata("ofac-sdn", "2024-05-03T1843Z", "sdn.csv.gz"))
    cut = write(tmp_path, "sdn.csv", drop_rows(data, 0.05)[:-1])
    whole = write(tmp_path / "whole", "sdn.csv", data)
    parser = get_format("ofac-csv")
    rows = len(list(parser.parse([SourceFile.from_path(cut)])))
    assert 0.94 < rows / len(list(parser.parse([SourceFile.from_path(whole)]))) < 0.96


def test_the_real_empty_file_with_auto_detection_on_the_cli(tmp_path: Path) -> None:
    good = realdata("ofac-consolidated", "2025-12-19_moov", "cons_prim.csv")
    versions = tmp_path / "in"
    first = write(versions / "2025-12-19T1200Z", "cons_prim.csv", good.read_bytes())
    empty = write(versions / "2025-12-20T1200Z", "cons_prim.csv", b"")
    page = write(versions / "2025-12-21T1200Z", "cons_prim.csv", HTML_ERROR_PAGE)
    answer = write(versions / "2025-12-22T1200Z", "cons_prim.csv", JSON_ERROR)
    cli = Cli(f"sqlite:///{tmp_path / 'm.db'}", write_config(tmp_path, tmp_path / "archive"))
    assert cli("ingest", str(first), "--list", "us-ofac-cons").exit_code == 0
    store = Store(open_engine(f"sqlite:///{tmp_path / 'm.db'}"))
    before = fingerprint(store)
    expected = {
        empty: "rejected: cons_prim.csv: the file is empty (0 bytes of content): a failed "
        "download?",
        page: "rejected: cons_prim.csv, line 1: looks like an HTML page",
        answer: "rejected: cons_prim.csv: cannot recognise the input format (it is JSON of an "
        "unknown shape)",
    }
    for path, message in expected.items():
        result = cli("ingest", str(path), "--list", "us-ofac-cons")
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1
        assert message in result.stderr
        assert fingerprint(store) == before


def test_an_empty_first_download_is_an_error_and_records_nothing(
    store: Store, config: Config, tmp_path: Path
) -> None:
    empty = realdata("ofac-sdn", "2024-05-04T0136Z", "sdn.csv")
    with pytest.raises(InputError, match=r"^sdn\.csv: the file is empty \(0 bytes of content\)"):
        run(store, config, empty)
    assert fingerprint(store) == {"snapshots": [], "versions": [], "events": [], "deliveries": []}


def test_a_real_csl_file_with_one_column_renamed_is_rejected(
    store: Store, config: Config, tmp_path: Path
) -> None:
    real = realdata("trade-gov-csl", "2019-12-03_moov-subset", "csl.csv")
    header, rest = real.read_bytes().split(b"\n", 1)
    renamed_header = header.replace(b",programs,", b",program,")
    assert renamed_header != header
    renamed = write(tmp_path / "2019-12-04", "csl.csv", renamed_header + b"\n" + rest)
    assert run(store, config, real, list_id="us-csl").status == "baseline"
    before = fingerprint(store)
    result = run(store, config, renamed, list_id="us-csl")
    assert (result.status, result.message) == (
        "rejected",
        "csl.csv, line 1: the header differs from the list's last good version: "
        "missing 'programs'; new: 'program'",
    )
    assert fingerprint(store) == before
    # Without the guard the parser would take the file, with every program gone.
    records = list(get_format("csl-csv").parse([SourceFile.from_path(renamed)]))
    assert len(records) == 115 and not any(r.programs for r in records)


def test_added_columns_are_accepted(store: Store, config: Config, tmp_path: Path) -> None:
    """The real 2019 -> 2022 CSL change: an '_id' column appeared; nothing can be lost."""
    real = realdata("trade-gov-csl", "2019-12-03_moov-subset", "csl.csv")
    header, rest = real.read_bytes().split(b"\n", 1)
    rows = rest.split(b"\n")
    widened = b"\n".join(b"x," + row if row else row for row in rows)
    added = write(tmp_path / "2019-12-04", "csl.csv", b"_id," + header + b"\n" + widened)
    run(store, config, real, list_id="us-csl")
    result = run(store, config, added, list_id="us-csl")
    assert (result.status, result.counts.get("modified", 0)) == ("applied", 0)


def test_the_real_truncated_csl_file(store: Store, config: Config) -> None:
    truncated = realdata("trade-gov-csl", "2023-11-30_moov-subset", "csl.csv.gz")
    first = run(store, config, truncated, list_id="us-csl")
    assert (first.status, first.message) == (
        "rejected",
        "csl.csv, line 4229: expected 29 fields, found 8 (truncated or malformed file?)",
    )
    assert current_state(store, "us-csl") == {}
    good = realdata("trade-gov-csl", "2019-12-03_moov-subset", "csl.csv")
    assert run(store, config, good, list_id="us-csl").status == "baseline"
    before = fingerprint(store)
    again = run(store, config, truncated, list_id="us-csl")
    size = len(plain_bytes(truncated))
    assert (again.status, again.message) == (
        "rejected",
        f"csl.csv, byte {size}: the file ends in the middle of a line, unlike the list's "
        "last good version: a truncated download?",
    )
    assert fingerprint(store) == before


def test_a_record_count_outside_the_envelope_is_rejected(
    store: Store, config: Config, tmp_path: Path
) -> None:
    real = realdata("ofac-consolidated", "2025-12-19_moov", "cons_prim.csv")
    strict = ListConfig(id="us-ofac-cons", expect=Expect(min_records=500))
    small = run(store, config, real, list_config=strict)
    assert (small.status, small.message) == (
        "rejected",
        "442 entries, fewer than the expected minimum 500",
    )
    capped = ListConfig(id="us-ofac-cons", expect=Expect(max_records=400))
    big = run(store, config, real, list_config=capped)
    assert (big.status, big.message) == (
        "rejected",
        "442 entries, more than the expected maximum 400",
    )
    assert fingerprint(store)["versions"] == []
    fits = ListConfig(id="us-ofac-cons", expect=Expect(min_records=400, max_records=500))
    assert run(store, config, real, list_config=fits).status == "baseline"


def test_a_json_list_answering_with_an_error_object(
    store: Store, config: Config, tmp_path: Path
) -> None:
    rows = [
        {
            "source": "Entity List (EL) - Bureau of Industry and Security",
            "entity_number": "",
            "name": "ACME",
            "addresses": "",
            "start_date": "2020-01-01",
        }
    ]
    good = write(tmp_path / "2024-01-01", "consolidated.json", json.dumps(rows).encode())
    bad = write(tmp_path / "2024-01-02", "consolidated.json", JSON_ERROR)
    listed = ListConfig(id="us-csl-json", format="csl-json")
    assert (
        run(store, config, good, list_config=listed, input_format="csl-json").status == "baseline"
    )
    before = fingerprint(store)
    result = run(store, config, bad, list_config=listed, input_format="csl-json")
    assert result.status == "rejected"
    assert result.message == (
        "consolidated.json: expected a list of CSL rows or an object with 'results'"
    )
    assert fingerprint(store) == before
