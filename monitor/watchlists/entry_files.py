"""Reading a watchlist's entries file: a CSV or YAML file the user maintains.

CSV columns: name, aliases (;-separated), country, identifiers (;-separated),
note, and optionally id (a stable key when names get edited). YAML: a list of
mappings with the same keys, or of plain names. A bad row is reported with its
file and line, because the user fixes it in that file.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from monitor.watchlists.entry import ENTRY_FIELDS, WatchEntry, describe_entry_error

COLUMNS = ENTRY_FIELDS


def read_entries(path: Path) -> tuple[WatchEntry, ...]:
    """The entries of a .csv, .yml or .yaml file (a relative path is read from the working
    folder, like the archive)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".yml", ".yaml"):
        raise ValueError(f"{path}: watch entries are read from a .csv, .yml or .yaml file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the watch entries ({exc.strerror})") from None
    if suffix == ".csv":
        return _from_csv(path, text)
    return _from_yaml(path, text)


def _entry(data: Any, where: str) -> WatchEntry:
    try:
        return WatchEntry.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{where}: {describe_entry_error(exc)}") from None


def _from_csv(path: Path, text: str) -> tuple[WatchEntry, ...]:
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in reader.fieldnames or ()]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown or "name" not in header:
        raise ValueError(
            f"{path}, line 1: the header must name the columns {', '.join(COLUMNS)} "
            f"(name is required){'; unknown: ' + ', '.join(unknown) if unknown else ''}"
        )
    reader.fieldnames = header
    entries = []
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(values.values()):
            continue
        entries.append(_entry(values, f"{path}, line {reader.line_num}"))
    return tuple(entries)


def _from_yaml(path: Path, text: str) -> tuple[WatchEntry, ...]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if isinstance(data, dict) and set(data) == {"entries"}:
        data = data["entries"]
    if not isinstance(data, list):
        raise ValueError(f"{path}: write a list of entries (names, or mappings with a name)")
    return tuple(
        _entry({"name": item} if isinstance(item, str) else item, f"{path}, entry {n}")
        for n, item in enumerate(data, start=1)
    )
