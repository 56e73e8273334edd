"""One database for every report test: a copy of the shipped archive replayed once.

Replaying the December 2021 SDN versions, the 2022 CSL and the two OFAC
consolidated versions takes a while, so it happens once per test session for
this package; tests only read it (a test that writes works on a copy).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from freezegun import freeze_time

from tests.conftest import Cli, copy_shipped, write_config

FROZEN = "2022-01-05T09:00:00Z"
LISTS = """\
  - id: us-ofac-sdn
    format: ofac-csv
  - id: us-ofac-cons
    format: auto
    expect:
      max_removed_share: 0.60
  - id: us-csl
    format: csl-csv
"""

Run = Callable[..., Result]


@dataclass(frozen=True)
class Replayed:
    """Where the replayed database and its configuration are."""

    folder: Path
    database: Path
    config: Path


@pytest.fixture(scope="package")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Replayed:
    root = tmp_path_factory.mktemp("replayed")
    archive = root / "archive"
    copy_shipped(archive)
    config = write_config(root, archive, LISTS)
    database = root / "monitor.db"
    result = Cli(f"sqlite:///{database}", config)("replay")
    assert result.exit_code == 0, result.output
    return Replayed(folder=root, database=database, config=config)


def frozen_cli(database: Path, config: Path) -> Run:
    """The CLI on a database, at a frozen time (``at=`` to choose another), failing loudly."""
    cli = Cli(f"sqlite:///{database}", config)

    def invoke(*args: str, at: str = FROZEN) -> Result:
        with freeze_time(at):
            result = cli(*args)
        assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.fixture(scope="package")
def run(replayed: Replayed) -> Run:
    return frozen_cli(replayed.database, replayed.config)
