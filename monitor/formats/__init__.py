"""Format plugins: every module in this package is imported and its classes registered.

The plugins are imported on first use, not with this package: the configuration
checks format names at every start-up, and the names are the module names (a
test holds every plugin to that), so most commands never import a parser.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Sequence
from typing import Any

from monitor.errors import ConfigError, FormatDetectionError
from monitor.files import SourceFile
from monitor.formats import base
from monitor.formats.base import Format
from monitor.kinds import AUTO_FORMAT

AUTO = AUTO_FORMAT


def _plugin_modules() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.iter_modules(__path__)
        if not m.name.startswith("_") and m.name != "base"
    )


# The formats that read a list through a mapping in its configuration: a file's content
# cannot say which of its columns is the key, so auto-detection never picks them (their
# sniff is False) and detect_format does not import them (their mapping models were
# about a third of importing every plugin). tests/formats/test_registry_contract.py
# holds this to the plugins: exactly those whose configure takes a mapping.
NEVER_DETECTED = frozenset({"generic-csv", "generic-json"})


@functools.cache
def registry() -> dict[str, type[Format]]:
    """Every format plugin by kind, importing the plugins the first time.

    (A plugin imported directly registers itself too, so an empty registry is
    not the test of whether all were imported.)
    """
    for name in _plugin_modules():
        importlib.import_module(f"{__name__}.{name}")
    return base.REGISTRY


def __getattr__(name: str) -> Any:
    """``from monitor.formats import REGISTRY`` gets the registry with every plugin in it."""
    if name == "REGISTRY":
        return registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def format_kinds() -> list[str]:
    """The format kinds, without importing the plugins: a kind is its module's name."""
    return sorted(name.replace("_", "-") for name in _plugin_modules())


def get_format(kind: str) -> Format:
    """The plugin for ``kind``; an unknown kind names the valid ones.

    Only the kind's own module is imported (a kind is its module's name): a list of
    one format never imports the others' parsers (lxml, ZIP and JSON readers, mappings),
    about a tenth of a ``replay`` or ``ingest`` process's imports.
    """
    plugin = base.REGISTRY.get(kind)
    if plugin is None and kind in format_kinds():
        importlib.import_module(f"{__name__}.{kind.replace('-', '_')}")
        plugin = base.REGISTRY.get(kind)
    if plugin is None:
        plugin = registry().get(kind)
    if plugin is None:
        valid = ", ".join([AUTO, *format_kinds()])
        raise ConfigError(f"unknown input format {kind!r}; valid formats: {valid}")
    return plugin()


def describe_content(head: bytes) -> str:
    """A short guess at what a file is, for error messages about unrecognised input."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not text:
        return "it is empty"
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:512]:
        return "it looks like an HTML page (an error page instead of the list?)"
    if text.startswith((b"{", b"[")):
        return "it is JSON of an unknown shape"
    if text.startswith(b"<"):
        return "it is XML of an unknown shape"
    return "its content matches no known format"


@functools.cache
def _import_detectable() -> None:
    """Import every plugin that auto-detection may pick (all but NEVER_DETECTED), once."""
    for name in _plugin_modules():
        if name.replace("_", "-") not in NEVER_DETECTED:
            importlib.import_module(f"{__name__}.{name}")


def detect_format(files: Sequence[SourceFile]) -> Format:
    """Recognise the format of a snapshot from its content (every registered format but
    those that need a mapping, NEVER_DETECTED, is asked)."""
    _import_detectable()
    candidates = [cls for cls in base.REGISTRY.values() if cls.kind not in NEVER_DETECTED]
    matches = [cls for cls in candidates if cls.sniff(files)]
    if len(matches) == 1:
        return matches[0]()
    names = ", ".join(f.name for f in files)
    if not matches:
        why = describe_content(files[0].head()) if files else "no files were given"
        raise FormatDetectionError(
            f"{names}: cannot recognise the input format ({why}); "
            f"pass --input-format with one of: {', '.join(format_kinds())}"
        )
    kinds = ", ".join(sorted(cls.kind for cls in matches))
    raise FormatDetectionError(
        f"{names}: the content matches several formats ({kinds}); choose one with --input-format"
    )


def resolve_format(kind: str, files: Sequence[SourceFile]) -> Format:
    return detect_format(files) if kind == AUTO else get_format(kind)


__all__ = [
    "AUTO",
    "NEVER_DETECTED",
    "REGISTRY",
    "Format",
    "detect_format",
    "format_kinds",
    "get_format",
    "registry",
    "resolve_format",
]
