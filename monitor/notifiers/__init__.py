"""Notifier plugins: every module in this package is imported and its class registered."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from pydantic import ValidationError

from monitor.errors import DeliveryError
from monitor.notifiers.base import (
    REGISTRY,
    Message,
    Notifier,
    NotifierSettings,
)


def _load_plugins() -> None:
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_") and module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")


_load_plugins()


def notifier_kinds() -> list[str]:
    return sorted(REGISTRY)


def notifier_settings(kind: Any, channel: str, values: dict[str, Any]) -> NotifierSettings:
    """Validate one notifier's settings with its kind's model; errors are one sentence.

    Raises ValueError (pydantic turns it into a configuration error). Values
    are never echoed back: a password or a webhook URL may be among them.
    """
    if kind not in REGISTRY:
        raise ValueError(
            f"notifier {channel!r} has unknown kind {kind!r}; valid kinds: "
            + ", ".join(notifier_kinds())
        )
    model = REGISTRY[kind].settings_model
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
    return REGISTRY[kind](channel, settings)


__all__ = [
    "DeliveryError",
    "Message",
    "Notifier",
    "NotifierSettings",
    "build_notifier",
    "notifier_kinds",
    "notifier_settings",
]
