"""The format registry is read without importing parsers: each kind is its module's name."""

from __future__ import annotations

import subprocess
import sys

from monitor.formats import format_kinds, registry


def test_every_kind_is_its_module_name() -> None:
    for kind, plugin in registry().items():
        assert plugin.__module__ == "monitor.formats." + kind.replace("-", "_")
    assert format_kinds() == sorted(registry())


def test_loading_the_configuration_imports_no_parser() -> None:
    code = (
        "import sys; from monitor.config import load_config; load_config(None);"
        "print(sorted(m for m in sys.modules if m.startswith('monitor.formats.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['monitor.formats.base']"
