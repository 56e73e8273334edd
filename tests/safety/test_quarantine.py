"""Quarantine: a mass delisting is archived, not applied, reported once, and settled by a person.

The versions are a real OFAC consolidated list (cons_prim.csv, 2025-12-19)
and shorter but complete copies of it, which is what a real mass delisting
looks like to the monitor.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.config import Config, Expect, ListConfig
from monitor.errors import InputError
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.service import quarantine
from monitor.store import Store, open_engine
from tests.conftest import FIXTURES, Cli, realdata, write_config
from tests.safety.helpers import (
    NOW,
    current_state,
    drop_rows,
    fingerprint,
    plain_bytes,
    run,
    statuses,
    write,
)

LIST = "us-ofac-cons"


@pytest.fixture
def store(db_url: str) -> Store:
    return Store(open_engine(db_url))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(archive=tmp_path / "archive")


@pytest.fixture
def real() -> bytes:
    return plain_bytes(realdata("ofac-consolidated", "2025-12-19_moov", "cons_prim.csv"))


def version(tmp_path: Path, stamp: str, data: bytes) -> Path:
    return write(tmp_path / "in" / stamp, "cons_prim.csv", data)


def test_a_mass_delisting_is_quarantined_archived_and_reported_once(
    store: Store, config: Config, tmp_path: Path, real: bytes
) -> None:
    run(store, config, version(tmp_path, "2025-12-19T1200Z", real), list_id=LIST)
    before = fingerprint(store)
    state = current_state(store, LIST)
    shorter = drop_rows(real, 0.2, newline=b"\n")
    held = run(store, config, version(tmp_path, "2025-12-20T1200Z", shorter), list_id=LIST)
    assert (held.status, held.message) == (
        "quarantined",
        "would delist 89 of 442 entries (20%), more than the allowed 10%",
    )
    assert current_state(store, LIST) == state
    assert fingerprint(store)["versions"] == before["versions"]
    assert fingerprint(store)["events"] == before["events"]
    archived = config.archive / LIST / "2025-12-20T1200Z" / "cons_prim.csv.gz"
    assert plain_bytes(archived) == shorter
    again = run(store, config, version(tmp_path, "2025-12-20T1800Z", shorter), list_id=LIST)
    assert (again.status, again.snapshot_id) == ("skipped", held.snapshot_id)
    assert again.message == f"same content as quarantined snapshot {held.snapshot_id}"
    assert [s for _, s in statuses(store, LIST)] == ["applied", "quarantined"]
    with store.read() as connection:
        pending = quarantine.pending(connection)
    assert [(p.id, p.record_count) for p in pending] == [(held.snapshot_id, 353)]


def test_approving_applies_it_then_rechecks_later_snapshots_in_order(
    store: Store, config: Config, tmp_path: Path, real: bytes
) -> None:
    run(store, config, version(tmp_path, "2025-12-19T1200Z", real), list_id=LIST)
    first = run(
        store,
        config,
        version(tmp_path, "2025-12-20", drop_rows(real, 0.2, newline=b"\n")),
        list_id=LIST,
    )
    second = run(
        store,
        config,
        version(tmp_path, "2025-12-21", drop_rows(real, 0.21, newline=b"\n")),
        list_id=LIST,
    )
    assert (first.status, second.status) == ("quarantined", "quarantined")
    assert first.snapshot_id is not None
    results = quarantine.approve(store, config, first.snapshot_id, now=NOW)
    assert [(r.status, r.counts.get("delisted")) for r in results] == [
        ("applied", 89),
        ("applied", 4),
    ]
    assert [s for _, s in statuses(store, LIST)] == ["applied", "applied", "applied"]
    assert len(current_state(store, LIST)) == 442 - 93
    decision = json.loads(
        (config.archive / LIST / "2025-12-20T0000Z" / "_decision.json").read_text()
    )
    assert decision["verdict"] == "approved"
    # Running it again after an interruption has nothing left to do.
    assert quarantine.approve(store, config, first.snapshot_id, now=NOW) == []


def test_the_log_of_an_approved_apply_says_whose_decision_it_was(
    store: Store, config: Config, tmp_path: Path, real: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """ "Approved despite" names the decision (who, when, why), so a reader of the log can
    tell an operator's approval from a guard that did not run."""
    run(store, config, version(tmp_path, "2025-12-19T1200Z", real), list_id=LIST)
    held = run(
        store,
        config,
        version(tmp_path, "2025-12-20", drop_rows(real, 0.2, newline=b"\n")),
        list_id=LIST,
    )
    assert held.snapshot_id is not None
    with caplog.at_level("WARNING", logger="monitor.ingest.apply"):
        quarantine.approve(
            store, config, held.snapshot_id, now=NOW, by="A. Analyst", reason="OFAC delisted them"
        )
    [line] = [r.getMessage() for r in caplog.records if "despite" in r.getMessage()]
    assert line.startswith(f"list {LIST}: approved by A. Analyst at ")
    assert ": OFAC delisted them, despite: would delist 89 of 442 entries (20%)" in line
    decision = json.loads(
        (config.archive / LIST / "2025-12-20T0000Z" / "_decision.json").read_text()
    )
    assert (decision["by"], decision["reason"]) == ("A. Analyst", "OFAC delisted them")


