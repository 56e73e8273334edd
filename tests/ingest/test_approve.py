"""`ingest --approve`: an operator accepts a version a safety check refused, and it is kept."""

from __future__ import annotations

import gzip
from pathlib import Path

from tests.conftest import SNAPSHOTS, Cli, write_config

SDN = SNAPSHOTS / "us-ofac-sdn"


def shorter_version(folder: Path) -> Path:
    """A real SDN version with its last third of rows gone and no end-of-file mark."""
    text = gzip.decompress((SDN / "2021-12-16T0142Z" / "sdn.csv.gz").read_bytes()).decode()
    lines = text.splitlines(keepends=True)
    path = folder / "2021-12-17T0000Z" / "sdn.csv"
    path.parent.mkdir(parents=True)
    path.write_text("".join(lines[: 2 * len(lines) // 3]), encoding="utf-8", newline="")
    return path


def test_a_refused_version_is_applied_when_approved(tmp_path: Path) -> None:
    cli = Cli(f"sqlite:///{tmp_path / 'm.db'}", write_config(tmp_path, tmp_path / "archive"))
    assert (
        cli("ingest", str(SDN / "2021-12-16T0142Z" / "sdn.csv.gz"), "--list", "sdn").exit_code == 0
    )
    shorter = shorter_version(tmp_path / "in")
    refused = cli("ingest", str(shorter), "--list", "sdn")
    assert refused.exit_code == 1
    assert "rejected" in refused.stderr
    approved = cli("ingest", str(shorter), "--list", "sdn", "--approve")
    assert approved.exit_code == 0, approved.output
    assert "delisted" in approved.stdout
    decisions = list((tmp_path / "archive" / "sdn").glob("*/_decision.json"))
    assert len(decisions) == 1
    again = cli("replay")
    assert "skipped" in again.stdout
