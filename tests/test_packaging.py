"""The wheel carries every package and the templates (pyproject lists the packages by name)."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_every_package_of_the_tree_is_listed_in_pyproject() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = set(settings["setuptools"]["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "monitor").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"
    assert settings["setuptools"]["package-dir"]["monitor.templates"] == "templates"
    assert listed - on_disk == {"monitor.templates"}
