"""The format registry is read without importing parsers: each kind is its module's name."""

from __future__ import annotations

from monitor.formats import format_kinds, get_format, registry
from tests.conftest import fresh_python


def test_every_kind_is_its_module_name() -> None:
    for kind, plugin in registry().items():
        assert plugin.__module__ == "monitor.formats." + kind.replace("-", "_")
    assert format_kinds() == sorted(registry())


def test_loading_the_configuration_imports_no_parser() -> None:
    code = (
        "import sys; from monitor.config import load_config; load_config(None);"
        "print(sorted(m for m in sys.modules if m.startswith('monitor.formats.')))"
    )
    printed = fresh_python(code)
    assert printed.strip() == "['monitor.formats.base']"


def test_a_format_asked_by_its_kind_imports_its_own_module_only() -> None:
    """get_format('ofac-csv') imports the OFAC CSV parser and what it uses, no other plugin
    (nor lxml); the registry with every plugin is the same afterwards."""
    code = (
        "import sys; from monitor.formats import get_format, format_kinds;"
        "fmt = get_format('ofac-csv');"
        "plugins = {'monitor.formats.' + k.replace('-', '_') for k in format_kinds()};"
        "print(type(fmt).__name__, sorted(plugins & set(sys.modules)), 'lxml' in sys.modules)"
    )
    printed = fresh_python(code)
    assert printed.split() == ["OfacCsv", "['monitor.formats.ofac_csv']", "False"]
    for kind, plugin in registry().items():
        assert type(get_format(kind)) is plugin
