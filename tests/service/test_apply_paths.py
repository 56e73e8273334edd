"""Every path that applies a version tells the list's channels, once; replay never does.

The written policy is monitor/service/hooks.py. Here each entry point applies a
real version of the shipped OFAC consolidated list (or a shorter but complete
copy of it: a mass delisting held for review) into a list whose channel is a
folder, and the outbox must hold exactly one run report for that snapshot, in
the same database as its events, plus the watchlist's alert where one matched.
"""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.config import load_config
from monitor.reports.environment import make_environment
from monitor.service.check import CheckContext, run_check
from monitor.service.hooks import TELLS_CHANNELS, EntryPoint
from monitor.store import Store, open_engine
from monitor.store import schema as t
from tests.conftest import SNAPSHOTS, Cli, fresh_python
from tests.safety.helpers import NOW, drop_rows, write

LIST = "us-ofac-cons"
# The shipped 2025-12-19 entries file: 442 rows, CRLF, ending with 0x1A as OFAC publishes it.
REAL = gzip.decompress((SNAPSHOTS / LIST / "2025-12-19T1823Z" / "cons_prim.csv.gz").read_bytes())
SMALL_CHANGE = drop_rows(REAL, 0.01)  # 5 delisted: applied at once
MASS_DELISTING = drop_rows(REAL, 0.2)  # 89 delisted: held for review


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Cli, Path]:
    source = tmp_path / "published" / "cons_prim.csv"
    config = tmp_path / "monitor.yml"
    config.write_text(
        f"archive: {tmp_path / 'archive'}\n"
        "lists:\n"
        f"  - {{id: {LIST}, format: ofac-csv, source: {source}, notify: [reports]}}\n"
        "notifiers:\n"
        f"  - {{id: reports, kind: file, directory: {tmp_path / 'out'}, formats: [markdown]}}\n"
        "watchlists:\n"
        "  - {id: portfolio, terms: [Michel Joseph Martelly], notify: [reports]}\n",
        encoding="utf-8",
    )
    return Cli(f"sqlite:///{tmp_path / 'm.db'}", config), source


def version(tmp_path: Path, stamp: str, data: bytes) -> Path:
    return write(tmp_path / "in" / stamp, "cons_prim.csv", data)


def queued(cli: Cli) -> list[tuple[int | None, str, str]]:
    """(snapshot id, channel, subject) of every queued message, in order."""
    store = Store(open_engine(cli.db))
    with store.read() as connection:
        rows = connection.execute(
            select(
                t.deliveries.c.snapshot_id, t.deliveries.c.channel, t.deliveries.c.subject
            ).order_by(t.deliveries.c.id)
        )
        return [(r.snapshot_id, r.channel, r.subject) for r in rows]


def reports(cli: Cli) -> list[tuple[int | None, str, str]]:
    """The queued run reports (the watchlist's alerts set aside)."""
    return [m for m in queued(cli) if not m[2].startswith("Watchlist")]


def latest(cli: Cli) -> int:
    return snapshot_ids(cli, "applied")[-1]


def snapshot_ids(cli: Cli, status: str) -> list[int]:
    store = Store(open_engine(cli.db))
    with store.read() as connection:
        statement = select(t.snapshots.c.id).where(t.snapshots.c.status == status)
        return list(connection.execute(statement.order_by(t.snapshots.c.id)).scalars())


def test_the_policy_names_every_entry_point_and_only_replay_is_silent() -> None:
    assert set(EntryPoint) - TELLS_CHANNELS == {EntryPoint.REPLAY}


def test_ingest_queues_one_report_per_channel(setup: tuple[Cli, Path], tmp_path: Path) -> None:
    cli, _ = setup
    baseline = version(tmp_path, "2025-12-19T1823Z", REAL)
    assert cli("ingest", str(baseline), "--list", LIST).exit_code == 0
    assert reports(cli) == []  # a baseline is recorded, never reported
    changed = version(tmp_path, "2025-12-20T1200Z", SMALL_CHANGE)
    result = cli("ingest", str(changed), "--list", LIST)
    assert result.exit_code == 0 and "5 delisted" in result.stdout
    [(snapshot, channel, subject)] = reports(cli)
    assert (snapshot, channel) == (latest(cli), "reports")
    assert subject.startswith(f"{LIST}: 5 entries removed from")


@pytest.mark.parametrize("entry", [EntryPoint.CHECK, EntryPoint.DAEMON])
def test_a_check_queues_one_report_per_channel(setup: tuple[Cli, Path], entry: EntryPoint) -> None:
    cli, source = setup
    config = load_config(cli.config)
    context = CheckContext(
        store=Store(open_engine(cli.db)),
        config=config,
        environment=make_environment(config.templates),
        stop=threading.Event(),
        entry=entry,
    )
    write(source.parent, source.name, REAL)
    assert run_check(context, config.list_config(LIST), now=NOW).status == "baseline"
    write(source.parent, source.name, SMALL_CHANGE)
    outcome = run_check(context, config.list_config(LIST), now=NOW.replace(hour=13))
    assert outcome.status == "applied", outcome.line()
    assert [(m[0], m[1]) for m in reports(cli)] == [(latest(cli), "reports")]


