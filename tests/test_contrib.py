"""The shipped systemd files run commands and options this version of the tool has."""

from __future__ import annotations

import shlex
from pathlib import Path

import click
import pytest

from monitor.cli import _load_commands, cli
from tests.conftest import ROOT

UNITS = sorted((ROOT / "contrib" / "systemd").rglob("*.service")) + sorted(
    (ROOT / "contrib" / "systemd").rglob("*.conf")
)


def _exec_starts(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [shlex.split(line.split("=", 1)[1]) for line in lines if line.startswith("ExecStart=")]


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_exec_start_parses_with_the_real_cli(unit: Path) -> None:
    _load_commands()
    commands = [argv for argv in _exec_starts(unit) if argv]
    assert commands, f"{unit.name} starts nothing"
    for argv in commands:
        assert argv[0].endswith("/watchlist-monitor")
        context = cli.make_context("watchlist-monitor", argv[1:], resilient_parsing=True)
        rest = [*getattr(context, "_protected_args", []), *context.args]
        assert rest == ["daemon"]
        group_options = {p.name for p in cli.params}
        assert group_options >= set(context.params)
        with pytest.raises(click.exceptions.UsageError):  # the parser is strict, really
            cli.make_context("watchlist-monitor", [*argv[1:-1], "--no-such-option", "daemon"])


def test_the_readme_points_to_the_unit() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for unit in UNITS:
        assert str(unit.relative_to(ROOT)) in readme
