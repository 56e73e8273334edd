"""The one Jinja environment every report and message is rendered through.

StrictUndefined turns a template typo into an error instead of an empty
string; HTML templates are autoescaped, so values from the data (entity names
included) are always shown as text and never interpreted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    select_autoescape,
)

from monitor.errors import ConfigError

_PACKAGE = Path(__file__).resolve().parent.parent


def _builtin_templates() -> Path:
    """Where the shipped templates are: inside the installed package, or in the checkout.

    A wheel carries the top-level ``templates/`` folder as ``monitor/templates``
    (see pyproject.toml); an editable install or a plain checkout reads the folder
    itself, so an edit there shows at once.
    """
    installed = _PACKAGE / "templates"
    return installed if installed.is_dir() else _PACKAGE.parent / "templates"


BUILTIN_TEMPLATES = _builtin_templates()


def make_environment(override: Path | None = None) -> Environment:
    """Templates from the user's folder first, then the shipped ones; all checked now."""
    folders = [override] if override else []
    folders.append(BUILTIN_TEMPLATES)
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
        undefined=StrictUndefined,
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2", "htm.j2", "xml.j2", "atom.j2"),
            default=False,
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["join_or_dash"] = lambda values: ", ".join(values) if values else "-"
    _check_all(environment)
    return environment


def _check_all(environment: Environment) -> None:
    """A broken template fails at start-up, naming its file and line."""
    for name in environment.list_templates(extensions=["j2"]):
        try:
            environment.get_template(name)
        except TemplateSyntaxError as exc:
            raise ConfigError(
                f"template {exc.filename or name}, line {exc.lineno}: {exc.message}"
            ) from None


def render(environment: Environment, name: str, context: dict[str, Any]) -> str:
    try:
        return environment.get_template(name).render(**context)
    except TemplateError as exc:
        raise ConfigError(f"template {name}: {exc}") from None