def test_a_replay_of_the_archive_takes_the_same_decisions(
    store: Store, config: Config, tmp_path: Path, real: bytes
) -> None:
    run(store, config, version(tmp_path, "2025-12-19T1200Z", real), list_id=LIST)
    approved = run(
        store,
        config,
        version(tmp_path, "2025-12-20", drop_rows(real, 0.2, newline=b"\n")),
        list_id=LIST,
    )
    rejected = run(
        store,
        config,
        version(tmp_path, "2025-12-21", drop_rows(real, 0.5, newline=b"\n")),
        list_id=LIST,
    )
    assert approved.snapshot_id is not None and rejected.snapshot_id is not None
    quarantine.approve(store, config, approved.snapshot_id, now=NOW)
    quarantine.reject(store, rejected.snapshot_id, now=NOW, reason="half the file is missing")
    fresh = Store(open_engine(f"sqlite:///{tmp_path / 'fresh.db'}"))
    cli = Cli(f"sqlite:///{tmp_path / 'fresh.db'}", write_config(tmp_path, config.archive))
    replayed = cli("replay")
    assert replayed.exit_code == 0
    assert "replay: 1 applied, 1 baseline, 1 rejected" in replayed.stdout
    assert current_state(fresh, LIST) == current_state(store, LIST)
    assert [s for _, s in statuses(fresh, LIST)] == ["applied", "applied", "rejected"]
    # Replaying into the same database adds nothing, not even a second rejection.
    rows = statuses(store, LIST)
    for path in sorted((config.archive / LIST).iterdir()):
        files = [p for p in path.iterdir() if not p.name.startswith("_")]
        request = IngestRequest(list_config=ListConfig(id=LIST), paths=files)
        assert ingest(store, config, request, now=NOW).status == "skipped"
    assert statuses(store, LIST) == rows


def test_rejecting_keeps_the_last_good_state(
    store: Store, config: Config, tmp_path: Path, real: bytes
) -> None:
    run(store, config, version(tmp_path, "2025-12-19T1200Z", real), list_id=LIST)
    before = fingerprint(store)
    held = run(
        store,
        config,
        version(tmp_path, "2025-12-20", drop_rows(real, 0.3, newline=b"\n")),
        list_id=LIST,
    )
    assert held.snapshot_id is not None
    settled = quarantine.reject(store, held.snapshot_id, now=NOW, reason="broken download")
    assert settled.status == "rejected"
    assert settled.message == "rejected by the operator at 2026-11-29T12:00:00Z: broken download"
    assert fingerprint(store)["versions"] == before["versions"]
    with store.read() as connection:
        assert quarantine.pending(connection) == []
    with pytest.raises(InputError, match="is rejected, not quarantined; nothing to approve"):
        quarantine.approve(store, config, held.snapshot_id, now=NOW)


