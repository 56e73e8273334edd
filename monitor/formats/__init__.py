"""Format plugins: every module in this package is imported and its classes registered."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence

from monitor.errors import ConfigError, FormatDetectionError
from monitor.files import SourceFile
from monitor.formats.base import REGISTRY, Format

AUTO = "auto"


def _load_plugins() -> None:
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


_load_plugins()


def format_kinds() -> list[str]:
    return sorted(REGISTRY)


def get_format(kind: str) -> Format:
    """The plugin for ``kind``; an unknown kind names the valid ones."""
    try:
        return REGISTRY[kind]()
    except KeyError:
        valid = ", ".join([AUTO, *format_kinds()])
        raise ConfigError(f"unknown input format {kind!r}; valid formats: {valid}") from None


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


def detect_format(files: Sequence[SourceFile]) -> Format:
    """Recognise the format of a snapshot from its content."""
    matches = [cls for cls in REGISTRY.values() if cls.sniff(files)]
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
    "REGISTRY",
    "Format",
    "detect_format",
    "format_kinds",
    "get_format",
    "resolve_format",
]
