"""The README's story end to end, through the real CLI, on the shipped real snapshots."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SNAPSHOTS, Cli, copy_shipped, write_config

CMIC_DECEMBER_2021 = {
    "SENSETIME GROUP LIMITED",
    "MEGVII TECHNOLOGY LIMITED",
    "SZ DJI TECHNOLOGY CO., LTD.",
    "CLOUDWALK TECHNOLOGY CO., LTD.",
    "DAWNING INFORMATION INDUSTRY CO., LTD",
    "YITU LIMITED",
    "LEON TECHNOLOGY COMPANY LIMITED",
    "NETPOSA TECHNOLOGIES LIMITED",
    "XIAMEN MEIYA PICO INFORMATION CO., LTD.",
}
LISTS = """\
  - {id: us-ofac-sdn, format: ofac-csv, expect: {min_records: 5000}}
  - {id: us-ofac-cons, expect: {min_records: 100, max_removed_share: 0.6}}
  - {id: us-csl, format: csl-csv}
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """The shipped archive replayed once into a fresh SQLite database."""
    folder = tmp_path_factory.mktemp("demo")
    archive = folder / "archive"
    copy_shipped(archive)
    app = Cli(f"sqlite:///{folder / 'monitor.db'}", write_config(folder, archive, LISTS))
    result = app("replay")
    assert result.exit_code == 0, result.output
    app.replay_output = result.output  # type: ignore[attr-defined]
    return app