def test_an_older_quarantined_snapshot_cannot_rewrite_history(
    store: Store, config: Config, tmp_path: Path, real: bytes
) -> None:
    run(store, config, version(tmp_path, "2025-12-19T1200Z", real), list_id=LIST)
    held = run(
        store,
        config,
        version(tmp_path, "2025-12-20", drop_rows(real, 0.2, newline=b"\n")),
        list_id=LIST,
    )
    newer = version(tmp_path, "2025-12-21", drop_rows(real, 0.01, newline=b"\n"))
    later = run(store, config, newer, list_id=LIST)
    # Nothing newer is applied over a held version: the later one waits for it...
    assert (held.status, later.status) == ("quarantined", "quarantined")
    assert later.message.startswith(f"waits for the quarantined snapshot {held.snapshot_id} ")
    # ...unless an operator applies it on purpose; then the held one can no longer be.
    request = IngestRequest(
        list_config=ListConfig(id=LIST), paths=[newer], observed_at=None, approved=True
    )
    assert ingest(store, config, request, now=NOW).status == "applied"
    assert held.snapshot_id is not None
    with pytest.raises(InputError, match=r"a later snapshot .* is already the current state"):
        quarantine.approve(store, config, held.snapshot_id, now=NOW)


def test_a_mass_addition_is_quarantined_when_configured(
    store: Store, config: Config, tmp_path: Path, real: bytes
) -> None:
    half = drop_rows(real, 0.5, newline=b"\n")
    guarded = ListConfig(id=LIST, expect=Expect(max_added_share=0.5))
    run(store, config, version(tmp_path, "2025-12-19", half), list_config=guarded)
    result = run(store, config, version(tmp_path, "2025-12-20", real), list_config=guarded)
    assert (result.status, result.message) == (
        "quarantined",
        "would list 221 new entries on a list of 221 (100%), more than the allowed 50%",
    )
    unguarded = run(
        store,
        config,
        version(tmp_path, "2025-12-20", real),
        list_id=LIST,
    )
    assert unguarded.status == "skipped"  # already recorded (as quarantined)


def test_the_quarantine_commands(tmp_path: Path, real: bytes) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    cli = Cli(db, write_config(tmp_path, tmp_path / "archive"))
    assert cli("ingest", str(version(tmp_path, "2025-12-19", real)), "--list", LIST).exit_code == 0
    held = cli(
        "ingest",
        str(version(tmp_path, "2025-12-20", drop_rows(real, 0.2, newline=b"\n"))),
        "--list",
        LIST,
    )
    assert held.exit_code == 0
    assert "quarantined: would delist 89 of 442 entries (20%)" in held.stdout
    listed = cli("quarantine", "list")
    assert listed.stdout.split()[:5] == ["2", LIST, "2025-12-20T00:00:00Z", "353", "entries"]
    as_json = json.loads(cli("quarantine", "list", "--format", "json").stdout)
    assert [(h["snapshot"], h["status"], h["entries"]) for h in as_json] == [
        (2, "quarantined", 353)
    ]
    missing = cli("quarantine", "approve", "99")
    assert (missing.exit_code, missing.stderr) == (
        1,
        "error: no snapshot 99; 'watchlist-monitor quarantine list' shows the ids\n",
    )
    approved = cli("quarantine", "approve", "2", "--reason", "delisted by OFAC on 20 Dec")
    assert approved.exit_code == 0
    assert approved.stdout.strip() == f"{LIST} @ 2025-12-20T00:00:00Z: 89 delisted"
    decision = next((tmp_path / "archive" / LIST).glob("*/_decision.json"))
    assert json.loads(decision.read_text())["reason"] == "delisted by OFAC on 20 Dec"
    assert cli("quarantine", "list").stdout == "no quarantined snapshots\n"
    twice = cli("quarantine", "reject", "2")
    assert (twice.exit_code, twice.stderr.strip()) == (
        1,
        f"error: snapshot 2 ({LIST} @ 2025-12-20T00:00:00Z) is applied, not quarantined; "
        "nothing to reject",
    )