def test_the_check_command_queues_one_report(setup: tuple[Cli, Path]) -> None:
    cli, source = setup
    write(source.parent, source.name, REAL)
    assert cli("check").exit_code == 0
    write(source.parent, source.name, SMALL_CHANGE)
    assert cli("check").exit_code == 0
    assert [(m[0], m[1]) for m in reports(cli)] == [(latest(cli), "reports")]


def test_ingest_approve_queues_the_report_and_the_alert(
    setup: tuple[Cli, Path], tmp_path: Path
) -> None:
    cli, _ = setup
    cli("ingest", str(version(tmp_path, "2025-12-19T1823Z", REAL)), "--list", LIST)
    held = version(tmp_path, "2025-12-20T1200Z", MASS_DELISTING)
    assert "quarantined" in cli("ingest", str(held), "--list", LIST).stdout
    assert reports(cli) == []
    approved = cli("ingest", str(held), "--list", LIST, "--approve")
    assert approved.exit_code == 0, approved.output
    applied = latest(cli)
    assert [(m[0], m[1]) for m in reports(cli)] == [(applied, "reports")]
    alerts = [s for sid, _, s in queued(cli) if sid == applied and s.startswith("Watchlist")]
    assert alerts == ["Watchlist portfolio: MARTELLY, Michel Joseph delisted"]


def test_quarantine_approve_queues_the_report_and_the_alert(
    setup: tuple[Cli, Path], tmp_path: Path
) -> None:
    cli, _ = setup
    cli("ingest", str(version(tmp_path, "2025-12-19T1823Z", REAL)), "--list", LIST)
    cli("ingest", str(version(tmp_path, "2025-12-20T1200Z", MASS_DELISTING)), "--list", LIST)
    [held] = snapshot_ids(cli, "quarantined")
    approved = cli("quarantine", "approve", str(held))
    assert approved.exit_code == 0, approved.output
    assert [(m[0], m[1]) for m in reports(cli)] == [(held, "reports")]
    assert [s for sid, _, s in queued(cli) if sid == held] == [
        "Watchlist portfolio: MARTELLY, Michel Joseph delisted",
        reports(cli)[0][2],
    ]
    assert "[2/2]" not in approved.stdout  # one held version: no progress counter


def test_replay_tells_no_channel(setup: tuple[Cli, Path], tmp_path: Path) -> None:
    cli, _ = setup
    cli("ingest", str(version(tmp_path, "2025-12-19T1823Z", REAL)), "--list", LIST)
    cli("ingest", str(version(tmp_path, "2025-12-20T1200Z", SMALL_CHANGE)), "--list", LIST)
    assert len(reports(cli)) == 1
    fresh = Cli(f"sqlite:///{tmp_path / 'fresh.db'}", cli.config)
    replayed = fresh("replay")
    assert replayed.exit_code == 0, replayed.output
    assert "1 applied, 1 baseline" in replayed.stdout
    assert queued(fresh) == []


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_run_report_shows_the_alerts_it_raised(
    setup: tuple[Cli, Path], tmp_path: Path, fmt: str
) -> None:
    cli, _ = setup
    cli("ingest", str(version(tmp_path, "2025-12-19T1823Z", REAL)), "--list", LIST)
    cli("ingest", str(version(tmp_path, "2025-12-20T1200Z", MASS_DELISTING)), "--list", LIST)
    [held] = snapshot_ids(cli, "quarantined")
    cli("quarantine", "approve", str(held))
    shown = cli("report", "--snapshot", "latest", "--list", LIST, "--format", fmt)
    assert shown.exit_code == 0, shown.output
    assert "Watchlist alerts (1)" in shown.stdout
    assert "MARTELLY, Michel Joseph" in shown.stdout and "portfolio" in shown.stdout


def test_without_watchlists_no_alert_hook_and_no_matching_code() -> None:
    """A configuration without watchlists gets the subject hook alone at every entry point,
    and the watchlist matching code is never imported (a replay process paid for it)."""
    code = (
        "import sys\nfrom monitor.config import Config\n"
        "from monitor.service.hooks import EntryPoint, hooks_for\n"
        "hooks = hooks_for(EntryPoint.REPLAY, Config())\n"
        "print(len(hooks), 'monitor.watchlists.hooks' in sys.modules)"
    )
    printed = fresh_python(code)
    assert printed.split() == ["1", "False"]
