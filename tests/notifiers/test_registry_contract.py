"""The contract every registered notifier keeps (like the formats' registry contract).

A notifier is one class in one file under monitor/notifiers/; the registry is
what the configuration accepts. Each kind must describe itself in one line,
validate its settings strictly (an unknown key is an error naming the valid
ones), send only report formats that exist, and never show its secrets. Adding
a kind is covered here without editing this file: the kinds come from the package.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path
from typing import Any

import pytest

import monitor.notifiers as package
from monitor.config import load_config
from monitor.errors import ConfigError
from monitor.kinds import REPORT_FORMATS
from monitor.notifiers import REGISTRY, NotifierSettings, build_notifier, notifier_kinds
from monitor.notifiers.base import REDACTED

PLUGIN_MODULES = sorted(
    m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")
)

# The smallest valid settings of each kind, with a secret where the kind has one.
SECRET = "s3cr3t-Token-value"
EXAMPLES: dict[str, dict[str, Any]] = {
    "apprise": {"urls": [f"ntfy://monitor:{SECRET}@ntfy.example.org/sanctions"]},
    "email": {
        "host": "127.0.0.1",
        "sender": "monitor@example.org",
        "to": ["compliance@example.org"],
        "username": "monitor",
        "password": SECRET,
        "security": "none",
    },
    "file": {"directory": "out"},
    "webhook": {"url": f"https://hooks.example.org/services/{SECRET}"},
}


def test_every_plugin_module_registers_one_kind() -> None:
    modules = {cls.__module__.rsplit(".", 1)[-1] for cls in REGISTRY.values()}
    assert modules == set(PLUGIN_MODULES) - {"base"}
    assert notifier_kinds() == sorted(REGISTRY)
    # a kind is its module's name: the configuration imports only the kinds it uses
    assert all(cls.__module__ == f"monitor.notifiers.{kind}" for kind, cls in REGISTRY.items())


def test_a_configuration_imports_only_the_notifier_kinds_it_uses(tmp_path: Path) -> None:
    import subprocess
    import sys

    config = tmp_path / "monitor.yml"
    config.write_text(
        f"notifiers:\n  - {{id: out, kind: file, directory: {tmp_path}}}\n", encoding="utf-8"
    )
    code = (
        "import sys, pathlib; from monitor.config import load_config;"
        "load_config(pathlib.Path(sys.argv[1]));"
        "print(sorted(m for m in sys.modules if m.startswith('monitor.notifiers.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(config)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['monitor.notifiers.base', 'monitor.notifiers.file']"


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_each_kind_describes_itself_and_is_exercised_here(kind: str) -> None:
    cls = REGISTRY[kind]
    assert cls.description(), f"notifier {kind} has no one-line docstring"
    assert issubclass(cls.settings_model, NotifierSettings)
    assert kind in EXAMPLES, f"add minimal settings for the new notifier kind {kind!r} here"


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_settings_are_strict_and_name_the_valid_keys(kind: str, tmp_path: Path) -> None:
    config = tmp_path / "monitor.yml"
    settings = ", ".join(f"{k}: {v!r}" for k, v in {**EXAMPLES[kind], "colour": "red"}.items())
    config.write_text(f"notifiers:\n  - {{id: chan, kind: {kind}, {settings}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'colour' is not a known setting; valid settings: "):
        load_config(config)


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_formats_exist_and_secrets_are_scrubbed(kind: str, tmp_path: Path) -> None:
    cls = REGISTRY[kind]
    values = dict(EXAMPLES[kind])
    if "directory" in values:
        values["directory"] = str(tmp_path / values["directory"])
    notifier = build_notifier(kind, "chan", cls.settings_model.model_validate(values))
    assert notifier.formats and set(notifier.formats) <= set(REPORT_FORMATS)
    assert "text" in notifier.formats or set(notifier.formats) & {"markdown", "html", "json"}
    secrets = [s for s in notifier.secrets() if s]
    if SECRET in str(values):
        assert any(SECRET in s for s in secrets), f"{kind} does not declare its secret"
        scrubbed = notifier.scrub("failed to reach " + " and ".join(secrets))
        assert SECRET not in scrubbed and REDACTED in scrubbed


def test_an_unknown_kind_names_every_registered_kind(tmp_path: Path) -> None:
    config = tmp_path / "monitor.yml"
    config.write_text("notifiers:\n  - {id: oncall, kind: pager}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="valid kinds: " + ", ".join(notifier_kinds())):
        load_config(config)