def test_replay_applies_the_same_guards_and_says_what_it_did_not_apply(
    tmp_path: Path, real: bytes
) -> None:
    folder = tmp_path / "versions"
    write(folder / "2025-12-19T1200Z", "cons_prim.csv", real)
    write(folder / "2025-12-20T1200Z", "cons_prim.csv", b"")
    write(folder / "2025-12-21T1200Z", "cons_prim.csv", drop_rows(real, 0.2, newline=b"\n"))
    write(folder / "2025-12-22T1200Z", "cons_prim.csv", drop_rows(real, 0.01, newline=b"\n"))
    cli = Cli(f"sqlite:///{tmp_path / 'm.db'}", write_config(tmp_path, tmp_path / "archive"))
    result = cli("replay", str(folder), "--list", LIST)
    # Nothing newer is applied over a version that did not apply: the 22nd waits, held,
    # for the held 21st; the replay says what it left undone and fails.
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{LIST} @ 2025-12-19T12:00:00Z: baseline: 442 entries",
        f"{LIST} @ 2025-12-21T12:00:00Z: quarantined: would delist 89 of 442 entries (20%), "
        "more than the allowed 10%",
        f"{LIST} @ 2025-12-22T12:00:00Z: quarantined: waits for the quarantined snapshot 3 "
        "(2025-12-21T12:00:00Z): versions apply in order; approve or reject that one first",
        "replay: 1 baseline, 2 quarantined, 1 rejected",
    ]
    assert (
        f"{LIST} @ 2025-12-20T12:00:00Z: rejected: cons_prim.csv: the file is empty"
        in result.stderr
    )
    assert f"{LIST}: 2 version(s) held for review, from {LIST} @ 2025-12-21T1200Z" in result.stderr
    assert "'watchlist-monitor quarantine approve ID' or 'reject ID'" in result.stderr

    # Rejecting the held one checks the waiting one again, on its own: 5 delisted.
    rejected = cli("quarantine", "reject", "3")
    assert rejected.exit_code == 0, rejected.output
    assert f"{LIST} @ 2025-12-22T12:00:00Z: 5 delisted" in rejected.stdout


def test_status_shows_a_quarantined_snapshot(tmp_path: Path, real: bytes) -> None:
    cli = Cli(f"sqlite:///{tmp_path / 'm.db'}", write_config(tmp_path, tmp_path / "archive"))
    cli("ingest", str(version(tmp_path, "2025-12-19", real)), "--list", LIST)
    shorter = version(tmp_path, "2025-12-20", drop_rows(real, 0.2, newline=b"\n"))
    assert "quarantined" in cli("ingest", str(shorter), "--list", LIST).stdout
    assert "quarantine" in cli("status").stdout


DELTAS = FIXTURES / "opensanctions" / "t2"
DELTA_VERSIONS = sorted(p.name for p in DELTAS.iterdir() if p.is_dir())


def _delta(store: Store, config: Config, version: str, expect: Expect) -> str:
    request = IngestRequest(
        list_config=ListConfig(id="os-delta", format="ftm-delta", expect=expect),
        paths=[DELTAS / version / "entities.delta.json"],
        input_format="ftm-delta",
    )
    return ingest(store, config, request, now=NOW).status


def test_a_delta_after_a_quarantined_delta_waits_for_it(store: Store, tmp_path: Path) -> None:
    """Applied over a held delta, a delta would build a state the publisher never had."""
    loose = Expect(min_records=1, max_removed_share=1.0)
    strict = Expect(min_records=1, max_added_share=0.0)
    config = Config(
        archive=tmp_path / "archive",
        lists=[ListConfig(id="os-delta", format="ftm-delta", expect=loose)],
    )
    first, second, third, fourth = DELTA_VERSIONS
    assert _delta(store, config, first, loose) == "baseline"
    assert _delta(store, config, second, strict) == "quarantined"  # lists a new entity
    state = current_state(store, "os-delta")

    request = IngestRequest(
        list_config=config.list_config("os-delta"),
        paths=[DELTAS / third / "entities.delta.json"],
        input_format="ftm-delta",
    )
    waiting = ingest(store, config, request, now=NOW)
    assert waiting.status == "quarantined"
    assert waiting.message.startswith("waits for the quarantined delta snapshot ")
    assert waiting.message.endswith(": deltas apply in order; approve or reject that one first")
    assert current_state(store, "os-delta") == state

    with store.read() as connection:
        held = [h.id for h in quarantine.pending(connection, "os-delta")]
    assert len(held) == 2
    settled = quarantine.approve(store, config, held[0], now=NOW)
    assert [r.status for r in settled] == ["applied", "applied"]  # the waiting one follows
    assert _delta(store, config, fourth, loose) == "applied"
    assert sorted(current_state(store, "os-delta")) == [
        "NK-2T3S8Hu29ktYnKSTgQp2wL",
        "NK-2sJaJRaPJcWUfMbHjTtWcL",
        "Q4365364",
    ]