def report(app: Cli, *args: str) -> dict:
    result = app("report", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_replay_prints_one_line_per_snapshot(demo: Cli) -> None:
    lines = demo.replay_output.splitlines()  # type: ignore[attr-defined]
    assert "us-ofac-sdn @ 2021-11-23T18:48:00Z: baseline: 9107 entries" in lines
    assert lines[-1] == "replay: 14 applied, 3 baseline"


def test_a_second_replay_changes_nothing(demo: Cli) -> None:
    before = report(demo, "--include-baseline", "--date", "observed")
    result = demo("replay")
    assert result.output.strip() == "replay: 17 skipped"
    after = report(demo, "--include-baseline", "--date", "observed")
    assert after["events"] == before["events"]


def test_december_2021_sdn_designations(demo: Cli) -> None:
    data = report(
        demo,
        "--list",
        "us-ofac-sdn",
        "--since",
        "2021-12-01",
        "--until",
        "2021-12-31",
        "--date",
        "observed",
    )
    assert set(data) >= {"generated_at", "period", "summary", "events"}
    assert data["period"] == {"since": "2021-12-01", "until": "2021-12-31", "date": "observed"}
    assert data["summary"]["listed"] == 165
    assert data["summary"]["delisted"] == 264
    event = data["events"][0]
    assert set(event) >= {
        "list",
        "key",
        "kind",
        "name",
        "type",
        "source_list",
        "programs",
        "countries",
        "effective_date",
        "observed_at",
        "baseline",
        "snapshot",
        "changes",
    }
    assert not any(e["baseline"] for e in data["events"])


def test_ns_cmic_additions_across_the_change_of_format(demo: Cli) -> None:
    data = report(
        demo,
        "--list",
        "us-ofac-cons",
        "--since",
        "2021-12-01",
        "--until",
        "2021-12-31",
        "--date",
        "effective",
        "--kind",
        "listed",
    )
    names = {e["name"] for e in data["events"]}
    assert names == CMIC_DECEMBER_2021
    assert all(e["programs"] == ["CMIC-EO13959"] for e in data["events"])
    assert all(e["observed_at"].startswith("2025-12-19") for e in data["events"])


def test_entity_list_additions_of_november_2021_by_effective_date(demo: Cli) -> None:
    data = report(demo, "--list", "us-csl", "--since", "2021-11-01", "--until", "2021-11-30")
    entity_list = [e for e in data["events"] if e["source_list"] == "Entity List (EL)"]
    assert len([e for e in entity_list if e["notice"] == "86 FR 67319"]) == 29
    assert all(e["baseline"] for e in entity_list)
    assert all(e["effective_date"].startswith("2021-11") for e in entity_list)


def test_text_report_starts_with_headlines(demo: Cli) -> None:
    result = demo("report", "--since", "2021-12-01", "--until", "2021-12-31")
    assert "165 entries added to the SDN list (observed 2 to 22 Dec 2021)" in result.output
    assert (
        "9 companies added to the NS-CMIC list (OFAC non-SDN list, effective 10 and 16 Dec "
        "2021; also in the trade.gov CSL)"
    ) in result.output


def test_history_of_a_company(demo: Cli) -> None:
    result = demo("history", "SenseTime", "--format", "json")
    entries = json.loads(result.output)["entries"]
    cons = [e for e in entries if e["list"] == "us-ofac-cons"]
    assert cons and cons[0]["key"] == "33114"
    assert cons[0]["events"][0]["kind"] == "listed"
    assert cons[0]["events"][0]["effective_date"] == "2021-12-10"


def test_history_gives_one_subject_present_on_both_lists(demo: Cli) -> None:
    """SenseTime Group is on OFAC's non-SDN list and in the CSL (which republishes it with
    OFAC's entity number): one subject, present on both, with the evidence of the link."""
    subjects = json.loads(demo("history", "SenseTime", "--format", "json").output)["subjects"]
    on_both = [s for s in subjects if len({p["list"] for p in s["presence"]}) > 1]
    assert len(on_both) == 1
    sensetime = on_both[0]
    assert (sensetime["name"], sensetime["type"]) == ("SENSETIME GROUP LIMITED", "entity")
    presence = {(p["list"], p["key"]): p for p in sensetime["presence"]}
    assert set(presence) == {("us-csl", "CMIC:33114"), ("us-ofac-cons", "33114")}
    assert all(p["status"] == "listed" and p["since"] == "2021-12-10" for p in presence.values())
    assert presence[("us-ofac-cons", "33114")]["evidence"] == "OFAC entity number 33114"
    assert presence[("us-ofac-cons", "33114")]["linked_to"] == "us-csl:CMIC:33114"
    timeline = sensetime["timeline"]
    assert [(s["list"], s["kind"]) for s in timeline] == [
        ("us-csl", "listed"),
        ("us-ofac-cons", "listed"),
    ]
    assert all(s["snapshot"]["sha256"] for s in timeline)
    # the Entity List's Beijing SenseTime is another company: a subject of its own
    others = [s for s in subjects if s is not sensetime]
    assert any("Beijing Sensetime" in s["name"] for s in others)
    text = demo("history", "SenseTime").output
    assert "Subject " in text and "on 2 lists as one party" in text


def test_lists_shows_counts(demo: Cli) -> None:
    data = json.loads(demo("lists", "--format", "json").output)
    by_id = {item["list"]: item for item in data}
    assert by_id["us-ofac-sdn"]["entries"] == 9008
    assert by_id["us-ofac-cons"]["entries"] == 442  # the complete 2025-12-19 file set
    # 14,160 rows; BANK OF KUNLUN (CAP:15268) twice, differing only in source_list_url: one entry
    assert by_id["us-csl"]["entries"] == 14159


def test_ingest_a_file_downloaded_later(demo: Cli, tmp_path: Path) -> None:
    download = tmp_path / "sdn.csv.gz"
    shutil.copy(SNAPSHOTS / "us-ofac-sdn" / "2021-12-30T1850Z" / "sdn.csv.gz", download)
    result = demo(
        "ingest", str(download), "--list", "us-ofac-sdn", "--observed-at", "2022-01-05T18:51:00Z"
    )
    assert result.exit_code == 0
    assert "unchanged" in result.output


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "missing.csv", "--list", "us-ofac-sdn"], "missing.csv: no such file"),
        (
            ["ingest", "README.md", "--list", "x", "--input-format", "nope"],
            "unknown input format 'nope'",
        ),
        (["ingest", "README.md", "--list", "../etc"], "list id '../etc' is not valid"),
        (["report", "--since", "yesterday"], "--since: 'yesterday' is not an ISO date"),
    ],
)
def test_errors_are_one_line_and_exit_non_zero(
    args: list[str], message: str, tmp_path: Path
) -> None:
    (tmp_path / "README.md").write_text("not a list\n")
    result = run_cli("--db", f"sqlite:///{tmp_path / 'm.db'}", *args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_a_file_that_does_not_parse_leaves_the_state_untouched(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    good = SNAPSHOTS / "us-ofac-sdn" / "2021-12-16T0142Z" / "sdn.csv.gz"
    assert (
        run_cli("--db", db, "ingest", str(good), "--list", "us-ofac-sdn", cwd=tmp_path).returncode
        == 0
    )
    (tmp_path / "2021-12-20").mkdir()
    (tmp_path / "2021-12-20" / "sdn.csv").write_text("<html><body>Error 503</body></html>")
    bad = run_cli("--db", db, "ingest", "2021-12-20/sdn.csv", "--list", "us-ofac-sdn", cwd=tmp_path)
    assert bad.returncode == 1 and "HTML page" in bad.stderr
    lists = json.loads(run_cli("--db", db, "lists", "--format", "json", cwd=tmp_path).stdout)
    assert lists[0]["entries"] == 9154


def test_a_process_ends_with_its_output_log_and_database_complete(tmp_path: Path) -> None:
    """The process ends without the interpreter's tear-down (monitor.cli._end_process):
    what an exit must do is still done, as before."""
    good = SNAPSHOTS / "us-ofac-sdn" / "2021-12-16T0142Z" / "sdn.csv.gz"
    log = tmp_path / "monitor.log"
    args = ["--db", f"sqlite:///{tmp_path / 'm.db'}", "--log-file", str(log), "-vv"]
    done = run_cli(*args, "ingest", str(good), "--list", "us-ofac-sdn", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("baseline: 9154 entries\n")
    assert "us-ofac-sdn: baseline of 9154 entries" in log.read_text(encoding="utf-8")
    assert not (tmp_path / "m.db-wal").exists()  # closed: the log folded into the database
    again = run_cli(*args, "ingest", "missing.csv", "--list", "us-ofac-sdn", cwd=tmp_path)
    assert again.returncode == 1 and again.stderr.startswith("error: ")


def test_version_and_help_examples() -> None:
    assert run_cli("--version", cwd=ROOT).stdout.startswith("watchlist-monitor, version")
    for command in ("ingest", "replay", "report", "history", "lists", "formats"):
        assert "Example:" in run_cli(command, "--help", cwd=ROOT).stdout


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--list", "us-ofac-sd", "--since", "2021-12-01", "--until", "2021-12-31"],
        ["history", "SenseTime", "--list", "us-ofac-sd"],
        ["as-of", "2021-12-20", "--list", "us-ofac-sd", "--query", "AL-NASER"],
        ["feed", "--list", "us-ofac-sd"],
        ["quarantine", "list", "--list", "us-ofac-sd"],
    ],
)
def test_a_mistyped_list_is_an_error_naming_the_known_ones(demo: Cli, command: list[str]) -> None:
    result = demo(*command)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --list: unknown list 'us-ofac-sd'; known lists: us-csl, us-ofac-cons, us-ofac-sdn\n"
    )


def test_a_reversed_period_is_an_error(demo: Cli) -> None:
    result = demo("report", "--since", "2021-12-31", "--until", "2021-12-01")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: --since 2021-12-31 is after --until 2021-12-01: the period is empty\n",
    )


def test_a_mistyped_watchlist_is_an_error(demo: Cli) -> None:
    result = demo("alerts", "--watchlist", "portfolo")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no watchlist 'portfolo'; configured watchlists: ")
