"""Watchlist alerts per subject: one alert for one change of one subject, naming every list
where it shows; the CSL republishing OFAC's NS-CMIC listings is not alerted again."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, Cli, shipped_versions

CONFIG = """\
archive: {archive}
lists:
  - {{id: us-ofac-cons, expect: {{min_records: 100, max_removed_share: 0.6}}}}
  - {{id: us-csl, format: csl-csv}}
notifiers:
  - {{id: alerts-folder, kind: file, directory: {outbox}, formats: [json]}}
"""
WATCHLIST = """\
watchlists:
  - id: portfolio
    entries: {portfolio}
    threshold: 0.9
    notify: [alerts-folder]
"""
NS_CMIC = {"SZ DJI TECHNOLOGY CO., LTD.", "MEGVII TECHNOLOGY LIMITED", "SENSETIME GROUP LIMITED"}


def _cli(tmp_path: Path, *, watching: bool) -> tuple[Cli, Path]:
    outbox = tmp_path / "sent"
    text = CONFIG + (WATCHLIST if watching else "")
    values = {
        "archive": tmp_path / "archive",
        "outbox": outbox,
        "portfolio": FIXTURES / "watchlists" / "portfolio.csv",
    }
    config = tmp_path / ("watching.yml" if watching else "plain.yml")
    config.write_text(text.format(**values), encoding="utf-8")
    return Cli(f"sqlite:///{tmp_path / 'm.db'}", config), outbox


def _ingest(cli: Cli, list_id: str) -> None:
    for version in shipped_versions(list_id):
        files = [str(p) for p in sorted(version.iterdir()) if not p.name.startswith("_")]
        result = cli("ingest", *files, "--list", list_id, "--approve")
        assert result.exit_code == 0, result.output
    assert cli("deliveries", "retry").exit_code == 0


def _sent(outbox: Path) -> list[dict]:
    return [
        alert
        for path in sorted(outbox.glob("alerts-portfolio-*.json"))
        for alert in json.loads(path.read_text(encoding="utf-8"))["alerts"]
    ]


def test_an_alert_names_every_list_its_subject_is_on(tmp_path: Path) -> None:
    plain, _ = _cli(tmp_path, watching=False)
    _ingest(plain, "us-csl")  # the CSL before anyone watched
    watching, outbox = _cli(tmp_path, watching=True)
    _ingest(watching, "us-ofac-cons")
    listed = {a["event"]["name"]: a for a in _sent(outbox) if not a["baseline"]}
    assert set(listed) == NS_CMIC
    sensetime = listed["SENSETIME GROUP LIMITED"]
    assert sensetime["subject"]["lists"] == ["us-csl CMIC:33114", "us-ofac-cons 33114"]


def test_the_csl_republishing_a_listing_is_not_alerted_again(tmp_path: Path) -> None:
    watching, outbox = _cli(tmp_path, watching=True)
    _ingest(watching, "us-ofac-cons")
    before = _sent(outbox)
    assert {a["event"]["name"] for a in before if not a["baseline"]} == NS_CMIC
    _ingest(watching, "us-csl")
    after = _sent(outbox)[len(before) :]
    # the same three listings (same effective dates), now also in the CSL: not sent again
    assert not {a["event"]["name"] for a in after} & NS_CMIC
    # ... but recorded: the alerts command shows every match on every list
    raised = json.loads(watching("alerts", "--format", "json").output)
    csl = [a for a in raised if a["event"]["list"] == "us-csl"]
    assert {a["event"]["name"] for a in csl} >= NS_CMIC
