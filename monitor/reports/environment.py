"""The one Jinja environment every report and message is rendered through.

StrictUndefined turns a template typo into an error instead of an empty
string; HTML templates are autoescaped, so values from the data (entity names
included) are always shown as text and never interpreted. In text templates
(plain text, Markdown, email bodies) a value's control characters (BEL, ESC, a
line break inside a name) and bidirectional controls (U+202E right-to-left
override...) are shown escaped (``\\x07``, ``\\u202e``), so a terminal never
acts on them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    pass_eval_context,
    select_autoescape,
)
from jinja2.nodes import EvalContext
from markupsafe import Markup

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

# C0 and C1 control characters, and the marks, embeddings, overrides and isolates of
# bidirectional text, plus the Unicode line and paragraph separators.
_UNSHOWABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def _escape_char(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


@pass_eval_context
def shown(context: EvalContext, value: Any) -> Any:
    """A value as a text template prints it: control characters escaped (``\\x07``).

    Markup templates escape values their own way (and may hold line breaks on purpose).
    """
    if isinstance(value, str) and not isinstance(value, Markup) and not context.autoescape:
        return _UNSHOWABLE.sub(_escape_char, value)
    return value


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
        finalize=shown,
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
