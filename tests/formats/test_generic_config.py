"""A list read through generic-csv with a mapping written in the YAML configuration."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, Cli

CSL_ROWS = FIXTURES / "generic" / "csl" / "2022-05-06" / "consolidated.csv"

CONFIG = """\
archive: {archive}
lists:
  - id: my-list
    format: generic-csv
    mapping:
      key: _id
      name: name
      aliases: alt_names
      programs: programs
      effective_date: start_date
      notice: federal_register_notice
      source_list: source
"""


def test_a_mapping_in_the_configuration_drives_the_generic_format(tmp_path: Path) -> None:
    config = tmp_path / "monitor.yml"
    config.write_text(CONFIG.format(archive=tmp_path / "archive"), encoding="utf-8")
    cli = Cli(f"sqlite:///{tmp_path / 'm.db'}", config)
    result = cli("ingest", str(CSL_ROWS), "--list", "my-list")
    assert result.exit_code == 0, result.output
    rows = CSL_ROWS.read_text(encoding="utf-8").splitlines()
    assert f"baseline: {len(rows) - 1} entries" in result.stdout
    lists = json.loads(cli("lists", "--format", "json").stdout)
    assert lists[0]["format"] == "generic-csv"


def test_a_bad_mapping_fails_at_start_up_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "monitor.yml"
    bad = CONFIG.replace("      name: name\n", "      nmae: name\n")
    config.write_text(bad.format(archive=tmp_path / "archive"), encoding="utf-8")
    result = Cli(f"sqlite:///{tmp_path / 'm.db'}", config)("lists")
    assert result.exit_code == 1
    assert "nmae" in result.stderr and str(config) in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_mapping_on_a_format_that_takes_none_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "monitor.yml"
    wrong = CONFIG.replace("format: generic-csv", "format: csl-csv")
    config.write_text(wrong.format(archive=tmp_path / "archive"), encoding="utf-8")
    result = Cli(f"sqlite:///{tmp_path / 'm.db'}", config)("lists")
    assert result.exit_code == 1 and "takes no mapping" in result.stderr
