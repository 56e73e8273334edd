"""The web app over the shipped demo archive replayed into a temporary database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from monitor.config import load_config
from monitor.store import Store, open_engine
from monitor.web.app import create_app
from tests.conftest import Cli, copy_shipped, write_config

LISTS = """\
  - {id: us-ofac-sdn, format: ofac-csv, expect: {min_records: 5000}}
  - {id: us-ofac-cons, expect: {min_records: 100, max_removed_share: 0.6}}
  - {id: us-csl, format: csl-csv}
"""


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """The shipped archive replayed once into a fresh SQLite database (read-only in tests)."""
    folder = tmp_path_factory.mktemp("web-demo")
    archive = folder / "archive"
    copy_shipped(archive)
    app = Cli(f"sqlite:///{folder / 'monitor.db'}", write_config(folder, archive, LISTS))
    result = app("replay")
    assert result.exit_code == 0, result.output
    return app


def client_for(cli: Cli, config: Path | None = None) -> TestClient:
    settings = load_config(config or cli.config, database=cli.db)
    return TestClient(create_app(Store(open_engine(settings.database)), settings))


@pytest.fixture(scope="session")
def client(demo: Cli) -> Iterator[TestClient]:
    with client_for(demo) as test_client:
        yield test_client
