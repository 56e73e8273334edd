"""POST each report as JSON to a URL: a generic payload, or one Slack understands."""

from __future__ import annotations

import json
import logging
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from monitor.errors import DeliveryError
from monitor.notifiers.base import Message, Notifier, NotifierSettings

SLACK_TEXT_LIMIT = 3500

# httpx logs every request's full URL at INFO; a hook's URL carries its token.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class WebhookSettings(NotifierSettings):
    """url (a secret: write it as ${ENV}), style slack|generic, timeout."""

    url: str
    style: Literal["slack", "generic"] = "generic"
    timeout: float = Field(default=30, gt=0)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s) URL")
        return value


class WebhookNotifier(Notifier):
    """POST each report as JSON to a web hook (generic, or Slack-compatible)."""

    kind = "webhook"
    settings_model = WebhookSettings

    @property
    def options(self) -> WebhookSettings:
        assert isinstance(self.settings, WebhookSettings)
        return self.settings

    @property
    def formats(self) -> tuple[str, ...]:
        return ("text",) if self.options.style == "slack" else ("text", "json")

    def secrets(self) -> tuple[str, ...]:
        """The whole URL: Slack and most hooks carry their token in it."""
        return (self.options.url,)

    def payload(self, message: Message) -> dict[str, Any]:
        text = message.parts["text"]
        if self.options.style == "slack":
            if len(text) > SLACK_TEXT_LIMIT:
                text = text[:SLACK_TEXT_LIMIT] + "\n[... report truncated]"
            return {"text": f"*{message.subject}*\n```\n{text}\n```"}
        return {
            "id": message.key,
            "list": message.list_id,
            "subject": message.subject,
            "report": json.loads(message.parts["json"]),
            "text": text,
        }

    def send(self, message: Message) -> None:
        """Any answer but 2xx is a failure; the same key goes with every retry."""
        import httpx  # imported when sending: it is slow to import, and most commands never send

        host = urlsplit(self.options.url).hostname or "?"
        try:
            response = httpx.post(
                self.options.url,
                json=self.payload(message),
                headers={"Idempotency-Key": message.key, "User-Agent": "watchlist-monitor"},
                timeout=self.options.timeout,
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(
                self.scrub(f"webhook {host}: {type(exc).__name__}: {exc}")
            ) from None
        if not 200 <= response.status_code < 300:
            raise DeliveryError(self.scrub(f"webhook {host}: answered HTTP {response.status_code}"))
