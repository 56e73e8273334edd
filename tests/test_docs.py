"""The README documents what the tool has, and nothing it does not (after sqlite-utils' test_docs).

Every command is in the CLI reference table and shows an example in its --help;
every configuration key of the pydantic models is in the README, and every key
the configuration reference names exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from pydantic import BaseModel

from monitor.cli import _load_commands, cli
from monitor.config import Config

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def _commands() -> Iterator[tuple[str, click.Command]]:
    _load_commands()

    def walk(prefix: str, group: click.Group) -> Iterator[tuple[str, click.Command]]:
        for name, command in sorted(group.commands.items()):
            path = f"{prefix} {name}".strip()
            if isinstance(command, click.Group):
                yield from walk(path, command)
            else:
                yield path, command

    yield from walk("", cli)


COMMANDS = dict(_commands())
CLI_TABLE = _section("CLI reference")
TABLE_COMMANDS = {
    match.group(1)
    for cell in re.findall(r"^\| (.+?) \|", CLI_TABLE, re.M)
    for match in re.finditer(r"`([a-z][a-z-]*(?: [a-z][a-z-]*)?)", cell)
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_cli_table_and_has_an_example(name: str) -> None:
    assert name in TABLE_COMMANDS, f"{name!r} is missing from the README's CLI reference"
    help_text = COMMANDS[name].help or ""
    assert "Example:" in help_text, f"{name!r} --help has no example"
    runs_it = rf"watchlist-monitor (?:--?[a-z-]+ \S+ )*{name}\b"
    assert re.search(runs_it, help_text), f"{name!r}'s example does not run it"


def test_every_command_in_the_cli_table_exists() -> None:
    known = set(COMMANDS) | {n.split()[0] for n in COMMANDS}
    extra = {n for n in TABLE_COMMANDS if n not in known and n.split()[0] not in known}
    assert not extra, f"the README names commands that do not exist: {sorted(extra)}"


def _fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every key path of a configuration model: 'lists[].expect.min_records'."""
    for name, field in model.model_fields.items():
        path = f"{prefix}{field.alias or name}"
        yield path
        for inner in _models(field.annotation):
            many = _is_sequence(field.annotation)
            yield from _fields(inner, f"{path}[]." if many else f"{path}.")


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in getattr(annotation, "__args__", ()) or ():
        yield from _models(argument)


def _is_sequence(annotation: Any) -> bool:
    origin = getattr(annotation, "__origin__", None)
    if origin in (list, tuple):
        return True
    return any(_is_sequence(a) for a in getattr(annotation, "__args__", ()) or ())


# Set by load_config (where the file was found, where the data lives), not keys to write.
INTERNAL = {"source_path", "found_by", "places"}
CONFIG_KEYS = sorted(set(_fields(Config)) - INTERNAL)
DOCUMENTED = set(re.findall(r"`([a-z_]+(?:\[\])?(?:\.[a-z_]+(?:\[\])?)*)`", README))


@pytest.mark.parametrize("key", CONFIG_KEYS)
def test_every_configuration_key_is_documented(key: str) -> None:
    leaf = key.rsplit(".", 1)[-1].removesuffix("[]")
    assert key in DOCUMENTED or leaf in DOCUMENTED or f"{leaf}:" in README, (
        f"configuration key {key!r} is not described in the README"
    )


def test_every_key_in_the_configuration_reference_exists() -> None:
    table = _section("Configuration reference")
    named = set(re.findall(r"^\| `([a-z_\[\]\.]+)`", table, re.M))
    named |= {
        key
        for row in re.findall(r"^\| (`[^|]+)\|", table, re.M)
        for key in re.findall(r"`([a-z_\[\]\.]+)`", row)
    }
    leaves = {k.rsplit(".", 1)[-1].removesuffix("[]") for k in CONFIG_KEYS}
    unknown = sorted(
        key for key in named if key not in CONFIG_KEYS and key.rsplit(".", 1)[-1] not in leaves
    )
    assert not unknown, f"the configuration reference names keys that do not exist: {unknown}"
