"""Send each report through Apprise: Teams, Discord, Telegram, ntfy, PagerDuty, Mattermost..."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from pydantic import Field, field_validator

from monitor.errors import DeliveryError
from monitor.notifiers.base import Message, Notifier, NotifierSettings

# Apprise and the HTTP libraries under it log service URLs, which carry tokens, at
# debug and info level; their warnings are scrubbed while a report is sent (_Scrubbed),
# captured into the delivery's error, and kept out of our log (which has that error).
_APPRISE_LOG = logging.getLogger("apprise")
_APPRISE_LOG.setLevel(logging.WARNING)
_APPRISE_LOG.propagate = False
for _name in ("urllib3", "requests", "requests_oauthlib", "oauthlib"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class _Scrubbed(logging.Filter):
    """Rewrites each Apprise log record with the channel's secrets replaced by ***."""

    def __init__(self, scrub: Callable[[str], str]) -> None:
        super().__init__()
        self.scrub = scrub

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.scrub(record.getMessage())
        record.args = None
        return True


class AppriseSettings(NotifierSettings):
    """urls (Apprise URLs, secrets: write them as ${ENV}), format text|markdown|html, timeout."""

    urls: tuple[str, ...] = Field(min_length=1)
    format: Literal["text", "markdown", "html"] = "text"
    timeout: float = Field(default=60, gt=0)

    @field_validator("urls")
    @classmethod
    def _look_like_urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # Checked without importing apprise (start-up time); apprise itself refuses
        # an unknown service at the first send, and that failure is retried and shown.
        for number, url in enumerate(value, start=1):
            scheme, separator, rest = url.partition("://")
            if not separator or not scheme or not rest:
                raise ValueError(
                    f"URL number {number} is not an Apprise URL; write e.g. "
                    "'ntfy://ntfy.sh/my-topic' or 'msteams://${TEAMS_TOKEN}'"
                )
        return value


class AppriseNotifier(Notifier):
    """Send each report to any Apprise service (Teams, Discord, Telegram, ntfy, ...)."""

    kind = "apprise"
    settings_model = AppriseSettings

    @property
    def options(self) -> AppriseSettings:
        assert isinstance(self.settings, AppriseSettings)
        return self.settings

    @property
    def formats(self) -> tuple[str, ...]:
        return (self.options.format,)

    def secrets(self) -> tuple[str, ...]:
        """Every URL, and the parts Apprise may show of it in another scheme (the
        ``json://`` URL is logged as ``http://``): they carry the tokens and passwords."""
        found: list[str] = []
        for url in self.options.urls:
            rest = url.partition("://")[2]
            userinfo, _, location = rest.rpartition("@")
            path = location.partition("/")[2].partition("?")[0]
            found += [url, rest, rest.partition("?")[0], userinfo, path]
        return tuple(sorted({s for s in found if len(s) >= 4}, key=len, reverse=True))

    def send(self, message: Message) -> None:
        """Every URL of the channel must accept it; otherwise the whole report is retried."""
        import apprise  # imported when sending: it is slow to import, most commands never send

        scrubbed = _Scrubbed(self.scrub)
        _APPRISE_LOG.addFilter(scrubbed)
        try:
            with apprise.LogCapture(level=logging.WARNING) as captured:  # type: ignore[no-untyped-call]
                sender = apprise.Apprise()
                for number, url in enumerate(self.options.urls, start=1):
                    if not sender.add(url):
                        raise DeliveryError(
                            f"apprise {self.channel}: URL number {number} is not a service "
                            "Apprise knows (see https://github.com/caronc/apprise/wiki)"
                        )
                accepted = sender.notify(
                    body=message.parts[self.options.format],
                    title=message.subject,
                    body_format=self.options.format,
                    timeout=self.options.timeout,
                )
        finally:
            _APPRISE_LOG.removeFilter(scrubbed)
        if not accepted:
            detail = "; ".join(
                line.split(" - ", 2)[-1].strip()
                for line in captured.getvalue().splitlines()
                if line.strip()
            )
            raise DeliveryError(
                self.scrub(
                    f"apprise {self.channel}: not accepted" + (f": {detail}" if detail else "")
                )
            )
