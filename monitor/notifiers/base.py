"""The contract every notifier plugin follows, and the registry that finds them.

A notifier is one class in one file under ``monitor/notifiers/`` with a
``kind``, a one-line docstring and a settings model; defining the class
registers it, so adding a channel kind touches no other file. Channels
receive finished text (rendered once, stored in the outbox) and only carry
it; they raise :class:`DeliveryError` when the other side did not accept it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

REGISTRY: dict[str, type[Notifier]] = {}
REDACTED = "***"


class NotifierSettings(BaseModel):
    """Base of each kind's settings: frozen, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True, kw_only=True)
class Message:
    """One queued report for one channel, exactly as rendered when it was queued."""

    delivery_id: int
    list_id: str
    subject: str
    name: str
    parts: Mapping[str, str]
    created_at: datetime

    @property
    def key(self) -> str:
        """Stable across retries, so a receiver can drop a duplicate after a crash."""
        return f"watchlist-monitor-{self.delivery_id}-{self.created_at.strftime('%Y%m%dT%H%M%S')}"


class Notifier(ABC):
    """Base class of notifier plugins (the first docstring line is shown to users)."""

    kind: ClassVar[str] = ""
    settings_model: ClassVar[type[NotifierSettings]] = NotifierSettings

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            if cls.kind in REGISTRY:
                raise RuntimeError(f"two notifiers registered as {cls.kind!r}")
            REGISTRY[cls.kind] = cls

    def __init__(self, channel: str, settings: NotifierSettings) -> None:
        self.channel = channel
        self.settings = settings

    @classmethod
    def description(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0]

    @property
    @abstractmethod
    def formats(self) -> tuple[str, ...]:
        """The report formats this channel sends (rendered once when queued)."""

    @abstractmethod
    def send(self, message: Message) -> None:
        """Hand the message over; return only once the other side accepted it."""

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in an error, a log line or the database."""
        return ()

    def scrub(self, text: str) -> str:
        """``text`` with every secret of this channel replaced by ***."""
        for secret in self.secrets():
            if secret:
                text = text.replace(secret, REDACTED)
        return text
