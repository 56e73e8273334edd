"""Incomplete and sweeping versions are held for review, saying what they lack or change.

Real files: the complete OFAC consolidated set of 2025-12-19 (cons_prim, cons_add,
cons_alt, cons_comments) and copies of it missing a file or some of its rows, and the
first real SDN version that came with add.csv (2024-06-27), after an sdn.csv-only one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.store import Store, open_engine
from monitor.store import schema as t
from tests.conftest import Cli, realdata, write_config
from tests.safety.helpers import plain_bytes, write

CONS = "us-ofac-cons"
NAMES = ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")


@pytest.fixture(scope="module")
def cons_set() -> dict[str, bytes]:
    folder = realdata("ofac-consolidated", "2025-12-19_moov")
    return {name: plain_bytes(folder / name) for name in NAMES}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(f"sqlite:///{tmp_path / 'm.db'}", write_config(tmp_path, tmp_path / "archive"))


def version(tmp_path: Path, stamp: str, files: dict[str, bytes]) -> list[str]:
    return [str(write(tmp_path / "in" / stamp, name, data)) for name, data in files.items()]


def _snapshot_rows(db: str) -> list[tuple[str, str, list[dict[str, object]]]]:
    store = Store(open_engine(db))
    try:
        with store.read() as connection:
            rows = connection.execute(
                select(t.snapshots.c.status, t.snapshots.c.message, t.snapshots.c.files).order_by(
                    t.snapshots.c.id
                )
            )
            return [(r.status, r.message, list(r.files)) for r in rows]
    finally:
        store.engine.dispose()


def _without_aliases_of_every_third(alt: bytes) -> bytes:
    """cons_alt.csv without the alias rows of every third entry that has some."""
    rows = alt.split(b"\r\n")
    entries = sorted({row.split(b",", 1)[0] for row in rows if row[:1].isdigit()}, key=int)
    dropped = {key + b"," for key in entries[::3]}
    return b"\r\n".join(row for row in rows if not row.startswith(tuple(dropped)))


def test_a_version_missing_a_file_role_is_held_naming_it(
    tmp_path: Path, cli: Cli, cons_set: dict[str, bytes]
) -> None:
    baseline = cli("ingest", *version(tmp_path, "2025-12-19", cons_set), "--list", CONS)
    assert baseline.exit_code == 0, baseline.output
    roles = {f["name"]: f["role"] for f in _snapshot_rows(cli.db)[0][2]}
    assert roles == {
        "cons_prim.csv": "primary",
        "cons_add.csv": "addresses",
        "cons_alt.csv": "aliases",
        "cons_comments.csv": "comments",
    }

    incomplete = {n: d for n, d in cons_set.items() if n != "cons_alt.csv"}
    held = cli("ingest", *version(tmp_path, "2025-12-20", incomplete), "--list", CONS)

    assert held.exit_code == 0, held.output
    assert (
        "quarantined: lacks the aliases file (cons_alt.csv) that the list's previous version "
        "had, so every entry would lose its aliases"
    ) in held.stdout
    assert "lacks the aliases file (cons_alt.csv)" in cli("quarantine", "list").stdout
    assert (tmp_path / "archive" / CONS / "2025-12-20T0000Z" / "cons_prim.csv.gz").exists()
    assert [row[0] for row in _snapshot_rows(cli.db)] == ["applied", "quarantined"]

    # a person who knows the publisher dropped the file applies it, as for any held version
    approved = cli(
        "ingest", *version(tmp_path, "2025-12-20", incomplete), "--list", CONS, "--approve"
    )
    assert approved.exit_code == 0, approved.output
    assert "modified" in approved.stdout
    assert [row[0] for row in _snapshot_rows(cli.db)] == ["applied", "applied"]


def test_an_empty_comments_file_still_counts_as_the_comments_file(
    tmp_path: Path, cli: Cli, cons_set: dict[str, bytes]
) -> None:
    """OFAC ships an empty comments file when no remarks overflow: that is no missing role."""
    cli("ingest", *version(tmp_path, "2025-12-19", cons_set), "--list", CONS)
    emptied = {**cons_set, "cons_comments.csv": b""}

    result = cli("ingest", *version(tmp_path, "2025-12-20", emptied), "--list", CONS)

    assert result.exit_code == 0, result.output
    assert "quarantined" not in result.stdout
    assert [row[0] for row in _snapshot_rows(cli.db)] == ["applied", "applied"]


def test_a_file_that_was_empty_is_not_required_again(tmp_path: Path, cli: Cli) -> None:
    """Real: the 2016 consolidated set has an empty cons_comments.csv, the 2018 copy none."""
    folder = realdata("ofac-consolidated")
    for stamp in ("2016-09-16_dermody", "2018-04-06_perchrh"):
        files = sorted(str(p) for p in (folder / stamp).glob("cons_*.csv"))
        result = cli("ingest", *files, "--list", CONS)
        assert result.exit_code == 0, result.output
        assert "lacks" not in result.stdout
    facts = {f["name"]: f for f in _snapshot_rows(cli.db)[0][2]}
    assert facts["cons_comments.csv"]["role"] == "comments" and facts["cons_comments.csv"]["empty"]


def test_a_version_stripping_a_field_from_many_entries_is_held(
    tmp_path: Path, cli: Cli, cons_set: dict[str, bytes]
) -> None:
    cli("ingest", *version(tmp_path, "2025-12-19", cons_set), "--list", CONS)
    alt = _without_aliases_of_every_third(cons_set["cons_alt.csv"])
    thinner = {**cons_set, "cons_alt.csv": alt}

    held = cli("ingest", *version(tmp_path, "2025-12-20", thinner), "--list", CONS)

    assert held.exit_code == 0, held.output
    reason = _snapshot_rows(cli.db)[-1][1]
    assert _snapshot_rows(cli.db)[-1][0] == "quarantined"
    assert "would modify" not in reason  # fewer than half the entries changed
    assert "would strip aliases from " in reason and "more than the allowed 20%" in reason
    assert "most changed fields: aliases (" in reason
    assert "this version has no" not in reason  # every file is there


def test_a_version_modifying_most_of_the_list_is_held_with_its_top_fields(
    tmp_path: Path, cli: Cli
) -> None:
    """The first real SDN version with add.csv gave 12,256 entries addresses at once."""
    sdn = realdata("ofac-sdn")
    first = cli("ingest", str(sdn / "2024-05-03T1843Z" / "sdn.csv.gz"), "--list", "us-ofac-sdn")
    assert first.exit_code == 0, first.output
    with_addresses = [str(sdn / "2024-06-27_selfxyz" / n) for n in ("sdn.csv.gz", "add.csv.gz")]

    held = cli(
        "ingest", *with_addresses, "--list", "us-ofac-sdn", "--observed-at", "2024-06-27T03:00Z"
    )

    assert held.exit_code == 0, held.output
    assert (
        "quarantined: would modify 12256 of 14965 entries (82%), more than the allowed 50%; "
        "most changed fields: addresses (12253), countries (8438)"
    ) in held.stdout
    assert "this version has no aliases file (alt.csv or cons_alt.csv)" in held.stdout

    listed = json.loads(cli("status", "--format", "json").stdout)["lists"]
    [snapshot] = next(item for item in listed if item["list"] == "us-ofac-sdn")["quarantined"]
    approved = cli("quarantine", "approve", str(snapshot["snapshot"]))
    assert approved.exit_code == 0, approved.output
    assert "12256 modified" in approved.stdout
