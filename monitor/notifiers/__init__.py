"""Notifier plugins: every module in this package is imported and its class registered.

A kind is its module's name (a test holds every plugin to that), so the
configuration imports only the kinds it uses, and commands that never send
import no mail or HTTP client at all.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from pydantic import ValidationError

from monitor.errors import DeliveryError
from monitor.notifiers import base
from monitor.notifiers.base import Message, Notifier, NotifierSettings


def notifier_kinds() -> list[str]:
    """The notifier kinds, without importing them: a kind is its module's name."""
    return sorted(
        m.name
        for m in pkgutil.iter_modules(__path__)
        if not m.name.startswith("_") and m.name != "base"
    )


def _plugin(kind: str) -> type[Notifier] | None:
    """The class of one kind, importing its module the first time."""
    if kind not in base.REGISTRY and kind in notifier_kinds():
        importlib.import_module(f"{__name__}.{kind}")
    return base.REGISTRY.get(kind)


def registry() -> dict[str, type[Notifier]]:
    """Every notifier kind, importing them all."""
    for kind in notifier_kinds():
        _plugin(kind)
    return base.REGISTRY


def __getattr__(name: str) -> Any:
    """``from monitor.notifiers import REGISTRY`` gets the registry with every kind in it."""
    if name == "REGISTRY":
        return registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def notifier_settings(kind: Any, channel: str, values: dict[str, Any]) -> NotifierSettings:
    """Validate one notifier's settings with its kind's model; errors are one sentence.

    Raises ValueError (pydantic turns it into a configuration error). Values
    are never echoed back: a password or a webhook URL may be among them.
    """
    if not isinstance(kind, str) or _plugin(kind) is None:
        raise ValueError(
            f"notifier {channel!r} has unknown kind {kind!r}; valid kinds: "
            + ", ".join(notifier_kinds())
        )
    model = base.REGISTRY[kind].settings_model
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        # A misspelt key also makes a required one missing: name the misspelling.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        error = errors[0]
        field = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            valid = ", ".join(sorted(model.model_fields))
            raise ValueError(
                f"notifier {channel!r} ({kind}): {field!r} is not a known setting; "
                f"valid settings: {valid}"
            ) from None
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ValueError(f"notifier {channel!r} ({kind}): {field}: {message}") from None


def build_notifier(kind: str, channel: str, settings: NotifierSettings) -> Notifier:
    plugin = _plugin(kind)
    if plugin is None:
        raise ValueError(f"notifier {channel!r} has unknown kind {kind!r}")
    return plugin(channel, settings)


__all__ = [
    "REGISTRY",
    "DeliveryError",
    "Message",
    "Notifier",
    "NotifierSettings",
    "build_notifier",
    "notifier_kinds",
    "notifier_settings",
    "registry",
]
