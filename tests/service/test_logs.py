"""Log lines: a UTC timestamp, one readable line per check, JSON with structured fields,
a rotating log file, -q, download retries at the default level, no duplicated warnings."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from monitor.logs import setup_logging
from tests.conftest import ROOT, Cli
from tests.service.conftest import V2, free_port, service_config

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


@pytest.fixture(autouse=True)
def _default_logging() -> Any:
    yield
    setup_logging()  # later tests see the default handler, not this test's file


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_check_logs_one_json_line_with_its_fields(
    tmp_path: Path, seeded_sqlite: str, versions: dict[str, Path]
) -> None:
    drop = tmp_path / "drop" / V2
    drop.mkdir(parents=True)
    shutil.copyfile(versions[V2], drop / "sdn.csv")
    cli = Cli(seeded_sqlite, service_config(tmp_path, str(drop.parent)))
    log_file = tmp_path / "logs" / "monitor.log"

    result = cli("-v", "--log-format", "json", "--log-file", str(log_file), "check")

    assert result.exit_code == 0, result.output
    lines = _lines(log_file)
    assert all(re.fullmatch(STAMP, line["time"]) for line in lines)
    checks = [line for line in lines if line["logger"] == "monitor.service.check"]
    assert len(checks) == 1
    line = checks[0]
    assert line["level"] == "INFO"
    assert line["list"] == "us-ofac-sdn" and line["status"] == "applied"
    assert line["counts"]["listed"] == 1
    assert re.fullmatch(r"[0-9a-f]{64}", line["snapshot"])
    assert isinstance(line["duration"], float) and line["entries"] > 5000
    assert line["message"].startswith("us-ofac-sdn @ 2021-12-17T18:49:00Z: 1 listed")
    assert f"(snapshot {line['snapshot'][:12]})" in line["message"]
    assert not any("{" in entry["message"] for entry in lines), "a Python dict in a log line"


def test_text_lines_carry_a_timestamp_and_quiet_keeps_only_errors(
    tmp_path: Path, seeded_sqlite: str
) -> None:
    source = f"http://127.0.0.1:{free_port()}/sdn.csv"  # nobody listens there
    cli = Cli(seeded_sqlite, service_config(tmp_path, source))
    log_file = tmp_path / "text.log"
    quiet_file = tmp_path / "quiet.log"

    assert cli("--log-file", str(log_file), "check").exit_code == 1
    assert cli("-q", "--log-file", str(quiet_file), "check").exit_code == 1

    text = log_file.read_text(encoding="utf-8")
    # The retry is visible at the default level, with the attempt and the pause.
    assert re.search(
        STAMP + r" WARNING monitor.fetch.download: list us-ofac-sdn: download attempt 1 of 2 "
        r"failed: .+; trying again in 0\.1s",
        text,
    ), text
    assert re.search(STAMP + r" WARNING monitor.service.check: us-ofac-sdn: failed", text)
    assert quiet_file.read_text(encoding="utf-8") == ""


def test_apschedulers_own_skip_warnings_are_dropped(caplog: pytest.LogCaptureFixture) -> None:
    import monitor.service.daemon  # noqa: F401  (installs the filter)

    caplog.set_level(logging.DEBUG)
    logging.getLogger("apscheduler.scheduler").warning(
        'Execution of job "%s" skipped: maximum number of running instances reached (%d)',
        "check us-ofac-sdn",
        1,
    )
    logging.getLogger("apscheduler.executors.default").warning(
        'Run time of job "%s" was missed by %s', "check us-ofac-sdn", "0:11:00"
    )
    logging.getLogger("apscheduler.scheduler").warning("something else")
    assert [r.getMessage() for r in caplog.records] == ["something else"]


def test_logging_set_up_imports_nothing_heavy() -> None:
    code = (
        "import sys; from monitor.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'pythonjsonlogger', 'apprise', 'platformdirs', 'sqlalchemy', 'httpx'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
